//! Input that breaks the documents is refused in each API's own JSON error shape and leaves
//! nothing behind (issue 12, D1–D3).

mod common;

use jaicp_emulator::{DEFAULT_NLP_KEY, DEFAULT_PROMPTER_TOKEN, DEFAULT_UNIFIED_TOKEN};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn send(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> (StatusCode, Option<String>, Value) {
    let mut request = client
        .request(method, url)
        .bearer_auth(DEFAULT_UNIFIED_TOKEN);
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.expect("body read");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, content_type, value)
}

/// The gateway's `ErrorDto`: `error` and `message` strings.
fn assert_gateway_error(body: &Value) {
    assert!(body["error"].is_string(), "ErrorDto.error: {body}");
    assert!(body["message"].is_string(), "ErrorDto.message: {body}");
}

/// Every project in the list has a string timezone when it has one (the document's type).
async fn assert_projects_conform(client: &Client, base: &str) {
    let (status, _, list) = send(
        client,
        Method::GET,
        &format!("{base}/api/v1/projects"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for p in list["projects"].as_array().expect("projects array") {
        let tz = &p["projectSettingsData"]["timezone"];
        assert!(
            tz.is_null() || tz.is_string(),
            "timezone must stay a string: {p}"
        );
        assert!(p["name"].is_string(), "name must stay a string: {p}");
    }
}

#[tokio::test]
async fn d1_wrong_typed_project_input_is_refused_and_not_stored() {
    let emu = common::quiet(1).await;
    let base = emu.base_url();
    let client = Client::new();
    let url = format!("{base}/api/v1/projects/1");
    let (_, _, before) = send(&client, Method::GET, &url, None).await;

    let bad = json!({"name": "Demo bot", "projectSettingsData": {"timezone": 0}});
    let (status, content_type, body) = send(&client, Method::PUT, &url, Some(&bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_gateway_error(&body);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("timezone"),
        "the error names the field: {body}"
    );
    let (_, _, after) = send(&client, Method::GET, &url, None).await;
    assert_eq!(before, after, "a refused update changes nothing");

    let create = json!({"name": 5});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/projects"),
        Some(&create),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_gateway_error(&body);
    assert_projects_conform(&client, &base).await;

    // Unknown fields are ignored, as JAICP's own models ignore them.
    let lenient = json!({"name": "Demo bot", "somethingNew": {"x": 1}});
    let (status, _, body) = send(&client, Method::PUT, &url, Some(&lenient)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_projects_conform(&client, &base).await;
}

#[tokio::test]
async fn d1_wrong_typed_reporter_and_prompter_and_nlp_input_is_refused() {
    let emu = common::quiet(2).await;
    let base = emu.base_url();
    let client = Client::new();

    let experiment = json!({"key": "exp", "branches": "not-a-list"});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/reporter/scenario-exeperiments"),
        Some(&experiment),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_gateway_error(&body);
    let (status, _, list) = send(
        &client,
        Method::GET,
        &format!("{base}/api/v1/reporter/scenario-exeperiments"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !list.to_string().contains("not-a-list"),
        "a refused experiment is not stored: {list}"
    );

    let report = json!({"settings": "oops"});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/async/reporter/reports/sessions"),
        Some(&report),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_gateway_error(&body);

    let prompter = json!({"text": "hi", "chatId": "c", "clientInfo": {"id": "u", "lastName": {}}});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/chatapi/webhook/prompter_api/{DEFAULT_PROMPTER_TOKEN}"),
        Some(&prompter),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["status"], 400, "Spring error shape: {body}");
    assert!(!body.to_string().contains("lastName\":{}"));

    let nlp = format!("{base}/cailapub/api/caila/p/{DEFAULT_NLP_KEY}");
    let (_, _, before) = send(&client, Method::POST, &format!("{nlp}/export"), None).await;
    let import = json!({"intents": [{"path": 7}]});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{nlp}/import"),
        Some(&import),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "{body}"
    );
    let (_, _, after) = send(&client, Method::POST, &format!("{nlp}/export"), None).await;
    assert_eq!(before, after, "a refused import changes nothing");
}

#[tokio::test]
async fn d2_crm_add_without_phone_answers_the_phone_error_shape() {
    let emu = common::quiet(3).await;
    let api = common::Api::new(&emu);
    let response = api
        .client
        .get(api.crm("/addPhone"))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("JSON body");
    // `PhoneErrorResponse` requires `phone`, `type` and `message`.
    assert_eq!(body["type"], "phone.bad.format", "{body}");
    assert!(body["phone"].is_string(), "{body}");
    assert!(body["message"].is_string(), "{body}");
}

#[tokio::test]
async fn d3_bad_query_strings_and_bodies_answer_each_apis_json() {
    let emu = common::quiet(4).await;
    let base = emu.base_url();
    let client = Client::new();
    for url in [
        format!("{base}/api/v1/projects?page=abc"),
        format!("{base}/api/v1/reporter/messages/by-session?page=-x"),
        format!("{base}/api/v1/text-campaign-service/projects/p/text-campaigns?size=big"),
        format!("{base}/api/v1/async/events?timeout=soon"),
    ] {
        let (status, content_type, body) = send(&client, Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(content_type.as_deref(), Some("application/json"), "{url}");
        assert_gateway_error(&body);
    }
    // Malformed JSON on a gateway API gets the gateway shape, not the Calls one.
    let response = client
        .post(format!("{base}/api/v1/projects"))
        .bearer_auth(DEFAULT_UNIFIED_TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("JSON body");
    assert_gateway_error(&body);
    assert!(body.get("type").is_none(), "no Calls-style body: {body}");

    // A route the emulator does not serve is a JSON 404 too.
    let (status, content_type, body) = send(
        &client,
        Method::GET,
        &format!("{base}/api/v1/nothing-here"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    assert_gateway_error(&body);
}
