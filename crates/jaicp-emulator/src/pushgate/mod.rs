//! The Pushgate API: pushback links that wake a Chat API dialog with an event.
//!
//! Emulator-only: `POST /_emulator/pushgate/pushbacks` with `{"clientId", "event", "token"?}`
//! makes a link (as a bot script would with `$pushgate.createPushback`) and answers
//! `{"id", "path"}`; firing the link raises the event for that client, and the bot's answer
//! arrives like an async answer (events long poll and webhook).

pub(crate) mod routes;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

/// One pushback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pushback {
    pub(crate) token: String,
    pub(crate) client_id: String,
    pub(crate) event: String,
    pub(crate) fired: u64,
}

/// The Pushgate section: pushbacks by id.
#[derive(Debug, Default)]
pub(crate) struct PushgateSection {
    data: Mutex<PushgateState>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct PushgateState {
    pub(crate) pushbacks: HashMap<String, Pushback>,
    next: u64,
}

impl PushgateSection {
    pub(crate) fn lock(&self) -> MutexGuard<'_, PushgateState> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PushgateState {
    /// Makes a pushback and returns its id (deterministic: a counter in a UUID-like shape).
    pub(crate) fn create(&mut self, token: &str, client_id: &str, event: &str) -> String {
        self.next += 1;
        let id = format!("00000000-0000-4000-8000-{:012x}", self.next);
        self.pushbacks.insert(
            id.clone(),
            Pushback {
                token: token.to_owned(),
                client_id: client_id.to_owned(),
                event: event.to_owned(),
                fired: 0,
            },
        );
        id
    }
}
