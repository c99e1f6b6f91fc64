//! Fault injection: the SDK against a proxy that breaks connections, stalls, floods and
//! throttles, in front of the emulator. Each case asserts the attempts made, the error kind, a
//! time bound, and — with the emulator's counters — that no keyed write was applied twice and
//! no write without a key was sent twice.

mod common;

use std::time::{Duration, Instant};

use jaicp_calls::Calls;
use jaicp_core::auth::Auth;
use jaicp_core::error::TimeoutPhase;
use jaicp_core::export::Method;
use jaicp_core::retry::RetryPolicy;
use jaicp_core::{CampaignToken, Client, Error, Host};
use jaicp_emulator::Emulator;
use jaicp_tests::fault_proxy::{Fault, FaultProxy};

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().with_max_attempts(3).with_backoff(
        Duration::from_millis(10),
        Duration::from_millis(20),
        Duration::from_millis(100),
    )
}

fn client(proxy: &FaultProxy, policy: RetryPolicy) -> Client {
    Client::builder()
        .host(Host::custom(&proxy.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .retry(policy)
        .attempt_timeout(Duration::from_millis(800))
        .stall_timeout(Duration::from_millis(500))
        .deadline(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn setup(script: Vec<Fault>) -> (Emulator, FaultProxy, Calls) {
    let emu = common::emulator().await;
    let proxy = FaultProxy::start(Some(emu.addr()), script).await;
    let calls = Calls::new(
        &client(&proxy, fast_retries()),
        &CampaignToken::new(emu.campaign_token()).unwrap(),
    );
    (emu, proxy, calls)
}

#[tokio::test]
async fn a_keyed_write_whose_answer_is_lost_is_applied_once() {
    let (emu, proxy, calls) = setup(vec![Fault::ForwardThenReset]).await;
    let ids = calls
        .add_phones_batch(common::numbers(1, 5))
        .send()
        .await
        .unwrap();
    assert_eq!(ids.len(), 5);
    assert_eq!(
        proxy.received().len(),
        2,
        "sent, answer lost, resent with the same key"
    );
    let counters = emu.state().counters();
    assert_eq!(
        counters.jobs_created, 5,
        "the resend was answered from the stored key"
    );
    assert_eq!(counters.idempotent_replays, 1);
}

#[tokio::test]
async fn a_write_without_a_key_is_never_resent() {
    let (emu, proxy, _) = setup(vec![Fault::ForwardThenReset]).await;
    let api = client(&proxy, fast_retries()).api(Auth::none());
    let path = format!("/api/calls/campaign/{}/addPhones", emu.campaign_token());
    let body = serde_json::json!([{"phone": "79001112233"}]);
    let err = api
        .raw(Method::POST, path)
        .json(&body)
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(proxy.received().len(), 1);
    assert_eq!(emu.state().counters().jobs_created, 1);
}

#[tokio::test]
async fn reset_before_and_after_the_request_is_retried_for_reads() {
    let (_emu, proxy, calls) =
        setup(vec![Fault::ResetBeforeRequest, Fault::ResetAfterRequest]).await;
    calls.campaign().send().await.unwrap();
    assert_eq!(
        proxy.received().len(),
        2,
        "the first reset came before the request was read"
    );
}

#[tokio::test]
async fn reset_mid_body_is_retried_for_reads() {
    let (_emu, proxy, calls) = setup(vec![Fault::ResetMidBody {
        declared: 1000,
        sent: 10,
    }])
    .await;
    calls.campaign_status().send().await.unwrap();
    assert_eq!(proxy.received().len(), 2);
}

#[tokio::test]
async fn a_stalled_body_times_out_and_is_retried() {
    let (_emu, proxy, calls) = setup(vec![Fault::StallBody {
        declared: 1000,
        sent: 10,
    }])
    .await;
    let started = Instant::now();
    calls.campaign().send().await.unwrap();
    assert_eq!(proxy.received().len(), 2);
    // Cut by the stall limit (500 ms), which is shorter than the attempt timeout here.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured() {
    let throttle = Fault::Reply {
        status: 429,
        headers: vec!["retry-after: 1".into()],
        body: vec![],
    };
    let (_emu, proxy, calls) = setup(vec![throttle]).await;
    let started = Instant::now();
    calls.campaign().send().await.unwrap();
    assert_eq!(proxy.received().len(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_recovers() {
    let (_emu, proxy, calls) = setup(vec![Fault::json(429, "{}"), Fault::json(429, "{}")]).await;
    calls.campaign().send().await.unwrap();
    assert_eq!(proxy.received().len(), 3);
}

#[tokio::test]
async fn a_long_retry_after_returns_rate_limited_at_once() {
    let throttle = Fault::Reply {
        status: 429,
        headers: vec!["retry-after: 3600".into()],
        body: vec![],
    };
    let (_emu, proxy, calls) = setup(vec![throttle]).await;
    let started = Instant::now();
    let err = calls.campaign().send().await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)),
        "{err:?}"
    );
    assert_eq!(proxy.received().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_503_storm_exhausts_the_retry_budget() {
    let emu = common::emulator().await;
    let storm: Vec<Fault> = (0..30).map(|_| Fault::json(503, "{}")).collect();
    let proxy = FaultProxy::start(Some(emu.addr()), storm).await;
    let client = Client::builder()
        .host(Host::custom(&proxy.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .retry(fast_retries().with_max_attempts(10))
        .retry_budget(15)
        .build()
        .unwrap();
    let calls = Calls::new(&client, &CampaignToken::new(emu.campaign_token()).unwrap());
    let err = calls.campaign().send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        proxy.received().len(),
        4,
        "a budget of 15 pays for three retries of 5"
    );
    // The budget is shared: the next call gets no retry at all.
    let err = calls.campaign().send().await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(proxy.received().len(), 5);
}

#[tokio::test]
async fn truncated_and_mistyped_bodies_are_decode_errors_not_retries() {
    let html = Fault::Reply {
        status: 200,
        headers: vec!["content-type: text/html".into()],
        body: b"<html>oops</html>".to_vec(),
    };
    let (_emu, proxy, calls) = setup(vec![Fault::json(200, r#"{"id": 1, "name": "#), html]).await;
    let err = calls.campaign().send().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let err = calls.campaign().send().await.unwrap_err();
    match &err {
        Error::Decode { snippet, .. } => {
            assert!(snippet.as_deref().unwrap_or("").contains("<html>"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(proxy.received().len(), 2);
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let redirect = Fault::Reply {
        status: 307,
        headers: vec!["location: http://127.0.0.2:9/steal".into()],
        body: vec![],
    };
    let (_emu, proxy, calls) = setup(vec![redirect]).await;
    let err = calls.campaign().send().await.unwrap_err();
    assert!(
        matches!(err, Error::UnexpectedRedirect { status: 307, .. }),
        "{err:?}"
    );
    assert_eq!(proxy.received().len(), 1);
}

#[tokio::test]
async fn a_gigantic_body_fails_fast_without_buffering() {
    let (_emu, proxy, _) = setup(vec![Fault::Endless]).await;
    let client = Client::builder()
        .host(Host::custom(&proxy.base_url()).unwrap())
        .allow_insecure_loopback(true)
        .body_cap(4 * 1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .api(Auth::none())
        .raw(Method::GET, "/big")
        .send_raw()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn slow_loris_headers_hit_the_attempt_timeout() {
    let slow = || Fault::SlowHeaders {
        every: Duration::from_millis(100),
    };
    let (_emu, proxy, calls) = setup(vec![slow(), slow(), slow()]).await;
    let started = Instant::now();
    let err = calls.campaign().send().await.unwrap_err();
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
    assert_eq!(proxy.received().len(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_writes_without_a_key() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .host(Host::custom(&format!("http://127.0.0.1:{port}")).unwrap())
        .allow_insecure_loopback(true)
        .retry(fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .api(Auth::none())
        .raw(Method::POST, "/chatapi/x")
        .send_unit()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}
