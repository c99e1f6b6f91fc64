//! The desk → JAICP client on a scripted transport: event shapes, no re-send, redaction.

use std::sync::Arc;

use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::transport::TransportErrorKind;
use jaicp_core::{Client, Error};
use jaicp_operator::models::Employee;
use jaicp_operator::{OperatorClient, OperatorFile};

/// The documented form of the address JAICP hands over in `setWebhook`.
const URL: &str = "https://jaicp.test/chatadapter/chatapi/webhook/operatorapi/CANARYopkey123";

fn client(t: &ScriptedTransport) -> OperatorClient {
    OperatorClient::from_webhook_url_with(Client::builder().transport(Arc::new(t.clone())), URL)
        .unwrap()
}

fn bob() -> Employee {
    Employee {
        employee_id: "7".into(),
        first_name: "Bob".into(),
        ..Default::default()
    }
}

#[tokio::test(start_paused = true)]
async fn events_carry_a_fresh_id_and_their_type() {
    let t = ScriptedTransport::new([
        Step::json(200, ""),
        Step::json(200, ""),
        Step::json(200, ""),
    ]);
    let c = client(&t);
    c.send_text("u1", &bob(), "hi").await.unwrap();
    c.send_file(
        "u1",
        &bob(),
        OperatorFile::new("https://f/x.pdf")
            .name("x.pdf")
            .size(52_341)
            .comment("Your invoice"),
    )
    .await
    .unwrap();
    c.close("u1", &bob()).await.unwrap();
    let bodies: Vec<serde_json::Value> = t
        .requests()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0]["type"], "TextMessage");
    assert_eq!(bodies[0]["text"], "hi");
    assert_eq!(bodies[0]["employee"]["firstName"], "Bob");
    assert_eq!(bodies[1]["type"], "FileMessage");
    assert_eq!(bodies[1]["url"], "https://f/x.pdf");
    assert_eq!(bodies[1]["name"], "x.pdf");
    assert_eq!(bodies[1]["size"], 52_341);
    assert_eq!(bodies[1]["comment"], "Your invoice");
    assert_eq!(bodies[2]["type"], "Closed");
    assert_ne!(bodies[0]["id"], bodies[1]["id"]);
    assert_eq!(t.requests()[0].url.as_str(), URL);
}

#[tokio::test(start_paused = true)]
async fn events_are_not_resent_and_errors_hide_the_key() {
    let t = ScriptedTransport::new([Step::json(500, "{}"), Step::json(200, "")]);
    let err = client(&t).send_text("u1", &bob(), "hi").await.unwrap_err();
    assert_eq!(t.count(), 1);
    assert!(!format!("{err} {err:?}").contains("CANARYopkey123"));
    let t = ScriptedTransport::new([Step::Fail(TransportErrorKind::Io), Step::json(200, "")]);
    assert!(client(&t).close("u1", &bob()).await.is_err());
    assert_eq!(t.count(), 1);
    assert!(matches!(
        client(&t).send_text(" ", &bob(), "x").await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(!format!("{:?}", client(&t)).contains("CANARYopkey123"));
    for bad in [
        // Plain HTTP, as the help page prints the address: refused without the opt-in.
        "http://jaicp.test/chatadapter/chatapi/webhook/operatorapi/k",
        "http://127.0.0.1:9/chatadapter/chatapi/webhook/operatorapi/k",
        "https://jaicp.test/other/k",
        "https://jaicp.test/chatadapter/chatapi/webhook/operatorapi/",
        "https://jaicp.test/chatadapter/chatapi/webhook/operatorapi/k/extra",
        "nope",
    ] {
        let e = OperatorClient::from_webhook_url(bad).unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{bad}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_address_form_posts_to_its_own_path() {
    for (given, posted) in [
        (URL, URL),
        (
            "https://jaicp.test/chatapi/webhook/operatorapi/k1",
            "https://jaicp.test/chatapi/webhook/operatorapi/k1",
        ),
        (
            "https://onprem.test/jaicp/chatadapter/chatapi/webhook/operatorapi/k:2",
            "https://onprem.test/jaicp/chatadapter/chatapi/webhook/operatorapi/k:2",
        ),
    ] {
        let t = ScriptedTransport::new([Step::json(200, "")]);
        let c = OperatorClient::from_webhook_url_with(
            Client::builder().transport(Arc::new(t.clone())),
            given,
        )
        .unwrap();
        c.close("u1", &bob()).await.unwrap();
        assert_eq!(t.requests()[0].url.as_str(), posted);
    }
}

#[tokio::test(start_paused = true)]
async fn plain_http_only_with_the_loopback_opt_in() {
    let http = "http://127.0.0.1:9/chatadapter/chatapi/webhook/operatorapi/k";
    let t = ScriptedTransport::new([Step::json(200, "")]);
    let err = OperatorClient::from_webhook_url_with(
        Client::builder().transport(Arc::new(t.clone())),
        http,
    )
    .unwrap_err();
    assert!(err.to_string().contains("allow_insecure_loopback"), "{err}");
    let c = OperatorClient::from_webhook_url_with(
        Client::builder()
            .transport(Arc::new(t.clone()))
            .allow_insecure_loopback(true),
        http,
    )
    .unwrap();
    c.close("u1", &bob()).await.unwrap();
    assert_eq!(t.requests()[0].url.as_str(), http);
    // Not for other hosts, opt-in or not.
    assert!(
        OperatorClient::from_webhook_url_with(
            Client::builder().allow_insecure_loopback(true),
            "http://jaicp.test/chatadapter/chatapi/webhook/operatorapi/k",
        )
        .is_err()
    );
}
