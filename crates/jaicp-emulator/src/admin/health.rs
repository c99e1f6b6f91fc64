//! `GET /_emulator/health`: answers 200 as soon as the emulator serves, so a test harness in
//! any language can wait for it (`curl --retry-connrefused`, a poll loop) before its first call.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::json;

use crate::reply::Reply;
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route("/_emulator/health", get(health))
}

async fn health(State(state): State<EmulatorState>) -> Reply {
    Reply::ok(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "stateFormatVersion": crate::persist::STATE_FORMAT_VERSION,
        "persistent": state.state_file().is_some(),
        "now": state.now().as_millisecond(),
    }))
}
