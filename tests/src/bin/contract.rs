//! Contract driver: runs every operation of one API through the SDK against `JAICP_HOST` (a Prism
//! proxy in front of the emulator, which rejects any request or response that breaks the official
//! document) and prints `<document> requests validated N/M, responses parsed N/M`.
//!
//! Usage: `jaicp-contract calls calls.yml`, `jaicp-contract nlp direct.yml` (exit status 1 when
//! any operation fails).

use std::future::Future;
use std::pin::Pin;

use jaicp_calls::Calls;
use jaicp_calls::models::{
    CallAttemptDates, CallAttemptDatesWithPagination, CallJobDates, CallJobDatesWithPagination,
    CallJobParameters, CallNumbersAndCallJobIds, CampaignControlAction, PaginationRequest,
};
use jaicp_core::auth::Auth;
use jaicp_core::export::Method;
use jaicp_core::{CampaignToken, ChatApiToken, Client, Error, Host, ImputerToken, Timestamp};

/// The emulator's Chat API channel and Imputer tokens (`jaicp_emulator::DEFAULT_*`).
const EMULATOR_CHAT_TOKEN: &str = "emulator:0000000000000000000000000000000000c4a7e0";
const EMULATOR_IMPUTER_TOKEN: &str = "imputer1:0000000000000000000000000000000000c4a7e1";
const EMULATOR_PROMPTER_TOKEN: &str = "prompter:0000000000000000000000000000000000c4a7e3";
const EMULATOR_OPERATOR_KEY: &str = "emulator-operator-key-0000c4a7e2";

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
        "chat" => chat().await,
        "pushgate" => pushgate().await,
        "imputer" => imputer().await,
        "operator" => operator().await,
        "prompter" => prompter().await,
        "nlp" => nlp().await,
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
        .unwrap_or_else(|_| CampaignToken::new("1.1.emulator-demo-campaign").unwrap());
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

async fn chat() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let token = ChatApiToken::from_env()
        .unwrap_or_else(|_| ChatApiToken::new(EMULATOR_CHAT_TOKEN).unwrap());
    let chat = jaicp_chat::Chat::new(&client, &token);
    let user = format!("contract-{}", Timestamp::now().as_millis());
    let user = user.as_str();
    let mut out = Vec::new();
    out.push(
        run(
            "sendMessage",
            Box::pin(async {
                let body = jaicp_chat::models::ChatRequest {
                    client_id: user.to_owned(),
                    query: Some("hello".into()),
                    cid: Some("tab-1".into()),
                    data: Some(serde_json::json!({"plan": "pro"})),
                    ..Default::default()
                };
                chat.send_message(body).send().await.map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "sendMessageViaGet",
            Box::pin(async {
                chat.send_message_via_get(user)
                    .query("delivery")
                    .send()
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "sendMessageAsync",
            Box::pin(async {
                chat.send_async(user, jaicp_chat::Turn::event("parcelShipped"))
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    out.push(
        run(
            "pollEvents",
            Box::pin(async { chat.poll_events(user).ts(0).send().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "getClientHistory",
            Box::pin(async { chat.client_history(user).limit(10).send().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "saveClientState",
            Box::pin(async {
                chat.save_client_state(user, serde_json::json!({"theme": "dark"}))
                    .send()
                    .await
            }),
        )
        .await,
    );
    out.push(
        run(
            "loadClientState",
            Box::pin(async { chat.load_client_state(user).send().await.map(|_| ()) }),
        )
        .await,
    );
    Ok(out)
}

/// Makes a pushback through the emulator's admin endpoint (`JAICP_EMULATOR_URL`; not part of
/// the document, so not through the proxy) and fires it through the proxy.
async fn pushgate() -> Result<Vec<Outcome>, Error> {
    let host =
        std::env::var("JAICP_HOST").map_err(|_| Error::Config("JAICP_HOST is not set".into()))?;
    let emulator = std::env::var("JAICP_EMULATOR_URL")
        .map_err(|_| Error::Config("JAICP_EMULATOR_URL is not set".into()))?;
    let admin = Client::builder()
        .host(Host::custom(&emulator)?)
        .allow_insecure_loopback(true)
        .build()?
        .api(Auth::none());
    let made: serde_json::Value = admin
        .raw(Method::POST, "/_emulator/pushgate/pushbacks")
        .json(&serde_json::json!({"clientId": "contract-pushgate", "event": "parcelShipped"}))
        .send_json()
        .await?;
    let path = made["path"].as_str().unwrap_or_default().to_owned();
    let link = format!("{}{path}", host.trim_end_matches('/'));
    let builder = Client::builder().allow_insecure_loopback(true);
    let pushgate = jaicp_pushgate::Pushgate::from_link_with(builder, &link)?;
    let mut out = Vec::new();
    out.push(
        run(
            "firePushback",
            Box::pin(async { pushgate.fire().await.map(|_| ()) }),
        )
        .await,
    );
    out.push(
        run(
            "firePushbackWithData",
            Box::pin(async {
                pushgate
                    .fire_with(&serde_json::json!({"orderId": "A-17"}))
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    );
    Ok(out)
}

async fn imputer() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let token = ImputerToken::from_env()
        .unwrap_or_else(|_| ImputerToken::new(EMULATOR_IMPUTER_TOKEN).unwrap());
    let imputer = jaicp_imputer::Imputer::new(&client, &token);
    let replica = jaicp_imputer::Replica::new("greeting")
        .var("name", "Anna")
        .speed(1.2);
    Ok(vec![
        run(
            "generateAudio",
            Box::pin(async { imputer.synthesize(&replica).await.map(|_| ()) }),
        )
        .await,
    ])
}

/// Posts one event of each kind to the emulator's Operator API webhook address.
async fn operator() -> Result<Vec<Outcome>, Error> {
    let host =
        std::env::var("JAICP_HOST").map_err(|_| Error::Config("JAICP_HOST is not set".into()))?;
    let url = format!(
        "{}/chatadapter/chatapi/webhook/operatorapi/{EMULATOR_OPERATOR_KEY}",
        host.trim_end_matches('/')
    );
    let builder = Client::builder().allow_insecure_loopback(true);
    let desk = jaicp_operator::OperatorClient::from_webhook_url_with(builder, &url)?;
    let bob = jaicp_operator::models::Employee {
        employee_id: "7".into(),
        first_name: "Bob".into(),
        last_name: "Lee".into(),
        avatar_url: "https://cdn.example.com/bob.png".into(),
        ..Default::default()
    };
    Ok(vec![
        run(
            "postOperatorEvent",
            Box::pin(async {
                desk.send_text("contract-operator", &bob, "Hi").await?;
                desk.send_file(
                    "contract-operator",
                    &bob,
                    jaicp_operator::OperatorFile::new("https://cdn.example.com/a.pdf")
                        .name("a.pdf")
                        .size(2048)
                        .comment("The invoice"),
                )
                .await?;
                desk.close("contract-operator", &bob).await
            }),
        )
        .await,
    ])
}

async fn prompter() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let token = jaicp_core::PrompterToken::from_env()
        .unwrap_or_else(|_| jaicp_core::PrompterToken::new(EMULATOR_PROMPTER_TOKEN).unwrap());
    let prompter = jaicp_prompter::Prompter::new(&client, &token);
    Ok(vec![
        run(
            "getSuggestions",
            Box::pin(async {
                prompter
                    .suggest("desk-chat-1", "cust-1", "what are your prices?")
                    .await?;
                prompter
                    .suggest("desk-chat-1", "cust-1", "zebra")
                    .await
                    .map(|_| ())
            }),
        )
        .await,
    ])
}

/// Every operation of NLP Direct (`direct.yml`), on the emulator's default NLP project.
async fn nlp() -> Result<Vec<Outcome>, Error> {
    use jaicp_nlp::Nlp;
    use jaicp_nlp::models::{
        AnalyzeRequestData, CreateNamedEntityRecordData, DetectLanguageRequestData,
        ImportFileStrategy, InferenceMultipleRequestData, InferenceRequestData,
        InferenceRequestPhrasesAndSlots, IntentData, IntentsSearchCriteria, NamedEntityData,
        NamedEntityRecordData, NamedEntityRecordType, NamedEntityType, NamedEntityWithRecordsData,
        PhraseMarkupData, ProjectExportImportData, RecordsFileType, UpdateAllNamedEntityRecordData,
        UpdateNamedEntityRecordData,
    };
    use jaicp_nlp::multipart::FilePart;

    let client = Client::from_env()?;
    let key = jaicp_core::NlpKey::from_env()
        .unwrap_or_else(|_| jaicp_core::NlpKey::new("emulator-nlp-key").unwrap());
    // Prism matches paths without the document's server path (`/cailapub`); the contract script
    // gives Prism the emulator's `/cailapub` as its upstream and sets this to "".
    let prefix =
        std::env::var("JAICP_NLP_PREFIX").unwrap_or_else(|_| jaicp_nlp::DEFAULT_PREFIX.into());
    let nlp = Nlp::with_prefix(&client, &key, &prefix);
    let phrase = |t: &str| PhraseMarkupData {
        text: Some(t.into()),
        ..Default::default()
    };
    let record = |value: &str, rules: &[&str]| NamedEntityRecordData {
        r#type: NamedEntityRecordType::Synonyms,
        rule: rules.iter().map(|r| (*r).to_owned()).collect(),
        value: value.into(),
        ..Default::default()
    };
    let city = NamedEntityData {
        name: "city".into(),
        r#type: NamedEntityType::Dictionary,
        ..Default::default()
    };
    let data = ProjectExportImportData {
        intents: Some(vec![
            IntentData {
                path: Some("/Greeting".into()),
                answer: Some("Hello!".into()),
                phrases: Some(vec![phrase("hello"), phrase("good morning")]),
                patterns: Some(vec!["(hi|hey) *".into()]),
                ..Default::default()
            },
            IntentData {
                path: Some("/Booking".into()),
                phrases: Some(vec![phrase("book a table"), phrase("reserve a table")]),
                patterns: Some(vec!["* fly to @city *".into()]),
                ..Default::default()
            },
        ]),
        entities: Some(vec![NamedEntityWithRecordsData {
            entity: Some(city.clone()),
            records: Some(vec![
                record("Paris", &["paris"]),
                record("New York", &["new york", "nyc"]),
            ]),
        }]),
        enabled_system_entities: Some(vec!["duckling.number".into()]),
        ..Default::default()
    };
    let mut out = Vec::new();
    macro_rules! op {
        ($name:literal, $body:expr) => {
            out.push(run($name, Box::pin(async { $body.map(|_| ()) })).await)
        };
    }

    op!(
        "importProject",
        nlp.import_project(data.clone()).send().await
    );
    op!("exportProject", nlp.export_project().send().await);
    op!("trainNLU", nlp.train_nlu().incremental(false).send().await);
    op!(
        "getNLUStatus",
        async {
            nlp.nlu_status().send().await?;
            nlp.nlu_status().send().await
        }
        .await
    );
    op!(
        "simpleInference",
        nlp.simple_inference("hello").client_id("u-1").send().await
    );
    let infer = InferenceRequestData {
        phrase: Some(phrase("please book a table")),
        n_best: Some(2),
        ..Default::default()
    };
    op!("inference", nlp.inference(infer.clone()).send().await);
    op!(
        "inferenceMultiple",
        nlp.inference_multiple(InferenceMultipleRequestData {
            phrases: Some(vec![InferenceRequestPhrasesAndSlots {
                phrase: Some(phrase("hi there")),
                ..Default::default()
            }]),
            n_best: Some(1),
            ..Default::default()
        })
        .send()
        .await
    );
    op!(
        "analyze",
        nlp.analyze(AnalyzeRequestData {
            data: Some(infer.clone()),
            show_all: Some(true),
            ..Default::default()
        })
        .send()
        .await
    );
    op!("initialMarkup", nlp.markup("Hello, world").send().await);
    op!(
        "entitiesLookup",
        nlp.entities_lookup("fly to paris with 2 bags", true)
            .send()
            .await
    );
    op!("conform", nlp.conform("table", 3).send().await);
    op!(
        "inflect",
        nlp.inflect("table", vec!["plur".into()]).send().await
    );
    op!(
        "detectLanguage",
        nlp.detect_language(DetectLanguageRequestData {
            documents: Some(vec!["hello".into(), "привет".into()]),
        })
        .send()
        .await
    );

    // Intents.
    op!("listIntents", nlp.list_intents().send().await);
    let created = nlp
        .create_intent(IntentData {
            path: Some("/Farewell".into()),
            phrases: Some(vec![phrase("bye")]),
            ..Default::default()
        })
        .send()
        .await;
    let intent_id = created.as_ref().ok().and_then(|i| i.id).unwrap_or(0);
    out.push(Outcome {
        operation: "createIntent",
        result: created.map(|_| ()),
    });
    op!("getIntent", nlp.get_intent(intent_id).send().await);
    op!(
        "getIntentsByPaths",
        nlp.get_intents_by_paths()
            .paths(["/Farewell", "/Greeting"])
            .send()
            .await
    );
    op!(
        "searchIntents",
        nlp.search_intents(IntentsSearchCriteria {
            path: Some("fare".into()),
            ..Default::default()
        })
        .send()
        .await
    );
    op!(
        "recursiveUpdate",
        nlp.recursive_update(
            intent_id,
            IntentData {
                path: Some("/Goodbye".into()),
                phrases: Some(vec![phrase("bye"), phrase("see you")]),
                ..Default::default()
            }
        )
        .send()
        .await
    );
    op!(
        "exportIntents",
        async {
            let mut sink = Vec::new();
            nlp.export_intents()
                .send()
                .await?
                .write_to(&mut sink, Default::default())
                .await
        }
        .await
    );
    let file = serde_json::to_vec(&serde_json::json!([
        { "path": "/Imported", "phrases": [{ "text": "imported phrase" }] }
    ]))
    .unwrap_or_default();
    let (body, content_type) =
        FilePart::new("file", "intents.json", "application/json", file).encode();
    op!(
        "importIntents",
        nlp.import_intents(ImportFileStrategy::Merge, body, content_type)
            .send()
            .await
    );
    op!(
        "deleteIntents",
        nlp.delete_intents(vec![intent_id]).send().await
    );
    op!(
        "deleteMultipleByPaths",
        nlp.delete_multiple_by_paths(vec!["/Imported".into()])
            .send()
            .await
    );

    // Entities.
    op!(
        "listEntities",
        nlp.list_entities().with_records_count(true).send().await
    );
    let made = nlp
        .create_entity(NamedEntityData {
            name: "fruit".into(),
            r#type: NamedEntityType::Dictionary,
            ..Default::default()
        })
        .send()
        .await;
    let entity_id = made.as_ref().ok().and_then(|e| e.id).unwrap_or(0);
    out.push(Outcome {
        operation: "createEntity",
        result: made.map(|_| ()),
    });
    op!("getEntity", nlp.get_entity(entity_id).send().await);
    op!(
        "updateEntity",
        nlp.update_entity(
            entity_id,
            NamedEntityData {
                name: "fruit".into(),
                r#type: NamedEntityType::Dictionary,
                fuzzy_search: Some(true),
                ..Default::default()
            }
        )
        .send()
        .await
    );
    let rec = nlp
        .create_entity_record(
            entity_id,
            CreateNamedEntityRecordData {
                data: record("apple", &["apple", "apples"]),
                ..Default::default()
            },
        )
        .send()
        .await;
    let record_id = rec.as_ref().ok().and_then(|r| r.id).unwrap_or(0);
    out.push(Outcome {
        operation: "createEntityRecord",
        result: rec.map(|_| ()),
    });
    op!(
        "getEntityRecords",
        nlp.get_entity_records(entity_id)
            .page(0)
            .size(10)
            .send()
            .await
    );
    op!(
        "updateEntityRecord",
        nlp.update_entity_record(
            entity_id,
            record_id,
            UpdateNamedEntityRecordData {
                data: record("apple", &["apple", "green apple"]),
                ..Default::default()
            }
        )
        .send()
        .await
    );
    op!(
        "deleteRecords",
        nlp.delete_records(entity_id, vec![record_id]).send().await
    );
    op!(
        "updateAllEntityRecords",
        nlp.update_all_entity_records(
            entity_id,
            UpdateAllNamedEntityRecordData {
                data: vec![record("pear", &["pear"]), record("plum", &["plum"])],
                ..Default::default()
            }
        )
        .send()
        .await
    );
    let (body, content_type) = FilePart::new(
        "file",
        "records.csv",
        "text/csv",
        b"kiwi;kiwi;kiwis\n".to_vec(),
    )
    .encode();
    op!(
        "uploadRecords",
        nlp.upload_entity_records(entity_id, RecordsFileType::ZbCsv, body, content_type)
            .send()
            .await
    );
    op!(
        "getEntityByName",
        nlp.get_entity_by_name("fruit").send().await
    );
    op!(
        "getEntityRecordsByEntityName",
        nlp.get_entity_records_by_entity_name("fruit").send().await
    );
    let rec = nlp
        .create_entity_record_by_entity_name(
            "fruit",
            CreateNamedEntityRecordData {
                data: record("mango", &["mango"]),
                client_id: Some("client-7".into()),
            },
        )
        .send()
        .await;
    let record_id = rec.as_ref().ok().and_then(|r| r.id).unwrap_or(0);
    out.push(Outcome {
        operation: "createEntityRecordByEntityName",
        result: rec.map(|_| ()),
    });
    op!(
        "updateEntityRecordByEntityName",
        nlp.update_entity_record_by_entity_name(
            "fruit",
            record_id,
            UpdateNamedEntityRecordData {
                data: record("mango", &["mango", "mangoes"]),
                client_id: Some("client-7".into()),
            }
        )
        .send()
        .await
    );
    op!(
        "deleteRecordsByEntityName",
        nlp.delete_records_by_entity_name("fruit", vec![record_id])
            .client_id("client-7")
            .send()
            .await
    );
    op!(
        "updateAllEntityRecordsByEntityName",
        nlp.update_all_entity_records_by_entity_name(
            "fruit",
            UpdateAllNamedEntityRecordData {
                data: vec![record("fig", &["fig"])],
                ..Default::default()
            }
        )
        .send()
        .await
    );
    op!(
        "getEntitiesByNames",
        nlp.get_entities_by_names()
            .names(["fruit", "city"])
            .send()
            .await
    );
    op!(
        "deleteEntities",
        nlp.delete_entities(vec![entity_id]).send().await
    );
    op!(
        "deleteEntitiesByNames",
        nlp.delete_entities_by_names(vec!["no-such-entity".into()])
            .send()
            .await
    );

    // Speller.
    let (body, content_type) = FilePart::new(
        "file",
        "speller.tsv",
        "text/plain",
        b"dog\t-1\ncat\t1\n".to_vec(),
    )
    .encode();
    op!(
        "uploadSpellerDictionary",
        nlp.upload_speller_dictionary(body, content_type)
            .send()
            .await
    );
    op!(
        "getSpellerDictionary",
        nlp.speller_dictionary().send().await
    );
    Ok(out)
}
