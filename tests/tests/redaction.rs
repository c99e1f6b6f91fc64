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
    let token = CampaignToken::new(CANARY).unwrap();
    // The success paths, with the canary as a valid token...
    let mut shown = exercise(&Calls::new(&client, &token)).await;
    // ...and every error path, with the canary as an unknown token.
    let stranger = CampaignToken::new(format!("{CANARY}-unknown")).unwrap();
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

const NLP_CANARY: &str = "nlp-CANARY-n1p-k3y-31337";

/// Every kind of NLP Direct request (query, body, multipart, download, by id, by name, training
/// wait, file export), returning what could be shown.
async fn exercise_nlp(nlp: &jaicp_nlp::Nlp) -> Vec<String> {
    use jaicp_nlp::models::{
        CreateNamedEntityRecordData, ImportFileStrategy, InferenceRequestData, IntentData,
        NamedEntityData, NamedEntityRecordData, NamedEntityType, PhraseMarkupData,
        ProjectExportImportData,
    };
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
    let data = ProjectExportImportData {
        intents: Some(vec![IntentData {
            path: Some("/Hello".into()),
            phrases: Some(vec![PhraseMarkupData {
                text: Some("hello".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }]),
        ..Default::default()
    };
    run!("import", nlp.import_project(data).send());
    run!("export", nlp.export_project().send());
    run!("train", nlp.train().poll(common::fast_poll()).wait());
    run!("status", nlp.nlu_status().send());
    run!(
        "simple",
        nlp.simple_inference("hello").client_id("c").send()
    );
    run!(
        "inference",
        nlp.inference(InferenceRequestData::default()).send()
    );
    run!("markup", nlp.markup("hello").send());
    run!("lookup", nlp.entities_lookup("hello", true).send());
    run!("conform", nlp.conform("word", 2).send());
    run!("intents", nlp.list_intents().send());
    run!("intent", nlp.intent(1));
    run!("no intent", nlp.intent(999));
    run!(
        "entity",
        nlp.create_entity(NamedEntityData {
            name: "e".into(),
            r#type: NamedEntityType::Dictionary,
            ..Default::default()
        })
        .send()
    );
    run!(
        "record by name",
        nlp.create_entity_record_by_entity_name(
            "e",
            CreateNamedEntityRecordData {
                data: NamedEntityRecordData {
                    rule: vec!["x".into()],
                    value: "x".into(),
                    ..Default::default()
                },
                client_id: None,
            },
        )
        .send()
    );
    run!("entity by name", nlp.get_entity_by_name("e").send());
    run!(
        "csv",
        nlp.upload_entity_records_csv(424242, b"a\n".to_vec())
    );
    run!(
        "import intents",
        nlp.import_intents_file(ImportFileStrategy::Merge, "i.json", b"[]".to_vec())
    );
    let mut sink = Vec::new();
    run!("export file", nlp.export_intents_to(&mut sink));
    run!("speller", nlp.upload_speller("dog\t-1\n"));
    run!("speller get", nlp.speller_dictionary().send());
    let file = std::env::temp_dir().join(format!("jaicp-canary-{}.json", std::process::id()));
    run!(
        "export to file",
        nlp.export_to_file(&file, &Default::default())
    );
    if let Ok(text) = std::fs::read_to_string(&file) {
        shown.push(text);
    }
    std::fs::remove_file(&file).ok();
    shown.push(format!("{nlp:?}"));
    shown
}

#[tokio::test]
async fn the_nlp_canary_never_shows() {
    let captured = common::LogCapture::start();

    let emu = jaicp_emulator::Emulator::builder()
        .nlp_project("Canary", NLP_CANARY)
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = common::client(&emu);
    let key = jaicp_core::NlpKey::new(NLP_CANARY).unwrap();
    let mut shown = exercise_nlp(&jaicp_nlp::Nlp::new(&client, &key)).await;
    assert!(
        shown
            .iter()
            .any(|s| s.starts_with("simple: ") && s.contains("/Hello")),
        "{shown:#?}"
    );
    let stranger = jaicp_core::NlpKey::new(format!("{NLP_CANARY}-unknown")).unwrap();
    let errors = exercise_nlp(&jaicp_nlp::Nlp::new(&client, &stranger)).await;
    assert!(
        errors.iter().filter(|s| s.contains("401")).count() >= 15,
        "{errors:#?}"
    );
    shown.extend(errors);
    shown.push(format!("{key:?}"));

    let log = captured.text();
    assert!(log.contains("jaicp.request"), "operations are logged");
    for line in shown
        .iter()
        .chain(log.lines().map(str::to_owned).collect::<Vec<_>>().iter())
    {
        assert!(!line.contains("CANARY-n1p"), "NLP key leaked: {line}");
    }
}
