//! The webhook receiver (`server` feature): an axum [`Router`] for the payloads JAICP posts to
//! the channel's webhook address.
//!
//! JAICP signs nothing, so two checks stand in: a secret path segment of your choosing (the
//! webhook address you enter in the channel ends with it) and the channel token echoed in every
//! turn, both compared in constant time. The router answers at once and hands the turns to your
//! async handler on a spawned task.
//!
//! | request | answer |
//! |---|---|
//! | wrong secret segment, other paths | 404 `not_found` |
//! | body above the limit | 413 `payload_too_large` |
//! | not JSON, not a turn or an array of turns | 400 `bad_request` with the reason |
//! | a turn without the channel token or with another one | 401 `unauthorized` |
//! | otherwise | 200, handler runs in the background |
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use jaicp_chat::server::{WebhookConfig, router};
//! use jaicp_core::ChatApiToken;
//!
//! let token = ChatApiToken::new("channel-token").map_err(std::io::Error::other)?;
//! let config = WebhookConfig::new(token, "a-long-random-secret-segment");
//! let app = router(config, |turns| async move {
//!     for turn in turns {
//!         println!("{:?}: {} replies", turn.question_id, jaicp_chat::replies(&turn).len());
//!     }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jaicp_core::ChatApiToken;
use jaicp_core::export::serde_json::json;
use jaicp_core::secret::constant_time_eq;

use crate::models::ChatResponse;
use crate::webhook::{DEFAULT_BODY_LIMIT, decode};

/// Default mount point; the secret segment follows it.
pub const DEFAULT_ROUTE: &str = "/webhooks/jaicp/chat";

/// Shortest secret segment accepted.
pub const MIN_SECRET_LEN: usize = 16;

/// Settings of the receiver.
#[derive(Clone)]
pub struct WebhookConfig {
    token: ChatApiToken,
    secret: String,
    route: String,
    body_limit: usize,
    require_token: bool,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("token", &self.token)
            .field("secret", &"[REDACTED]")
            .field("route", &self.route)
            .field("body_limit", &self.body_limit)
            .field("require_token", &self.require_token)
            .finish()
    }
}

impl WebhookConfig {
    /// A receiver for the channel with this token, listening at
    /// `DEFAULT_ROUTE/<secret>`. Use a random secret of at least 16 characters (URL-safe);
    /// [`router`] refuses every request when it is shorter.
    pub fn new(token: ChatApiToken, secret: impl Into<String>) -> Self {
        WebhookConfig {
            token,
            secret: secret.into(),
            route: DEFAULT_ROUTE.to_owned(),
            body_limit: DEFAULT_BODY_LIMIT,
            require_token: true,
        }
    }

    /// Mounts the receiver elsewhere (the secret segment still follows).
    pub fn route(mut self, route: impl Into<String>) -> Self {
        self.route = route.into().trim_end_matches('/').to_owned();
        self
    }

    /// Largest body accepted (default 1 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Accept turns that carry no `token` at all (those with a wrong one are still refused).
    /// The docs promise the echo; keep the default (`true`) unless a payload kind lacks it.
    pub fn require_token(mut self, required: bool) -> Self {
        self.require_token = required;
        self
    }
}

struct Shared<H> {
    config: WebhookConfig,
    handler: H,
}

/// The receiver as a router; merge it into your app or serve it alone.
pub fn router<H, Fut>(config: WebhookConfig, handler: H) -> Router
where
    H: Fn(Vec<ChatResponse>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let route = format!("{}/{{secret}}", config.route);
    let shared = Arc::new(Shared { config, handler });
    Router::new()
        .route(&route, post(receive::<H, Fut>))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such webhook") })
        .with_state(shared)
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": kind, "message": message })),
    )
        .into_response()
}

async fn receive<H, Fut>(
    State(shared): State<Arc<Shared<H>>>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response
where
    H: Fn(Vec<ChatResponse>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let config = &shared.config;
    if config.secret.len() < MIN_SECRET_LEN
        || !constant_time_eq(secret.as_bytes(), config.secret.as_bytes())
    {
        return error(StatusCode::NOT_FOUND, "not_found", "no such webhook");
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.body_limit as u64) {
        return too_large(config.body_limit);
    }
    let bytes = match axum::body::to_bytes(body, config.body_limit).await {
        Ok(b) => b,
        Err(_) => return too_large(config.body_limit),
    };
    let turns = match decode(&bytes) {
        Ok(t) => t,
        Err(e) => return error(StatusCode::BAD_REQUEST, "bad_request", &e.to_string()),
    };
    let expected = config.token.expose();
    for turn in &turns {
        let ok = match &turn.token {
            Some(t) => t.matches(expected),
            None => !config.require_token,
        };
        if !ok {
            return error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "the channel token in the payload is missing or wrong",
            );
        }
    }
    let work = (shared.handler)(turns);
    tokio::spawn(work);
    StatusCode::OK.into_response()
}

fn too_large(limit: usize) -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        &format!("the body exceeds {limit} bytes"),
    )
}
