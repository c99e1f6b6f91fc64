//! What the unified-token APIs (Project, Channel, Reporter, Text campaigns, async events) share:
//! the Bearer check (a [`Credential`] for [`Authorized`]), RFC 3339 times, and the async events store through which
//! deploys and report files finish. Their error shape is in [`crate::errors`].

pub(crate) mod events;

use axum::http::StatusCode;
use axum::http::request::Parts;

use crate::authorize::{Authorized, Credential};
use crate::clock::Millis;
use crate::errors::gateway;
use crate::reply::Reply;
use crate::state::{EmulatorState, millis_to_timestamp};

/// The unified token every emulator accepts (`Authorization: Bearer <token>`).
pub const DEFAULT_UNIFIED_TOKEN: &str = "emulator-unified-token";

/// A request with a valid unified token, counted under its route's operation. Holds the state
/// (`Authorized { state, .. }: Unified`) so handlers need no separate `State` argument.
pub(crate) type Unified = Authorized<Bearer>;

/// The unified token in `Authorization: Bearer <token>`.
pub(crate) struct Bearer;

impl Credential for Bearer {
    async fn check(parts: &mut Parts, state: &EmulatorState) -> Result<String, Reply> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match token {
            Some(t) if state.unified_token_ok(t) => Ok(t.to_owned()),
            Some(_) => Err(gateway(
                StatusCode::UNAUTHORIZED,
                "gateway.auth.invalid_token",
                "The API token is invalid, expired or lacks access to this API",
            )),
            None => Err(gateway(
                StatusCode::UNAUTHORIZED,
                "gateway.auth.missing_token",
                "An `Authorization: Bearer` header with an API token is required",
            )),
        }
    }
}

/// An RFC 3339 time (what `format: date-time` asks for).
pub(crate) fn iso(ms: Millis) -> String {
    millis_to_timestamp(ms).to_string()
}
