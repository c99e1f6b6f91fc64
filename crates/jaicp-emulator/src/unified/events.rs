//! `GET /api/v1/async/events`: background tasks (deploys, report files) finish here.
//!
//! A task becomes visible `delay` after it was started (real time, so long polls behave like the
//! platform's: the server holds the request until something finishes or `timeout` runs out).

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Unified, iso};
use crate::authorize::Authorized;
use crate::clock::Millis;
use crate::extract::Query;
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

/// Longest hold of one poll, whatever `timeout` asks for.
const MAX_HOLD: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Event {
    pub(crate) request_id: String,
    pub(crate) request_ms: Millis,
    #[serde(with = "crate::persist::serde_helpers::instant")]
    pub(crate) ready_at: Instant,
    pub(crate) result: Result<Value, (String, String)>,
    delivered: bool,
}

/// All background tasks of the emulator.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct EventsState {
    events: Vec<Event>,
}

impl EventsState {
    /// Registers a task that finishes `delay` from now with `result`.
    pub(crate) fn push(
        &mut self,
        request_id: String,
        request_ms: Millis,
        delay: Duration,
        result: Result<Value, (String, String)>,
    ) {
        self.events.push(Event {
            request_id,
            request_ms,
            ready_at: Instant::now() + delay,
            result,
            delivered: false,
        });
        // Keep the store bounded: drop the oldest delivered events.
        if self.events.len() > 10_000 {
            self.events.retain(|e| !e.delivered);
        }
    }

    /// Ready events for `request_id` (or every undelivered one), and the earliest moment a
    /// matching event becomes ready when none is.
    fn take(&mut self, request_id: Option<&str>, now: Instant) -> (Vec<Event>, Option<Instant>) {
        let mut ready = Vec::new();
        let mut next = None::<Instant>;
        for e in &mut self.events {
            let matches = match request_id {
                Some(id) => e.request_id == id,
                None => !e.delivered,
            };
            if !matches {
                continue;
            }
            if e.ready_at <= now {
                e.delivered = true;
                ready.push(e.clone());
            } else {
                next = Some(next.map_or(e.ready_at, |n| n.min(e.ready_at)));
            }
        }
        (ready, next)
    }
}

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route("/api/v1/async/events", op("getAsyncRequest", get(events)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventsQuery {
    request_id: Option<String>,
    timeout: Option<u64>,
}

async fn events(Authorized { state, .. }: Unified, Query(q): Query<EventsQuery>) -> Answer {
    let hold = Duration::from_secs(q.timeout.unwrap_or(0)).min(MAX_HOLD);
    let until = Instant::now() + hold;
    loop {
        let now = Instant::now();
        let (ready, next) = state.events().take(q.request_id.as_deref(), now);
        if !ready.is_empty() || now >= until {
            let now_ms = state.now_ms();
            let response: Vec<Value> = ready
                .into_iter()
                .map(|e| {
                    let mut v = json!({
                        "isOk": e.result.is_ok(),
                        "requestId": e.request_id,
                        "requestTime": iso(e.request_ms),
                        "responseTime": iso(now_ms.max(e.request_ms)),
                    });
                    match e.result {
                        Ok(payload) => v["payload"] = payload,
                        Err((code, message)) => {
                            v["error"] = json!({ "error": code, "message": message, "args": {} });
                        }
                    }
                    v
                })
                .collect();
            return Ok(Reply::ok(&json!({ "response": response })));
        }
        let wake = next.map_or(until, |n| n.min(until));
        tokio::time::sleep_until(wake).await;
    }
}
