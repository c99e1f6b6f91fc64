//! The webhook receiver: secret path, echoed token, body cap, malformed bodies, hand-off.
#![cfg(feature = "server")]

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use jaicp_chat::models::ChatResponse;
use jaicp_chat::server::{WebhookConfig, router};
use jaicp_core::ChatApiToken;
use tokio::sync::mpsc;
use tower::ServiceExt;

const TOKEN: &str = "abcd1234:0123456789abcdef0123456789abcdef01234567";
const SECRET: &str = "s3cret-segment-0123456789";

fn app(limit: usize) -> (axum::Router, mpsc::UnboundedReceiver<Vec<ChatResponse>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let config = WebhookConfig::new(ChatApiToken::new(TOKEN).unwrap(), SECRET).body_limit(limit);
    let app = router(config, move |turns| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(turns);
        }
    });
    (app, rx)
}

async fn post(app: axum::Router, path: &str, body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let response = app
        .oneshot(
            Request::post(path)
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

fn path() -> String {
    format!("/webhooks/jaicp/chat/{SECRET}")
}

fn turn(q: &str, token: &str) -> serde_json::Value {
    serde_json::json!({"token": token, "clientId": "u1", "questionId": q,
        "data": {"replies": [{"type": "text", "text": "hi"}]}})
}

#[tokio::test]
async fn a_good_array_is_accepted_and_handed_to_the_handler() {
    let (app, mut rx) = app(1 << 20);
    let body = serde_json::to_vec(&[turn("q1", TOKEN), turn("q2", TOKEN)]).unwrap();
    let (status, _) = post(app, &path(), body).await;
    assert_eq!(status, StatusCode::OK);
    let turns = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let ids: Vec<_> = turns
        .iter()
        .map(|t| t.question_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["q1", "q2"]);
}

#[tokio::test]
async fn a_single_object_is_accepted_too() {
    let (app, mut rx) = app(1 << 20);
    let (status, _) = post(
        app,
        &path(),
        serde_json::to_vec(&turn("q1", TOKEN)).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rx.recv().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_wrong_secret_segment_or_path_is_404() {
    let (app, mut rx) = app(1 << 20);
    let body = serde_json::to_vec(&turn("q1", TOKEN)).unwrap();
    let (status, json) = post(
        app.clone(),
        "/webhooks/jaicp/chat/s3cret-segment-0123456788",
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json["error"], "not_found");
    let (status, _) = post(app, "/elsewhere", body).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_401() {
    let (app, mut rx) = app(1 << 20);
    let wrong = serde_json::to_vec(&[turn("q1", TOKEN), turn("q2", "other:token")]).unwrap();
    let (status, json) = post(app.clone(), &path(), wrong).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "unauthorized");
    assert!(!json.to_string().contains(TOKEN));
    let missing = serde_json::to_vec(&serde_json::json!({"clientId":"u1"})).unwrap();
    let (status, _) = post(app, &path(), missing).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(rx.try_recv().is_err());
}

#[tokio::test]
async fn malformed_json_is_400_with_a_reason() {
    let (app, _rx) = app(1 << 20);
    let (status, json) = post(app.clone(), &path(), b"{not json".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "bad_request");
    assert!(json["message"].as_str().unwrap().contains("malformed JSON"));
    let (status, json) = post(app, &path(), b"[]".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json["message"].as_str().unwrap().contains("empty array"));
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let (app, _rx) = app(256);
    let big =
        serde_json::to_vec(&serde_json::json!({"token": TOKEN, "pad": "x".repeat(1000)})).unwrap();
    let (status, json) = post(app, &path(), big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json["error"], "payload_too_large");
}

#[tokio::test]
async fn a_short_configured_secret_refuses_everything() {
    let (tx, _rx) = mpsc::unbounded_channel::<()>();
    let app = router(
        WebhookConfig::new(ChatApiToken::new(TOKEN).unwrap(), "short"),
        move |_| {
            let _ = tx.clone();
            async {}
        },
    );
    let (status, _) = post(
        app,
        "/webhooks/jaicp/chat/short",
        serde_json::to_vec(&turn("q", TOKEN)).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn the_config_debug_hides_the_token_and_the_secret() {
    let config = WebhookConfig::new(ChatApiToken::new(TOKEN).unwrap(), SECRET);
    let text = format!("{config:?}");
    assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bodies_never_panic_and_never_reach_the_handler_unauthenticated(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (status, _) = rt.block_on(async {
            let (app, _rx) = app(1 << 20);
            post(app, &path(), bytes).await
        });
        proptest::prop_assert!(status.is_client_error());
    }
}
