//! Doctor against the emulator: every exercised marker confirmed by default, each difference
//! reported against the emulator's other variants, and no value of any answer in the report.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jaicp_core::{
    ChatApiToken, Client, Host, ImputerToken, OperatorApiKey, PrompterToken, PushbackId,
};
use jaicp_doctor::checks::{calls, chat, imputer, operator, prompter, pushgate};
use jaicp_doctor::{Api, CHECKS, Doctor, MARKERS, Outcome, Report};
use jaicp_emulator::{
    DEFAULT_CHAT_TOKEN, DEFAULT_IMPUTER_TOKEN, DEFAULT_OPERATOR_KEY, DEFAULT_PROMPTER_TOKEN,
    Emulator, EmulatorBuilder, Variants,
};
use serde_json::{Value, json};

/// Receives webhook deliveries and keeps their bodies.
async fn capture() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let sink = bodies.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: axum::body::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap().push(body.to_vec());
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, bodies)
}

async fn admin(
    emulator: &Emulator,
    method: reqwest_like::Method,
    path: &str,
    body: Value,
) -> Value {
    reqwest_like::send(method, &format!("{}{path}", emulator.base_url()), body).await
}

/// The admin calls need a plain HTTP client; the SDK's `raw` is that, without credentials.
mod reqwest_like {
    use jaicp_core::auth::Auth;
    use jaicp_core::{Client, Host};
    use serde_json::Value;

    pub enum Method {
        Post,
        Put,
    }

    pub async fn send(method: Method, url: &str, body: Value) -> Value {
        let parsed = url::Url::parse(url).unwrap();
        let origin = format!("http://{}", parsed.host_str().unwrap());
        let origin = format!("{origin}:{}", parsed.port().unwrap());
        let client = Client::builder()
            .host(Host::custom(&origin).unwrap())
            .allow_insecure_loopback(true)
            .build()
            .unwrap();
        let method = match method {
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
        };
        let response = client
            .api(Auth::none())
            .raw(method, parsed.path())
            .json(&body)
            .send_raw()
            .await
            .unwrap();
        serde_json::from_slice(&response.body).unwrap_or(Value::Null)
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .host(Host::custom(&emulator.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap()
}

/// Sets up everything every check needs (a webhook, a pushback link) and runs doctor with all
/// writes allowed and the webhook bodies captured while it ran.
async fn full_run(emulator: &Emulator, client_id: &str, template: &str) -> Report {
    let (hook, bodies) = capture().await;
    admin(
        emulator,
        reqwest_like::Method::Post,
        "/_emulator/chat/webhook",
        json!({ "url": hook }),
    )
    .await;
    let pushback = admin(
        emulator,
        reqwest_like::Method::Post,
        "/_emulator/pushgate/pushbacks",
        json!({ "clientId": client_id, "event": "/start" }),
    )
    .await;
    let pushback = pushback["id"].as_str().unwrap().to_owned();
    let base = Doctor::new(client(emulator))
        .chat_token(ChatApiToken::new(DEFAULT_CHAT_TOKEN).unwrap())
        .prompter_token(PrompterToken::new(DEFAULT_PROMPTER_TOKEN).unwrap())
        .pushback(PushbackId::new(pushback).unwrap())
        .imputer(ImputerToken::new(DEFAULT_IMPUTER_TOKEN).unwrap(), template)
        .allow_writes(Api::Chat)
        .allow_writes(Api::Prompter)
        .allow_writes(Api::Pushgate)
        .allow_writes(Api::Imputer)
        .allow_writes(Api::Operator)
        .operator(
            OperatorApiKey::new(DEFAULT_OPERATOR_KEY).unwrap(),
            OPERATOR_BASE,
        )
        .operator_dialog(client_id, Some("1".to_owned()))
        .client_id(client_id)
        .poll_timeout(Duration::from_secs(10));
    // First pass: the writes make the emulator deliver to the webhook.
    let first = base.run().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while bodies.lock().unwrap().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let captured: Vec<Vec<u8>> = bodies.lock().unwrap().clone();
    assert!(!captured.is_empty(), "the emulator delivered no webhook");
    assert_eq!(
        first.check(chat::WEBHOOK_PAYLOAD).unwrap().outcome,
        Outcome::NotExercised
    );
    // A second client id: the first one has events now, and the empty poll needs none.
    let mut with_payloads = base.client_id(format!("{client_id}-2"));
    for body in captured {
        with_payloads = with_payloads.webhook_payload(body);
    }
    with_payloads.run().await
}

/// Where the emulator serves the desk's webhook (the documented `/chatadapter` form).
const OPERATOR_BASE: &str = "/chatadapter";

/// Checks the emulator cannot exercise: it is not the Tovie Platform cloud.
fn host_check(id: &str) -> bool {
    id.ends_with(".host")
}

fn outcome(report: &Report, id: &str) -> Outcome {
    report.check(id).unwrap().outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_marker_is_confirmed_by_the_default_emulator() {
    let emulator = EmulatorBuilder::default()
        .chat_hold(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let report = full_run(&emulator, "doctor-default", "greeting").await;
    for c in &report.checks {
        let expected = if host_check(c.id) {
            Outcome::NotExercised
        } else {
            Outcome::Confirmed
        };
        assert_eq!(
            c.outcome, expected,
            "{} was {:?}: {:?} {:?} {:?}",
            c.id, c.outcome, c.observed, c.reason, c.findings
        );
    }
    assert_eq!(report.checks.len(), CHECKS.len());
    assert_eq!(report.markers.len(), MARKERS.len());
    for m in &report.markers {
        let expected = if host_check(m.check) {
            Outcome::NotExercised
        } else {
            Outcome::Confirmed
        };
        assert_eq!(m.outcome, expected, "{m:?}");
    }
    assert!(report.settings().is_empty());
    let hosts = CHECKS.iter().filter(|c| host_check(c.id)).count();
    assert_eq!(report.counts(), (CHECKS.len() - hosts, 0, hosts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_other_variant_is_reported_as_a_difference() {
    let emulator = EmulatorBuilder::default()
        .chat_hold(Duration::from_millis(200))
        .variants(Variants::other())
        .start()
        .await
        .unwrap();
    let report = full_run(&emulator, "doctor-other", "greeting").await;
    let differs = |id: &str, observed: &str| {
        let c = report.check(id).unwrap();
        assert_eq!(c.outcome, Outcome::Contradicted, "{id}: {c:?}");
        assert_eq!(c.observed.as_deref(), Some(observed), "{id}");
    };
    differs(chat::BASE_PATH, "served at {host}/chatadapter/chatapi");
    differs(chat::EVENTS_EMPTY_ANSWER, "204 with no body");
    differs(chat::SEND_ASYNC, "named `id`");
    // One delivery per async answer and per fired pushback: how many were caught varies.
    let hook = report.check(chat::WEBHOOK_PAYLOAD).unwrap();
    assert_eq!(hook.outcome, Outcome::Contradicted);
    let seen = hook.observed.as_deref().unwrap();
    assert!(
        seen.starts_with("0 array(s), ") && seen.ends_with(" single object(s), 0 other"),
        "{seen}"
    );
    // Everything the variants do not touch is still confirmed, found under the other base path.
    for id in [
        chat::EVENTS_ENVELOPE,
        chat::EVENTS_WITHOUT_CLIENT_ID,
        chat::BAD_TOKEN,
        chat::HISTORY_ROUTE,
        chat::CLIENT_STATE_ROUTE,
        chat::SEND_ENVELOPE,
        pushgate::FIRE,
        imputer::GENERATE,
        prompter::SUGGEST,
        prompter::BAD_REQUEST,
        imputer::BAD_REQUEST,
        operator::POST_EVENT,
        operator::POST_FILE,
        operator::SELECT_DESTINATION,
        operator::BAD_EVENT,
        operator::BAD_KEY,
        chat::EVENTS_CURSOR,
        chat::EVENTS_CID_FILTER,
        chat::EVENTS_HOLD_TIME,
        chat::BAD_REQUEST,
        chat::HISTORY_LIMIT,
        chat::SEND_VIA_GET,
        chat::QUERY_AND_EVENT,
        chat::CLIENT_STATE_SAVE,
        prompter::BAD_TOKEN,
        pushgate::UNKNOWN_LINK,
        imputer::BAD_TOKEN,
    ] {
        assert_eq!(
            outcome(&report, id),
            Outcome::Confirmed,
            "{id}: {:?}",
            report.check(id)
        );
    }
    differs(
        calls::ROUTE_FAMILY,
        "served under the older /api/calls only",
    );
    let settings: Vec<(&str, &str)> = report.settings().iter().map(|s| (s.key, s.value)).collect();
    assert_eq!(
        settings,
        [
            ("chat_base_path", "/chatadapter"),
            ("calls_route_family", "older")
        ]
    );
    // The markers follow their checks.
    let marker = |pointer: &str| {
        report
            .markers
            .iter()
            .find(|m| m.pointer == pointer)
            .unwrap()
            .outcome
    };
    assert_eq!(
        marker("/paths/~1chatapi~1{token}~1events/get/responses/204"),
        Outcome::Contradicted
    );
    assert_eq!(
        marker("/components/schemas/AsyncSendResponse"),
        Outcome::Contradicted
    );
    assert_eq!(
        marker("/components/responses/Unauthorized"),
        Outcome::Confirmed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn variants_switch_at_run_time_and_reads_alone_send_no_writes() {
    let emulator = EmulatorBuilder::default()
        .chat_hold(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let switched = admin(
        &emulator,
        reqwest_like::Method::Put,
        "/_emulator/variants",
        json!({ "eventsNoContent": true }),
    )
    .await;
    assert_eq!(switched["eventsNoContent"], true);
    assert_eq!(switched["chatAdapterPrefix"], false);
    let report = Doctor::new(client(&emulator))
        .chat_token(ChatApiToken::new(DEFAULT_CHAT_TOKEN).unwrap())
        .prompter_token(PrompterToken::new(DEFAULT_PROMPTER_TOKEN).unwrap())
        .poll_timeout(Duration::from_secs(10))
        .run()
        .await;
    assert_eq!(outcome(&report, chat::BASE_PATH), Outcome::Confirmed);
    assert_eq!(
        outcome(&report, chat::EVENTS_EMPTY_ANSWER),
        Outcome::Contradicted
    );
    // Without a body to look at, the envelope is not judged; writes were not allowed.
    assert_eq!(
        outcome(&report, chat::EVENTS_ENVELOPE),
        Outcome::NotExercised
    );
    for id in [chat::SEND_ENVELOPE, chat::SEND_ASYNC, prompter::SUGGEST] {
        let c = report.check(id).unwrap();
        assert_eq!(c.outcome, Outcome::NotExercised, "{id}");
        assert!(c.reason.unwrap().contains("not allowed"), "{id}");
    }
    let counters = emulator.state().counters();
    let sent = |op: &str| counters.requests_for(op);
    assert_eq!(
        sent("sendMessage") + sent("sendMessageAsync"),
        0,
        "{counters:?}"
    );
    // Made-up tokens and links, or requests refused as malformed: nothing happened.
    for (op, n) in [
        ("getSuggestions", 2),
        ("firePushback", 1),
        ("generateAudio", 1),
        ("addPhoneGet", 2),
        ("postOperatorEvent", 1),
    ] {
        assert_eq!(sent(op), n, "{op}: {counters:?}");
    }
    for id in [
        prompter::BAD_TOKEN,
        pushgate::UNKNOWN_LINK,
        imputer::BAD_TOKEN,
    ] {
        assert_eq!(outcome(&report, id), Outcome::Confirmed, "{id}");
    }
    assert!(sent("pollEvents") >= 3, "{counters:?}");
}

const CANARY: &str = "CANARY";

/// Canary values everywhere an answer can carry one: bot texts and states, the client id, the
/// saved state, the pushback event, the template id; tokens that are canaries too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_no_value_of_any_answer() {
    let rules = json!({
        "rules": [{
            "event": "/start",
            "state": "/CANARY_STATE",
            "replies": [
                { "type": "text", "text": "CANARY-TEXT-start" },
                { "type": "buttons", "buttons": [ { "text": "CANARY-BUTTON" } ] }
            ]
        }],
        "fallback": {
            "state": "/CANARY_FALLBACK",
            "replies": [ { "type": "text", "text": "CANARY-TEXT {query}" } ]
        }
    });
    let emulator = EmulatorBuilder::default()
        .chat_hold(Duration::from_millis(200))
        .chat_rules(rules.to_string())
        .start()
        .await
        .unwrap();
    let client_id = "CANARY-CLIENT-79990001122";
    // A saved state for the probe client, so that the state read answers canary values.
    let chat = Client::builder()
        .host(Host::custom(&emulator.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap();
    chat.api(jaicp_core::auth::Auth::path_token(
        "token",
        &ChatApiToken::new(DEFAULT_CHAT_TOKEN).unwrap(),
    ))
    .raw(http::Method::POST, "/chatapi/{token}/state")
    .query("clientId", client_id)
    .json(&json!({ "CANARY_KEY": "CANARY-STATE-VALUE", "phone": "CANARY-79990001122" }))
    .send_raw()
    .await
    .unwrap();
    let mut reports = vec![full_run(&emulator, client_id, "CANARY-TEMPLATE").await];
    emulator.state().set_variants(Variants::other());
    reports.push(full_run(&emulator, client_id, "CANARY-TEMPLATE").await);
    for report in &reports {
        for text in [report.to_json(), report.to_markdown()] {
            assert!(!text.contains(CANARY), "a value leaked:\n{text}");
            for secret in [
                DEFAULT_CHAT_TOKEN,
                DEFAULT_PROMPTER_TOKEN,
                DEFAULT_IMPUTER_TOKEN,
            ] {
                assert!(!text.contains(secret), "a token leaked:\n{text}");
            }
            assert!(!text.contains("7999000"), "a phone number leaked:\n{text}");
        }
        // The report did run on those answers.
        assert_eq!(report.check(chat::SEND_ENVELOPE).unwrap().status, Some(200));
        assert!(report.check(chat::CLIENT_STATE_ROUTE).unwrap().outcome != Outcome::NotExercised);
    }
}
