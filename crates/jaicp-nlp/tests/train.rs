//! `Nlp::train().wait()` with a scripted server and paused time: READY, FAILED, a stale READY,
//! the deadline, and the request paths under the `/cailapub` prefix.

use std::sync::Arc;
use std::time::Duration;

use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::{Client, Host, NlpKey};
use jaicp_nlp::models::TrainingStatus;
use jaicp_nlp::{Nlp, NlpError, NlpErrorExt, PollOptions};

const KEY: &str = "nlp-key-CANARY-7d1f";

fn nlp(t: &ScriptedTransport, prefix: Option<&str>) -> Nlp {
    let client = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .build()
        .unwrap();
    match prefix {
        Some(p) => Nlp::with_prefix(&client, &NlpKey::new(KEY).unwrap(), p),
        None => Nlp::new(&client, &NlpKey::new(KEY).unwrap()),
    }
}

fn fast() -> PollOptions {
    PollOptions::default()
        .initial_interval(Duration::from_millis(100))
        .max_interval(Duration::from_millis(400))
        .deadline(Duration::from_secs(5))
}

fn status(s: &str, start: &str) -> Step {
    Step::json(
        200,
        &format!(
            r#"{{"trainingStatus":"{s}","lastModelTrainStart":"{start}","lastError":"bad data"}}"#
        ),
    )
}

const FUTURE: &str = "2999-01-01T00:00:00Z";
const PAST: &str = "2001-01-01T00:00:00Z";

#[tokio::test(start_paused = true)]
async fn waits_through_training_to_ready() {
    let t = ScriptedTransport::new([
        Step::json(200, ""),
        status("TRAINING", FUTURE),
        status("TRAINING", FUTURE),
        status("READY", FUTURE),
    ]);
    let done = nlp(&t, None)
        .train()
        .incremental(false)
        .poll(fast())
        .wait()
        .await
        .unwrap();
    assert_eq!(done.training_status, Some(TrainingStatus::Ready));
    let sent = t.requests();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[0].method, http::Method::POST);
    assert_eq!(
        sent[0].url.path(),
        format!("/cailapub/api/caila/p/{KEY}/nlu/train")
    );
    assert_eq!(sent[0].url.query(), Some("incremental=false"));
    assert_eq!(
        sent[1].url.path(),
        format!("/cailapub/api/caila/p/{KEY}/nlu/status")
    );
}

#[tokio::test(start_paused = true)]
async fn a_stale_ready_is_not_taken_for_the_new_model() {
    let t = ScriptedTransport::new([
        Step::json(200, ""),
        status("READY", PAST), // the previous model
        status("TRAINING", PAST),
        status("READY", FUTURE),
    ]);
    nlp(&t, Some("")).train().poll(fast()).wait().await.unwrap();
    assert_eq!(t.count(), 4);
    assert_eq!(
        t.requests()[0].url.path(),
        format!("/api/caila/p/{KEY}/nlu/train")
    );
}

#[tokio::test(start_paused = true)]
async fn failed_training_is_a_typed_error_with_the_reason() {
    let t = ScriptedTransport::new([
        Step::json(200, ""),
        status("TRAINING", FUTURE),
        status("FAILED", FUTURE),
    ]);
    let err = nlp(&t, None).train().poll(fast()).wait().await.unwrap_err();
    assert!(
        matches!(err.nlp_error(), Some(NlpError::TrainingFailed { last_error: Some(e) }) if e == "bad data"),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn gives_up_at_the_deadline() {
    let mut steps = vec![Step::json(200, "")];
    steps.extend((0..100).map(|_| status("TRAINING", FUTURE)));
    let t = ScriptedTransport::new(steps);
    let opts = fast().deadline(Duration::from_secs(2));
    let err = nlp(&t, None).train().poll(opts).wait().await.unwrap_err();
    let Some(NlpError::TrainingTimedOut { waited }) = err.nlp_error() else {
        panic!("expected a timeout, got {err:?}");
    };
    assert!(waited <= Duration::from_secs(2));
    // Backoff grows: far fewer polls than 2 s / 100 ms.
    assert!(t.count() < 12, "{} requests", t.count());
}

#[tokio::test(start_paused = true)]
async fn the_key_never_shows_in_errors() {
    let t = ScriptedTransport::new([Step::json(404, r#"{"error":"caila.not.found"}"#)]);
    let err = nlp(&t, None).intent(42).await.unwrap_err();
    assert_eq!(err.nlp_error(), Some(NlpError::UnknownIntent), "{err:?}");
    // Training is not retried (it is not idempotent): one answer is enough.
    let t = ScriptedTransport::new([Step::json(500, r#"{"error":"boom"}"#)]);
    let err = nlp(&t, None).train().start().await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains(KEY));
}
