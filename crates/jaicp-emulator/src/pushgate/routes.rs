//! Pushgate routes and the `/_emulator/pushgate/...` helper.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::authorize::{Authorized, PathSecret};
use crate::errors::{spring, spring_bad};
use crate::extract::Body;
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            "/pushgate/{segment}",
            op("firePushback", get(fire)).merge(op("firePushbackWithData", post(fire_with_data))),
        )
        .route("/_emulator/pushgate/pushbacks", post(create))
}

fn no_pushback() -> Reply {
    spring(StatusCode::NOT_FOUND, "No such pushback")
}

/// Pushgate's path secret: the last segment of a pushback link (`push_{id}`).
struct PushbackLink;

impl PathSecret for PushbackLink {
    fn accept(state: &EmulatorState, segment: &str) -> Result<(), Reply> {
        match segment.strip_prefix("push_") {
            Some(id) if state.shared.pushgate.lock().pushbacks.contains_key(id) => Ok(()),
            _ => Err(no_pushback()),
        }
    }
}

type Pushback = Authorized<PushbackLink>;

/// Fires the pushback: its event wakes the dialog like an async answer.
fn fire_link(state: &EmulatorState, segment: &str) -> Answer {
    let id = segment.strip_prefix("push_").unwrap_or_default();
    let fired = {
        let mut push = state.shared.pushgate.lock();
        push.pushbacks.get_mut(id).map(|p| {
            p.fired += 1;
            p.clone()
        })
    };
    // Checked by `PushbackLink`; gone only if it was removed since.
    let p = fired.ok_or_else(no_pushback)?;
    crate::chat::routes::wake(state, &p.token, &p.client_id, &p.event);
    Ok(Reply::ok(&json!({ "status": "accepted" })))
}

async fn fire(Authorized { state, secret, .. }: Pushback) -> Answer {
    fire_link(&state, &secret)
}

async fn fire_with_data(Authorized { state, secret, .. }: Pushback, body: Body) -> Answer {
    body.object("the body")?;
    fire_link(&state, &secret)
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
    let token = crate::chat::channel_or_default(new.token);
    match state.create_pushback(&token, &new.client_id, &new.event) {
        Ok(id) => Ok(Reply::json(
            StatusCode::CREATED,
            &json!({ "id": id, "path": format!("/pushgate/push_{id}") }),
        )),
        Err(e) => Err(spring_bad(&e.to_string())),
    }
}
