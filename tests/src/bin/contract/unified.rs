//! Contract drivers of the unified-token APIs: Project, Channel, async events (and, in
//! `reporter.rs` / `text_campaigns.rs`, Reporter and Text campaigns).

use jaicp_channel::Channels;
use jaicp_channel::models::{
    BotChannelCreateDto, BotChannelUpdateDto, ChannelType, DeployBotChannelDto,
};
use jaicp_core::async_task::AsyncEvents;
use jaicp_core::{Client, Error, Timestamp, UnifiedToken};
use jaicp_project::Projects;
use jaicp_project::models::{ProjectCreateDto, ProjectUpdateDto};

use super::{Outcome, run};

pub(crate) const EMULATOR_TOKEN: &str = "emulator-unified-token";
pub(crate) const EMULATOR_PROJECT: &str = "demo-bot-1-emu";
pub(crate) const EMULATOR_BOT_ID: &str = "1-demo-bot-1-emu-1";

pub(crate) fn token() -> UnifiedToken {
    UnifiedToken::from_env().unwrap_or_else(|_| UnifiedToken::new(EMULATOR_TOKEN).unwrap())
}

/// Pushes the outcome of one operation.
macro_rules! op {
    ($out:ident, $name:literal, $body:expr) => {
        $out.push(run($name, Box::pin(async { $body.map(|_| ()) })).await)
    };
}
pub(crate) use op;

pub(crate) async fn project() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let projects = Projects::new(&client, &token());
    let mut out = Vec::new();
    let name = format!("Contract {}", Timestamp::now().as_millis());
    let created = projects
        .create(ProjectCreateDto {
            name: name.clone(),
            ..Default::default()
        })
        .send()
        .await;
    let id = created.as_ref().ok().and_then(|p| p.id).unwrap_or(1);
    let short = created
        .as_ref()
        .ok()
        .and_then(|p| p.short_name.clone())
        .unwrap_or_else(|| EMULATOR_PROJECT.into());
    out.push(Outcome {
        operation: "create",
        result: created.map(|_| ()),
    });
    op!(out, "getAll", projects.list().page(0).size(10).send().await);
    op!(out, "getById", projects.get(id).send().await);
    op!(
        out,
        "update",
        projects
            .update(
                id,
                ProjectUpdateDto {
                    name: format!("{name} (renamed)"),
                    description: Some("contract check".into()),
                    ..Default::default()
                },
            )
            .send()
            .await
    );
    op!(
        out,
        "getByProjectShortName",
        projects.get_by_short_name(short.clone()).send().await
    );
    let copy = projects
        .clone_project(id, format!("{name} copy"))
        .send()
        .await;
    let copy_id = copy.as_ref().ok().and_then(|p| p.id);
    out.push(Outcome {
        operation: "clone",
        result: copy.map(|_| ()),
    });
    op!(
        out,
        "delete",
        projects.delete(copy_id.unwrap_or(id)).send().await
    );
    Ok(out)
}

pub(crate) async fn channel() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let channels = Channels::new(&client, &token());
    let mut out = Vec::new();
    let project_id = 1;
    op!(out, "getAll", channels.list(project_id).send().await);
    let created = channels
        .create(
            project_id,
            BotChannelCreateDto {
                channel_type: ChannelType::ChatApi,
                channel_name: Some("contract".into()),
                is_auto_deploy: Some(false),
                ..Default::default()
            },
        )
        .send()
        .await;
    let id = created.as_ref().ok().and_then(|c| c.id).unwrap_or(1);
    let bot_id = created
        .as_ref()
        .ok()
        .and_then(|c| c.bot_id.clone())
        .unwrap_or_else(|| EMULATOR_BOT_ID.into());
    out.push(Outcome {
        operation: "create",
        result: created.map(|_| ()),
    });
    op!(out, "getById", channels.get(id).send().await);
    op!(
        out,
        "getByBotId",
        channels.get_by_bot_id(bot_id.clone()).send().await
    );
    op!(
        out,
        "update",
        channels
            .update(
                id,
                BotChannelUpdateDto {
                    access_token: "contract-channel-token".into(),
                    channel_name: "contract (renamed)".into(),
                    ..Default::default()
                },
            )
            .send()
            .await
    );
    op!(
        out,
        "deploy",
        channels
            .deploy(DeployBotChannelDto {
                project_short_name: EMULATOR_PROJECT.into(),
                bot_id: EMULATOR_BOT_ID.into(),
                ..Default::default()
            })
            .send()
            .await
    );
    op!(out, "delete", channels.delete(id).send().await);
    Ok(out)
}

pub(crate) async fn async_events() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let events = AsyncEvents::new(client.api(jaicp_core::auth::Auth::bearer(&token())));
    let mut out = Vec::new();
    // Without a request id: every finished task of the token (the channel check's deploy).
    op!(
        out,
        "getAsyncRequest",
        events.events().timeout(1).send().await
    );
    Ok(out)
}
