//! Behaviour of the request pipeline: retries, idempotency, timeouts, caps, redirects, redaction.
//! Time-dependent tests run on tokio's paused clock, so they are exact and instant.

use std::sync::Arc;
use std::time::Duration;

use jaicp_core::auth::Auth;
use jaicp_core::error::TimeoutPhase;
use jaicp_core::request::{Idempotency, KeyPlacement, OperationSpec};
use jaicp_core::retry::RetryPolicy;
use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::transport::TransportErrorKind;
use jaicp_core::{CampaignToken, Client, Error, Host, export::Method};

static GET_OP: OperationSpec = OperationSpec {
    api: "test",
    operation: "read",
    method: Method::GET,
    path: "/api/calls/campaign/{token}",
    idempotency: Idempotency::Idempotent,
};
static KEYED_OP: OperationSpec = OperationSpec {
    api: "test",
    operation: "keyedWrite",
    method: Method::POST,
    path: "/api/calls/campaign/{token}/addPhones",
    idempotency: Idempotency::Keyed(KeyPlacement::Header),
};
static QUERY_KEYED_OP: OperationSpec = OperationSpec {
    api: "test",
    operation: "queryKeyedWrite",
    method: Method::GET,
    path: "/api/crmCalls/campaign/{token}/addPhone",
    idempotency: Idempotency::Keyed(KeyPlacement::Query),
};
static POST_OP: OperationSpec = OperationSpec {
    api: "test",
    operation: "send",
    method: Method::POST,
    path: "/chatapi/{token}",
    idempotency: Idempotency::NonIdempotent,
};

const CANARY: &str = "4242.4242.CANARYtokenXYZ";

fn client(transport: &ScriptedTransport) -> Client {
    Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(transport.clone()))
        .build()
        .unwrap()
}

fn api(transport: &ScriptedTransport) -> jaicp_core::request::ApiContext {
    client(transport).api(Auth::path_token(
        "token",
        &CampaignToken::new(CANARY).unwrap(),
    ))
}

#[tokio::test(start_paused = true)]
async fn retries_503_twice_then_succeeds_in_three_attempts() {
    let t = ScriptedTransport::new([
        Step::json(503, "{}"),
        Step::json(503, "{}"),
        Step::json(200, r#"{"ok":true}"#),
    ]);
    let v: serde_json::Value = api(&t).request(&GET_OP).send_json().await.unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(t.count(), 3);
}

#[tokio::test(start_paused = true)]
async fn never_retries_a_400() {
    let t = ScriptedTransport::new([
        Step::json(400, r#"{"type":"phone.bad.format","message":"bad"}"#),
        Step::json(200, "{}"),
    ]);
    let err = api(&t).request(&GET_OP).send_unit().await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("phone.bad.format"));
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn keyed_write_reuses_one_key_on_every_attempt() {
    let t = ScriptedTransport::new([
        Step::json(503, "{}"),
        Step::Fail(TransportErrorKind::Io),
        Step::json(200, r#"["1"]"#),
    ]);
    let ids: Vec<String> = api(&t)
        .request(&KEYED_OP)
        .json(&["x"])
        .send_json()
        .await
        .unwrap();
    assert_eq!(ids, vec!["1"]);
    let keys: Vec<String> = t
        .requests()
        .iter()
        .map(|r| {
            r.headers
                .get("idempotence-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "{keys:?}");
    assert_eq!(keys[0].len(), 36, "a UUID is generated when none is given");
}

#[tokio::test(start_paused = true)]
async fn given_key_is_sent_as_query_for_get_adds() {
    let t = ScriptedTransport::new([Step::json(502, "{}"), Step::json(200, r#""77""#)]);
    let id = api(&t)
        .request(&QUERY_KEYED_OP)
        .query("phone", "79001112233")
        .idempotency_key(Some("lead-1".into()))
        .send_lenient_string()
        .await
        .unwrap();
    assert_eq!(id, "77");
    for r in t.requests() {
        assert!(
            r.url.query().unwrap().contains("Idempotence-Key=lead-1"),
            "{:?}",
            r.url.query()
        );
    }
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn post_without_key_is_not_resent_after_a_read_timeout() {
    let t = ScriptedTransport::new([Step::Hang, Step::json(200, "{}")]);
    let err = api(&t)
        .request(&POST_OP)
        .json(&"hi")
        .send_unit()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Attempt,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_without_key_is_not_resent_after_a_5xx_or_io_error() {
    let t = ScriptedTransport::new([Step::json(503, "{}"), Step::json(200, "{}")]);
    let err = api(&t).request(&POST_OP).send_unit().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(t.count(), 1);
    let t = ScriptedTransport::new([Step::Fail(TransportErrorKind::Io), Step::json(200, "{}")]);
    assert!(api(&t).request(&POST_OP).send_unit().await.is_err());
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_without_key_is_retried_when_the_connection_never_opened() {
    let t = ScriptedTransport::new([
        Step::Fail(TransportErrorKind::Connect),
        Step::json(200, "{}"),
    ]);
    api(&t).request(&POST_OP).send_unit().await.unwrap();
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let t = ScriptedTransport::new([
        Step::with_header(429, "retry-after", "7", ""),
        Step::json(200, "{}"),
    ]);
    let started = tokio::time::Instant::now();
    api(&t).request(&GET_OP).send_unit().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(9));
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_over_sixty_seconds_yields_rate_limited() {
    let t = ScriptedTransport::new([
        Step::with_header(429, "retry-after", "120", ""),
        Step::json(200, "{}"),
    ]);
    let err = api(&t).request(&GET_OP).send_unit().await.unwrap_err();
    match err {
        Error::RateLimited {
            status,
            retry_after,
            ..
        } => {
            assert_eq!(status, 429);
            assert_eq!(retry_after, Some(Duration::from_secs(120)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_holds() {
    let t = ScriptedTransport::new([Step::Hang, Step::Hang, Step::Hang]);
    let c = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .attempt_timeout(Duration::from_secs(30))
        .deadline(Duration::from_secs(45))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = c
        .api(Auth::path_token(
            "token",
            &CampaignToken::new(CANARY).unwrap(),
        ))
        .request(&GET_OP)
        .send_unit()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed <= Duration::from_secs(45), "{elapsed:?}");
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Deadline,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        t.count(),
        2,
        "the second attempt is cut short by the deadline"
    );
}

#[tokio::test(start_paused = true)]
async fn an_oversized_body_fails_without_being_buffered() {
    // An endless body: only a streaming cap can end this test.
    let t = ScriptedTransport::new([Step::Endless {
        status: 200,
        chunk: 64 * 1024,
    }]);
    let c = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .body_cap(1024 * 1024)
        .build()
        .unwrap();
    let err = c
        .api(Auth::none())
        .request(&GET_OP)
        .path_param("token", "x")
        .send_raw()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1048576, .. }),
        "{err:?}"
    );
    assert_eq!(t.count(), 1, "a too-large body is not retried");
}

#[tokio::test(start_paused = true)]
async fn retry_budget_stops_a_retry_storm() {
    let steps: Vec<Step> = (0..20).map(|_| Step::json(500, "{}")).collect();
    let t = ScriptedTransport::new(steps);
    let c = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .retry(RetryPolicy::default().with_max_attempts(10))
        .retry_budget(10)
        .build()
        .unwrap();
    let err = c
        .api(Auth::none())
        .request(&GET_OP)
        .path_param("token", "x")
        .send_unit()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(t.count(), 3, "two retries of cost 5 drain a budget of 10");
    assert_eq!(c.retry_budget_available(), 0);
}

#[tokio::test(start_paused = true)]
async fn bearer_header_is_sensitive_and_path_tokens_are_encoded() {
    let t = ScriptedTransport::new([Step::json(200, "{}")]);
    let c = client(&t);
    c.api(Auth::bearer(
        &jaicp_core::UnifiedToken::new("uni-CANARY").unwrap(),
    ))
    .request(&GET_OP)
    .path_param("token", "a:b")
    .send_unit()
    .await
    .unwrap();
    let r = &t.requests()[0];
    let auth = r.headers.get("authorization").unwrap();
    assert!(auth.is_sensitive());
    assert_eq!(auth.to_str().unwrap(), "Bearer uni-CANARY");
    assert!(r.url.path().ends_with("/campaign/a:b"), "{}", r.url.path());
}

#[tokio::test(start_paused = true)]
async fn path_traversal_is_refused_before_sending() {
    let t = ScriptedTransport::new([Step::json(200, "{}")]);
    let err = client(&t)
        .api(Auth::none())
        .request(&GET_OP)
        .path_param("token", "../admin")
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(t.count(), 0);
}

#[tokio::test(start_paused = true)]
async fn errors_echoing_the_token_are_scrubbed() {
    let body = format!(r#"{{"type":"invalid.token","message":"no campaign for token {CANARY}"}}"#);
    let t = ScriptedTransport::new([Step::json(404, &body)]);
    let err = api(&t).request(&GET_OP).send_unit().await.unwrap_err();
    assert!(err.is_auth());
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(CANARY), "{shown}");
    assert!(shown.contains("test API refused the credential"), "{shown}");
}

#[tokio::test]
async fn plain_http_is_refused_for_remote_hosts() {
    let err = Client::builder()
        .host(Host::custom("http://jaicp.example").unwrap())
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(
        Client::builder()
            .host(Host::custom("http://127.0.0.1:1").unwrap())
            .build()
            .is_err()
    );
    assert!(
        Client::builder()
            .host(Host::custom("http://127.0.0.1:1").unwrap())
            .allow_insecure_loopback(true)
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn raw_refuses_absolute_urls_so_auth_stays_on_the_host() {
    let t = ScriptedTransport::new([Step::json(200, "{}")]);
    let api = client(&t).api(Auth::bearer(
        &jaicp_core::UnifiedToken::new("secret").unwrap(),
    ));
    let err = api
        .raw(Method::GET, "https://evil.example/steal")
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    let err = api
        .raw(Method::GET, "//evil.example/steal")
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert_eq!(t.count(), 0);
}

#[tokio::test(start_paused = true)]
async fn downloads_stream_with_progress_and_a_size_cap() {
    use jaicp_core::download::DownloadOptions;
    let body = "x".repeat(10_000);
    let t = ScriptedTransport::new([
        Step::json(200, &body),
        Step::Endless {
            status: 200,
            chunk: 4096,
        },
    ]);
    let api = client(&t).api(Auth::none());
    let mut sink: Vec<u8> = Vec::new();
    let mut calls = Vec::new();
    let mut progress = |done: u64, _total: Option<u64>| calls.push(done);
    let written = api
        .raw(Method::GET, "/file")
        .send_streaming()
        .await
        .unwrap()
        .write_to(
            &mut sink,
            DownloadOptions::default().progress(&mut progress),
        )
        .await
        .unwrap();
    assert_eq!(written, 10_000);
    assert_eq!(sink.len(), 10_000);
    assert_eq!(calls.last(), Some(&10_000));

    let mut sink = tokio::io::sink();
    let err = api
        .raw(Method::GET, "/endless")
        .send_streaming()
        .await
        .unwrap()
        .write_to(&mut sink, DownloadOptions::default().max_bytes(1 << 20))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1048576, .. }),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_stalled_download_fails_after_the_stall_timeout() {
    let t = ScriptedTransport::new([Step::Stall {
        status: 200,
        first: bytes::Bytes::from_static(b"abc"),
    }]);
    let c = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .stall_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let mut sink = tokio::io::sink();
    let err = c
        .api(Auth::none())
        .raw(Method::GET, "/file")
        .send_streaming()
        .await
        .unwrap()
        .write_to(&mut sink, jaicp_core::download::DownloadOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Stall,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(20));
}

#[tokio::test(start_paused = true)]
async fn a_stalled_json_body_is_cut_by_the_attempt_timeout_and_retried() {
    let t = ScriptedTransport::new([
        Step::Stall {
            status: 200,
            first: bytes::Bytes::from_static(b"{\"a\":"),
        },
        Step::json(200, r#"{"a":1}"#),
    ]);
    let v: serde_json::Value = api(&t).request(&GET_OP).send_json().await.unwrap();
    assert_eq!(v["a"], 1);
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn raw_requests_keep_auth_and_retries() {
    let t = ScriptedTransport::new([Step::json(503, "{}"), Step::json(200, r#"{"id":5}"#)]);
    let api = client(&t).api(Auth::bearer(&jaicp_core::UnifiedToken::new("uni").unwrap()));
    let v: serde_json::Value = api
        .raw(Method::GET, "/api/v1/projects/{id}")
        .path_param("id", "p 1")
        .query("page", 0)
        .send_json()
        .await
        .unwrap();
    assert_eq!(v["id"], 5);
    let sent = t.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].url.path(), "/api/v1/projects/p%201");
    assert_eq!(sent[1].url.query(), Some("page=0"));
    assert_eq!(sent[1].headers["authorization"], "Bearer uni");
    // A raw POST has no key, so it is not retried after a 503.
    let t = ScriptedTransport::new([Step::json(503, "{}"), Step::json(200, "{}")]);
    let api = client(&t).api(Auth::none());
    assert!(
        api.raw(Method::POST, "/x")
            .json(&1)
            .send_unit()
            .await
            .is_err()
    );
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn per_call_options_override_the_client() {
    let t = ScriptedTransport::new([Step::json(503, "{}"), Step::json(200, "{}")]);
    let err = api(&t)
        .request(&GET_OP)
        .options(jaicp_core::CallOptions::default().retry(RetryPolicy::none()))
        .send_unit()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(t.count(), 1);

    let t = ScriptedTransport::new([Step::Delay(Duration::from_secs(40)), Step::json(200, "{}")]);
    api(&t)
        .request(&GET_OP)
        .options(jaicp_core::CallOptions::default().attempt_timeout(Duration::from_secs(60)))
        .send_unit()
        .await
        .unwrap();
    assert_eq!(
        t.count(),
        1,
        "a long-poll style timeout lets the slow answer through"
    );
}

#[tokio::test(start_paused = true)]
async fn decode_errors_name_the_json_path() {
    let t = ScriptedTransport::new([Step::json(200, r#"{"items":[{"n":1},{"n":"two"}]}"#)]);
    #[derive(serde::Deserialize, Debug)]
    struct Item {
        #[allow(dead_code)]
        n: i64,
    }
    #[derive(serde::Deserialize, Debug)]
    struct Page {
        #[allow(dead_code)]
        items: Vec<Item>,
    }
    let err = api(&t)
        .request(&GET_OP)
        .send_json::<Page>()
        .await
        .unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "items[1].n"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn api_contexts_and_clients_never_debug_print_secrets() {
    let t = ScriptedTransport::new([]);
    let shown = format!("{:?} {:?}", api(&t), client(&t));
    assert!(!shown.contains(CANARY), "{shown}");
    let bearer = client(&t).api(Auth::bearer(
        &jaicp_core::UnifiedToken::new("uni-CANARY-2").unwrap(),
    ));
    assert!(!format!("{bearer:?}").contains("uni-CANARY-2"));
}

static REPORTER_OP: OperationSpec = OperationSpec {
    api: "reporter",
    operation: "filter",
    method: Method::POST,
    path: "/api/v1/reporter/sessions/filter",
    idempotency: Idempotency::Idempotent,
};

#[tokio::test(start_paused = true)]
async fn path_rewrites_move_an_api_under_a_token_path_and_stay_redacted() {
    let t = ScriptedTransport::new([Step::json(200, "{}"), Step::json(500, "{}")]);
    let ctx = client(&t)
        .api(Auth::path_token(
            "token",
            &CampaignToken::new(CANARY).unwrap(),
        ))
        .with_path_rewrite("/api/v1/reporter", "/reporter/p/{token}");
    ctx.request(&REPORTER_OP).send_unit().await.unwrap();
    assert_eq!(
        t.requests()[0].url.path(),
        format!("/reporter/p/{CANARY}/sessions/filter")
    );
    // A path that only shares a prefix string is left alone.
    let other = client(&t)
        .api(Auth::none())
        .with_path_rewrite("/api/v1/report", "/x");
    let err = other
        .request(&REPORTER_OP)
        .options(jaicp_core::CallOptions::default().retry(RetryPolicy::none()))
        .send_unit()
        .await
        .unwrap_err();
    assert_eq!(
        t.requests()[1].url.path(),
        "/api/v1/reporter/sessions/filter"
    );
    assert!(!format!("{err} {err:?} {ctx:?}").contains(CANARY));
}
