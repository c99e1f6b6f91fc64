//! Shared runtime of the JAICP SDK.
//!
//! Every API crate (`jaicp-calls`, `jaicp-chat`, ...) stands on this crate: one [`Client`] per host,
//! one credential type per kind of token, one request pipeline with timeouts, safe retries and
//! redaction, one [`Error`] type, and helpers for pagination and downloads.
//!
//! The crate root holds what an application names: the client and its builder, the hosts, the
//! credentials, the error and result, per-call options and timestamps. Everything else sits in a
//! module named for its job:
//!
//! | module | what is in it |
//! |---|---|
//! | [`auth`] | how a request proves who it is ([`auth::Auth`]) |
//! | [`client`] | client settings ([`client::Config`]) and the user agent |
//! | [`error`] | the parts of an [`Error`]: API answers, task failures, timeout phases |
//! | [`request`] | building requests: API contexts, operation descriptions, raw responses |
//! | [`retry`] | the retry policy |
//! | [`redact`] | the redactor, for text built outside the pipeline |
//! | [`secret`] | secrets inside bodies, constant-time comparison |
//! | [`transport`] | the HTTP layer behind one trait |
//! | [`pagination`], [`async_task`], [`download`] | page streams, background tasks, downloads |
//! | [`inbound`] | the error of decoders of what JAICP sends to your service (webhooks) |
//! | `testing` (feature `test-util`) | a scripted transport for tests |
//! | `strict` (feature `strict`) | the checks the API crates' generated `models::strict` modules call |
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::auth::Auth;
//! use jaicp_core::{Client, Host, UnifiedToken};
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
pub mod auth;
mod body;
pub mod client;
mod credentials;
pub mod download;
pub mod error;
mod generated;
mod host;
pub mod inbound;
pub mod pagination;
mod parse_message;
mod path;
mod pipeline;
pub mod redact;
pub mod request;
mod response;
pub mod retry;
pub mod secret;
#[cfg(feature = "strict")]
pub mod strict;
#[cfg(feature = "test-util")]
pub mod testing;
mod time;
pub mod transport;

pub use client::{Client, ClientBuilder};
pub use credentials::{
    CampaignToken, ChatApiToken, ImputerToken, LegacyReporterToken, NlpKey, OperatorApiKey,
    PrompterToken, PushbackId, UnifiedToken,
};
pub use error::{Error, Result};
pub use host::Host;
pub use request::CallOptions;
pub use time::{EpochMillis, Id, Timestamp};

/// Re-exports used by generated code, so API crates need no direct dependency on them.
pub mod export {
    pub use http::Method;
    pub use serde;
    pub use serde_json;
}
