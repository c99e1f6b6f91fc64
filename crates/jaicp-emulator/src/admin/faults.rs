//! Fault injection: "the next N requests on this route fail with this status, or wait this
//! long first", so a client's retry, timeout and error handling can be tested against the
//! emulator from any language.
//!
//! - `POST   /_emulator/faults` — `{path, method?, count?, status?, delayMs?, body?}` adds one
//! - `GET    /_emulator/faults` — the faults still armed, with how many requests each has left
//! - `DELETE /_emulator/faults` — disarms all; `DELETE /_emulator/faults/{id}` one
//!
//! `path` is a request path where `*` stands for any one segment and a final `**` for any rest
//! (`/api/calls/campaign/*/addPhones`). Faults are checked in the order they were added; the
//! first armed one that matches takes the request. The admin API itself (`/_emulator/...`) is
//! never faulted, so a test can always disarm. Faults are test controls, not data: they are not
//! written to the state file.

use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::errors::{CallsError, calls};
use crate::extract::{Body, PathParams};
use crate::reply::Reply;
use crate::state::EmulatorState;

/// Most requests one fault may take, and the longest delay; keeps a typo from wedging a run.
const MAX_COUNT: u32 = 1_000_000;
const MAX_DELAY_MS: u64 = 120_000;
/// Most faults armed at once.
const MAX_FAULTS: usize = 1_000;

/// One armed fault.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Fault {
    id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    path: String,
    /// Requests it still takes.
    remaining: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    delay_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Value>,
    /// Requests it has taken so far.
    hits: u64,
}

impl Fault {
    fn matches(&self, method: &Method, path: &str) -> bool {
        if self
            .method
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case(method.as_str()))
        {
            return false;
        }
        path_matches(&self.path, path)
    }
}

/// `*` matches one segment, a final `**` any rest (including nothing).
fn path_matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.trim_end_matches('/').split('/');
    let mut have = path.trim_end_matches('/').split('/');
    loop {
        match (want.next(), have.next()) {
            (Some("**"), _) => return want.next().is_none(),
            (Some(w), Some(h)) if w == "*" || w == h => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// The armed faults of one emulator.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    armed: Vec<Fault>,
    next_id: u64,
}

/// What a taken fault does to its request.
struct Effect {
    delay: Duration,
    answer: Option<(StatusCode, Value)>,
}

impl Faults {
    fn take(&mut self, method: &Method, path: &str) -> Option<Effect> {
        let index = self
            .armed
            .iter()
            .position(|f| f.remaining > 0 && f.matches(method, path))?;
        let fault = self.armed.get_mut(index)?;
        fault.remaining -= 1;
        fault.hits += 1;
        let effect = Effect {
            delay: Duration::from_millis(fault.delay_ms),
            answer: fault
                .status
                .and_then(|s| StatusCode::from_u16(s).ok())
                .map(|s| (s, fault.body.clone().unwrap_or_else(|| default_body(s)))),
        };
        if fault.remaining == 0 {
            self.armed.remove(index);
        }
        Some(effect)
    }
}

fn default_body(status: StatusCode) -> Value {
    json!({
        "type": "emulator.fault",
        "message": format!("fault injected by the emulator ({status})"),
    })
}

/// Middleware: applies the first armed fault that matches the request.
pub(crate) async fn inject(
    State(state): State<EmulatorState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/_emulator/") {
        return next.run(request).await;
    }
    let effect = state.faults().take(request.method(), path);
    let Some(effect) = effect else {
        return next.run(request).await;
    };
    if !effect.delay.is_zero() {
        tokio::time::sleep(effect.delay).await;
    }
    match effect.answer {
        Some((status, body)) => {
            state.shared.counters.fault_injected();
            let mut response = Reply::json(status, &body).into_response();
            response
                .headers_mut()
                .insert("x-emulator-fault", HeaderValue::from_static("injected"));
            // A body-less status (204, 304) must not announce JSON.
            if matches!(status, StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED) {
                *response.body_mut() = axum::body::Body::empty();
                response.headers_mut().remove(header::CONTENT_TYPE);
            }
            response
        }
        None => next.run(request).await,
    }
}

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/_emulator/faults", get(list).post(add).delete(clear))
        .route("/_emulator/faults/{id}", delete(remove))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewFault {
    path: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    delay_ms: Option<u64>,
    #[serde(default)]
    body: Option<Value>,
}

fn invalid(message: &str) -> Reply {
    CallsError::new("invalid.request", message).bad_request()
}

async fn add(State(state): State<EmulatorState>, body: Body) -> Reply {
    let new = match body.json::<NewFault>() {
        Ok(n) => n,
        Err(r) => return r,
    };
    if !new.path.starts_with('/') || new.path.starts_with("/_emulator/") {
        return invalid("`path` must start with / and not be an /_emulator/ route");
    }
    let count = new.count.unwrap_or(1);
    if count == 0 || count > MAX_COUNT {
        return invalid("`count` must be 1 to 1000000");
    }
    if new.status.is_some_and(|s| !(200..=599).contains(&s)) {
        return invalid("`status` must be 200 to 599");
    }
    let delay_ms = new.delay_ms.unwrap_or(0);
    if delay_ms > MAX_DELAY_MS {
        return invalid("`delayMs` must be at most 120000");
    }
    if new.status.is_none() && delay_ms == 0 {
        return invalid("give `status`, `delayMs` or both");
    }
    if new
        .method
        .as_deref()
        .is_some_and(|m| Method::from_bytes(m.as_bytes()).is_err())
    {
        return invalid("`method` is not an HTTP method");
    }
    let mut faults = state.faults();
    if faults.armed.len() >= MAX_FAULTS {
        return calls(
            StatusCode::CONFLICT,
            CallsError::new("emulator.limit", "1000 faults are armed; delete some first"),
        );
    }
    faults.next_id += 1;
    let fault = Fault {
        id: faults.next_id,
        method: new.method.map(|m| m.to_ascii_uppercase()),
        path: new.path,
        remaining: count,
        status: new.status,
        delay_ms,
        body: new.body,
        hits: 0,
    };
    faults.armed.push(fault.clone());
    Reply::json(StatusCode::CREATED, &fault)
}

async fn list(State(state): State<EmulatorState>) -> Reply {
    Reply::ok(&json!({ "faults": state.faults().armed }))
}

async fn clear(State(state): State<EmulatorState>) -> Reply {
    state.faults().armed.clear();
    Reply::empty(StatusCode::NO_CONTENT)
}

async fn remove(State(state): State<EmulatorState>, PathParams(id): PathParams<u64>) -> Reply {
    let mut faults = state.faults();
    let before = faults.armed.len();
    faults.armed.retain(|f| f.id != id);
    if faults.armed.len() == before {
        calls(
            StatusCode::NOT_FOUND,
            CallsError::new("emulator.fault.unknown", "no armed fault has this id"),
        )
    } else {
        Reply::empty(StatusCode::NO_CONTENT)
    }
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn patterns() {
        assert!(path_matches("/api/a/b", "/api/a/b"));
        assert!(path_matches("/api/*/b", "/api/x/b/"));
        assert!(!path_matches("/api/*/b", "/api/x/y/b"));
        assert!(path_matches("/api/**", "/api/x/y/b"));
        assert!(path_matches("/api/**", "/api"));
        assert!(!path_matches("/api/a", "/api/a/b"));
    }
}
