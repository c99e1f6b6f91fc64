//! The desk router: secret path, body cap, malformed payloads, hand-off to the desk.
#![cfg(feature = "server")]

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use jaicp_core::secret::SecretText;
use jaicp_operator::models::{
    CloseChatRequest, Destination, SelectDestinationRequest, SendFileRequest, SendTextRequest,
};
use jaicp_operator::server::{AgentDesk, DeskConfig, router};
use tokio::sync::mpsc;
use tower::ServiceExt;

const SECRET: &str = "desk-secret-0123456789";

struct Desk(mpsc::UnboundedSender<String>);

#[async_trait::async_trait]
impl AgentDesk for Desk {
    async fn set_webhook(&self, url: SecretText) {
        let _ = self.0.send(format!("webhook {}", url.expose()));
    }
    async fn destinations(&self) -> Vec<Destination> {
        vec![Destination {
            destination_id: "sales".into(),
            ..Default::default()
        }]
    }
    async fn select_destination(&self, r: SelectDestinationRequest) {
        let _ = self.0.send(format!("select {:?}", r.destination_id));
    }
    async fn send_text(&self, r: SendTextRequest) {
        let _ = self.0.send(format!("text {:?}", r.text));
    }
    async fn send_file(&self, r: SendFileRequest) {
        let _ = self.0.send(format!("file {:?}", r.url));
    }
    async fn close_chat(&self, r: CloseChatRequest) {
        let _ = self.0.send(format!("close {:?}", r.user_id));
    }
}

fn app() -> (axum::Router, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (
        router(Arc::new(Desk(tx)), DeskConfig::new(SECRET).body_limit(512)),
        rx,
    )
}

async fn call(
    app: axum::Router,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let response = app
        .oneshot(
            Request::builder()
                .method(method)
                .uri(path)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn every_method_reaches_the_desk() {
    let (app, mut rx) = app();
    let p = |m: &str| format!("/{SECRET}/{m}");
    let cases = [
        (
            "setWebhook",
            r#"{"url":"https://app.jaicp.com/chatapi/webhook/operatorapi/k"}"#,
            "webhook https://app.jaicp.com/chatapi/webhook/operatorapi/k",
        ),
        (
            "selectDestination",
            r#"{"userId":"u","destinationId":"sales"}"#,
            "select Some(\"sales\")",
        ),
        (
            "sendText",
            r#"{"userId":"u","text":"hi"}"#,
            "text Some(\"hi\")",
        ),
        (
            "sendFile",
            r#"{"userId":"u","url":"https://f/x.pdf"}"#,
            "file Some(\"https://f/x.pdf\")",
        ),
        (
            "closeChat",
            r#"{"userId":"u","text":"bye"}"#,
            "close Some(\"u\")",
        ),
    ];
    for (method, body, expected) in cases {
        let (status, _) = call(app.clone(), "POST", &p(method), body).await;
        assert_eq!(status, StatusCode::OK, "{method}");
        let got = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got, expected);
    }
    let (status, json) = call(app, "GET", &p("getDestinations"), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json[0]["destinationId"], "sales");
}

#[tokio::test]
async fn bad_requests_are_refused_and_never_reach_the_desk() {
    let (app, mut rx) = app();
    let (s, j) = call(
        app.clone(),
        "POST",
        "/wrong-secret-0123456789/sendText",
        r#"{"userId":"u"}"#,
    )
    .await;
    assert_eq!(
        (s, j["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, _) = call(
        app.clone(),
        "GET",
        "/wrong-secret-0123456789/getDestinations",
        "",
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(app.clone(), "POST", &format!("/{SECRET}/nope"), "{}").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, j) = call(app.clone(), "POST", &format!("/{SECRET}/sendText"), "{oops").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(j["message"].as_str().unwrap().contains("malformed"));
    let (s, j) = call(
        app.clone(),
        "POST",
        &format!("/{SECRET}/selectDestination"),
        r#"{"userId":"u"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(j["message"].as_str().unwrap().contains("destinationId"));
    let big = format!(r#"{{"userId":"u","text":"{}"}}"#, "x".repeat(2000));
    let (s, j) = call(app, "POST", &format!("/{SECRET}/sendText"), &big).await;
    assert_eq!(
        (s, j["error"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(rx.try_recv().is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let status = rt.block_on(async {
            let (app, _rx) = app();
            let req = Request::post(format!("/{SECRET}/sendText")).body(Body::from(bytes)).unwrap();
            app.oneshot(req).await.unwrap().status()
        });
        proptest::prop_assert!(status == StatusCode::OK || status == StatusCode::BAD_REQUEST);
    }
}
