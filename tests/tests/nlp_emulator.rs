//! The NLP Direct SDK end to end against the emulator: NLU data in git (export → edit → import →
//! train → infer), bad data refused without changes, client entities, and the emulator's
//! external NLU calling a `jaicp-model` service.

mod common;

use jaicp_core::Error;
use jaicp_model::models::{PredictRequestData, PredictResponseData, PredictedClassData};
use jaicp_model::{ModelError, ModelService, async_trait};
use jaicp_nlp::models::{
    CreateNamedEntityRecordData, IntentData, NamedEntityData, NamedEntityRecordData,
    NamedEntityRecordType, NamedEntityType, NamedEntityWithRecordsData, PhraseMarkupData,
    ProjectExportImportData, TrainingStatus,
};
use jaicp_nlp::{CanonicalOptions, ImportOptions, NlpError, NlpErrorExt};

fn phrase(t: &str) -> PhraseMarkupData {
    PhraseMarkupData {
        text: Some(t.into()),
        ..Default::default()
    }
}

fn intent(path: &str, phrases: &[&str], patterns: &[&str]) -> IntentData {
    IntentData {
        path: Some(path.into()),
        phrases: Some(phrases.iter().map(|p| phrase(p)).collect()),
        patterns: Some(patterns.iter().map(|p| (*p).to_owned()).collect()),
        ..Default::default()
    }
}

fn sample() -> ProjectExportImportData {
    ProjectExportImportData {
        intents: Some(vec![
            intent("/Greeting", &["hello", "good morning"], &["(hi|hey) *"]),
            intent(
                "/Booking",
                &["book a table", "reserve a table"],
                &["* fly to @city *"],
            ),
        ]),
        entities: Some(vec![NamedEntityWithRecordsData {
            entity: Some(NamedEntityData {
                name: "city".into(),
                r#type: NamedEntityType::Dictionary,
                ..Default::default()
            }),
            records: Some(vec![NamedEntityRecordData {
                r#type: NamedEntityRecordType::Synonyms,
                rule: vec!["paris".into()],
                value: "Paris".into(),
                ..Default::default()
            }]),
        }]),
        ..Default::default()
    }
}

async fn best(nlp: &jaicp_nlp::Nlp, text: &str) -> Option<String> {
    nlp.simple_inference(text)
        .send()
        .await
        .unwrap()
        .intent
        .and_then(|i| i.path)
}

#[tokio::test]
async fn export_edit_import_train_infer_round_trip() {
    let emu = common::emulator().await;
    let nlp = common::nlp(&emu);
    nlp.import_checked(sample(), &ImportOptions::default())
        .await
        .unwrap();
    let status = nlp.train().poll(common::fast_poll()).wait().await.unwrap();
    assert_eq!(status.training_status, Some(TrainingStatus::Ready));
    assert_eq!(best(&nlp, "hey you").await.as_deref(), Some("/Greeting"));
    assert_eq!(
        best(&nlp, "I want to fly to Paris").await.as_deref(),
        Some("/Booking")
    );
    assert_eq!(best(&nlp, "cheerio mate").await, None);

    // Export to a file twice: canonical output is byte-for-byte stable.
    let dir = std::env::temp_dir().join(format!("jaicp-nlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("nlu.json");
    nlp.export_to_file(&file, &CanonicalOptions::default())
        .await
        .unwrap();
    let first = std::fs::read(&file).unwrap();
    nlp.export_to_file(&file, &CanonicalOptions::default())
        .await
        .unwrap();
    assert_eq!(first, std::fs::read(&file).unwrap());
    let text = String::from_utf8(first).unwrap();
    assert!(text.find("\"/Booking\"").unwrap() < text.find("\"/Greeting\"").unwrap());
    assert!(
        !text.contains(jaicp_emulator::DEFAULT_NLP_KEY),
        "the key never lands in a file"
    );

    // Edit the file as a person would: a new intent.
    let mut data: ProjectExportImportData = serde_json::from_str(&text).unwrap();
    let intents = data.intents.as_ref().unwrap();
    assert!(
        intents.iter().all(|i| i.id.is_none()),
        "ids are stripped for git"
    );
    data.intents
        .as_mut()
        .unwrap()
        .push(intent("/Farewell", &["cheerio mate", "bye"], &[]));
    std::fs::write(&file, serde_json::to_vec_pretty(&data).unwrap()).unwrap();

    nlp.import_from_file(&file, &ImportOptions::default())
        .await
        .unwrap();
    // Before training the old model still answers.
    assert_eq!(best(&nlp, "cheerio mate").await, None);
    nlp.train().poll(common::fast_poll()).wait().await.unwrap();
    assert_eq!(
        best(&nlp, "cheerio mate").await.as_deref(),
        Some("/Farewell")
    );
    assert_eq!(
        emu.state()
            .nlp_intent_count(jaicp_emulator::DEFAULT_NLP_KEY),
        Some(3)
    );
    assert!(emu.state().counters().requests_for("getNLUStatus") >= 4);
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn bad_nlu_data_is_refused_and_nothing_changes() {
    let emu = common::emulator().await;
    let nlp = common::nlp(&emu);
    nlp.import_checked(sample(), &ImportOptions::default())
        .await
        .unwrap();
    let before = nlp
        .export_canonical(&CanonicalOptions::default())
        .await
        .unwrap();
    let imports = || emu.state().counters().requests_for("importProject");
    assert_eq!(imports(), 1);

    // Unknown intent id.
    let err = nlp.intent(987_654).await.unwrap_err();
    assert!(err.nlp_error() == Some(NlpError::UnknownIntent), "{err:?}");
    let err = nlp
        .update_intent(987_654, intent("/X", &["x"], &[]))
        .await
        .unwrap_err();
    assert!(err.nlp_error() == Some(NlpError::UnknownIntent), "{err:?}");

    // Malformed pattern: refused before sending.
    let mut bad = sample();
    bad.intents.as_mut().unwrap()[0].patterns = Some(vec!["(hi|hey *".into()]);
    let err = nlp
        .import_checked(bad.clone(), &ImportOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "intents[0].patterns[0]"),
        "{err:?}"
    );
    let err = nlp
        .create_intent_checked(intent("/Bad", &[], &["[unclosed"]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert_eq!(imports(), 1, "nothing was sent");

    // The emulator refuses it too when the check is bypassed.
    let err = nlp.import_project(bad).send().await.unwrap_err();
    assert_eq!(err.status(), Some(400));

    // Oversized import.
    let err = nlp
        .import_checked(sample(), &ImportOptions::default().max_bytes(64))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, reason } if field == "data" && reason.ends_with("limit of 64 bytes")),
        "{err:?}"
    );
    let file = std::env::temp_dir().join(format!("jaicp-nlp-big-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&sample()).unwrap()).unwrap();
    let err = nlp
        .import_from_file(&file, &ImportOptions::default().max_bytes(64))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, reason } if field == "data" && reason.ends_with("limit of 64 bytes")),
        "{err:?}"
    );
    std::fs::remove_file(&file).ok();

    // Unknown entity id.
    let err = nlp
        .upload_entity_records_csv(424_242, b"a;b\n".to_vec())
        .await
        .unwrap_err();
    assert!(err.nlp_error() == Some(NlpError::UnknownEntity), "{err:?}");

    let after = nlp
        .export_canonical(&CanonicalOptions::default())
        .await
        .unwrap();
    assert_eq!(before, after, "stored data unchanged");
}

#[tokio::test]
async fn client_entities_are_seen_only_by_their_client() {
    let emu = common::emulator().await;
    let nlp = common::nlp(&emu);
    nlp.import_checked(sample(), &ImportOptions::default())
        .await
        .unwrap();
    nlp.create_entity_record_by_entity_name(
        "city",
        CreateNamedEntityRecordData {
            data: NamedEntityRecordData {
                r#type: NamedEntityRecordType::Synonyms,
                rule: vec!["springfield".into()],
                value: "Springfield".into(),
                ..Default::default()
            },
            client_id: Some("user-1".into()),
        },
    )
    .send()
    .await
    .unwrap();
    let seen = |client: Option<&'static str>| {
        let nlp = nlp.clone();
        async move {
            let mut req = nlp.entities_lookup("to springfield and paris", false);
            if let Some(c) = client {
                req = req.client_id(c);
            }
            let found = req.send().await.unwrap();
            found
                .entities
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.value)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(seen(Some("user-1")).await, vec!["Springfield", "Paris"]);
    assert_eq!(seen(None).await, vec!["Paris"]);
    assert_eq!(seen(Some("user-2")).await, vec!["Paris"]);
    let own = nlp
        .get_entity_records_by_entity_name("city")
        .client_id("user-1")
        .send()
        .await
        .unwrap();
    assert_eq!(own.records.len(), 1);
}

/// A Model API service for the external NLU test: everything with "pizza" is `/Order/Pizza`.
struct PizzaService;

#[async_trait]
impl ModelService for PizzaService {
    async fn predict(
        &self,
        classifier: &str,
        _model: &str,
        request: PredictRequestData,
    ) -> Result<PredictResponseData, ModelError> {
        if classifier != "default" {
            return Err(ModelError::not_found(
                "WrongClassifier",
                "no such classifier",
            ));
        }
        let result = request
            .data
            .unwrap_or_default()
            .iter()
            .map(|item| {
                let pizza = item.text.as_deref().unwrap_or("").contains("pizza");
                vec![PredictedClassData {
                    class: Some(if pizza { "/Order/Pizza" } else { "/Other" }.into()),
                    score: Some(if pizza { 0.93 } else { 0.2 }),
                }]
            })
            .collect();
        Ok(PredictResponseData {
            result: Some(result),
        })
    }
}

async fn model_service(login: &str, password: &str) -> String {
    let app = jaicp_model::server::router(
        PizzaService,
        jaicp_model::server::ServerOptions::default().basic_auth(login, password),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.ok();
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_emulator_asks_an_external_model_api_service() {
    let url = model_service("jaicp", "s3cret").await;
    let emu = jaicp_emulator::Emulator::builder()
        .dial_interval(std::time::Duration::ZERO)
        .external_nlu(url.clone(), Some(("jaicp".into(), "s3cret".into())))
        .start()
        .await
        .unwrap();
    let nlp = common::nlp(&emu);
    let mut data = sample();
    data.intents
        .as_mut()
        .unwrap()
        .push(intent("/Order/Pizza", &["a pizza"], &[]));
    nlp.import_checked(data, &ImportOptions::default())
        .await
        .unwrap();
    nlp.train().poll(common::fast_poll()).wait().await.unwrap();
    let answer = nlp
        .simple_inference("one large pizza please")
        .send()
        .await
        .unwrap();
    let intent = answer.intent.unwrap();
    assert_eq!(intent.path.as_deref(), Some("/Order/Pizza"));
    assert!(intent.id.is_some(), "matched to the stored intent");
    assert_eq!(answer.confidence, Some(0.93));
    let markup = nlp.markup("Hi, pizza").send().await.unwrap();
    assert_eq!(markup.words.len(), 3);

    // Wrong credentials: the service refuses, the emulator reports a gateway error.
    let emu2 = jaicp_emulator::Emulator::builder()
        .dial_interval(std::time::Duration::ZERO)
        .external_nlu(url, Some(("jaicp".into(), "wrong".into())))
        .start()
        .await
        .unwrap();
    let err = common::nlp(&emu2)
        .simple_inference("pizza")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
}

#[tokio::test]
async fn a_failed_training_is_typed_and_the_old_model_keeps_answering() {
    let emu = common::emulator().await;
    let nlp = common::nlp(&emu);
    nlp.import_checked(sample(), &ImportOptions::default())
        .await
        .unwrap();
    nlp.train().poll(common::fast_poll()).wait().await.unwrap();
    assert_eq!(best(&nlp, "hello").await.as_deref(), Some("/Greeting"));

    let mut data = sample();
    data.intents.as_mut().unwrap()[0].path = Some("/Renamed".into());
    nlp.import_checked(data, &ImportOptions::default())
        .await
        .unwrap();
    emu.state()
        .fail_next_nlp_training(jaicp_emulator::DEFAULT_NLP_KEY, "not enough phrases")
        .unwrap();
    let err = nlp
        .train()
        .poll(common::fast_poll())
        .wait()
        .await
        .unwrap_err();
    assert!(
        matches!(err.nlp_error(), Some(NlpError::TrainingFailed { last_error: Some(e) }) if e == "not enough phrases"),
        "{err:?}"
    );
    assert_eq!(
        best(&nlp, "hello").await.as_deref(),
        Some("/Greeting"),
        "old model"
    );
    // The next training succeeds and serves the new data.
    nlp.train().poll(common::fast_poll()).wait().await.unwrap();
    assert_eq!(best(&nlp, "hello").await.as_deref(), Some("/Renamed"));
}
