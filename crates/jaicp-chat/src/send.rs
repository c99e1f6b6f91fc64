//! Sending turns: [`Chat::send`], [`Chat::send_async`], history and client state.

use jaicp_core::export::Method;
use jaicp_core::export::serde_json::Value;
use jaicp_core::{Error, Result};

use crate::Chat;
use crate::models::{ChatHistoryResponse, ChatRequest, ChatResponse, Reply};

/// What the end user does in one turn: type a text or raise a script event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// A typed text (`query`).
    Text(String),
    /// A script event (`event`).
    Event(String),
}

impl Turn {
    /// A typed text.
    pub fn text(text: impl Into<String>) -> Self {
        Turn::Text(text.into())
    }

    /// A script event.
    pub fn event(name: impl Into<String>) -> Self {
        Turn::Event(name.into())
    }

    /// The request body for `client_id`, checked before anything is sent.
    pub fn into_request(self, client_id: &str) -> Result<ChatRequest> {
        check_client_id(client_id)?;
        let mut request = ChatRequest {
            client_id: client_id.to_owned(),
            ..Default::default()
        };
        match self {
            Turn::Text(text) => request.query = Some(text),
            Turn::Event(name) => {
                if name.trim().is_empty() {
                    return Err(Error::invalid("event", "an event name cannot be empty"));
                }
                request.event = Some(name);
            }
        }
        Ok(request)
    }
}

impl From<&str> for Turn {
    fn from(text: &str) -> Self {
        Turn::Text(text.to_owned())
    }
}

impl From<String> for Turn {
    fn from(text: String) -> Self {
        Turn::Text(text)
    }
}

pub(crate) fn check_client_id(client_id: &str) -> Result<()> {
    if client_id.trim().is_empty() {
        return Err(Error::invalid("clientId", "the client id cannot be empty"));
    }
    if client_id.chars().any(char::is_control) {
        return Err(Error::invalid(
            "clientId",
            "the client id cannot contain control characters",
        ));
    }
    Ok(())
}

/// The bot's replies of a turn, in order (empty when the answer had none).
pub fn replies(turn: &ChatResponse) -> &[Reply] {
    turn.data
        .as_ref()
        .map(|d| d.replies.as_slice())
        .unwrap_or(&[])
}

/// The text of a reply that has one (text, image caption, carousel title, link caption).
pub fn reply_text(reply: &Reply) -> Option<&str> {
    match reply {
        Reply::Text(r) => r.text.as_deref(),
        Reply::Image(r) => r.text.as_deref(),
        Reply::Carousel(r) => r.text.as_deref(),
        Reply::Link(r) => r.text.as_deref(),
        Reply::Unknown(v) => v.get("text").and_then(Value::as_str),
        _ => None,
    }
}

impl Chat {
    /// Sends one turn of `client_id` and returns the bot's answer. Never retried once the
    /// request may have reached the server (a repeat would be a second turn).
    pub async fn send(&self, client_id: &str, turn: impl Into<Turn>) -> Result<ChatResponse> {
        let body = turn.into().into_request(client_id)?;
        self.send_message(body).send().await
    }

    /// Like [`Chat::send`] with extra data for the script and a connection id.
    pub async fn send_request(&self, body: ChatRequest) -> Result<ChatResponse> {
        check_client_id(&body.client_id)?;
        self.send_message(body).send().await
    }

    /// Queues one turn of `client_id` and returns its id (`questionId`, or `id` when the server
    /// names it so); the answer arrives at the webhook and in [`Chat::events`].
    pub async fn send_async(&self, client_id: &str, turn: impl Into<Turn>) -> Result<String> {
        let body = turn.into().into_request(client_id)?;
        let answer = self.send_message_async(body).send().await?;
        answer
            .question_id
            .or(answer.id)
            .ok_or_else(|| Error::Decode {
                op: crate::operations::SEND_MESSAGE_ASYNC.name(),
                path: ".questionId".into(),
                message: "the answer holds no message id".into(),
                snippet: None,
            })
    }

    /// History of `client_id` (at most `limit` entries when given), from the route in
    /// [`crate::ChatPaths::history`].
    pub async fn history(
        &self,
        client_id: &str,
        limit: Option<i32>,
    ) -> Result<ChatHistoryResponse> {
        check_client_id(client_id)?;
        if self.paths.history == crate::operations::GET_CLIENT_HISTORY.path {
            let mut request = self.client_history(client_id);
            if let Some(limit) = limit {
                request = request.limit(limit);
            }
            return request.send().await;
        }
        // An overridden route: same request, sent through the raw escape hatch.
        self.ctx
            .raw(Method::GET, self.paths.history.clone())
            .query("clientId", client_id)
            .query_opt("limit", limit)
            .send_json()
            .await
    }

    /// The saved state of `client_id` (any JSON), from [`crate::ChatPaths::state`].
    pub async fn load_state(&self, client_id: &str) -> Result<Value> {
        check_client_id(client_id)?;
        if self.paths.state == crate::operations::LOAD_CLIENT_STATE.path {
            return self.load_client_state(client_id).send().await;
        }
        self.ctx
            .raw(Method::GET, self.paths.state.clone())
            .query("clientId", client_id)
            .send_json()
            .await
    }

    /// Replaces the saved state of `client_id`, at [`crate::ChatPaths::state`].
    pub async fn save_state(&self, client_id: &str, state: &Value) -> Result<()> {
        check_client_id(client_id)?;
        if self.paths.state == crate::operations::SAVE_CLIENT_STATE.path {
            return self
                .save_client_state(client_id, state.clone())
                .send()
                .await;
        }
        self.ctx
            .raw(Method::POST, self.paths.state.clone())
            .query("clientId", client_id)
            .json(state)
            .send_unit()
            .await
    }
}
