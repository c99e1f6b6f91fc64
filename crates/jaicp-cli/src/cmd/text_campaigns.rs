//! `jaicp text-campaigns ...`: the Text campaign API (unified token).

use clap::{Args, Subcommand, ValueEnum};
use jaicp_text_campaigns::TextCampaigns;
use jaicp_text_campaigns::models::{CreateTextCampaignDto, TextCampaignSendEventCreateDto};

use crate::cli::Globals;
use crate::credentials::TokenArgs;
use crate::output::rows;
use crate::target::Target;

/// `jaicp text-campaigns`: the token source and the command.
#[derive(Debug, Args)]
pub struct TextCampaignsArgs {
    /// Token source.
    #[command(flatten)]
    pub token: TokenArgs,
    /// The command.
    #[command(subcommand)]
    pub command: TextCampaignCommand,
}

/// Text campaign commands.
#[derive(Debug, Subcommand)]
pub enum TextCampaignCommand {
    /// List the text campaigns of a project.
    List {
        /// Project short name.
        #[arg(long)]
        project: String,
    },
    /// Create a text campaign; prints it as JSON.
    Create {
        /// Project short name.
        #[arg(long)]
        project: String,
        /// Name.
        name: String,
    },
    /// Stop, resume or complete a campaign.
    Control {
        /// Project short name.
        #[arg(long)]
        project: String,
        /// Campaign id.
        id: i64,
        /// What to do.
        #[arg(value_enum)]
        action: CampaignAction,
    },
    /// Send an event to one client through a (dynamic) campaign; prints the sending id.
    SendEvent {
        /// Campaign name (created as a dynamic campaign when missing).
        #[arg(long)]
        campaign: String,
        /// Bot id of the channel.
        #[arg(long)]
        bot_id: String,
        /// Client id.
        #[arg(long)]
        client_id: String,
        /// Event name.
        #[arg(long)]
        event: String,
    },
}

/// Text campaign actions.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CampaignAction {
    /// Stop sending.
    Stop,
    /// Resume sending.
    Resume,
    /// Finish for good.
    Complete,
}

/// Runs a Text campaign command.
pub async fn run(args: TextCampaignsArgs, globals: &Globals) -> anyhow::Result<()> {
    let TextCampaignsArgs { token, command } = args;
    let out = globals.out();
    let target = Target::connect(globals).await?;
    let t = TextCampaigns::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    match command {
        TextCampaignCommand::List { project } => {
            let list = t.get_text_campaigns(project).send().await?;
            out.rows(
                &["id", "name", "status", "botId", "creationTime", "isDynamic"],
                rows(&list.text_campaigns)?,
            )
        }
        TextCampaignCommand::Create { project, name } => {
            let c = t
                .create_text_campaign(
                    project,
                    CreateTextCampaignDto {
                        name,
                        ..Default::default()
                    },
                )
                .send()
                .await?;
            out.value(&c)
        }
        TextCampaignCommand::Control {
            project,
            id,
            action,
        } => {
            let c = match action {
                CampaignAction::Stop => {
                    globals.confirm(&format!("Stop text campaign {id}?"))?;
                    t.stop_text_campaign(project, id).send().await?
                }
                CampaignAction::Resume => t.resume_text_campaign(project, id).send().await?,
                CampaignAction::Complete => {
                    globals.confirm(&format!(
                        "Complete text campaign {id} for good? It cannot be resumed."
                    ))?;
                    t.complete_text_campaign(project, id).send().await?
                }
            };
            out.value(&c)
        }
        TextCampaignCommand::SendEvent {
            campaign,
            bot_id,
            client_id,
            event,
        } => {
            let s = t
                .send_event(TextCampaignSendEventCreateDto {
                    text_campaign_name: campaign,
                    bot_id,
                    client_id,
                    event,
                    ..Default::default()
                })
                .send()
                .await?;
            out.line(&s.uuid.unwrap_or_default())
        }
    }
}
