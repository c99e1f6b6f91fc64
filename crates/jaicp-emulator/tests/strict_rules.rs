//! The documents' rules that the generated request models cannot hold themselves (enum values,
//! string lengths, number ranges) are enforced on input: a body that breaks one is refused in
//! the API's own error shape, naming the field, and nothing of it is stored or echoed, so the
//! next GETs still conform to the document (issue 12, items 1 and 9).

mod common;

use jaicp_emulator::{
    DEFAULT_NLP_KEY, DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN, Emulator,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

/// A caller of the emulator's gateway APIs, holding the unified token every request carries.
struct Caller {
    client: Client,
    base: String,
}

impl Caller {
    fn new(emu: &Emulator) -> Self {
        Self {
            client: Client::new(),
            base: emu.base_url(),
        }
    }

    /// `url` relative to the emulator's base URL.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, method: Method, url: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let request = self
            .client
            .request(method, url)
            .bearer_auth(DEFAULT_UNIFIED_TOKEN);
        common::send(common::with_json(request, body)).await
    }

    /// The state a read shows. It must answer 200 with JSON, so that comparing two reads
    /// compares stored state rather than two equally empty error bodies.
    async fn read(&self, method: Method, url: &str) -> Value {
        let (status, body) = self.send(method, url, None).await;
        assert_eq!(status, StatusCode::OK, "reading {url}: {body}");
        body
    }

    /// Sends `body` and checks the answer is refused naming `path` and saying `why`.
    async fn refuses(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
        path: &str,
        why: &str,
    ) {
        let (status, answer) = self.send(method, url, body).await;
        assert_refused(status, &answer, path, why);
    }

    /// Sends each `(body, path, why)` of `bad` to `target`, each refused naming `path` and
    /// saying `why`, and checks that `read` shows the same before and after (`unchanged` says
    /// what that means). Returns the read after.
    async fn refused_without_effect(
        &self,
        read: (Method, &str),
        target: (Method, &str),
        bad: &[(Value, &str, &str)],
        unchanged: &str,
    ) -> Value {
        let before = self.read(read.0.clone(), read.1).await;
        for (body, path, why) in bad {
            self.refuses(target.0.clone(), target.1, Some(body), path, why)
                .await;
        }
        let after = self.read(read.0, read.1).await;
        assert_eq!(before, after, "{unchanged}");
        after
    }

    /// Sends `body` and checks it is accepted.
    async fn accepts(&self, method: Method, url: &str, body: &Value) {
        let (status, answer) = self.send(method, url, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
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
    let caller = Caller::new(&emu);
    let url = caller.url("/api/v1/projects/1");
    let bad =
        json!({"name": "Demo bot", "projectSettingsData": {"classificationAlgorithm": "bogus"}});
    let nested = json!({"name": "Demo bot", "projectSettingsData": {"extendedSettings":
        {"externalNluSettings": {"nluProviderSettings": {"ner": {"nluType": "elsewhere"}}}}}});
    caller
        .refused_without_effect(
            (Method::GET, &url),
            (Method::PUT, &url),
            &[
                (bad, "$.projectSettingsData.classificationAlgorithm", "not one of"),
                (
                    nested,
                    "$.projectSettingsData.extendedSettings.externalNluSettings.nluProviderSettings.ner.nluType",
                    "not one of",
                ),
            ],
            "a refused update changes nothing",
        )
        .await;

    let list = caller.url("/api/v1/projects");
    let create = json!({"name": "Other", "botChannelsType": "CARRIER_PIGEON"});
    let listed_after = caller
        .refused_without_effect(
            (Method::GET, &list),
            (Method::POST, &list),
            &[(create, "$.botChannelsType", "not one of")],
            "nothing was created",
        )
        .await;
    assert!(!listed_after.to_string().contains("CARRIER_PIGEON"));

    // A value the document lists is still accepted.
    let good =
        json!({"name": "Demo bot", "projectSettingsData": {"classificationAlgorithm": "sts"}});
    caller.accepts(Method::PUT, &url, &good).await;
}

#[tokio::test]
async fn channel_enum_values_outside_the_document_are_refused() {
    let emu = common::quiet(12).await;
    let caller = Caller::new(&emu);
    let list = caller.url("/api/v1/bot-channels?projectId=1");
    let telegraph = json!({"channelType": "TELEGRAPH", "accessToken": "t-1"});
    let psychic = json!({"channelType": "CHAT_API", "accessToken": "t-2",
        "customData": {"vonage": {"authType": "psychic"}}});
    caller
        .refused_without_effect(
            (Method::GET, &list),
            (Method::POST, &list),
            &[
                (telegraph, "$.channelType", "not one of"),
                (psychic, "$.customData.vonage.authType", "not one of"),
            ],
            "no channel was created",
        )
        .await;
}

#[tokio::test]
async fn reporter_lengths_and_enums_are_refused_and_the_report_list_conforms() {
    let emu = common::quiet(13).await;
    let caller = Caller::new(&emu);
    let reports = caller.url("/api/v1/async/reporter/reports/sessions");
    let listing = caller.url("/api/v1/reporter/reports");
    let bogus_filter = json!([{"key": "NOT_A_FILTER", "type": "TEXT", "values": ["x"],
        "comparisonType": "EQUALS", "isCaseSensitive": false}]);
    let bad = [
        (
            json!({"settings": {"fileType": "CSV", "delimiter": ";;"}}),
            "$.settings.delimiter",
            "length 2, at most 1 allowed",
        ),
        (
            json!({"settings": {"fileType": "PDF"}}),
            "$.settings.fileType",
            "not one of",
        ),
        (
            json!({"settings": {"fileType": "CSV"}, "filters": bogus_filter}),
            "$.filters[0].key",
            "not one of",
        ),
    ];
    for (body, path, why) in &bad {
        caller
            .refuses(Method::POST, &reports, Some(body), path, why)
            .await;
    }
    let list = caller.read(Method::GET, &listing).await;
    assert_eq!(list["tasks"], json!([]), "nothing was stored: {list}");

    // Within the rules the report is accepted, and the list shows what the document allows.
    let good = json!({"settings": {"delimiter": ";", "fileType": "CSV"}});
    caller.accepts(Method::POST, &reports, &good).await;
    let list = caller.read(Method::GET, &listing).await;
    for task in list["tasks"].as_array().expect("tasks") {
        let delimiter = &task["settings"]["delimiter"];
        assert!(
            delimiter.is_null() || delimiter.as_str().is_some_and(|d| d.chars().count() <= 1),
            "{task}"
        );
    }

    // Filter bodies (`FiltersDto`) of the listings and of stored filter sets follow the same rules.
    let bogus = json!({ "filters": bogus_filter });
    for path in ["sessions/filter", "user-filter-sets/filterSetId"] {
        let url = caller.url(&format!("/api/v1/reporter/{path}"));
        caller
            .refuses(
                Method::POST,
                &url,
                Some(&bogus),
                "$.filters[0].key",
                "not one of",
            )
            .await;
    }
    let bulk = json!({"labels": [1], "comparisonType": "ROUGHLY"});
    let url = caller.url("/api/v1/reporter/session-labels/sessions/bulk-labeling");
    caller
        .refuses(
            Method::POST,
            &url,
            Some(&bulk),
            "$.comparisonType",
            "not one of",
        )
        .await;

    let experiments = caller.url(&format!(
        "/api/v1/reporter/scenario-exeperiments?projectShortName={DEFAULT_PROJECT_SHORT_NAME}"
    ));
    let bad = json!({"key": "e1", "status": "HALF_DONE", "branches": [{"key": "a"}]});
    caller
        .refuses(
            Method::POST,
            &experiments,
            Some(&bad),
            "$.status",
            "not one of",
        )
        .await;
    let listed = caller.read(Method::GET, &experiments).await;
    assert!(!listed.to_string().contains("HALF_DONE"), "{listed}");
}

#[tokio::test]
async fn nlp_enum_values_outside_the_document_are_refused() {
    let emu = common::quiet(14).await;
    let caller = Caller::new(&emu);
    let nlp = caller.url(&format!("/cailapub/api/caila/p/{DEFAULT_NLP_KEY}"));
    let export = format!("{nlp}/export");
    let before = caller.read(Method::POST, &export).await;
    let import = json!({"settings": {"classificationAlgorithm": "bogus"}});
    let url = format!("{nlp}/import");
    caller
        .refuses(
            Method::POST,
            &url,
            Some(&import),
            "$.settings.classificationAlgorithm",
            "not one of",
        )
        .await;
    let entity = json!({"name": "colours", "type": "guesswork"});
    let url = format!("{nlp}/entities");
    caller
        .refuses(Method::POST, &url, Some(&entity), "$.type", "not one of")
        .await;
    let after = caller.read(Method::POST, &export).await;
    assert_eq!(before, after, "a refused import or entity changes nothing");
    assert!(!after.to_string().contains("bogus"));
}

#[tokio::test]
async fn text_campaign_ranges_are_refused() {
    let emu = common::quiet(15).await;
    let caller = Caller::new(&emu);
    let campaigns = caller.url(&format!(
        "/api/v1/text-campaign-service/projects/{DEFAULT_PROJECT_SHORT_NAME}/text-campaigns"
    ));
    caller
        .refused_without_effect(
            (Method::GET, &campaigns),
            (Method::POST, &campaigns),
            &[
                (
                    json!({"name": "spring", "threadCount": 11}),
                    "$.threadCount",
                    "must be at most 10",
                ),
                (
                    json!({"name": "spring", "delayBetweenSending": 0}),
                    "$.delayBetweenSending",
                    "must be at least 1",
                ),
            ],
            "no campaign was created",
        )
        .await;
    let good = json!({"name": "spring", "threadCount": 10, "delayBetweenSending": 1});
    caller.accepts(Method::POST, &campaigns, &good).await;
}

#[tokio::test]
async fn query_parameters_outside_the_documents_rules_are_refused_in_each_apis_shape() {
    let emu = common::quiet(16).await;
    let caller = Caller::new(&emu);
    let project = DEFAULT_PROJECT_SHORT_NAME;
    let gateway = [
        (
            Method::GET,
            "/api/v1/projects?sortingField=COLOUR".to_owned(),
            "sortingField",
            "not one of",
        ),
        (
            Method::GET,
            "/api/v1/projects?size=0".to_owned(),
            "size",
            "must be at least 1",
        ),
        (
            Method::POST,
            "/api/v1/reporter/stats/log-labels?intervalType=FORTNIGHT".to_owned(),
            "intervalType",
            "not one of",
        ),
        (
            Method::GET,
            "/api/v1/reporter/messages/by-session?sessionId=s&page=-1".to_owned(),
            "page",
            "must be at least 0",
        ),
        (
            Method::GET,
            format!(
                "/api/v1/text-campaign-service/projects/{project}/text-campaigns?statuses=CREATED&statuses=LOST"
            ),
            "statuses",
            "not one of",
        ),
        (
            Method::GET,
            format!("/cailapub/api/caila/p/{DEFAULT_NLP_KEY}/entities/1/records?size=0"),
            "size",
            "must be at least 1",
        ),
    ];
    for (method, path, name, why) in gateway {
        let body = (method == Method::POST).then(|| json!({}));
        caller
            .refuses(method, &caller.url(&path), body.as_ref(), name, why)
            .await;
    }
    // The rules hold for values the document allows.
    let url = caller.url("/api/v1/projects?sortingField=SHORT_NAME&size=1");
    caller.read(Method::GET, &url).await;

    // The chat-adapter APIs answer in their Spring shape.
    let answer = spring_refusal(&caller.url(&format!(
        "/api/imputer/p/{}/imputing/generate-audio?replicaTemplateId=t&voiceSpeed=3",
        jaicp_emulator::DEFAULT_IMPUTER_TOKEN
    )))
    .await;
    assert!(
        answer["message"]
            .as_str()
            .is_some_and(|m| m.contains("`voiceSpeed`") && m.contains("must be at most 2")),
        "{answer}"
    );
    spring_refusal(&caller.url(&format!(
        "/chatapi/{}/history?clientId=",
        jaicp_emulator::DEFAULT_CHAT_TOKEN
    )))
    .await;
}

/// GETs `url` without a token and checks it is refused in the Spring error shape (`status: 400`);
/// returns that answer.
async fn spring_refusal(url: &str) -> Value {
    let response = Client::new().get(url).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["status"], 400, "{answer}");
    answer
}
