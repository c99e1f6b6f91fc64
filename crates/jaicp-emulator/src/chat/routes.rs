//! Chat API routes and the `/_emulator/chat/...` helpers. Every Chat API handler starts with
//! [`Chat`] (a known channel token) or [`Client`] (that, plus the required `clientId`).

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::TurnInput;
use crate::authorize::{Authorized, PathSecret};
use crate::errors::{spring, spring_bad};
use crate::extract::{Body, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            "/chatapi/{token}",
            op("sendMessage", post(send)).merge(op("sendMessageViaGet", get(send_get))),
        )
        .route(
            "/chatapi/{token}/async",
            op("sendMessageAsync", post(send_async)),
        )
        .route("/chatapi/{token}/events", op("pollEvents", get(events)))
        .route(
            "/chatapi/{token}/history",
            op("getClientHistory", get(history)),
        )
        .route(
            "/chatapi/{token}/state",
            op("loadClientState", get(load_state)).merge(op("saveClientState", post(save_state))),
        )
        .route(
            "/_emulator/chat/webhook",
            post(register_webhook).get(webhook_report),
        )
}

fn unknown_token() -> Reply {
    spring(
        StatusCode::UNAUTHORIZED,
        "No Chat API channel has this token",
    )
}

/// The Chat API's path secret: the token of a channel the emulator has.
pub(crate) struct ChannelToken;

impl PathSecret for ChannelToken {
    fn accept(state: &EmulatorState, token: &str) -> Result<(), Reply> {
        if state.shared.chat.lock().knows(token) {
            Ok(())
        } else {
            Err(unknown_token())
        }
    }
}

/// A Chat API request with a known channel token.
type Chat = Authorized<ChannelToken>;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TurnBody {
    /// Integrations that key clients by a numeric user id send it as a JSON number
    /// (`"clientId": 1234567`); it names the same client as the text `"1234567"`.
    #[serde(default, deserialize_with = "text_or_number")]
    client_id: String,
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    cid: Option<String>,
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err(serde::de::Error::custom(
            "clientId must be a string or an integer",
        )),
    }
}

fn parse_turn(body: Body) -> Result<TurnBody, Reply> {
    check_turn(body.json()?)
}

fn check_turn(turn: TurnBody) -> Result<TurnBody, Reply> {
    if turn.client_id.trim().is_empty() {
        return Err(spring_bad("clientId is required"));
    }
    if turn.query.is_none() && turn.event.is_none() {
        return Err(spring_bad("either query or event is required"));
    }
    Ok(turn)
}

fn sync_turn(state: &EmulatorState, token: &str, turn: &TurnBody) -> Reply {
    let now = state.now_ms();
    if crate::operator::with_agent(state, token, &turn.client_id)
        && let Some(text) = turn.query.as_deref()
    {
        let replies = crate::operator::forward(state, token, &turn.client_id, text);
        let mut chat = state.shared.chat.lock();
        let question_id = chat.new_question_id();
        return Reply::ok(&json!({
            "token": token,
            "clientId": turn.client_id,
            "questionId": question_id,
            "query": text,
            "timestamp": super::local_time(now),
            "data": { "replies": replies, "answer": "", "nlpClass": "/Agent", "debugData": [] },
        }));
    }
    let mut chat = state.shared.chat.lock();
    let mut answer = chat.turn(
        token,
        TurnInput {
            client_id: &turn.client_id,
            query: turn.query.as_deref(),
            event: turn.event.as_deref(),
            cid: turn.cid.as_deref(),
            question_id: None,
        },
        now,
    );
    drop(chat);
    if let Some(switch) = switch_reply(&answer) {
        crate::operator::hand_off(state, token, &turn.client_id, &switch);
    }
    if let Some(obj) = answer.as_object_mut() {
        obj.insert("token".into(), Value::String(token.to_owned()));
    }
    Reply::ok(&answer)
}

fn switch_reply(answer: &Value) -> Option<Value> {
    answer["data"]["replies"]
        .as_array()?
        .iter()
        .find(|r| r["type"] == "switch")
        .cloned()
}

/// An agent's message for a client: delivered like an async answer (events and webhook).
pub(crate) fn push_agent_reply(state: &EmulatorState, token: &str, client_id: &str, reply: Value) {
    let now = state.now_ms();
    let (turn, url) = {
        let mut chat = state.shared.chat.lock();
        let question_id = chat.new_question_id();
        let text = reply["text"].as_str().unwrap_or_default().to_owned();
        let turn = json!({
            "clientId": client_id,
            "questionId": question_id,
            "timestamp": super::local_time(now),
            "data": { "replies": [reply], "answer": text, "nlpClass": "/Agent", "debugData": [] },
        });
        chat.push_event(token, client_id, turn.clone(), now);
        (turn, chat.webhooks.get(token).cloned())
    };
    state.shared.chat.notify.notify_waiters();
    if let Some(url) = url {
        let mut payload = turn;
        if let Some(obj) = payload.as_object_mut() {
            obj.insert("token".into(), Value::String(token.to_owned()));
        }
        tokio::spawn(super::deliver(state.clone(), url, vec![payload]));
    }
}

async fn send(Authorized { state, secret, .. }: Chat, body: Body) -> Answer {
    let turn = parse_turn(body)?;
    Ok(sync_turn(&state, &secret, &turn))
}

async fn send_get(
    Authorized { state, secret, .. }: Chat,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let turn = check_turn(TurnBody {
        client_id: query.get("clientId").cloned().unwrap_or_default(),
        query: query.get("query").cloned(),
        event: query.get("event").cloned(),
        cid: None,
    })?;
    Ok(sync_turn(&state, &secret, &turn))
}

async fn send_async(Authorized { state, secret, .. }: Chat, body: Body) -> Answer {
    let turn = parse_turn(body)?;
    let question_id = state.shared.chat.lock().new_question_id();
    let task_state = state.clone();
    let id = question_id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(task_state.shared.chat.async_delay).await;
        answer_later(task_state, secret, turn, id).await;
    });
    let id_field = if state.variants().async_id_named_id {
        "id"
    } else {
        "questionId"
    };
    Ok(Reply::ok(&json!({ id_field: question_id })))
}

/// Produces an async answer: into the client's events and, when registered, to the webhook.
async fn answer_later(state: EmulatorState, token: String, turn: TurnBody, question_id: String) {
    let now = state.now_ms();
    let (answer, url) = {
        let mut chat = state.shared.chat.lock();
        let answer = chat.turn(
            &token,
            TurnInput {
                client_id: &turn.client_id,
                query: turn.query.as_deref(),
                event: turn.event.as_deref(),
                cid: turn.cid.as_deref(),
                question_id: Some(question_id),
            },
            now,
        );
        chat.push_event(&token, &turn.client_id, answer.clone(), now);
        (answer, chat.webhooks.get(&token).cloned())
    };
    state.shared.chat.notify.notify_waiters();
    if let Some(url) = url {
        let mut payload = answer;
        if let Some(obj) = payload.as_object_mut() {
            obj.insert("token".into(), Value::String(token));
        }
        super::deliver(state, url, vec![payload]).await;
    }
}

/// Raises a script event for a client as if something outside the dialog happened (a pushback):
/// the answer goes to the events and the webhook like an async answer.
pub(crate) fn wake(state: &EmulatorState, token: &str, client_id: &str, event: &str) {
    let question_id = state.shared.chat.lock().new_question_id();
    let turn = TurnBody {
        client_id: client_id.to_owned(),
        query: None,
        event: Some(event.to_owned()),
        cid: None,
    };
    tokio::spawn(answer_later(
        state.clone(),
        token.to_owned(),
        turn,
        question_id,
    ));
}

/// A Chat API request about one client of a known channel: `?clientId=` is required.
struct Client {
    state: EmulatorState,
    token: String,
    id: String,
    query: HashMap<String, String>,
}

impl axum::extract::FromRequestParts<EmulatorState> for Client {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        let Authorized { state, secret, .. } = Chat::from_request_parts(parts, state).await?;
        let Query(query) =
            Query::<HashMap<String, String>>::from_request_parts(parts, &state).await?;
        let id = match query.get("clientId") {
            Some(c) if !c.trim().is_empty() => c.clone(),
            _ => return Err(spring_bad("clientId is required")),
        };
        Ok(Self {
            state,
            token: secret,
            id,
            query,
        })
    }
}

impl Client {
    /// The optional number `name`, which must pass `valid` (else 400 `message`).
    fn number<T: std::str::FromStr>(
        &self,
        name: &str,
        valid: impl Fn(&T) -> bool,
        message: &str,
    ) -> Result<Option<T>, Reply> {
        match self.query.get(name).map(|v| v.parse::<T>()) {
            None => Ok(None),
            Some(Ok(n)) if valid(&n) => Ok(Some(n)),
            Some(_) => Err(spring_bad(message)),
        }
    }

    /// The client's key in the chat state.
    fn key(&self) -> (String, String) {
        (self.token.clone(), self.id.clone())
    }
}

async fn events(client: Client) -> Answer {
    let since = client.number(
        "ts",
        |ts: &i64| *ts >= 0,
        "ts must be epoch milliseconds (a non-negative integer)",
    )?;
    let cid = client.query.get("cid").cloned();
    let state = &client.state;
    let chat = &state.shared.chat;
    let deadline = tokio::time::Instant::now() + chat.hold;
    loop {
        let notified = chat.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let found = chat
            .lock()
            .events_after(&client.token, &client.id, since, cid.as_deref());
        if !found.is_empty() || tokio::time::Instant::now() >= deadline {
            if found.is_empty() && state.variants().events_no_content {
                return Ok(Reply::empty(StatusCode::NO_CONTENT));
            }
            return Ok(Reply::ok(&json!({ "events": found })));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

async fn history(client: Client) -> Answer {
    let limit = client
        .number(
            "limit",
            |l: &usize| *l >= 1,
            "limit must be a positive integer",
        )?
        .unwrap_or(usize::MAX);
    let chat = client.state.shared.chat.lock();
    let all = chat
        .clients
        .get(&client.key())
        .map(|c| c.history.as_slice())
        .unwrap_or(&[]);
    let skip = all.len().saturating_sub(limit);
    Ok(Reply::ok(&json!({ "history": &all[skip..] })))
}

async fn load_state(client: Client) -> Answer {
    let saved = client
        .state
        .shared
        .chat
        .lock()
        .clients
        .get(&client.key())
        .and_then(|c| c.state.clone())
        .unwrap_or_else(|| json!({}));
    Ok(Reply::ok(&saved))
}

async fn save_state(client: Client, body: Body) -> Answer {
    let value = body.object("the state")?;
    let mut chat = client.state.shared.chat.lock();
    chat.clients.entry(client.key()).or_default().state = Some(value);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

#[derive(Debug, Deserialize)]
struct Registration {
    url: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

async fn register_webhook(State(state): State<EmulatorState>, body: Body) -> Answer {
    let reg: Registration = body.json()?;
    let token = super::channel_or_default(reg.token);
    ChannelToken::accept(&state, &token)?;
    if let Some(url) = &reg.url
        && !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        return Err(spring_bad("url must be an http(s) URL"));
    }
    state
        .set_chat_webhook(&token, reg.url.as_deref())
        .map_err(|_| unknown_token())?;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

async fn webhook_report(State(state): State<EmulatorState>) -> Answer {
    let chat = state.shared.chat.lock();
    Ok(Reply::ok(&json!({
        "registered": chat.webhooks.len(),
        "delivered": chat.delivered,
        "failed": chat.failed,
    })))
}
