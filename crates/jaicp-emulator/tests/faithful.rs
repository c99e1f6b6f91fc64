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
    let request = client
        .request(method, url)
        .bearer_auth(DEFAULT_UNIFIED_TOKEN);
    let response = common::with_json(request, body)
        .send()
        .await
        .expect("request sent");
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

    // A required field missing is refused too, naming it.
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/projects"),
        Some(&json!({"description": "no name"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("$.name"),
        "{body}"
    );

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

async fn post_keyed(
    api: &common::Api,
    url: &str,
    key: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let request = api.client.post(url).header("Idempotence-Key", key);
    common::send(common::with_json(request, body)).await
}

#[tokio::test]
async fn d4_a_key_replays_only_its_own_request() {
    let emu = common::quiet(5).await;
    let api = common::Api::new(&emu);

    let (status, _) = post_keyed(&api, &api.calls("/control/pause"), "k1", None).await;
    assert_eq!(status, StatusCode::OK);
    // The same request replays.
    let (status, _) = post_keyed(&api, &api.calls("/control/pause"), "k1", None).await;
    assert_eq!(status, StatusCode::OK);
    // Another action with the same key is refused in the control operation's `ApiErrorData`.
    let (status, body) = post_keyed(&api, &api.calls("/control/bogus"), "k1", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "idempotence.key.reused", "{body}");

    let first = json!([{"phone": "79001112233"}]);
    let other = json!([{"phone": "79001112244"}]);
    let (status, ids) = post_keyed(&api, &api.calls("/addPhones"), "k2", Some(&first)).await;
    assert_eq!(status, StatusCode::OK, "{ids}");
    // The same body replays with the same ids.
    let (status, again) = post_keyed(&api, &api.calls("/addPhones"), "k2", Some(&first)).await;
    assert_eq!((status, &again), (StatusCode::OK, &ids));
    // Other numbers with the same key: refused, and nothing is created for them.
    let (status, body) = post_keyed(&api, &api.calls("/addPhones"), "k2", Some(&other)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["type"], "idempotence.key.reused", "{body}");
    assert_eq!(emu.state().counters().jobs_created, 1);
}

#[tokio::test]
async fn d4_binding_can_be_switched_off() {
    let emu = common::quiet_builder(6)
        .idempotency_bound_to_request(false)
        .start()
        .await
        .expect("emulator starts");
    let api = common::Api::new(&emu);
    let (status, _) = post_keyed(&api, &api.calls("/control/pause"), "k1", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post_keyed(&api, &api.calls("/control/bogus"), "k1", None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "unbound keys replay the first answer"
    );
}

#[tokio::test]
async fn d5_deleting_a_project_takes_effect_in_every_api() {
    let emu = common::quiet(7).await;
    let base = emu.base_url();
    let client = Client::new();
    let chat = format!("{base}/chatapi/{}", jaicp_emulator::DEFAULT_CHAT_TOKEN);
    let turn = json!({"clientId": "c1", "query": "hello"});
    let response = client.post(&chat).json(&turn).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);

    let project = jaicp_emulator::DEFAULT_PROJECT_SHORT_NAME;
    let campaigns =
        format!("{base}/api/v1/text-campaign-service/projects/{project}/text-campaigns");
    let (status, _, body) = send(
        &client,
        Method::POST,
        &campaigns,
        Some(&json!({"name": "spring"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sessions = format!("{base}/api/v1/reporter/sessions/filter");
    let (_, _, before) = send(&client, Method::POST, &sessions, Some(&json!({}))).await;
    assert!(
        before["paging"]["totalCount"].as_u64().unwrap_or(0) > 0,
        "the default project has sessions: {before}"
    );

    let (status, _, _) = send(
        &client,
        Method::DELETE,
        &format!("{base}/api/v1/projects/1"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let response = client.post(&chat).json(&turn).send().await.expect("sent");
    assert!(
        response.status().is_client_error(),
        "the deleted project's Chat API channel no longer answers: {}",
        response.status()
    );
    let (_, _, list) = send(&client, Method::GET, &campaigns, None).await;
    assert_eq!(list["paging"]["totalCount"], 0, "{list}");
    let (_, _, after) = send(&client, Method::POST, &sessions, Some(&json!({}))).await;
    assert_eq!(after["paging"]["totalCount"], 0, "{after}");
}

#[tokio::test]
async fn d5_blocking_a_chat_channel_closes_and_a_new_one_opens_the_chat_api() {
    let emu = common::quiet(8).await;
    let base = emu.base_url();
    let client = Client::new();
    let turn = json!({"clientId": "c1", "query": "hello"});
    let channel = json!({"accessToken": jaicp_emulator::DEFAULT_CHAT_TOKEN, "channelName": "web-app", "isBlock": true});
    let (status, _, body) = send(
        &client,
        Method::PUT,
        &format!("{base}/api/v1/bot-channels/1"),
        Some(&channel),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let chat = format!("{base}/chatapi/{}", jaicp_emulator::DEFAULT_CHAT_TOKEN);
    let response = client.post(&chat).json(&turn).send().await.expect("sent");
    assert!(response.status().is_client_error(), "{}", response.status());

    let new = json!({"channelType": "CHAT_API", "accessToken": "fresh-channel-token"});
    let (status, _, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/bot-channels?projectId=1"),
        Some(&new),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let response = client
        .post(format!("{base}/chatapi/fresh-channel-token"))
        .json(&turn)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn morphology_answers_say_they_are_not_caila() {
    let emu = common::quiet(9).await;
    let base = format!(
        "{}/cailapub/api/caila/p/{DEFAULT_NLP_KEY}/nlu",
        emu.base_url()
    );
    let client = Client::new();
    for url in [
        format!("{base}/conform?text=рубль&number=5"),
        format!("{base}/inflect?text=рубль&tags=gent"),
        format!("{base}/markup?query=рубля"),
    ] {
        let response = client.get(&url).send().await.expect("sent");
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let limit = response
            .headers()
            .get("x-jaicp-emulator-limit")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert!(limit.is_some(), "{url} must say it is not CAILA's answer");
        let body = response.text().await.expect("body");
        assert!(
            !body.contains("рубльs"),
            "no English plural on a Russian word: {body}"
        );
    }
}
