//! The Imputer route.

use std::collections::HashMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;

use crate::authorize::{Authorized, PathSecret};
use crate::errors::{spring, spring_bad};
use crate::extract::Query;
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route(
        "/api/imputer/p/{token}/imputing/generate-audio",
        op("generateAudio", get(generate)),
    )
}

/// The Imputer's path secret: its token.
struct ImputerToken;

impl PathSecret for ImputerToken {
    fn accept(_: &EmulatorState, token: &str) -> Result<(), Reply> {
        if token == super::DEFAULT_IMPUTER_TOKEN {
            Ok(())
        } else {
            Err(spring(StatusCode::UNAUTHORIZED, "Unknown imputer token"))
        }
    }
}

async fn generate(
    _: Authorized<ImputerToken>,
    Query(mut query): Query<HashMap<String, String>>,
) -> Answer {
    let template = match query.remove("replicaTemplateId") {
        Some(t) if !t.trim().is_empty() => t,
        _ => {
            return Err(spring_bad("replicaTemplateId is required"));
        }
    };
    let speed = match query.remove("voiceSpeed").map(|s| s.parse::<f64>()) {
        None => 1.0,
        Some(Ok(s)) if (0.5..=2.0).contains(&s) => s,
        Some(_) => {
            return Err(spring_bad("voiceSpeed must be between 0.5 and 2"));
        }
    };
    let chars = query.values().map(|v| v.chars().count()).sum();
    let body = super::render(&template, chars, speed).map_err(|seconds| {
        spring_bad(&format!(
            "the replica would last {seconds:.0} s; the emulator renders at most {} s",
            super::MAX_AUDIO_SECONDS
        ))
    })?;
    Ok(Reply::bytes(StatusCode::OK, "audio/wav", body))
}
