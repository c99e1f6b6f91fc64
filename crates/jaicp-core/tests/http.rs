//! The default reqwest transport against a real local server: redirects, caps, redaction.

use httpmock::prelude::*;
use jaicp_core::auth::Auth;
use jaicp_core::request::{Idempotency, OperationSpec};
use jaicp_core::{CampaignToken, Client, Error, Host, export::Method};

static OP: OperationSpec = OperationSpec {
    api: "calls",
    operation: "getCallTask",
    method: Method::GET,
    path: "/api/calls/campaign/{token}",
    idempotency: Idempotency::Idempotent,
};

const CANARY: &str = "9999.9999.httpCANARY";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .host(Host::custom(&server.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_302_is_not_followed() {
    let server = MockServer::start_async().await;
    let redirect = server
        .mock_async(|when, then| {
            when.path(format!("/api/calls/campaign/{CANARY}"));
            then.status(302).header(
                "location",
                format!("https://other.example/api/calls/campaign/{CANARY}"),
            );
        })
        .await;
    let api = client(&server).api(Auth::path_token(
        "token",
        &CampaignToken::new(CANARY).unwrap(),
    ));
    let err = api.request(&OP).send_unit().await.unwrap_err();
    redirect.assert_calls_async(1).await;
    match &err {
        Error::UnexpectedRedirect {
            status, location, ..
        } => {
            assert_eq!(*status, 302);
            assert!(location.starts_with("https://other.example/"), "{location}");
        }
        other => panic!("expected a redirect error, got {other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains(CANARY));
}

#[tokio::test]
async fn a_declared_oversized_body_is_refused_before_reading() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body(vec![b'a'; 2 * 1024 * 1024]);
        })
        .await;
    let c = Client::builder()
        .host(Host::custom(&server.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .body_cap(1024 * 1024)
        .build()
        .unwrap();
    let err = c
        .api(Auth::none())
        .request(&OP)
        .path_param("token", "x")
        .send_raw()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn connection_errors_never_show_the_url() {
    // A port nobody listens on: the connect error must not carry the token-bearing URL.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = Client::builder()
        .host(Host::custom(&format!("http://127.0.0.1:{port}")).unwrap())
        .allow_insecure_loopback(true)
        .retry(jaicp_core::retry::RetryPolicy::none())
        .build()
        .unwrap();
    let err = c
        .api(Auth::path_token(
            "token",
            &CampaignToken::new(CANARY).unwrap(),
        ))
        .request(&OP)
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(CANARY), "{shown}");
}

#[tokio::test]
async fn the_user_agent_and_timeouts_hold_with_a_custom_reqwest_client() {
    let server = MockServer::start_async().await;
    let ua = format!("jaicp-rs/{} my-service/2.0", env!("CARGO_PKG_VERSION"));
    let ok = server
        .mock_async(|when, then| {
            when.path(format!("/api/calls/campaign/{CANARY}"))
                .header("user-agent", ua.as_str());
            then.status(200).body("{}");
        })
        .await;
    let slow = server
        .mock_async(|when, then| {
            when.path("/slow");
            then.status(200)
                .delay(std::time::Duration::from_secs(5))
                .body("{}");
        })
        .await;
    // A client the user built with none of the SDK's settings (reqwest's own user agent would
    // be none at all).
    let custom = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder()
        .host(Host::custom(&server.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .reqwest_client(custom)
        .user_agent("my-service/2.0")
        .attempt_timeout(std::time::Duration::from_millis(200))
        .retry(jaicp_core::retry::RetryPolicy::none())
        .build()
        .unwrap();
    let api = client.api(Auth::path_token(
        "token",
        &CampaignToken::new(CANARY).unwrap(),
    ));
    api.request(&OP).send_unit().await.unwrap();
    ok.assert_calls_async(1).await;
    // The attempt timeout is the pipeline's: it holds for the custom client too.
    let started = std::time::Instant::now();
    let err = api.raw(Method::GET, "/slow").send_unit().await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { .. }),
        "expected a timeout, got {err:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    slow.assert_calls_async(1).await;
}
