//! The agent-desk server JAICP calls (`server` feature): implement [`AgentDesk`] and serve
//! [`router`] at the API URL you enter in the Operator API channel.
//!
//! JAICP sends no credential, so the router sits behind a secret path segment (the API URL ends
//! with it), compared in constant time. Requests are checked and answered at once; the desk's
//! handlers run on spawned tasks (except `getDestinations`, whose answer is the result).
//!
//! | request | answer |
//! |---|---|
//! | wrong secret segment, other paths | 404 `not_found` |
//! | body above the limit | 413 `payload_too_large` |
//! | malformed or incomplete payload | 400 `bad_request` with the reason |
//! | otherwise | 200 |

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jaicp_core::export::serde_json::json;
use jaicp_core::secret::{SecretText, constant_time_eq};

use crate::decode::{self, DecodeError};
use crate::models::{
    CloseChatRequest, Destination, SelectDestinationRequest, SendFileRequest, SendTextRequest,
};

/// Shortest secret segment accepted.
pub const MIN_SECRET_LEN: usize = 16;

/// Default body limit (256 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// What an agent desk does when JAICP calls it.
#[async_trait::async_trait]
pub trait AgentDesk: Send + Sync + 'static {
    /// JAICP's webhook address for this channel: store it and post the desk's events there
    /// ([`crate::OperatorClient::from_webhook_url`]).
    async fn set_webhook(&self, url: SecretText);
    /// The agent groups the desk can route to.
    async fn destinations(&self) -> Vec<Destination>;
    /// A client asks for an agent of a destination: open a chat keyed by `user_id`.
    async fn select_destination(&self, request: SelectDestinationRequest);
    /// A client's text for the agent.
    async fn send_text(&self, request: SendTextRequest);
    /// A client's file for the agent.
    async fn send_file(&self, request: SendFileRequest);
    /// The client closed the chat.
    async fn close_chat(&self, request: CloseChatRequest);
}

/// Settings of the desk router.
#[derive(Clone)]
pub struct DeskConfig {
    secret: String,
    body_limit: usize,
}

impl std::fmt::Debug for DeskConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeskConfig")
            .field("secret", &"[REDACTED]")
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl DeskConfig {
    /// The router answers under `/<secret>/...`; the channel's API URL is
    /// `https://your-host/<secret>`. Use at least 16 random URL-safe characters.
    pub fn new(secret: impl Into<String>) -> Self {
        DeskConfig {
            secret: secret.into(),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Largest body accepted.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

struct Shared<D> {
    desk: Arc<D>,
    config: DeskConfig,
}

/// The desk's routes: `/{secret}/setWebhook`, `/getDestinations`, `/selectDestination`,
/// `/sendText`, `/sendFile`, `/closeChat`.
pub fn router<D: AgentDesk>(desk: Arc<D>, config: DeskConfig) -> Router {
    let shared = Arc::new(Shared { desk, config });
    Router::new()
        .route("/{secret}/getDestinations", get(destinations::<D>))
        .route("/{secret}/{method}", post(receive::<D>))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .with_state(shared)
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": kind, "message": message })),
    )
        .into_response()
}

fn secret_ok(config: &DeskConfig, given: &str) -> bool {
    config.secret.len() >= MIN_SECRET_LEN
        && constant_time_eq(given.as_bytes(), config.secret.as_bytes())
}

async fn destinations<D: AgentDesk>(
    State(shared): State<Arc<Shared<D>>>,
    Path(secret): Path<String>,
) -> Response {
    if !secret_ok(&shared.config, &secret) {
        return error(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    axum::Json(shared.desk.destinations().await).into_response()
}

async fn receive<D: AgentDesk>(
    State(shared): State<Arc<Shared<D>>>,
    Path((secret, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !secret_ok(&shared.config, &secret) {
        return error(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    let limit = shared.config.body_limit;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return too_large(limit);
    };
    let desk = shared.desk.clone();
    let bad = |e: DecodeError| error(StatusCode::BAD_REQUEST, "bad_request", &e.to_string());
    match method.as_str() {
        "setWebhook" => match decode::set_webhook(&bytes) {
            Ok(req) => {
                let url = req.url.unwrap_or_default();
                tokio::spawn(async move { desk.set_webhook(url).await });
            }
            Err(e) => return bad(e),
        },
        "selectDestination" => match decode::select_destination(&bytes) {
            Ok(req) => drop(tokio::spawn(
                async move { desk.select_destination(req).await },
            )),
            Err(e) => return bad(e),
        },
        "sendText" => match decode::send_text(&bytes) {
            Ok(req) => drop(tokio::spawn(async move { desk.send_text(req).await })),
            Err(e) => return bad(e),
        },
        "sendFile" => match decode::send_file(&bytes) {
            Ok(req) => drop(tokio::spawn(async move { desk.send_file(req).await })),
            Err(e) => return bad(e),
        },
        "closeChat" => match decode::close_chat(&bytes) {
            Ok(req) => drop(tokio::spawn(async move { desk.close_chat(req).await })),
            Err(e) => return bad(e),
        },
        _ => return error(StatusCode::NOT_FOUND, "not_found", "no such endpoint"),
    }
    StatusCode::OK.into_response()
}

fn too_large(limit: usize) -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        &format!("the body exceeds {limit} bytes"),
    )
}
