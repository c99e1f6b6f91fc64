//! The Operator API: hand-off of a Chat API dialog to an agent desk.
//!
//! Emulator-only: `POST /_emulator/operator/desk` with `{"apiUrl", "token"?}` connects a desk (an
//! Operator API server such as `jaicp_operator::server::router`) to a Chat API channel; the
//! emulator calls its `setWebhook` at once with the JAICP webhook address
//! (`/chatadapter/chatapi/webhook/operatorapi/{key}` on the host the admin call was made to). When the bot
//! answers with a `switch` reply, the client goes to the desk (`selectDestination`, then
//! `sendText` with the first message); the client's next texts go to the desk; `/close` ends it
//! (`closeChat`). The desk's events (agent texts, files, close) come back to the client as async
//! answers (events long poll and webhook).

pub(crate) mod routes;

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::EmulatorState;

/// The key of the emulator's Operator API channel (the secret of its webhook address).
pub const DEFAULT_OPERATOR_KEY: &str = "emulator-operator-key-0000c4a7e2";

/// The phrase that closes an agent chat and returns the client to the bot.
pub(crate) const CLOSE_PHRASE: &str = "/close";

/// A connected desk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Desk {
    pub(crate) api_url: String,
    pub(crate) token: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct OperatorState {
    pub(crate) desk: Option<Desk>,
    /// (channel token, client id) of dialogs held by an agent.
    pub(crate) with_agent: HashSet<(String, String)>,
    /// Calls to the desk that failed.
    pub(crate) desk_failures: u64,
}

/// The Operator section.
#[derive(Debug, Default)]
pub(crate) struct OperatorSection {
    data: Mutex<OperatorState>,
}

impl OperatorSection {
    pub(crate) fn lock(&self) -> MutexGuard<'_, OperatorState> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// POSTs (or GETs, without a body) to a desk method; failures are counted, not retried.
pub(crate) async fn call_desk(state: &EmulatorState, api_url: &str, method: &str, body: Value) {
    let url = format!("{}/{method}", api_url.trim_end_matches('/'));
    let sent = state
        .shared
        .chat
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap_or_default())
        .send()
        .await;
    let ok = matches!(&sent, Ok(r) if r.status().is_success());
    if !ok {
        tracing::debug!(method, "operator desk call failed");
        state.shared.operator.lock().desk_failures += 1;
    }
}

/// Whether the dialog is with an agent.
pub(crate) fn with_agent(state: &EmulatorState, token: &str, client_id: &str) -> bool {
    state
        .shared
        .operator
        .lock()
        .with_agent
        .contains(&(token.to_owned(), client_id.to_owned()))
}

/// The bot asked for an agent (a `switch` reply): hand the dialog to the desk, if one is connected.
pub(crate) fn hand_off(
    state: &EmulatorState,
    token: &str,
    client_id: &str,
    switch: &Value,
) -> bool {
    let desk = {
        let mut op = state.shared.operator.lock();
        match op.desk.clone() {
            Some(d) if d.token == token => {
                op.with_agent
                    .insert((token.to_owned(), client_id.to_owned()));
                d
            }
            _ => return false,
        }
    };
    let first = switch
        .get("firstMessage")
        .and_then(Value::as_str)
        .unwrap_or("The client asks for an agent.")
        .to_owned();
    let destination = switch
        .get("destination")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_owned();
    let state = state.clone();
    let client_id = client_id.to_owned();
    tokio::spawn(async move {
        call_desk(
            &state,
            &desk.api_url,
            "selectDestination",
            serde_json::json!({"userId": client_id, "destinationId": destination, "userName": client_id}),
        )
        .await;
        call_desk(
            &state,
            &desk.api_url,
            "sendText",
            serde_json::json!({"userId": client_id, "text": first}),
        )
        .await;
    });
    true
}

/// A client's text while an agent holds the dialog: to the desk (or, for the close phrase, the
/// end of the agent chat). Returns the replies to answer the client with.
pub(crate) fn forward(
    state: &EmulatorState,
    token: &str,
    client_id: &str,
    text: &str,
) -> Vec<Value> {
    let desk = state.shared.operator.lock().desk.clone();
    let closing = text.trim() == CLOSE_PHRASE;
    if closing {
        state
            .shared
            .operator
            .lock()
            .with_agent
            .remove(&(token.to_owned(), client_id.to_owned()));
    }
    if let Some(desk) = desk {
        let state = state.clone();
        let (method, body) = if closing {
            (
                "closeChat",
                serde_json::json!({"userId": client_id, "text": text}),
            )
        } else {
            (
                "sendText",
                serde_json::json!({"userId": client_id, "text": text}),
            )
        };
        tokio::spawn(async move { call_desk(&state, &desk.api_url, method, body).await });
    }
    if closing {
        vec![serde_json::json!({"type": "text", "text": "You are back with the bot."})]
    } else {
        Vec::new()
    }
}

/// Connects a desk to the channel `token` and tells it the JAICP webhook address (on `base`).
pub(crate) async fn connect(state: &EmulatorState, api_url: &str, token: &str, base: &str) {
    // The form every copy of the help page gives.
    let webhook = format!(
        "{}/chatadapter/chatapi/webhook/operatorapi/{DEFAULT_OPERATOR_KEY}",
        base.trim_end_matches('/')
    );
    state.shared.operator.lock().desk = Some(Desk {
        api_url: api_url.to_owned(),
        token: token.to_owned(),
    });
    call_desk(
        state,
        api_url,
        "setWebhook",
        serde_json::json!({ "url": webhook }),
    )
    .await;
}
