//! `jaicp project ...` and `jaicp channel ...` (Project and Channel APIs, unified token).

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use jaicp_channel::Channels;
use jaicp_channel::models::{BotChannelCreateDto, ChannelType, DeployBotChannelDto};
use jaicp_core::async_task::TaskOptions;
use jaicp_project::Projects;
use jaicp_project::models::{ProjectCreateDto, ProjectTemplateDto, ProjectUpdateDto};

use crate::cli::Format;
use crate::output::print_rows;
use crate::target::Target;

/// Where the unified token comes from.
#[derive(Debug, Args, Clone)]
pub struct TokenArgs {
    /// File holding the unified API token (default: $JAICP_TOKEN or $JAICP_TOKEN_FILE).
    #[arg(long, value_name = "PATH", global = true)]
    pub token_file: Option<PathBuf>,
}

/// Project API commands.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// List the account's projects.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Page (from 0).
        #[arg(long, default_value_t = 0)]
        page: i32,
        /// Page size.
        #[arg(long, default_value_t = 100)]
        size: i32,
    },
    /// Show one project (by numeric id or short name) as JSON.
    Get {
        /// Numeric id or short name.
        project: String,
    },
    /// Create a project; prints it as JSON.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Template name (e.g. `zb-echo-cailapub-template_ru`).
        #[arg(long)]
        template: Option<String>,
    },
    /// Rename a project or change its description.
    Update {
        /// Numeric id.
        id: i64,
        /// New name.
        #[arg(long)]
        name: String,
        /// New description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Copy a project under a new name.
    Clone {
        /// Numeric id of the source.
        id: i64,
        /// Name of the copy.
        #[arg(long)]
        name: String,
    },
    /// Delete a project.
    Delete {
        /// Numeric id.
        id: i64,
    },
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

const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "shortName",
    "name",
    "botChannelsType",
    "lastModificationTime",
];
const CHANNEL_COLUMNS: &[&str] = &[
    "id",
    "botId",
    "channelType",
    "channelName",
    "isAutoDeploy",
    "isBlocked",
];

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

fn rows<T: serde::Serialize>(items: &[T]) -> anyhow::Result<Vec<serde_json::Value>> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).map_err(Into::into))
        .collect()
}

/// Runs a Project command.
pub async fn run_project(command: ProjectCommand, token: TokenArgs) -> anyhow::Result<()> {
    let target = Target::connect().await?;
    let projects = Projects::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    match command {
        ProjectCommand::List { format, page, size } => {
            let list = projects.list().page(page).size(size).send().await?;
            let rows = rows(&list.projects)?;
            print_rows(
                &mut std::io::stdout().lock(),
                format,
                PROJECT_COLUMNS,
                &rows,
            )
        }
        ProjectCommand::Get { project } => {
            let p = match project.parse::<i64>() {
                Ok(id) => projects.get(id).send().await?,
                Err(_) => projects.get_by_short_name(project).send().await?,
            };
            print_json(&p)
        }
        ProjectCommand::Create {
            name,
            description,
            template,
        } => {
            let body = ProjectCreateDto {
                name,
                template: template.map(|name| ProjectTemplateDto { name: Some(name) }),
                ..Default::default()
            };
            if let Some(d) = description {
                let created = projects.create(body).send().await?;
                // The create body has no description; set it right after.
                let id = created.id.unwrap_or_default();
                let updated = projects
                    .update(
                        id,
                        ProjectUpdateDto {
                            name: created.name.clone().unwrap_or_default(),
                            description: Some(d),
                            ..Default::default()
                        },
                    )
                    .send()
                    .await?;
                return print_json(&updated);
            }
            print_json(&projects.create(body).send().await?)
        }
        ProjectCommand::Update {
            id,
            name,
            description,
        } => {
            let body = ProjectUpdateDto {
                name,
                description,
                ..Default::default()
            };
            print_json(&projects.update(id, body).send().await?)
        }
        ProjectCommand::Clone { id, name } => {
            print_json(&projects.clone_project(id, name).send().await?)
        }
        ProjectCommand::Delete { id } => {
            let gone = projects.delete(id).send().await?;
            eprintln!(
                "deleted project {} ({})",
                gone.id.unwrap_or(id),
                gone.short_name.unwrap_or_default()
            );
            Ok(())
        }
    }
}

/// Runs a Channel command.
pub async fn run_channel(command: ChannelCommand, token: TokenArgs) -> anyhow::Result<()> {
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
