//! The Imputer route.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::errors::spring;
use crate::extract::{PathParams, Query};
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route(
        "/api/imputer/p/{token}/imputing/generate-audio",
        get(generate),
    )
}

async fn generate(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    Query(mut query): Query<HashMap<String, String>>,
) -> Answer {
    state.shared.counters.request("generateAudio");
    if token != super::DEFAULT_IMPUTER_TOKEN {
        return Err(spring(StatusCode::UNAUTHORIZED, "Unknown imputer token"));
    }
    let template = match query.remove("replicaTemplateId") {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            return Err(spring(
                StatusCode::BAD_REQUEST,
                "replicaTemplateId is required",
            ));
        }
    };
    let speed = match query.remove("voiceSpeed").map(|s| s.parse::<f64>()) {
        None => 1.0,
        Some(Ok(s)) if (0.5..=2.0).contains(&s) => s,
        Some(_) => {
            return Err(spring(
                StatusCode::BAD_REQUEST,
                "voiceSpeed must be between 0.5 and 2",
            ));
        }
    };
    let chars = query.values().map(|v| v.chars().count()).sum();
    let body = super::render(&template, chars, speed).map_err(|seconds| {
        spring(
            StatusCode::BAD_REQUEST,
            &format!(
                "the replica would last {seconds:.0} s; the emulator renders at most {} s",
                super::MAX_AUDIO_SECONDS
            ),
        )
    })?;
    Ok(Reply::bytes(StatusCode::OK, "audio/wav", body))
}
