//! Reporter against the emulator: filtered lazy streams over seeded and call-derived sessions,
//! labels with typed ids, report files that finish through the async events endpoint and stream
//! to a writer in chunks.

mod common;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::TryStreamExt;
use jaicp_core::download::DownloadOptions;
use jaicp_core::{Error, Timestamp, UnifiedToken};
use jaicp_emulator::{DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN};
use jaicp_reporter::ids::{QuestionId, SessionId};
use jaicp_reporter::models::{CreateReportDto, FileType, ReportSettings};
use jaicp_reporter::{Filters, Listing, Reporter};
use tokio::io::AsyncWrite;

fn reporter(emu: &jaicp_emulator::Emulator) -> Reporter {
    Reporter::new(
        &common::client(emu),
        &UnifiedToken::new(DEFAULT_UNIFIED_TOKEN).unwrap(),
    )
}

#[tokio::test]
async fn streams_every_seeded_session_lazily_page_by_page() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let all: Vec<_> = r
        .session_stream(Filters::new(), Listing::default().page_size(7))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 40);
    let ids: std::collections::BTreeSet<_> =
        all.iter().filter_map(|s| s.session_id.clone()).collect();
    assert_eq!(ids.len(), 40, "no duplicates across pages");
    // 40 sessions in pages of 7: 6 requests.
    assert_eq!(
        emu.state()
            .counters()
            .requests_for("getSessionDataByFilter"),
        6
    );

    let busy: Vec<_> = r
        .session_stream(
            Filters::new().message_count(Some(4), None),
            Listing::default().project(DEFAULT_PROJECT_SHORT_NAME),
        )
        .try_collect()
        .await
        .unwrap();
    assert!(!busy.is_empty() && busy.len() < 40);
    assert!(busy.iter().all(|s| s.question_count.unwrap_or(0) >= 4));
}

#[tokio::test]
async fn last_weeks_messages_in_a_time_window() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let now = Timestamp::now().as_millis();
    let from = Timestamp::from_millis(now - 3 * 86_400_000).unwrap();
    let msgs: Vec<_> = r
        .message_stream(
            Filters::new().message_time(Some(from), None),
            Listing::default(),
        )
        .try_collect()
        .await
        .unwrap();
    assert!(!msgs.is_empty());
    for m in &msgs {
        assert!(m.timestamp.unwrap().as_millis() >= from.as_millis());
    }
    let clients: Vec<_> = r
        .client_stream(Filters::new(), Listing::default())
        .try_collect()
        .await
        .unwrap();
    assert!(!clients.is_empty() && clients.len() <= 12);
}

#[tokio::test]
async fn bad_filters_fail_before_anything_is_sent() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let err = r
        .session_stream(
            Filters::new().message_count(Some(9), Some(1)),
            Listing::default(),
        )
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert_eq!(
        emu.state()
            .counters()
            .requests_for("getSessionDataByFilter"),
        0
    );
}

#[tokio::test]
async fn finished_call_jobs_become_sessions() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    calls
        .add_phones_batch(common::numbers(100, 3))
        .send()
        .await
        .unwrap();
    emu.state().advance_calls(emu.campaign_token()).unwrap();
    let r = reporter(&emu);
    let phone_sessions: Vec<_> = r
        .session_stream(
            Filters::new().channel_types(["RESTERISK"]),
            Listing::default(),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(phone_sessions.len(), 3);
    let first = SessionId::from(phone_sessions[0].session_id.clone().unwrap());
    let messages: Vec<_> = r
        .session_message_stream(&first, 10)
        .try_collect()
        .await
        .unwrap();
    assert!(!messages.is_empty(), "each attempt is a message");
}

#[tokio::test]
async fn labelling_a_session_and_filtering_by_the_label() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let label = r.new_session_label("Escalated", 2).await.unwrap();
    let session = SessionId::from("seed-session-3");
    r.label_session(&session, label).await.unwrap();
    let labelled: Vec<_> = r
        .session_stream(Filters::new().session_labels([label]), Listing::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(labelled.len(), 1);
    assert_eq!(labelled[0].session_id.as_deref(), Some("seed-session-3"));
    r.unlabel_session(&session, label).await.unwrap();

    let msg_label = r
        .new_message_label("Wrong answer", 1, "Quality")
        .await
        .unwrap();
    r.label_message(&QuestionId::from("seed-3-0"), msg_label)
        .await
        .unwrap();
    let err = r
        .label_message(&QuestionId::from("no-such-message"), msg_label)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
}

#[tokio::test]
async fn a_session_report_is_waited_for_and_downloaded_as_csv() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let file = r
        .create_session_report()
        .project_short_name(DEFAULT_PROJECT_SHORT_NAME)
        .body(CreateReportDto {
            filters: Some(
                Filters::new()
                    .message_count(Some(3), None)
                    .to_list()
                    .unwrap(),
            ),
            settings: Some(ReportSettings {
                file_type: FileType::Csv,
                delimiter: Some(";".into()),
                ..Default::default()
            }),
        })
        .wait()
        .await
        .unwrap();
    assert!(file.file_name.as_deref().unwrap().ends_with(".csv"));
    let mut out = Vec::new();
    let n = r
        .download_report(&file, &mut out, DownloadOptions::default())
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(n as usize, text.len());
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("sessionId;startTime;channelType;botId;clientId;messages")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len() as i64, file.rows.unwrap());
    assert!(
        rows.iter()
            .all(|l| l.rsplit(';').next().unwrap().parse::<u32>().unwrap() >= 3)
    );

    // The task is listed; a capped download fails without buffering the file.
    let tasks = r
        .get_not_deleted_report_generation_tasks()
        .send()
        .await
        .unwrap();
    assert_eq!(tasks.tasks.len(), 1);
    let err = r
        .download_report(
            &file,
            &mut Vec::new(),
            DownloadOptions::default().max_bytes(10),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 10, .. }));
}

/// A sink that counts writes and remembers the largest one.
#[derive(Default)]
struct Sink {
    bytes: u64,
    writes: u64,
    largest: usize,
}

impl AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.bytes += buf.len() as u64;
        self.writes += 1;
        self.largest = self.largest.max(buf.len());
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Guard for the streaming benchmark: a 64 MiB report goes to the sink in many small chunks,
/// never as one buffered body.
#[tokio::test]
async fn a_64_mib_report_streams_in_chunks() {
    const SIZE: u64 = 64 * 1024 * 1024;
    let emu = common::emulator().await;
    emu.state().set_next_report_size(SIZE);
    let r = reporter(&emu);
    let file = r.create_message_report().wait().await.unwrap();
    let mut sink = Sink::default();
    let mut progress_calls = 0u64;
    let mut last = 0u64;
    let mut progress = |done: u64, total: Option<u64>| {
        progress_calls += 1;
        assert!(done > last);
        last = done;
        assert_eq!(total, Some(SIZE));
    };
    let n = r
        .download_report(
            &file,
            &mut sink,
            DownloadOptions::default().progress(&mut progress),
        )
        .await
        .unwrap();
    assert_eq!(n, SIZE);
    assert_eq!(sink.bytes, SIZE);
    assert!(
        sink.writes >= 64,
        "written in chunks: {} writes",
        sink.writes
    );
    assert!(
        sink.largest <= 4 * 1024 * 1024,
        "largest write {} bytes",
        sink.largest
    );
    assert!(progress_calls >= 64);
}

#[tokio::test]
async fn the_legacy_reporter_serves_the_same_operations_under_the_token_path() {
    use jaicp_core::LegacyReporterToken;
    let emu = common::emulator().await;
    let client = common::client(&emu);
    let legacy = Reporter::legacy(
        &client,
        &LegacyReporterToken::new(jaicp_emulator::DEFAULT_LEGACY_REPORTER_TOKEN).unwrap(),
    );
    let sessions: Vec<_> = legacy
        .session_stream(Filters::new(), Listing::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 40);
    let file = legacy.create_session_report().wait().await.unwrap();
    assert!(file.rows.unwrap() > 0);

    let stranger = Reporter::legacy(
        &client,
        &LegacyReporterToken::new("legacy-CANARY-t0k3n").unwrap(),
    );
    let err = stranger.get_message_labels().send().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    let text = format!("{err} {err:?} {stranger:?}");
    assert!(
        text.contains("the reporter API refused the credential"),
        "{text}"
    );
    assert!(!text.contains("CANARY-t0k3n"), "{text}");
}

#[tokio::test]
async fn experiments_assign_stable_branches() {
    use jaicp_reporter::ids::ExperimentKey;
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let p = DEFAULT_PROJECT_SHORT_NAME;
    let bot = jaicp_emulator::DEFAULT_BOT_ID;
    let key = ExperimentKey::from("greeting-test");
    assert!(
        r.start_experiment(p, &key, &[]).await.is_err(),
        "no branches: refused before sending"
    );
    r.start_experiment(p, &key, &["short", "long"])
        .await
        .unwrap();
    let a = r
        .join_experiment(p, bot, &key, &SessionId::from("seed-session-1"))
        .await
        .unwrap();
    let again = r
        .join_experiment(p, bot, &key, &SessionId::from("seed-session-1"))
        .await
        .unwrap();
    let b = r
        .join_experiment(p, bot, &key, &SessionId::from("seed-session-2"))
        .await
        .unwrap();
    assert_eq!(a, again);
    assert_ne!(a, b, "sessions are spread over the branches");
    let counts = r
        .count_scenario_experiment_sessions(p)
        .send()
        .await
        .unwrap();
    assert_eq!(counts[0].count, Some(2));
    r.stop_experiment(p, &key).await.unwrap();
    let err = r
        .join_experiment(p, bot, &key, &SessionId::from("seed-session-3"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn an_xlsx_report_is_a_workbook() {
    let emu = common::emulator().await;
    let r = reporter(&emu);
    let file = r
        .create_message_report()
        .body(CreateReportDto {
            filters: None,
            settings: Some(ReportSettings {
                file_type: FileType::Xlsx,
                ..Default::default()
            }),
        })
        .wait()
        .await
        .unwrap();
    assert!(file.file_name.as_deref().unwrap().ends_with(".xlsx"));
    let mut out = Vec::new();
    r.download_report(&file, &mut out, DownloadOptions::default())
        .await
        .unwrap();
    assert_eq!(&out[..4], b"PK\x03\x04");
    assert!(String::from_utf8_lossy(&out).contains("xl/worksheets/sheet1.xml"));
}
