//! Emulator-only endpoints under `/_emulator/`, for tests and demos. None of
//! them exist on the real platform.
//!
//! - `GET  /_emulator/health` — 200 once the emulator serves
//! - `/_emulator/faults`, `/_emulator/seed`, `/_emulator/reset`, `/_emulator/state/save` — see
//!   [`faults`] and `seed`
//! - `GET  /_emulator/counters` — request and side-effect counters
//! - `POST /_emulator/campaigns` — `{name, token?}` adds a campaign
//! - `POST /_emulator/nlp/projects` — `{name, key}` adds an NLP Direct project
//! - `POST /_emulator/nlp/{key}/fail-next-training` — `{reason}`: the next training fails
//! - `POST /_emulator/calls/{token}/advance` — dial until every job is finished
//! - `GET  /_emulator/clock` — current emulator time
//! - `POST /_emulator/clock/advance` — `{seconds}` or `{millis}` moves it forward
//! - `POST /_emulator/channel/fail-next-deploy` — `{code, message}`: the next deploy fails so
//! - `POST /_emulator/reporter/next-report-size` — `{bytes}`: the next report file is that big
//!
//! Every route is described in `specs/emulator-admin.yml`.

pub(crate) mod faults;
mod health;
mod seed;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::errors::CallsError;
use crate::extract::{Body, PathParams};
use crate::reply::{Answer, Reply};
use crate::state::{AdminError, EmulatorState};

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .merge(health::routes())
        .merge(faults::routes())
        .merge(seed::routes())
        .route("/_emulator/counters", get(counters))
        .route("/_emulator/campaigns", post(add_campaign))
        .route("/_emulator/nlp/projects", post(add_nlp_project))
        .route(
            "/_emulator/nlp/{key}/fail-next-training",
            post(fail_next_training),
        )
        .route("/_emulator/calls/{token}/advance", post(advance_calls))
        .route("/_emulator/clock", get(clock))
        .route("/_emulator/clock/advance", post(advance_clock))
        .route(
            "/_emulator/channel/fail-next-deploy",
            post(fail_next_deploy),
        )
}

/// An admin failure as the admin API answers it (in the Calls shape), so `?` works on
/// [`EmulatorState`]'s admin methods inside handlers.
impl From<AdminError> for Reply {
    fn from(err: AdminError) -> Self {
        admin_error(&err)
    }
}

fn admin_error(err: &AdminError) -> Reply {
    let (status, kind) = match err {
        AdminError::UnknownToken => (StatusCode::NOT_FOUND, "invalid.token"),
        AdminError::CampaignPaused => (StatusCode::CONFLICT, "invalid.call.task.state"),
        AdminError::TokenTaken => (StatusCode::CONFLICT, "campaign.exists"),
        AdminError::InvalidCampaign(_) => (StatusCode::BAD_REQUEST, "invalid.request"),
        AdminError::DialerStuck => (StatusCode::INTERNAL_SERVER_ERROR, "emulator.dialer.stuck"),
        AdminError::Full(_) => (StatusCode::CONFLICT, "emulator.limit"),
    };
    crate::errors::calls(status, CallsError::new(kind, err.to_string()))
}

fn clock_body(state: &EmulatorState) -> serde_json::Value {
    let now = state.now();
    json!({ "now": now.as_millisecond(), "iso": now.to_string() })
}

async fn counters(State(state): State<EmulatorState>) -> Answer {
    Ok(Reply::ok(&state.counters()))
}

#[derive(Debug, Deserialize)]
struct NewCampaign {
    name: String,
    #[serde(default)]
    token: Option<String>,
}

async fn add_campaign(State(state): State<EmulatorState>, body: Body) -> Answer {
    let request = body.json::<NewCampaign>()?;
    // Without a token, mint one in the platform's dotted shape.
    let token = request
        .token
        .unwrap_or_else(|| format!("1.1.{}", uuid::Uuid::new_v4().simple()));
    state.add_campaign(&request.name, &token)?;
    Ok(Reply::created(
        &json!({ "name": request.name, "token": token }),
    ))
}

async fn advance_calls(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
) -> Answer {
    // A big campaign can take a moment of CPU; keep it off the async workers.
    let worker = state.clone();
    let summary = tokio::task::spawn_blocking(move || worker.advance_calls(&token))
        .await
        .map_err(|_| AdminError::DialerStuck)??;
    Ok(Reply::ok(&json!({
        "attempts": summary.attempts,
        "ticks": summary.ticks,
        "jobs": summary.jobs,
        "now": summary.now.as_millisecond(),
    })))
}

async fn clock(State(state): State<EmulatorState>) -> Answer {
    Ok(Reply::ok(&clock_body(&state)))
}

#[derive(Debug, Default, Deserialize)]
struct ClockAdvance {
    #[serde(default)]
    seconds: Option<u64>,
    #[serde(default)]
    millis: Option<u64>,
}

async fn advance_clock(State(state): State<EmulatorState>, body: Body) -> Answer {
    let request = body.json_or_default::<ClockAdvance>()?;
    let millis = request
        .seconds
        .unwrap_or(0)
        .saturating_mul(1000)
        .saturating_add(request.millis.unwrap_or(0));
    state.advance_clock(std::time::Duration::from_millis(millis));
    Ok(Reply::ok(&clock_body(&state)))
}

#[derive(Debug, Deserialize)]
struct NewNlpProject {
    name: String,
    key: String,
}

async fn add_nlp_project(State(state): State<EmulatorState>, body: Body) -> Answer {
    let request = body.json::<NewNlpProject>()?;
    state.add_nlp_project(&request.name, &request.key)?;
    Ok(Reply::created(&json!({ "name": request.name })))
}

#[derive(Debug, Default, Deserialize)]
struct FailTraining {
    #[serde(default)]
    reason: Option<String>,
}

async fn fail_next_training(
    State(state): State<EmulatorState>,
    PathParams(key): PathParams<String>,
    body: Body,
) -> Answer {
    let request = body.json_or_default::<FailTraining>()?;
    let reason = request
        .reason
        .unwrap_or_else(|| "training failed (emulated)".into());
    state.fail_next_nlp_training(&key, &reason)?;
    Ok(Reply::no_content())
}

#[derive(Debug, Deserialize)]
struct DeployFailure {
    code: String,
    message: String,
}

async fn fail_next_deploy(State(state): State<EmulatorState>, body: Body) -> Answer {
    let f = body.json::<DeployFailure>()?;
    state.fail_next_deploy(&f.code, &f.message);
    Ok(Reply::ok(&json!({ "nextDeployFails": f.code })))
}
