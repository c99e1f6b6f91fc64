//! What the SDK logs never contains a token. Its own test binary: the capturing subscriber is
//! global, which a binary shares with every test in it.

use std::sync::{Arc, Mutex};

use jaicp_core::auth::Auth;
use jaicp_core::request::{Idempotency, KeyPlacement, OperationSpec};
use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::{CampaignToken, Client, Host, export::Method};

const CANARY: &str = "4242.4242.CANARYtokenXYZ";

static KEYED_OP: OperationSpec = OperationSpec {
    api: "test",
    operation: "keyedWrite",
    method: Method::POST,
    path: "/api/calls/campaign/{token}/addPhones",
    idempotency: Idempotency::Keyed(KeyPlacement::Header),
};

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn logs_never_contain_the_token() {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buffer.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let body = format!(r#"{{"type":"x","message":"echo {CANARY}"}}"#);
    let t = ScriptedTransport::new([Step::json(503, &body), Step::json(400, &body)]);
    let client = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .build()
        .unwrap();
    let err = client
        .api(Auth::path_token(
            "token",
            &CampaignToken::new(CANARY).unwrap(),
        ))
        .request(&KEYED_OP)
        .json(&["1"])
        .send_unit()
        .await
        .unwrap_err();
    tracing::error!(error = %err, debug = ?err, "user logs the error");
    let log = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
    assert!(log.contains("jaicp.request"), "spans are logged: {log}");
    assert!(log.contains("/api/calls/campaign/***/addPhones"), "{log}");
    assert!(log.contains("retrying"), "the retry is logged: {log}");
    assert!(!log.contains(CANARY), "{log}");
}
