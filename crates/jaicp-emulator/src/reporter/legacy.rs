//! The legacy Reporter: the same operations under `/reporter/p/{token}/…` with the project's
//! Reporter token in the path (`/reporter/p/{token}/async/…` for report files and
//! `/reporter/p/{token}/async/events` for their events — the SDK's default mapping, unconfirmed). Requests are rewritten to the current paths and served
//! by the same handlers.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use tower::ServiceExt;

use crate::errors::gateway;
use crate::state::EmulatorState;
use crate::unified::DEFAULT_UNIFIED_TOKEN;

/// The legacy Reporter token every emulator accepts.
pub const DEFAULT_LEGACY_REPORTER_TOKEN: &str = "emulator-legacy-reporter-token";

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route("/reporter/p/{token}/{*rest}", any(legacy))
}

/// The current Reporter routes, served to rewritten legacy requests.
fn current(state: EmulatorState) -> Router {
    Router::new()
        .merge(super::routes::routes())
        .merge(super::labels::routes())
        .merge(super::reports::routes())
        .merge(crate::unified::events::routes())
        .with_state(state)
}

async fn legacy(State(state): State<EmulatorState>, request: Request<Body>) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let mut segments = path.splitn(5, '/');
    // "", "reporter", "p", token, rest
    let (Some(""), Some("reporter"), Some("p"), Some(token), rest) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if token != DEFAULT_LEGACY_REPORTER_TOKEN {
        return gateway(
            StatusCode::UNAUTHORIZED,
            "reporter.auth.invalid_token",
            "The Reporter token matches no project",
        )
        .into_response();
    }
    let rest = rest.unwrap_or_default();
    let target = match rest.strip_prefix("async/") {
        Some("events") => "/api/v1/async/events".to_owned(),
        Some(tail) => format!("/api/v1/async/reporter/{tail}"),
        None => format!("/api/v1/reporter/{rest}"),
    };
    let target = match parts.uri.query() {
        Some(q) => format!("{target}?{q}"),
        None => target,
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    parts.uri = uri;
    if let Ok(v) = HeaderValue::from_str(&format!("Bearer {DEFAULT_UNIFIED_TOKEN}")) {
        parts.headers.insert("authorization", v);
    }
    match current(state)
        .oneshot(Request::from_parts(parts, body))
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
