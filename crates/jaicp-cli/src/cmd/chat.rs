//! `jaicp chat`: an interactive session, one-shot sends and the events stream.

use std::time::Duration;

use futures_util::StreamExt;
use jaicp::chat::models::{ChatResponse, Reply};
use jaicp::chat::{Chat, Turn};
use tokio::io::{AsyncBufReadExt, BufReader};

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::Globals;
use crate::output::Format;
use crate::target::Target;

/// `jaicp chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The end user's id (default `cli-user`).
    #[arg(long, global = true, default_value = "cli-user")]
    pub client_id: String,
    /// File holding the channel token (default: $JAICP_CHAT_TOKEN; the emulator's bot when
    /// JAICP_HOST is unset).
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The subcommand; none starts an interactive session.
    #[command(subcommand)]
    pub command: Option<ChatCommand>,
}

/// Chat API commands.
#[derive(Debug, Subcommand)]
pub enum ChatCommand {
    /// Send one text (or with --event, one event) and print the bot's answer.
    Send {
        /// The text, or the event name with --event.
        text: String,
        /// Send an event instead of a text.
        #[arg(long)]
        event: bool,
    },
    /// Print events of the client (one JSON object per line) as they arrive, until --count
    /// events or the deadline (--timeout, default 30m). Reconnects show a status line on stderr;
    /// 5 failed polls in a row end the command with the cause.
    Events {
        /// Stop after this many events.
        #[arg(long)]
        count: Option<usize>,
        /// Only events after this moment (epoch milliseconds).
        #[arg(long)]
        since: Option<i64>,
    },
}

/// Failed polls in a row after which `chat events` gives up.
const MAX_EVENT_FAILURES: u32 = 5;

/// The default deadline: events wait; the interactive session has none (each turn has its own).
pub fn default_timeout(args: &ChatArgs) -> Option<Duration> {
    match args.command {
        None => None,
        Some(ChatCommand::Send { .. }) => Some(super::REQUEST_DEADLINE),
        Some(ChatCommand::Events { .. }) => Some(super::WAIT_DEADLINE),
    }
}

/// Runs a Chat command.
pub async fn run(args: ChatArgs, globals: &Globals) -> anyhow::Result<()> {
    let target = Target::connect(globals).await?;
    let out = globals.out();
    let chat = Chat::new(
        &target.client,
        &target.chat_token(args.token_file.as_deref())?,
    );
    match args.command {
        None => interactive(&chat, &args.client_id, globals).await,
        Some(ChatCommand::Send { text, event }) => {
            let turn = if event {
                Turn::event(text)
            } else {
                Turn::text(text)
            };
            let answer = chat.send(&args.client_id, turn).await?;
            if out.format.is_some() {
                return out.value(&answer);
            }
            out.line(render(&answer).trim_end_matches('\n'))
        }
        Some(ChatCommand::Events { count, since }) => {
            let status = globals.clone();
            let mut events = chat
                .events(args.client_id.clone())
                .max_failures(MAX_EVENT_FAILURES)
                .on_reconnect(move |failures, cause, delay| {
                    status.note(&format!(
                        "events: connection failed ({cause}); reconnecting in {:.1}s ({failures}/{MAX_EVENT_FAILURES})",
                        delay.as_secs_f64()
                    ));
                });
            if let Some(ts) = since {
                events = events.since(ts);
            }
            let mut stream = events.stream();
            let mut seen = 0;
            while count.is_none_or(|c| seen < c) {
                let Some(event) = stream.next().await else {
                    break;
                };
                let event = event
                    .map_err(|e| anyhow::Error::new(e).context("the events stream stopped"))?;
                crate::output::Output {
                    format: Some(out.format.unwrap_or(Format::Jsonl)),
                    ..out
                }
                .value(&event.raw)?;
                seen += 1;
            }
            Ok(())
        }
    }
}

/// Reads lines from stdin and sends each as a turn; `/event NAME` raises an event, `/quit` or
/// end of input ends the session.
async fn interactive(chat: &Chat, client_id: &str, globals: &Globals) -> anyhow::Result<()> {
    globals.note(&format!(
        "chatting as `{client_id}`; type a message, `/event NAME`, or `/quit`"
    ));
    let out = globals.out();
    let turn_deadline = globals.timeout.unwrap_or(super::REQUEST_DEADLINE);
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/quit" {
            break;
        }
        let turn = match line.strip_prefix("/event ") {
            Some(name) => Turn::event(name.trim()),
            None => Turn::text(line),
        };
        let answer = tokio::time::timeout(turn_deadline, chat.send(client_id, turn))
            .await
            .map_err(|_| crate::error::DeadlineExceeded(turn_deadline))??;
        out.line(render(&answer).trim_end_matches('\n'))?;
    }
    Ok(())
}

/// The bot's replies as text lines.
pub fn render(answer: &ChatResponse) -> String {
    let mut s = String::new();
    for reply in jaicp::chat::replies(answer) {
        match reply {
            Reply::Text(t) => s.push_str(&format!("bot: {}\n", t.text.as_deref().unwrap_or(""))),
            Reply::Buttons(b) => {
                let captions: Vec<String> = b
                    .buttons
                    .iter()
                    .map(|b| format!("[{}]", b.text.as_deref().unwrap_or("")))
                    .collect();
                s.push_str(&format!("     {}\n", captions.join(" ")));
            }
            other => match jaicp::chat::reply_text(other) {
                Some(text) => s.push_str(&format!("bot: {text}\n")),
                None => s.push_str(&format!("     ({} reply)\n", kind(other))),
            },
        }
    }
    if answer
        .data
        .as_ref()
        .is_some_and(|d| d.end_session == Some(true))
    {
        s.push_str("     (the bot closed the session)\n");
    }
    s
}

fn kind(reply: &Reply) -> String {
    serde_json::to_value(reply)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}
