//! `jaicp channel ...`: the Channel API (unified token).

use std::time::Duration;

use clap::{Args, Subcommand};
use jaicp_channel::Channels;
use jaicp_channel::models::{BotChannelCreateDto, ChannelType, DeployBotChannelDto};
use jaicp_core::async_task::TaskOptions;

use crate::cli::Globals;
use crate::credentials::TokenArgs;
use crate::output::{Format, print_json, print_rows, rows};
use crate::target::Target;

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
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
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
    /// Remove a channel.
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
        /// Wait until the deploy has finished (exit status 1 when it failed).
        #[arg(long)]
        wait: bool,
        /// Longest wait in seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
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
pub async fn run(args: ChannelArgs, _globals: &Globals) -> anyhow::Result<()> {
    let ChannelArgs { token, command } = args;
    let target = Target::connect().await?;
    let channels = Channels::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    match command {
        ChannelCommand::List { project_id, format } => {
            let list = channels.list(project_id).send().await?;
            let rows = rows(&list.items)?;
            print_rows(
                &mut std::io::stdout().lock(),
                format,
                CHANNEL_COLUMNS,
                &rows,
            )
        }
        ChannelCommand::Get { id } => print_json(&channels.get(id).send().await?),
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
            print_json(&channels.create(project_id, body).send().await?)
        }
        ChannelCommand::Delete { id } => {
            channels.delete(id).send().await?;
            eprintln!("deleted channel {id}");
            Ok(())
        }
        ChannelCommand::Deploy {
            project,
            bot_id,
            wait,
            timeout,
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
                println!("{}", task.request_id());
                eprintln!("deploy started; wait with the request id above");
                return Ok(());
            }
            eprintln!("deploy started (request {}); waiting...", task.request_id());
            let done = task
                .options(TaskOptions::default().timeout(Duration::from_secs(timeout)))
                .wait()
                .await?;
            print_json(&serde_json::json!({
                "requestId": done.request_id,
                "ok": true,
                "payload": done.payload,
            }))
        }
    }
}
