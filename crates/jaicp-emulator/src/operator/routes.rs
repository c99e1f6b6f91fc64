//! The JAICP side of the Operator API and the `/_emulator/operator/...` helper.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::authorize::{Authorized, PathSecret};
use crate::errors::{spring, spring_bad};
use crate::extract::Body;
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    // The documented form has `/chatadapter` first; some addresses come without it.
    ["/chatadapter/chatapi", "/chatapi"]
        .into_iter()
        .fold(Router::new(), |router, prefix| {
            router.route(
                &format!("{prefix}/webhook/operatorapi/{{key}}"),
                op("postOperatorEvent", post(event)),
            )
        })
        .route("/_emulator/operator/desk", post(connect_desk))
}

/// The Operator API's path secret: the channel's key.
struct OperatorKey;

impl PathSecret for OperatorKey {
    fn accept(_: &EmulatorState, key: &str) -> Result<(), Reply> {
        if key == super::DEFAULT_OPERATOR_KEY {
            Ok(())
        } else {
            Err(spring(
                StatusCode::NOT_FOUND,
                "No Operator API channel has this key",
            ))
        }
    }
}

/// An event from the desk: an agent's text or file, or the agent closing the chat.
async fn event(Authorized { state, .. }: Authorized<OperatorKey>, body: Body) -> Answer {
    let event = body.object("the event")?;
    let text = |k: &str| event.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(user), Some(kind), Some(_id)) = (text("userId"), text("type"), text("id")) else {
        return Err(spring_bad("id, userId and type are required"));
    };
    // Without a connected desk the events still reach the bot's default channel.
    let desk = state
        .shared
        .operator
        .lock()
        .desk
        .clone()
        .unwrap_or_else(|| super::Desk {
            api_url: String::new(),
            token: crate::chat::channel_or_default(None),
        });
    let reply = match kind.as_str() {
        "TextMessage" => json!({"type": "text", "text": text("text").unwrap_or_default()}),
        "FileMessage" => json!({"type": "file", "fileUrl": text("url").unwrap_or_default(),
                                "fileName": text("name").unwrap_or_default()}),
        "Closed" => {
            state
                .shared
                .operator
                .lock()
                .with_agent
                .remove(&(desk.token.clone(), user.clone()));
            json!({"type": "text", "text": "The agent closed the chat. You are back with the bot."})
        }
        "SelectDestination" => return Ok(Reply::empty(StatusCode::OK)),
        _ => return Err(spring_bad("unknown event type")),
    };
    crate::chat::routes::push_agent_reply(&state, &desk.token, &user, reply);
    Ok(Reply::empty(StatusCode::OK))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewDesk {
    api_url: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

async fn connect_desk(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let new: NewDesk = body.json()?;
    let token = crate::chat::channel_or_default(new.token);
    if !state.shared.chat.lock().knows(&token) {
        return Err(spring(
            StatusCode::NOT_FOUND,
            "No Chat API channel has this token",
        ));
    }
    let Some(api_url) = new.api_url else {
        state.shared.operator.lock().desk = None;
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if !url::Url::parse(&api_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return Err(spring_bad("apiUrl must be an http(s) URL"));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    super::connect(&state, &api_url, &token, &format!("http://{host}")).await;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}
