//! Delivery of async answers to a registered webhook address, with retries.

use std::time::Duration;

use serde_json::Value;

use crate::state::EmulatorState;

/// Attempts per delivery.
const ATTEMPTS: u32 = 4;

/// POSTs `turns` (an array, as JAICP promises; one turn as a bare object in the other variant,
/// see [`crate::Variants`]) to `url`; retries with backoff on errors and on
/// non-2xx answers. Counts deliveries and failures.
pub(crate) async fn deliver(state: EmulatorState, url: String, turns: Vec<Value>) {
    let single = turns.len() == 1 && state.variants().webhook_single_object;
    let body = match if single {
        serde_json::to_vec(&turns[0])
    } else {
        serde_json::to_vec(&turns)
    } {
        Ok(b) => b,
        Err(_) => return,
    };
    let chat = &state.shared.chat;
    for attempt in 1..=ATTEMPTS {
        let sent = chat
            .http
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                chat.lock().delivered += 1;
                return;
            }
            Ok(r) => tracing::debug!(
                attempt,
                status = r.status().as_u16(),
                "chat webhook refused"
            ),
            Err(e) => tracing::debug!(attempt, "chat webhook failed: {}", e.without_url()),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
        }
    }
    chat.lock().failed += 1;
}
