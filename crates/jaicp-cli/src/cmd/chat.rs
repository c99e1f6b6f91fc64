//! `jaicp chat`: an interactive session, one-shot sends and the events stream.

use std::io::Write;

use futures_util::StreamExt;
use jaicp::chat::models::{ChatResponse, Reply};
use jaicp::chat::{Chat, Turn};
use tokio::io::{AsyncBufReadExt, BufReader};

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::Globals;
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
        /// Print the whole answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print events of the client (one JSON object per line) as they arrive.
    Events {
        /// Stop after this many events.
        #[arg(long)]
        count: Option<usize>,
        /// Only events after this moment (epoch milliseconds).
        #[arg(long)]
        since: Option<i64>,
    },
}

/// Runs a Chat command.
pub async fn run(args: ChatArgs, _globals: &Globals) -> anyhow::Result<()> {
    let target = Target::connect().await?;
    let chat = Chat::new(
        &target.client,
        &target.chat_token(args.token_file.as_deref())?,
    );
    match args.command {
        None => interactive(&chat, &args.client_id).await,
        Some(ChatCommand::Send { text, event, json }) => {
            let turn = if event {
                Turn::event(text)
            } else {
                Turn::text(text)
            };
            let answer = chat.send(&args.client_id, turn).await?;
            let mut out = std::io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?;
            } else {
                write!(out, "{}", render(&answer))?;
            }
            Ok(())
        }
        Some(ChatCommand::Events { count, since }) => {
            let mut events = chat.events(args.client_id.clone());
            if let Some(ts) = since {
                events = events.since(ts);
            }
            let mut stream = events.stream();
            let mut seen = 0;
            while count.is_none_or(|c| seen < c) {
                let Some(event) = stream.next().await else {
                    break;
                };
                let mut out = std::io::stdout().lock();
                writeln!(out, "{}", serde_json::to_string(&event?.raw)?)?;
                out.flush()?;
                seen += 1;
            }
            Ok(())
        }
    }
}

/// Reads lines from stdin and sends each as a turn; `/event NAME` raises an event, `/quit` or
/// end of input ends the session.
async fn interactive(chat: &Chat, client_id: &str) -> anyhow::Result<()> {
    eprintln!("jaicp: chatting as `{client_id}`; type a message, `/event NAME`, or `/quit`");
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
        let answer = chat.send(client_id, turn).await?;
        let mut out = std::io::stdout().lock();
        write!(out, "{}", render(&answer))?;
        out.flush()?;
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
