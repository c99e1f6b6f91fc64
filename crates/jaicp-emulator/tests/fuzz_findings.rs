//! Requests the outside fuzzer (Schemathesis, `.ci/emulator-schemathesis.sh`) found that broke
//! the documents; each must be refused, or stored in a form the document allows.

mod common;

use jaicp_emulator::{DEFAULT_NLP_KEY, DEFAULT_UNIFIED_TOKEN, Emulator};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A unified-token request with a JSON body.
async fn send(
    emu: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let request = reqwest::Client::new()
        .request(method, format!("{}{path}", emu.base_url()))
        .bearer_auth(DEFAULT_UNIFIED_TOKEN)
        .json(&body);
    common::send(request).await
}

/// An NLP Direct project import.
async fn nlp_import(emu: &Emulator, body: Value) -> (StatusCode, Value) {
    let url = format!(
        "{}/cailapub/api/caila/p/{DEFAULT_NLP_KEY}/import",
        emu.base_url()
    );
    common::send(reqwest::Client::new().post(&url).json(&body)).await
}

#[tokio::test]
async fn an_array_where_an_object_belongs_is_refused_and_never_echoed() {
    let emu = Emulator::start().await.expect("starts");
    let (status, body) = send(
        &emu,
        reqwest::Method::PUT,
        "/api/v1/projects/1",
        json!({"name": "Demo bot", "projectSettingsData": [null, null]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("projectSettingsData")),
        "{body}"
    );
    let (_, list) = send(&emu, reqwest::Method::GET, "/api/v1/projects", Value::Null).await;
    assert!(
        list["projects"][0]["projectSettingsData"].is_object(),
        "{list}"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn report_settings_of_the_wrong_type_are_refused() {
    let emu = Emulator::start().await.expect("starts");
    let (status, body) = send(
        &emu,
        reqwest::Method::POST,
        "/api/v1/async/reporter/reports/daily",
        json!({"date": "2025-03-03", "settings": {"withHeader": {}, "delimiter": {}}}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, list) = send(
        &emu,
        reqwest::Method::GET,
        "/api/v1/reporter/reports",
        Value::Null,
    )
    .await;
    assert_eq!(list["tasks"], json!([]), "nothing was stored: {list}");
    emu.shutdown().await;
}

#[tokio::test]
async fn an_experiment_branch_needs_its_key() {
    let emu = Emulator::start().await.expect("starts");
    let (status, body) = send(
        &emu,
        reqwest::Method::POST,
        "/api/v1/reporter/scenario-exeperiments?projectShortName=demo-bot-1-emu",
        json!({"key": "e1", "branches": [{"description": "no key"}]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_null_nlp_setting_is_not_echoed() {
    let emu = Emulator::start().await.expect("starts");
    let (status, body) = nlp_import(
        &emu,
        json!({
            "project": {"id": "", "name": ""}, "intents": [], "entities": [],
            "enabledSystemEntities": [],
            "settings": {"language": "ru", "spellingCorrection": false, "timezone": null}
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["settings"].is_object(), "{body}");
    assert!(body["settings"].get("timezone").is_none(), "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn nested_settings_are_objects_and_never_null() {
    let emu = Emulator::start().await.expect("starts");
    let (status, _) = nlp_import(
        &emu,
        json!({
            "project": {"id": "", "name": ""}, "intents": [], "entities": [],
            "settings": {"language": "ru", "extendedSettings": {"stsSettings": [null, null]}}
        }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = send(
        &emu,
        reqwest::Method::PUT,
        "/api/v1/projects/1",
        json!({"name": "Demo bot", "projectSettingsData": {"language": "en", "extendedSettings": null}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["projectSettingsData"]
            .get("extendedSettings")
            .is_none(),
        "{body}"
    );
    emu.shutdown().await;
}
