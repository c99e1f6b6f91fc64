//! Pushgate routes and the `/_emulator/pushgate/...` helper.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::errors::spring;
use crate::extract::{Body, PathParams};
use crate::reply::{Answer, Reply, answer};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/pushgate/{segment}", get(fire).post(fire_with_data))
        .route("/_emulator/pushgate/pushbacks", post(create))
}

fn fire_segment(state: &EmulatorState, segment: &str) -> Reply {
    let Some(id) = segment.strip_prefix("push_") else {
        return spring(StatusCode::NOT_FOUND, "No such pushback");
    };
    let hit = {
        let mut push = state.shared.pushgate.lock();
        push.pushbacks.get_mut(id).map(|p| {
            p.fired += 1;
            p.clone()
        })
    };
    let Some(p) = hit else {
        return spring(StatusCode::NOT_FOUND, "No such pushback");
    };
    crate::chat::routes::wake(state, &p.token, &p.client_id, &p.event);
    Reply::ok(&json!({ "status": "accepted" }))
}

async fn fire(
    State(state): State<EmulatorState>,
    PathParams(segment): PathParams<String>,
) -> Answer {
    state.shared.counters.request("firePushback");
    answer(fire_segment(&state, &segment))
}

async fn fire_with_data(
    State(state): State<EmulatorState>,
    PathParams(segment): PathParams<String>,
    body: Body,
) -> Answer {
    state.shared.counters.request("firePushbackWithData");
    answer(match body.object("the body") {
        Ok(_) => fire_segment(&state, &segment),
        Err(reply) => reply,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewPushback {
    client_id: String,
    event: String,
    #[serde(default)]
    token: Option<String>,
}

async fn create(State(state): State<EmulatorState>, body: Body) -> Answer {
    let new: NewPushback = body.json()?;
    let token = new
        .token
        .unwrap_or_else(|| crate::chat::DEFAULT_CHAT_TOKEN.to_owned());
    match state.create_pushback(&token, &new.client_id, &new.event) {
        Ok(id) => Ok(Reply::json(
            StatusCode::CREATED,
            &json!({ "id": id, "path": format!("/pushgate/push_{id}") }),
        )),
        Err(e) => Err(spring(StatusCode::BAD_REQUEST, &e.to_string())),
    }
}
