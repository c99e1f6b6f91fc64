//! Seeding and resetting the emulator from outside, and saving its state on demand.
//!
//! - `POST /_emulator/seed` — `{campaigns?, nlpProjects?, unifiedTokens?, chatChannels?}` adds
//!   credentials (and their empty campaigns/projects) in one call; ones that already exist are
//!   reported as `existing` and left as they are, so seeding twice is harmless
//! - `POST /_emulator/reset` — back to the state of a fresh start (same seed, rules, campaigns
//!   of the configuration); the emulator clock is kept, as it never goes back
//! - `POST /_emulator/state/save` — writes the state file now (409 without one)

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;

use crate::errors::{CallsError, calls};
use crate::extract::Body;
use crate::reply::{Answer, Reply};
use crate::state::{AdminError, EmulatorState};

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/_emulator/seed", post(seed))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/state/save", post(save))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    name: String,
    #[serde(alias = "key")]
    token: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    campaigns: Vec<Named>,
    #[serde(default)]
    nlp_projects: Vec<Named>,
    #[serde(default)]
    unified_tokens: Vec<String>,
    #[serde(default)]
    chat_channels: Vec<String>,
}

/// Whether an add went through, met an existing one, or failed.
fn outcome(result: Result<(), AdminError>) -> Result<bool, AdminError> {
    match result {
        Ok(()) => Ok(true),
        Err(AdminError::TokenTaken) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn seed(State(state): State<EmulatorState>, body: Body) -> Answer {
    let seed = body.json_or_default::<Seed>()?;
    let mut added = Vec::new();
    let mut existing = Vec::new();
    let mut sort = |token: &str, fresh: bool| {
        if fresh {
            added.push(token.to_owned());
        } else {
            existing.push(token.to_owned());
        }
    };
    for c in &seed.campaigns {
        sort(&c.token, outcome(state.add_campaign(&c.name, &c.token))?);
    }
    for p in &seed.nlp_projects {
        sort(&p.token, outcome(state.add_nlp_project(&p.name, &p.token))?);
    }
    for token in &seed.unified_tokens {
        if token.trim().is_empty() || token.len() > 4096 {
            return Err(AdminError::InvalidCampaign(
                "unified tokens must be 1-4096 characters".into(),
            )
            .into());
        }
        let fresh = !state.unified_token_ok(token);
        if fresh {
            let count = state.unified_tokens().len();
            state.room(count, "unified tokens")?;
            state.add_unified_token(token);
        }
        sort(token, fresh);
    }
    for token in &seed.chat_channels {
        sort(token, outcome(state.add_chat_channel(token))?);
    }
    Ok(Reply::ok(&json!({ "added": added, "existing": existing })))
}

async fn reset(State(state): State<EmulatorState>) -> Answer {
    state.reset().map_err(|e| {
        calls(
            StatusCode::INTERNAL_SERVER_ERROR,
            CallsError::new("emulator.reset.failed", e.to_string()),
        )
    })?;
    Ok(Reply::ok(
        &json!({ "reset": true, "now": state.now().as_millisecond() }),
    ))
}

async fn save(State(state): State<EmulatorState>) -> Answer {
    let Some(path) = state.state_file().map(|p| p.display().to_string()) else {
        return Err(calls(
            StatusCode::CONFLICT,
            CallsError::new(
                "emulator.state.none",
                "the emulator has no state file (start it with --state FILE)",
            ),
        ));
    };
    let worker = state.clone();
    match tokio::task::spawn_blocking(move || worker.save_state()).await {
        Ok(Ok(())) => Ok(Reply::ok(&json!({ "saved": path }))),
        Ok(Err(e)) => Err(calls(
            StatusCode::INTERNAL_SERVER_ERROR,
            CallsError::new("emulator.state.write", e.to_string()),
        )),
        Err(_) => Err(Reply::empty(StatusCode::INTERNAL_SERVER_ERROR)),
    }
}
