//! The documents' rules that the generated request models cannot hold themselves (enum values,
//! string lengths, number ranges) are enforced on input: a body that breaks one is refused in
//! the API's own error shape, naming the field, and nothing of it is stored or echoed, so the
//! next GETs still conform to the document (issue 12, items 1 and 9).

mod common;

use jaicp_emulator::{DEFAULT_NLP_KEY, DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn send(
    client: &Client,
    method: Method,
    url: &str,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let mut request = client
        .request(method, url)
        .bearer_auth(DEFAULT_UNIFIED_TOKEN);
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let text = response.text().await.expect("body read");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A 400 in the `{error, message}` shape (the gateway's `ErrorDto`, CAILA's error) whose
/// message names `path` and says why.
fn assert_refused(status: StatusCode, body: &Value, path: &str, why: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].is_string(), "error: {body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("`{path}`")) && message.contains(why),
        "the message names `{path}` and says `{why}`: {body}"
    );
}

#[tokio::test]
async fn project_enum_values_outside_the_document_are_refused() {
    let emu = common::quiet(11).await;
    let base = emu.base_url();
    let client = Client::new();
    let url = format!("{base}/api/v1/projects/1");
    let (_, before) = send(&client, Method::GET, &url, None).await;

    let bad =
        json!({"name": "Demo bot", "projectSettingsData": {"classificationAlgorithm": "bogus"}});
    let (status, body) = send(&client, Method::PUT, &url, Some(&bad)).await;
    assert_refused(
        status,
        &body,
        "$.projectSettingsData.classificationAlgorithm",
        "not one of",
    );
    let nested = json!({"name": "Demo bot", "projectSettingsData": {"extendedSettings":
        {"externalNluSettings": {"nluProviderSettings": {"ner": {"nluType": "elsewhere"}}}}}});
    let (status, body) = send(&client, Method::PUT, &url, Some(&nested)).await;
    assert_refused(
        status,
        &body,
        "$.projectSettingsData.extendedSettings.externalNluSettings.nluProviderSettings.ner.nluType",
        "not one of",
    );
    let (_, after) = send(&client, Method::GET, &url, None).await;
    assert_eq!(before, after, "a refused update changes nothing");

    let list = format!("{base}/api/v1/projects");
    let (_, listed_before) = send(&client, Method::GET, &list, None).await;
    let create = json!({"name": "Other", "botChannelsType": "CARRIER_PIGEON"});
    let (status, body) = send(&client, Method::POST, &list, Some(&create)).await;
    assert_refused(status, &body, "$.botChannelsType", "not one of");
    let (_, listed_after) = send(&client, Method::GET, &list, None).await;
    assert_eq!(listed_before, listed_after, "nothing was created");
    assert!(!listed_after.to_string().contains("CARRIER_PIGEON"));

    // A value the document lists is still accepted.
    let good =
        json!({"name": "Demo bot", "projectSettingsData": {"classificationAlgorithm": "sts"}});
    let (status, body) = send(&client, Method::PUT, &url, Some(&good)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn channel_enum_values_outside_the_document_are_refused() {
    let emu = common::quiet(12).await;
    let base = emu.base_url();
    let client = Client::new();
    let list = format!("{base}/api/v1/bot-channels?projectId=1");
    let (_, before) = send(&client, Method::GET, &list, None).await;
    let bad = json!({"channelType": "TELEGRAPH", "accessToken": "t-1"});
    let (status, body) = send(&client, Method::POST, &list, Some(&bad)).await;
    assert_refused(status, &body, "$.channelType", "not one of");
    let bad = json!({"channelType": "CHAT_API", "accessToken": "t-2",
        "customData": {"vonage": {"authType": "psychic"}}});
    let (status, body) = send(&client, Method::POST, &list, Some(&bad)).await;
    assert_refused(status, &body, "$.customData.vonage.authType", "not one of");
    let (_, after) = send(&client, Method::GET, &list, None).await;
    assert_eq!(before, after, "no channel was created");
}

#[tokio::test]
async fn reporter_lengths_and_enums_are_refused_and_the_report_list_conforms() {
    let emu = common::quiet(13).await;
    let base = emu.base_url();
    let client = Client::new();
    let reports = format!("{base}/api/v1/async/reporter/reports/sessions");
    let bad = json!({"settings": {"fileType": "CSV", "delimiter": ";;"}});
    let (status, body) = send(&client, Method::POST, &reports, Some(&bad)).await;
    assert_refused(
        status,
        &body,
        "$.settings.delimiter",
        "length 2, at most 1 allowed",
    );
    let bad = json!({"settings": {"fileType": "PDF"}});
    let (status, body) = send(&client, Method::POST, &reports, Some(&bad)).await;
    assert_refused(status, &body, "$.settings.fileType", "not one of");
    let bad = json!({"settings": {"fileType": "CSV"}, "filters": [{"key": "NOT_A_FILTER",
        "type": "TEXT", "values": ["x"], "comparisonType": "EQUALS", "isCaseSensitive": false}]});
    let (status, body) = send(&client, Method::POST, &reports, Some(&bad)).await;
    assert_refused(status, &body, "$.filters[0].key", "not one of");
    let (status, list) = send(
        &client,
        Method::GET,
        &format!("{base}/api/v1/reporter/reports"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["tasks"], json!([]), "nothing was stored: {list}");

    // Within the rules the report is accepted, and the list shows what the document allows.
    let good = json!({"settings": {"delimiter": ";", "fileType": "CSV"}});
    let (status, body) = send(&client, Method::POST, &reports, Some(&good)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list) = send(
        &client,
        Method::GET,
        &format!("{base}/api/v1/reporter/reports"),
        None,
    )
    .await;
    for task in list["tasks"].as_array().expect("tasks") {
        let delimiter = &task["settings"]["delimiter"];
        assert!(
            delimiter.is_null() || delimiter.as_str().is_some_and(|d| d.chars().count() <= 1),
            "{task}"
        );
    }

    // Filter bodies (`FiltersDto`) of the listings and of stored filter sets follow the same rules.
    let bogus = json!({"filters": [{"key": "NOT_A_FILTER", "type": "TEXT", "values": ["x"],
        "comparisonType": "EQUALS", "isCaseSensitive": false}]});
    for path in ["sessions/filter", "user-filter-sets/filterSetId"] {
        let (status, body) = send(
            &client,
            Method::POST,
            &format!("{base}/api/v1/reporter/{path}"),
            Some(&bogus),
        )
        .await;
        assert_refused(status, &body, "$.filters[0].key", "not one of");
    }
    let bulk = json!({"labels": [1], "comparisonType": "ROUGHLY"});
    let (status, body) = send(
        &client,
        Method::POST,
        &format!("{base}/api/v1/reporter/session-labels/sessions/bulk-labeling"),
        Some(&bulk),
    )
    .await;
    assert_refused(status, &body, "$.comparisonType", "not one of");

    let experiments = format!(
        "{base}/api/v1/reporter/scenario-exeperiments?projectShortName={DEFAULT_PROJECT_SHORT_NAME}"
    );
    let bad = json!({"key": "e1", "status": "HALF_DONE", "branches": [{"key": "a"}]});
    let (status, body) = send(&client, Method::POST, &experiments, Some(&bad)).await;
    assert_refused(status, &body, "$.status", "not one of");
    let (_, listed) = send(&client, Method::GET, &experiments, None).await;
    assert!(!listed.to_string().contains("HALF_DONE"), "{listed}");
}

#[tokio::test]
async fn nlp_enum_values_outside_the_document_are_refused() {
    let emu = common::quiet(14).await;
    let base = emu.base_url();
    let client = Client::new();
    let nlp = format!("{base}/cailapub/api/caila/p/{DEFAULT_NLP_KEY}");
    let (_, before) = send(&client, Method::POST, &format!("{nlp}/export"), None).await;
    let import = json!({"settings": {"classificationAlgorithm": "bogus"}});
    let (status, body) = send(
        &client,
        Method::POST,
        &format!("{nlp}/import"),
        Some(&import),
    )
    .await;
    assert_refused(
        status,
        &body,
        "$.settings.classificationAlgorithm",
        "not one of",
    );
    let entity = json!({"name": "colours", "type": "guesswork"});
    let (status, body) = send(
        &client,
        Method::POST,
        &format!("{nlp}/entities"),
        Some(&entity),
    )
    .await;
    assert_refused(status, &body, "$.type", "not one of");
    let (_, after) = send(&client, Method::POST, &format!("{nlp}/export"), None).await;
    assert_eq!(before, after, "a refused import or entity changes nothing");
    assert!(!after.to_string().contains("bogus"));
}

#[tokio::test]
async fn text_campaign_ranges_are_refused() {
    let emu = common::quiet(15).await;
    let base = emu.base_url();
    let client = Client::new();
    let campaigns = format!(
        "{base}/api/v1/text-campaign-service/projects/{DEFAULT_PROJECT_SHORT_NAME}/text-campaigns"
    );
    let (_, before) = send(&client, Method::GET, &campaigns, None).await;
    let bad = json!({"name": "spring", "threadCount": 11});
    let (status, body) = send(&client, Method::POST, &campaigns, Some(&bad)).await;
    assert_refused(status, &body, "$.threadCount", "must be at most 10");
    let bad = json!({"name": "spring", "delayBetweenSending": 0});
    let (status, body) = send(&client, Method::POST, &campaigns, Some(&bad)).await;
    assert_refused(status, &body, "$.delayBetweenSending", "must be at least 1");
    let (_, after) = send(&client, Method::GET, &campaigns, None).await;
    assert_eq!(before, after, "no campaign was created");
    let good = json!({"name": "spring", "threadCount": 10, "delayBetweenSending": 1});
    let (status, body) = send(&client, Method::POST, &campaigns, Some(&good)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn query_parameters_outside_the_documents_rules_are_refused_in_each_apis_shape() {
    let emu = common::quiet(16).await;
    let base = emu.base_url();
    let client = Client::new();
    let project = DEFAULT_PROJECT_SHORT_NAME;
    let gateway = [
        (
            Method::GET,
            format!("{base}/api/v1/projects?sortingField=COLOUR"),
            "sortingField",
            "not one of",
        ),
        (
            Method::GET,
            format!("{base}/api/v1/projects?size=0"),
            "size",
            "must be at least 1",
        ),
        (
            Method::POST,
            format!("{base}/api/v1/reporter/stats/log-labels?intervalType=FORTNIGHT"),
            "intervalType",
            "not one of",
        ),
        (
            Method::GET,
            format!("{base}/api/v1/reporter/messages/by-session?sessionId=s&page=-1"),
            "page",
            "must be at least 0",
        ),
        (
            Method::GET,
            format!(
                "{base}/api/v1/text-campaign-service/projects/{project}/text-campaigns?statuses=CREATED&statuses=LOST"
            ),
            "statuses",
            "not one of",
        ),
    ];
    for (method, url, name, why) in gateway {
        let body = (method == Method::POST).then(|| json!({}));
        let (status, answer) = send(&client, method, &url, body.as_ref()).await;
        assert_refused(status, &answer, name, why);
    }
    // The rules hold for values the document allows.
    let (status, answer) = send(
        &client,
        Method::GET,
        &format!("{base}/api/v1/projects?sortingField=SHORT_NAME&size=1"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let nlp = format!("{base}/cailapub/api/caila/p/{DEFAULT_NLP_KEY}");
    let (status, answer) = send(
        &client,
        Method::GET,
        &format!("{nlp}/entities/1/records?size=0"),
        None,
    )
    .await;
    assert_refused(status, &answer, "size", "must be at least 1");

    // The chat-adapter APIs answer in their Spring shape.
    let response = client
        .get(format!(
            "{base}/api/imputer/p/{}/imputing/generate-audio?replicaTemplateId=t&voiceSpeed=3",
            jaicp_emulator::DEFAULT_IMPUTER_TOKEN
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["status"], 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("`voiceSpeed`") && m.contains("must be at most 2")),
        "{answer}"
    );
    let response = client
        .get(format!(
            "{base}/chatapi/{}/history?clientId=",
            jaicp_emulator::DEFAULT_CHAT_TOKEN
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["status"], 400, "{answer}");
}
