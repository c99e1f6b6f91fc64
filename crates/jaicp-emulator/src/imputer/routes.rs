//! The Imputer route.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::extract::PathParams;
use crate::reply::Reply;
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route(
        "/api/imputer/p/{token}/imputing/generate-audio",
        get(generate),
    )
}

fn error(status: StatusCode, message: &str) -> Response {
    Reply::json(
        status,
        &json!({
            "status": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
        }),
    )
    .into_response()
}

async fn generate(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    Query(mut query): Query<HashMap<String, String>>,
) -> Response {
    state.shared.counters.request("generateAudio");
    if token != super::DEFAULT_IMPUTER_TOKEN {
        return error(StatusCode::UNAUTHORIZED, "Unknown imputer token");
    }
    let template = match query.remove("replicaTemplateId") {
        Some(t) if !t.trim().is_empty() => t,
        _ => return error(StatusCode::BAD_REQUEST, "replicaTemplateId is required"),
    };
    let speed = match query.remove("voiceSpeed").map(|s| s.parse::<f64>()) {
        None => 1.0,
        Some(Ok(s)) if (0.5..=2.0).contains(&s) => s,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "voiceSpeed must be between 0.5 and 2",
            );
        }
    };
    let chars = query.values().map(|v| v.chars().count()).sum();
    match super::render(&template, chars, speed) {
        Ok(body) => ([(header::CONTENT_TYPE, "audio/wav")], body).into_response(),
        Err(seconds) => error(
            StatusCode::BAD_REQUEST,
            &format!(
                "the replica would last {seconds:.0} s; the emulator renders at most {} s",
                super::MAX_AUDIO_SECONDS
            ),
        ),
    }
}
