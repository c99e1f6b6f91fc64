//! Contract driver: runs every operation of one API through the SDK against `JAICP_HOST` (a Prism
//! proxy in front of the emulator, which rejects any request or response that breaks the official
//! document) and prints `<document> requests validated N/M, responses parsed N/M`.
//!
//! Usage: `jaicp-contract calls calls.yml` (exit status 1 when any operation fails).

use std::future::Future;
use std::pin::Pin;

use jaicp_calls::Calls;
use jaicp_calls::models::{
    CallAttemptDates, CallAttemptDatesWithPagination, CallJobDates, CallJobDatesWithPagination,
    CallJobParameters, CallNumbersAndCallJobIds, CampaignControlAction, PaginationRequest,
};
use jaicp_core::{CampaignToken, Client, Error, Timestamp};

#[path = "contract/reporter.rs"]
mod reporter;
#[path = "contract/text_campaigns.rs"]
mod text_campaigns;
#[path = "contract/unified.rs"]
mod unified;

pub(crate) type Check<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + 'a>>;

/// One operation's outcome.
pub(crate) struct Outcome {
    pub(crate) operation: &'static str,
    pub(crate) result: Result<(), Error>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (api, doc) = match (args.get(1), args.get(2)) {
        (Some(a), Some(d)) => (a.as_str(), d.as_str()),
        _ => {
            eprintln!("usage: jaicp-contract <api> <document>");
            return std::process::ExitCode::from(2);
        }
    };
    let outcomes = match api {
        "calls" => calls().await,
        "project" => unified::project().await,
        "channel" => unified::channel().await,
        "async" => unified::async_events().await,
        "reporter" => reporter::reporter().await,
        "text-campaigns" => text_campaigns::text_campaigns().await,
        other => {
            eprintln!("no contract driver for `{other}` yet");
            return std::process::ExitCode::from(2);
        }
    };
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => {
            eprintln!("setup failed: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let total = outcomes.len();
    // Prism answers 422 for a request that breaks the document and 500 for a response that does;
    // a failure to decode is a response the SDK could not parse.
    let request_rejected = |e: &Error| e.status() == Some(422);
    let validated = outcomes
        .iter()
        .filter(|o| !o.result.as_ref().is_err_and(request_rejected))
        .count();
    let parsed = outcomes.iter().filter(|o| o.result.is_ok()).count();
    for o in &outcomes {
        match &o.result {
            Ok(()) => println!("  ok    {}", o.operation),
            Err(e) => println!("  FAIL  {}: {e}", o.operation),
        }
    }
    println!("{doc} requests validated {validated}/{total}, responses parsed {parsed}/{total}");
    if parsed == total {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

pub(crate) async fn run(operation: &'static str, check: Check<'_>) -> Outcome {
    Outcome {
        operation,
        result: check.await,
    }
}

async fn calls() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let token = CampaignToken::from_env()
        .unwrap_or_else(|_| CampaignToken::new("1.1.emulator-demo-campaign"));
    let calls = Calls::new(&client, &token);
    let suffix = Timestamp::now().as_millis() % 1_000_000;
    let phone = |n: i64| format!("7900{:07}", suffix * 10 + n);
    let mut out = Vec::new();

    let jobs = vec![
        CallJobParameters {
            phone: phone(1),
            max_attempts: Some(2),
            ..Default::default()
        },
        CallJobParameters {
            phone: phone(2),
            gmt_zone: Some("+03:00".into()),
            ..Default::default()
        },
    ];
    let ids = calls.add_phones_batch(jobs).send().await;
    let first_id = ids.as_ref().ok().and_then(|ids| ids.first().cloned());
    out.push(Outcome {
        operation: "addPhones",
        result: ids.map(|_| ()),
    });
    out.push(
        run(
            "addPhoneGet",
            Box::pin(async {
                calls
                    .crm_add_phone(phone(3))
                    .payload("name", "Ann")
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "addPhonePost",
            Box::pin(async { calls.crm_add_phone_form(phone(4)).send().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "addPhoneGetTest",
            Box::pin(async { calls.crm_add_phone_test(phone(5)).send().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "getCallTask",
            Box::pin(async { calls.campaign().send().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "getCallTaskStatus",
            Box::pin(async { calls.campaign_status().send().await.map(|_| ()) }),
        )
        .await,
    );
    let ids_body = CallNumbersAndCallJobIds {
        ids: first_id.clone().map(|i| vec![i.to_string()]),
        phones: None,
    };
    out.push(
        run(
            "getCallJobReport",
            Box::pin(async {
                calls
                    .call_job_report(ids_body.clone())
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "getCallAttemptReport",
            Box::pin(async {
                calls
                    .call_attempt_report(ids_body.clone())
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    let page = PaginationRequest {
        page: Some(0),
        page_size: Some(50),
    };
    let from = Timestamp::from_millis(Timestamp::now().as_millis() - 86_400_000);
    out.push(
        run(
            "getCallJobReportByDate",
            Box::pin(async {
                let filter = CallJobDates {
                    created_at_from: from,
                    ..Default::default()
                };
                let body = CallJobDatesWithPagination {
                    filter: Some(filter),
                    pagination: Some(page.clone()),
                };
                calls.call_job_report_by_date(body).send().await.map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "getCallAttemptReportByDate",
            Box::pin(async {
                let filter = CallAttemptDates {
                    started_at_from: from,
                    ..Default::default()
                };
                let body = CallAttemptDatesWithPagination {
                    filter: Some(filter),
                    pagination: Some(page.clone()),
                };
                calls
                    .call_attempt_report_by_date(body)
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "getCallJobReportUnfinished",
            Box::pin(async {
                calls
                    .unfinished_call_jobs(page.clone())
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "cancelCallJob",
            Box::pin(async {
                calls
                    .cancel_call_jobs(ids_body.clone())
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "controlCampaign",
            Box::pin(async {
                calls
                    .control_campaign(CampaignControlAction::Pause)
                    .send()
                    .await?;
                calls
                    .control_campaign(CampaignControlAction::Resume)
                    .send()
                    .await
            }),
        )
        .await,
    );
    Ok(out)
}
