//! Project and Channel APIs against the emulator: CRUD, deploys that finish through the async
//! events endpoint (success and failure), and auth errors that name the API and never the token.

mod common;

use std::sync::{Arc, Mutex};

use jaicp_channel::Channels;
use jaicp_channel::models::{
    BotChannelCreateDto, BotChannelUpdateDto, ChannelType, DeployBotChannelDto,
};
use jaicp_core::{Error, UnifiedToken};
use jaicp_emulator::{DEFAULT_BOT_ID, DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN};
use jaicp_project::Projects;
use jaicp_project::models::{ProjectCreateDto, ProjectUpdateDto};

const CANARY: &str = "unified-CANARY-c4n4ry-9f8e7d";

fn token() -> UnifiedToken {
    UnifiedToken::new(DEFAULT_UNIFIED_TOKEN).unwrap()
}

#[tokio::test]
async fn project_lifecycle() {
    let emu = common::emulator().await;
    let projects = Projects::new(&common::client(&emu), &token());
    let created = projects
        .create(ProjectCreateDto {
            name: "Support bot".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let id = created.id.unwrap();
    let short = created.short_name.clone().unwrap();
    assert!(short.starts_with("support-bot-"), "{short}");

    let listed = projects.list().send().await.unwrap();
    assert_eq!(listed.projects.len(), 2, "the seeded project and ours");
    assert_eq!(listed.paging.unwrap().total_count, Some(2));

    let renamed = projects
        .update(
            id,
            ProjectUpdateDto {
                name: "Support bot 2".into(),
                description: Some("renamed".into()),
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Support bot 2"));
    let by_short = projects.get_by_short_name(short).send().await.unwrap();
    assert_eq!(by_short.description.as_deref(), Some("renamed"));

    let copy = projects.clone_project(id, "Copy").send().await.unwrap();
    assert_ne!(copy.id, Some(id));
    projects.delete(id).send().await.unwrap();
    let err = projects.get(id).send().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn channel_crud_and_deploy_wait() {
    let emu = common::emulator().await;
    let channels = Channels::new(&common::client(&emu), &token());
    let created = channels
        .create(
            1,
            BotChannelCreateDto {
                channel_type: ChannelType::Telegram,
                channel_name: Some("tg".into()),
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap();
    let id = created.id.unwrap();
    assert_eq!(created.channel_type, Some(ChannelType::Telegram));
    assert_eq!(channels.list(1).send().await.unwrap().items.len(), 2);
    channels
        .update(
            id,
            BotChannelUpdateDto {
                access_token: "t".into(),
                channel_name: "tg2".into(),
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap();
    let bot_id = created.bot_id.unwrap();
    assert_eq!(
        channels
            .get_by_bot_id(bot_id.clone())
            .send()
            .await
            .unwrap()
            .channel_name
            .as_deref(),
        Some("tg2")
    );

    let done = channels
        .deploy(DeployBotChannelDto {
            project_short_name: DEFAULT_PROJECT_SHORT_NAME.into(),
            bot_id,
            ..Default::default()
        })
        .wait()
        .await
        .unwrap();
    assert_eq!(done.payload["status"], "OK");
    channels.delete(id).send().await.unwrap();
    assert_eq!(
        channels.get(id).send().await.unwrap_err().status(),
        Some(404)
    );
}

#[tokio::test]
async fn a_failed_deploy_is_a_typed_error() {
    let emu = common::emulator().await;
    emu.state()
        .fail_next_deploy("botadmin.deploy.tests_failed", "2 tests failed");
    let channels = Channels::new(&common::client(&emu), &token());
    let err = channels
        .deploy(DeployBotChannelDto {
            project_short_name: DEFAULT_PROJECT_SHORT_NAME.into(),
            bot_id: DEFAULT_BOT_ID.into(),
            ..Default::default()
        })
        .wait()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("botadmin.deploy.tests_failed"));
    match &err {
        Error::TaskFailed(e) => assert_eq!(e.message.as_deref(), Some("2 tests failed")),
        other => panic!("unexpected {other:?}"),
    }
    // The next deploy succeeds again.
    channels
        .deploy(DeployBotChannelDto {
            project_short_name: DEFAULT_PROJECT_SHORT_NAME.into(),
            bot_id: DEFAULT_BOT_ID.into(),
            ..Default::default()
        })
        .wait()
        .await
        .unwrap();
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_refused_unified_token_is_an_auth_error_naming_the_api_never_the_token() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = common::emulator().await;
    let client = common::client(&emu);
    let bad = UnifiedToken::new(CANARY).unwrap();
    let projects = Projects::new(&client, &bad);
    let channels = Channels::new(&client, &bad);
    let reporter = jaicp_reporter::Reporter::new(&client, &bad);
    let campaigns = jaicp_text_campaigns::TextCampaigns::new(&client, &bad);
    let mut shown = vec![format!(
        "{bad:?} {projects:?} {channels:?} {reporter:?} {campaigns:?}"
    )];
    let errors = vec![
        ("project", projects.list().send().await.unwrap_err()),
        ("channel", channels.list(1).send().await.unwrap_err()),
        (
            "channel",
            channels
                .deploy(DeployBotChannelDto {
                    project_short_name: DEFAULT_PROJECT_SHORT_NAME.into(),
                    bot_id: DEFAULT_BOT_ID.into(),
                    ..Default::default()
                })
                .wait()
                .await
                .unwrap_err(),
        ),
        (
            "reporter",
            reporter.get_message_labels().send().await.unwrap_err(),
        ),
        (
            "text-campaigns",
            campaigns
                .get_text_campaigns(DEFAULT_PROJECT_SHORT_NAME)
                .send()
                .await
                .unwrap_err(),
        ),
    ];
    for (api, err) in &errors {
        assert!(err.is_auth(), "{api}: {err:?}");
        assert_eq!(err.status(), Some(401));
        let text = err.to_string();
        assert!(
            text.contains(&format!("the {api} API refused the credential")),
            "{text}"
        );
        shown.push(format!("{err} | {err:?}"));
    }
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for line in shown.iter().map(String::as_str).chain(log.lines()) {
        assert!(!line.contains("CANARY-c4n4ry"), "canary leaked: {line}");
    }
}

/// The canary as a *valid* unified token through the success paths of every unified-token API:
/// it appears in no result, error or log line.
#[tokio::test]
async fn a_valid_unified_token_never_shows_on_success_paths() {
    use futures_util::TryStreamExt;

    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = common::emulator().await;
    emu.state().add_unified_token(CANARY);
    let client = common::client(&emu);
    let token = UnifiedToken::new(CANARY).unwrap();
    let projects = Projects::new(&client, &token);
    let channels = Channels::new(&client, &token);
    let reporter = jaicp_reporter::Reporter::new(&client, &token);
    let campaigns = jaicp_text_campaigns::TextCampaigns::new(&client, &token);
    let mut shown = Vec::new();
    shown.push(format!("{:?}", projects.list().send().await.unwrap()));
    shown.push(format!("{:?}", channels.list(1).send().await.unwrap()));
    let done = channels
        .deploy(DeployBotChannelDto {
            project_short_name: DEFAULT_PROJECT_SHORT_NAME.into(),
            bot_id: DEFAULT_BOT_ID.into(),
            ..Default::default()
        })
        .wait()
        .await
        .unwrap();
    shown.push(format!("{done:?}"));
    let sessions: Vec<_> = reporter
        .session_stream(
            jaicp_reporter::Filters::new(),
            jaicp_reporter::Listing::default(),
        )
        .try_collect()
        .await
        .unwrap();
    shown.push(format!("{sessions:?}"));
    let file = reporter.create_session_report().wait().await.unwrap();
    let mut csv = Vec::new();
    reporter
        .download_report(
            &file,
            &mut csv,
            jaicp_core::download::DownloadOptions::default(),
        )
        .await
        .unwrap();
    shown.push(String::from_utf8_lossy(&csv).into_owned());
    shown.push(format!(
        "{:?}",
        campaigns
            .get_text_campaigns(DEFAULT_PROJECT_SHORT_NAME)
            .send()
            .await
            .unwrap()
    ));
    shown.push(format!(
        "{projects:?} {channels:?} {reporter:?} {campaigns:?} {token:?}"
    ));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("jaicp.request"), "operations are logged");
    for line in shown.iter().map(String::as_str).chain(log.lines()) {
        assert!(!line.contains("CANARY-c4n4ry"), "canary leaked: {line}");
    }
}
