//! Firing links on a scripted transport: the route, no re-send, redaction.

use std::sync::Arc;

use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::transport::TransportErrorKind;
use jaicp_core::{Client, Error};
use jaicp_pushgate::Pushgate;

const LINK: &str = "https://jaicp.test/pushgate/push_CANARYpushback42";

fn pushgate(t: &ScriptedTransport) -> Pushgate {
    let builder = Client::builder().transport(Arc::new(t.clone()));
    Pushgate::from_link_with(builder, LINK).unwrap()
}

#[tokio::test(start_paused = true)]
async fn fire_hits_the_link_and_fire_with_posts_json() {
    let t = ScriptedTransport::new([Step::json(200, r#"{"ok":true}"#), Step::json(200, "")]);
    let p = pushgate(&t);
    let fired = p.fire().await.unwrap();
    assert_eq!(fired.status, 200);
    assert_eq!(fired.body.unwrap()["ok"], true);
    let fired = p
        .fire_with(&serde_json::json!({"orderId": "A-17"}))
        .await
        .unwrap();
    assert_eq!(fired.body, None);
    let reqs = t.requests();
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].url.as_str(), LINK);
    assert_eq!(reqs[1].method, "POST");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&reqs[1].body).unwrap()["orderId"],
        "A-17"
    );
}

#[tokio::test(start_paused = true)]
async fn a_fire_is_not_repeated_after_it_may_have_arrived() {
    for step in [
        Step::json(503, "{}"),
        Step::Fail(TransportErrorKind::Io),
        Step::Hang,
    ] {
        let t = ScriptedTransport::new([step, Step::json(200, "{}")]);
        let err = pushgate(&t).fire().await.unwrap_err();
        assert_eq!(t.count(), 1);
        assert!(!err.to_string().contains("CANARYpushback42"), "{err}");
        assert!(!format!("{err:?}").contains("CANARYpushback42"));
    }
    let t = ScriptedTransport::new([
        Step::Fail(TransportErrorKind::Connect),
        Step::json(200, "{}"),
    ]);
    pushgate(&t).fire().await.unwrap();
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn data_must_be_an_object_and_errors_hide_the_link() {
    let t = ScriptedTransport::new([Step::json(
        404,
        r#"{"message":"no /pushgate/push_CANARYpushback42"}"#,
    )]);
    let p = pushgate(&t);
    assert!(matches!(
        p.fire_with(&serde_json::json!([1])).await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(t.count(), 0);
    let err = p.fire().await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(!format!("{err} {err:?}").contains("CANARYpushback42"));
}
