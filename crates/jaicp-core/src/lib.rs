//! Shared runtime of the JAICP SDK.
//!
//! Every API crate (`jaicp-calls`, `jaicp-chat`, ...) stands on this crate: one [`Client`] per host,
//! one credential type per kind of token, one request pipeline with timeouts, safe retries and
//! redaction, one [`Error`] type, and helpers for pagination and downloads.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{Auth, Client, Host, UnifiedToken};
//! let client = Client::builder().host(Host::Tovie).build()?;
//! let api = client.api(Auth::bearer(&UnifiedToken::from_env()?));
//! // Reach an endpoint the SDK does not model yet; auth, retries and redaction still apply.
//! let projects: serde_json::Value = api.raw(http::Method::GET, "/api/v1/projects").send_json().await?;
//! # let _ = projects; Ok(()) }
//! ```
#![forbid(unsafe_code)]

// Generated code names the runtime `jaicp_core::...` (it is written for API crates); this lets the
// async events operation generated into this crate use the same paths.
extern crate self as jaicp_core;

pub mod async_task;
mod auth;
mod body;
mod client;
mod credentials;
mod download;
mod error;
mod generated;
mod host;
pub mod pagination;
pub mod path;
mod redact;
mod request;
pub mod retry;
mod secret_text;
pub mod testing;
mod time;
pub mod transport;

pub use async_task::{AsyncEvents, AsyncTask, TaskOptions, TaskOutcome};
pub use auth::{Auth, Credential};
pub use body::decode_json;
pub use client::{Client, ClientBuilder, Config, USER_AGENT};
pub use credentials::{
    CampaignToken, ChatApiToken, ImputerToken, LegacyReporterToken, NlpKey, OperatorApiKey,
    PrompterToken, PushbackId, UnifiedToken,
};
pub use download::DownloadOptions;
pub use error::{ApiError, Error, OpName, Result, TaskError, TimeoutPhase};
pub use host::Host;
pub use redact::{REDACTED, RedactedUrl, redact_path, redact_url, scrub};
pub use request::{
    ApiContext, CallOptions, OperationSpec, RawResponse, RequestBuilder, StreamingResponse, WithRaw,
};
pub use retry::{Idempotency, KeyPlacement, RetryPolicy};
pub use secret_text::{SecretText, constant_time_eq};
pub use time::{EpochMillis, Id, Timestamp};

/// Re-exports used by generated code, so API crates need no direct dependency on them.
pub mod export {
    pub use http::Method;
    pub use serde;
    pub use serde_json;
}
