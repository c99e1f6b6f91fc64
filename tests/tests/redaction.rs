//! Redaction canary: a recognisable campaign token goes through every Calls operation and every
//! error path; it must appear in no `Debug`, `Display`, error or log line.

mod common;

use jaicp_calls::Calls;
use jaicp_calls::models::{
    CallAttemptDates, CallAttemptDatesWithPagination, CallJobDates, CallJobDatesWithPagination,
    CallJobParameters, CallNumbersAndCallJobIds, CampaignControlAction, PaginationRequest,
};
use jaicp_core::{CampaignToken, Timestamp};

const CANARY: &str = "31337.31337.CANARY-c4n4ry-t0k3n";

/// Runs every operation and returns everything that could be shown: results' Debug, errors'
/// Display and Debug.
async fn exercise(calls: &Calls) -> Vec<String> {
    let mut shown = Vec::new();
    let mut record = |label: &str, r: String| shown.push(format!("{label}: {r}"));
    macro_rules! run {
        ($label:expr, $fut:expr) => {
            match $fut.await {
                Ok(v) => record($label, format!("{v:?}")),
                Err(e) => record($label, format!("{e} | {e:?}")),
            }
        };
    }
    let job = CallJobParameters {
        phone: "79001234567".into(),
        ..Default::default()
    };
    let ids = CallNumbersAndCallJobIds {
        ids: Some(vec!["1".into()]),
        phones: None,
    };
    let page = PaginationRequest {
        page: Some(0),
        page_size: Some(10),
    };
    let from = Timestamp::from_millis(0);
    run!(
        "addPhones",
        calls.add_phones_batch(vec![job.clone()]).send()
    );
    run!(
        "addPhones dup",
        calls
            .add_phones_batch(vec![job.clone(), job.clone()])
            .send()
    );
    run!(
        "addPhoneGet",
        calls.crm_add_phone("79001234568".to_string()).send()
    );
    run!(
        "addPhonePost",
        calls.crm_add_phone_form("79001234569".to_string()).send()
    );
    run!(
        "addPhoneGetTest",
        calls.crm_add_phone_test("79001234570".to_string()).send()
    );
    run!("cancel", calls.cancel_call_jobs(ids.clone()).send());
    run!("jobReport", calls.call_job_report(ids.clone()).send());
    run!(
        "attemptReport",
        calls.call_attempt_report(ids.clone()).send()
    );
    run!(
        "jobReportByDate",
        calls
            .call_job_report_by_date(CallJobDatesWithPagination {
                filter: Some(CallJobDates {
                    created_at_from: from,
                    ..Default::default()
                }),
                pagination: Some(page.clone()),
            })
            .send()
    );
    run!(
        "attemptReportByDate",
        calls
            .call_attempt_report_by_date(CallAttemptDatesWithPagination {
                filter: Some(CallAttemptDates {
                    started_at_from: from,
                    ..Default::default()
                }),
                pagination: Some(page.clone()),
            })
            .send()
    );
    run!(
        "unfinished",
        calls.unfinished_call_jobs(page.clone()).send()
    );
    run!("campaign", calls.campaign().send());
    run!("status", calls.campaign_status().send());
    run!(
        "control",
        calls.control_campaign(CampaignControlAction::Pause).send()
    );
    run!("bulk", calls.add_phones(vec![job.clone()]).run());
    shown.push(format!("{calls:?}"));
    shown
}

#[tokio::test]
async fn the_canary_never_shows() {
    let captured = common::LogCapture::start();

    let emu = jaicp_emulator::Emulator::builder()
        .campaign("Canary", CANARY)
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = common::client(&emu);
    let token = CampaignToken::new(CANARY);
    // The success paths, with the canary as a valid token...
    let mut shown = exercise(&Calls::new(&client, &token)).await;
    // ...and every error path, with the canary as an unknown token.
    let stranger = CampaignToken::new(format!("{CANARY}-unknown"));
    let errors = exercise(&Calls::new(&client, &stranger)).await;
    assert!(
        errors
            .iter()
            .filter(|s| s.contains("invalid.token"))
            .count()
            >= 14,
        "{errors:#?}"
    );
    shown.extend(errors);
    shown.push(format!("{token:?} {client:?}"));

    let log = captured.text();
    assert!(log.contains("jaicp.request"), "operations are logged");
    for line in shown
        .iter()
        .chain(log.lines().map(str::to_owned).collect::<Vec<_>>().iter())
    {
        assert!(!line.contains(CANARY), "canary leaked: {line}");
        assert!(
            !line.contains("CANARY-c4n4ry"),
            "canary leaked in part: {line}"
        );
    }
}
