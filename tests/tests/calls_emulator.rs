//! The Calls SDK end to end against the emulator.

mod common;

use futures_util::TryStreamExt;
use jaicp_calls::models::{
    CallJobDates, CallJobParameters, CallNumbersAndCallJobIds, CallTaskStatusType,
    CampaignControlAction, JobStatus,
};
use jaicp_calls::{CallsError, CallsErrorExt, RejectReason};
use jaicp_core::{CampaignToken, Error, Timestamp};

#[tokio::test]
async fn bulk_add_reports_every_number_once() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let mut items = common::numbers(1, 2500);
    items.push(CallJobParameters {
        phone: "+79000000005".into(),
        ..Default::default()
    }); // repeats #5
    items.push(CallJobParameters {
        phone: "12ab".into(),
        ..Default::default()
    });
    items.push(CallJobParameters {
        phone: "+79009999999".into(),
        dialer_priority: Some(9),
        ..Default::default()
    });
    let progress = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = progress.clone();
    let report = calls
        .add_phones(items)
        .chunk_size(1000)
        .concurrency(3)
        .on_progress(move |p| sink.lock().unwrap().push(p))
        .run()
        .await
        .unwrap();
    assert_eq!(report.created.len(), 2500);
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(report.duplicates[0].first_index, 4);
    assert_eq!(report.rejected.len(), 2);
    assert!(
        report
            .rejected
            .iter()
            .all(|r| matches!(r.reason, RejectReason::Invalid { .. }))
    );
    assert!(report.is_complete());
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(2500)
    );
    let last = *progress.lock().unwrap().last().unwrap();
    assert_eq!(
        (
            last.chunks_done,
            last.phones_done,
            last.phones_total,
            last.created
        ),
        (3, 2503, Some(2503), 2500)
    );
    assert_eq!(report.totals.input, 2503);
    assert_eq!(
        (
            report.totals.created,
            report.totals.duplicates,
            report.totals.rejected
        ),
        (2500, 1, 2)
    );
    let ids: std::collections::HashSet<_> =
        report.created.iter().map(|c| c.job_id.clone()).collect();
    assert_eq!(ids.len(), 2500, "every number got its own job");
}

#[tokio::test]
async fn rerunning_with_the_same_seed_creates_no_duplicate_jobs() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let first = calls
        .add_phones(common::numbers(1, 3000))
        .idempotency_seed("batch-42")
        .run()
        .await
        .unwrap();
    let jobs_after_first = emu.state().counters().jobs_created;
    // As if the first run died after two chunks: the rerun skips nothing and resends all three.
    let second = calls
        .add_phones(common::numbers(1, 3000))
        .idempotency_seed("batch-42")
        .run()
        .await
        .unwrap();
    assert_eq!(emu.state().counters().jobs_created, jobs_after_first);
    assert_eq!(emu.state().counters().idempotent_replays, 3);
    assert_eq!(
        first.created.iter().map(|c| &c.job_id).collect::<Vec<_>>(),
        second.created.iter().map(|c| &c.job_id).collect::<Vec<_>>(),
        "the replay answers the original job ids"
    );
    // A resumed run that skips finished chunks sends only the rest.
    let third = calls
        .add_phones(common::numbers(1, 3000))
        .idempotency_seed("batch-42")
        .skip_chunks([0, 1])
        .run()
        .await
        .unwrap();
    assert_eq!(third.skipped_chunks, vec![0, 1]);
    assert_eq!(third.created.len(), 1000);
    assert_eq!(emu.state().counters().jobs_created, jobs_after_first);
}

#[tokio::test]
async fn server_rejections_are_per_number_and_lose_nothing() {
    // Passes client validation (7–15 digits) but the emulator wants 10–15: the server rejects it,
    // and the rest of the chunk is resent without it.
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let mut items = common::numbers(1, 10);
    items.insert(
        3,
        CallJobParameters {
            phone: "1234567".into(),
            ..Default::default()
        },
    );
    let report = calls.add_phones(items).run().await.unwrap();
    assert_eq!(report.created.len(), 10);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].index, 3);
    assert!(matches!(
        report.rejected[0].reason,
        RejectReason::Server(CallsError::PhoneBadFormat { .. })
    ));
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(10)
    );
}

#[tokio::test]
async fn typed_errors_from_the_server() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let dup = vec![
        CallJobParameters {
            phone: "79001112233".into(),
            ..Default::default()
        },
        CallJobParameters {
            phone: "79001112233".into(),
            ..Default::default()
        },
    ];
    let err = calls.add_phones_batch(dup).send().await.unwrap_err();
    match err.calls_error() {
        Some(CallsError::PhoneDuplicated { duplicates, .. }) => {
            assert_eq!(duplicates, vec!["79001112233"])
        }
        other => panic!("expected PhoneDuplicated, got {other:?} from {err}"),
    }

    let wrong = jaicp_calls::Calls::new(
        &common::client(&emu),
        &CampaignToken::new("0.0.no-such-campaign").unwrap(),
    );
    let err = wrong.campaign().send().await.unwrap_err();
    assert_eq!(err.calls_error(), Some(CallsError::InvalidToken));
    assert!(err.is_auth());
    assert_eq!(err.status(), Some(404));

    calls
        .control_campaign(CampaignControlAction::Stop)
        .send()
        .await
        .unwrap();
    let err = calls
        .add_phones_batch(common::numbers(1, 1))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.calls_error(), Some(CallsError::CampaignState { .. })),
        "{err}"
    );
    // The bulk helper stops at a campaign-level error and reports what is pending.
    let report = calls
        .add_phones(common::numbers(1, 2500))
        .concurrency(1)
        .run()
        .await
        .unwrap();
    assert_eq!(report.created.len(), 0);
    assert_eq!(report.pending(), 2500);
}

#[tokio::test]
async fn client_side_validation_sends_nothing() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let before = emu.state().counters().requests_for("addPhones");
    let bad = CallJobParameters {
        phone: "79001112233".into(),
        max_attempts: Some(99),
        ..Default::default()
    };
    let err = calls.add_phones(vec![bad]).run().await.unwrap();
    assert_eq!(err.rejected.len(), 1);
    match &err.rejected[0].reason {
        RejectReason::Invalid { field, .. } => assert_eq!(field, "phones[0].maxAttempts"),
        other => panic!("{other:?}"),
    }
    assert_eq!(emu.state().counters().requests_for("addPhones"), before);
    let e = jaicp_calls::validate::validate_call_job(
        "x",
        &CallJobParameters {
            phone: "1".into(),
            ..Default::default()
        },
    );
    assert!(matches!(e, Err(Error::InvalidInput { .. })));
}

#[tokio::test]
async fn reports_and_control() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let report = calls
        .add_phones(common::numbers(1, 450))
        .run()
        .await
        .unwrap();
    assert_eq!(report.created.len(), 450);
    assert_eq!(
        calls.campaign_status().send().await.unwrap(),
        CallTaskStatusType::InProgress
    );
    let unfinished: Vec<_> = calls.unfinished_jobs().try_collect().await.unwrap();
    assert_eq!(unfinished.len(), 450, "three pages of 200, 200 and 50");

    emu.state().advance_calls(emu.campaign_token()).unwrap();
    let unfinished: Vec<_> = calls.unfinished_jobs().try_collect().await.unwrap();
    assert!(unfinished.is_empty());
    let filter = CallJobDates {
        created_at_from: Timestamp::from_millis(0),
        ..Default::default()
    };
    let jobs: Vec<_> = calls.call_job_reports(filter).try_collect().await.unwrap();
    assert_eq!(jobs.len(), 450);
    assert!(
        jobs.iter()
            .all(|j| j.job_status.is_some() && j.job_status != Some(JobStatus::Planned))
    );

    let one = calls
        .call_job_report(CallNumbersAndCallJobIds {
            phones: Some(vec!["+79000000001".into()]),
            ids: None,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(one.len(), 1);

    calls
        .control_campaign(CampaignControlAction::Pause)
        .send()
        .await
        .unwrap();
    assert_eq!(
        calls.campaign_status().send().await.unwrap(),
        CallTaskStatusType::Paused
    );
    let err = calls
        .control_campaign(CampaignControlAction::Pause)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    calls
        .control_campaign(CampaignControlAction::Resume)
        .send()
        .await
        .unwrap();
    assert_eq!(
        calls.campaign_status().send().await.unwrap(),
        CallTaskStatusType::InProgress
    );
}

#[tokio::test]
async fn crm_adds_honour_the_idempotence_key() {
    let emu = common::emulator().await;
    let calls = common::calls(&emu);
    let a = calls
        .crm_add_phone("79005550001".to_string())
        .idempotence_key("lead-7")
        .send()
        .await
        .unwrap();
    let b = calls
        .crm_add_phone("79005550001".to_string())
        .idempotence_key("lead-7")
        .send()
        .await
        .unwrap();
    assert_eq!(a, b);
    let err = calls
        .crm_add_phone("79005550001".to_string())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.calls_error(), Some(CallsError::PhoneDuplicated { .. })),
        "{err}"
    );
    let form = calls
        .crm_add_phone_form("79005550002".to_string())
        .payload("name", "Ann")
        .send()
        .await
        .unwrap();
    assert_ne!(form, a);
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(2)
    );
}

#[tokio::test]
async fn report_streams_list_past_the_40000_row_cap_without_repeats() {
    let emu = jaicp_emulator::Emulator::builder()
        .dial_interval(std::time::Duration::ZERO)
        .manual_clock(true)
        .start()
        .await
        .unwrap();
    let calls = common::calls(&emu);
    let started = emu.state().now();
    // 45 batches of 1,000, one emulated second apart: more rows than one query can list.
    for batch in 0..45u64 {
        let report = calls
            .add_phones(common::numbers(batch * 1000, 1000))
            .run()
            .await
            .unwrap();
        assert_eq!(report.created.len(), 1000);
        emu.state().advance_clock(std::time::Duration::from_secs(1));
    }
    let from = Timestamp::from_millis(started.as_millisecond()).unwrap();
    let to = Timestamp::from_millis(emu.state().now().as_millisecond() + 1).unwrap();
    let filter = CallJobDates {
        created_at_from: Some(from),
        created_at_to: Some(to),
        ..Default::default()
    };
    let rows: Vec<_> = calls.call_job_reports(filter).try_collect().await.unwrap();
    let ids: std::collections::HashSet<_> = rows
        .iter()
        .map(|r| r.call_job_id.clone().unwrap())
        .collect();
    assert_eq!(rows.len(), 45_000, "every row once");
    assert_eq!(ids.len(), 45_000);
}
