//! What the unified-token APIs (Project, Channel, Reporter, Text campaigns, async events) share:
//! the Bearer check, the gateway error shape `{error, message, args}`, RFC 3339 times, and the
//! async events store through which deploys and report files finish.

pub(crate) mod events;

use axum::http::{HeaderMap, StatusCode};

use crate::clock::Millis;
use crate::reply::Reply;
use crate::state::{EmulatorState, millis_to_timestamp};

/// The unified token every emulator accepts (`Authorization: Bearer <token>`).
pub const DEFAULT_UNIFIED_TOKEN: &str = "emulator-unified-token";

/// A gateway error body (`ErrorDto`).
pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Reply {
    Reply::api_error(status, code, message, &[])
}

/// 404 in the gateway shape.
pub(crate) fn not_found(what: &str) -> Reply {
    error(
        StatusCode::NOT_FOUND,
        "gateway.common.not_found",
        format!("{what} not found"),
    )
}

/// 400 in the gateway shape.
pub(crate) fn bad_request(message: impl Into<String>) -> Reply {
    error(
        StatusCode::BAD_REQUEST,
        "gateway.common.bad_request",
        message,
    )
}

/// Checks the Bearer token; counts the request under `operation`.
pub(crate) fn authorize(
    state: &EmulatorState,
    headers: &HeaderMap,
    operation: &'static str,
) -> Result<(), Reply> {
    state.shared.counters.request(operation);
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match token {
        Some(t) if state.unified_token_ok(t) => Ok(()),
        Some(_) => Err(error(
            StatusCode::UNAUTHORIZED,
            "gateway.auth.invalid_token",
            "The API token is invalid, expired or lacks access to this API",
        )),
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "gateway.auth.missing_token",
            "An `Authorization: Bearer` header with an API token is required",
        )),
    }
}

/// An RFC 3339 time (what `format: date-time` asks for).
pub(crate) fn iso(ms: Millis) -> String {
    millis_to_timestamp(ms).to_string()
}
