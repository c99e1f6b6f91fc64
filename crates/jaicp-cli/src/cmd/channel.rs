//! `jaicp channel ...`: the Channel API (unified token).

use std::time::Duration;

use clap::{Args, Subcommand};
use jaicp_channel::Channels;
use jaicp_channel::models::{BotChannelCreateDto, ChannelType, DeployBotChannelDto};
use jaicp_core::async_task::TaskOptions;

use crate::cli::Globals;
use crate::credentials::TokenArgs;
use crate::output::rows;
use crate::target::Target;

/// The default deadline of a Channel command: a deploy with `--wait` waits.
pub fn default_timeout(args: &ChannelArgs) -> Duration {
    match args.command {
        ChannelCommand::Deploy { wait: true, .. } => super::WAIT_DEADLINE,
        _ => super::REQUEST_DEADLINE,
    }
}

/// `jaicp channel`: the token source and the command.
#[derive(Debug, Args)]
pub struct ChannelArgs {
    /// Token source.
    #[command(flatten)]
    pub token: TokenArgs,
    /// The command.
    #[command(subcommand)]
    pub command: ChannelCommand,
}

/// Channel API commands.
#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// List the channels of a project.
    List {
        /// Numeric project id.
        #[arg(long)]
        project_id: i64,
    },
    /// Show one channel as JSON.
    Get {
        /// Numeric channel id.
        id: i64,
    },
    /// Add a channel to a project; prints it as JSON.
    Create {
        /// Numeric project id.
        #[arg(long)]
        project_id: i64,
        /// Channel type (`CHAT_API`, `TELEGRAM`, `CHAT_WIDGET`, ...).
        #[arg(long = "type", value_name = "TYPE")]
        channel_type: String,
        /// Channel name.
        #[arg(long)]
        name: Option<String>,
        /// Deploy on every change of the bot.
        #[arg(long)]
        auto_deploy: bool,
    },
    /// Remove a channel (asks first on a terminal; --yes skips the question).
    Delete {
        /// Numeric channel id.
        id: i64,
    },
    /// Deploy the bot to a channel.
    Deploy {
        /// Project short name.
        #[arg(long)]
        project: String,
        /// Bot id of the channel (string id, e.g. `4711-support-4711-AbC-901`).
        #[arg(long)]
        bot_id: String,
        /// Wait until the deploy has finished (exit status 1 when it failed); the wait ends at the
        /// command's deadline (--timeout, default 30m).
        #[arg(long)]
        wait: bool,
        /// Skip the bot's tests.
        #[arg(long)]
        skip_tests: bool,
        /// Deploy even when nothing changed.
        #[arg(long)]
        force: bool,
    },
}

const CHANNEL_COLUMNS: &[&str] = &[
    "id",
    "botId",
    "channelType",
    "channelName",
    "isAutoDeploy",
    "isBlocked",
];

/// Runs a Channel command.
pub async fn run(args: ChannelArgs, globals: &Globals) -> anyhow::Result<()> {
    let ChannelArgs { token, command } = args;
    let out = globals.out();
    let target = Target::connect(globals).await?;
    let channels = Channels::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    match command {
        ChannelCommand::List { project_id } => {
            let list = channels.list(project_id).send().await?;
            out.rows(CHANNEL_COLUMNS, rows(&list.items)?)
        }
        ChannelCommand::Get { id } => out.value(&channels.get(id).send().await?),
        ChannelCommand::Create {
            project_id,
            channel_type,
            name,
            auto_deploy,
        } => {
            let body = BotChannelCreateDto {
                channel_type: ChannelType::from(channel_type.to_ascii_uppercase().as_str()),
                channel_name: name,
                is_auto_deploy: Some(auto_deploy),
                ..Default::default()
            };
            out.value(&channels.create(project_id, body).send().await?)
        }
        ChannelCommand::Delete { id } => {
            globals.confirm(&format!("Delete channel {id}?"))?;
            channels.delete(id).send().await?;
            globals.note(&format!("deleted channel {id}"));
            Ok(())
        }
        ChannelCommand::Deploy {
            project,
            bot_id,
            wait,
            skip_tests,
            force,
        } => {
            let request = channels.deploy(DeployBotChannelDto {
                project_short_name: project,
                bot_id,
                skip_tests: Some(skip_tests),
                force_deploy: Some(force),
                ..Default::default()
            });
            let task = request.start().await?;
            if !wait {
                out.line(task.request_id())?;
                globals.note("deploy started; wait with the request id above");
                return Ok(());
            }
            globals.note(&format!(
                "deploy started (request {}); waiting...",
                task.request_id()
            ));
            // The command's deadline bounds the wait (it saturates, so it can always be added to
            // the current instant).
            let timeout = crate::duration::clamp(globals.timeout.unwrap_or(super::WAIT_DEADLINE));
            // A lost connection does not end the wait: the same request id is polled again.
            let options = TaskOptions::default().timeout(timeout);
            let done = crate::wait::through_failures(globals, "the deploy", || {
                task.clone().options(options.clone()).wait()
            })
            .await?;
            out.value(&serde_json::json!({
                "requestId": done.request_id,
                "ok": true,
                "payload": done.payload,
            }))
        }
    }
}
