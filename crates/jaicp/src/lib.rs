//! The JAICP SDK: one feature per API, so a service pulls in only the APIs it uses.
//!
//! | feature | crate | API |
//! |---|---|---|
//! | `calls` (default) | `jaicp_calls` | Calls API: outbound call campaigns |
//! | `chat` | `jaicp_chat` | Chat API: talk to a bot as an end user |
//! | `chat-server` | `jaicp_chat` + `server` | the Chat API webhook receiver (axum) |
//! | `operator` | `jaicp_operator` | Operator API: connect an agent desk |
//! | `operator-server` | `jaicp_operator` + `server` | the agent-desk server (axum) |
//! | `prompter` | `jaicp_prompter` | Prompter API: suggestions for agents |
//! | `pushgate` | `jaicp_pushgate` | Pushgate: fire pushback links |
//! | `imputer` | `jaicp_imputer` | Imputer: hybrid speech synthesis |
//! | `nlp` | `jaicp_nlp` | NLP Direct API: NLU data, training, inference |
//! | `model` | `jaicp_model` | Model API: serve your own NLU service |
//! | `model-server` | `jaicp_model` + `server` | the Model API router (axum) |
//! | `project` | `jaicp_project` | Project API: bot projects |
//! | `channel` | `jaicp_channel` | Channel API: bot channels and deploys |
//! | `reporter` | `jaicp_reporter` | Reporter API: analytics, labels, experiments, report files |
//! | `text-campaigns` | `jaicp_text_campaigns` | Text campaign API |
//! | `doctor` | `jaicp_doctor` | checks a live JAICP against the SDK's documents |
//! | `full` | all of the above | |
//!
//! Each API is re-exported as a module of the same name (`jaicp::calls`, `jaicp::chat`, ...) when
//! its feature is on. The runtime comes from `jaicp-core` and is re-exported on purpose, item by
//! item: at the root what an application names ([`Client`], [`Host`], the credentials, [`Error`],
//! [`Result`], [`CallOptions`], [`Timestamp`]), and the runtime's named modules as they are
//! ([`auth`], [`error`], [`request`], [`retry`], ...). Generated-code plumbing
//! (`jaicp_core::export`) and the test transport (`jaicp_core::testing`) are not re-exported.
//!
//! ```no_run
//! # async fn demo() -> jaicp::Result<()> {
//! let client = jaicp::Client::from_env()?;
//! let calls = jaicp::calls::Calls::new(&client, &jaicp::CampaignToken::from_env()?);
//! println!("campaign status: {}", calls.campaign_status().send().await?);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub use jaicp_core::{
    CallOptions, CampaignToken, ChatApiToken, Client, ClientBuilder, EpochMillis, Error, Host, Id,
    ImputerToken, LegacyReporterToken, NlpKey, OperatorApiKey, PrompterToken, PushbackId, Result,
    Timestamp, UnifiedToken,
};
pub use jaicp_core::{
    async_task, auth, client, download, error, pagination, redact, request, retry, secret,
    transport,
};

/// The Calls API (outbound call campaigns).
#[cfg(feature = "calls")]
pub use jaicp_calls as calls;

/// The Chat API (dialog with a bot as an end user; webhook receiver with `chat-server`).
#[cfg(feature = "chat")]
pub use jaicp_chat as chat;

/// The Operator API (agent desks).
#[cfg(feature = "operator")]
pub use jaicp_operator as operator;

/// The Prompter API (suggestions for agents).
#[cfg(feature = "prompter")]
pub use jaicp_prompter as prompter;

/// The Pushgate API (pushback links).
#[cfg(feature = "pushgate")]
pub use jaicp_pushgate as pushgate;

/// The Imputer API (hybrid speech synthesis).
#[cfg(feature = "imputer")]
pub use jaicp_imputer as imputer;
/// The NLP Direct API (CAILA direct: NLU data, training, inference).
#[cfg(feature = "nlp")]
pub use jaicp_nlp as nlp;

/// The Model API, server side (your NLU service that JAICP calls).
#[cfg(feature = "model")]
pub use jaicp_model as model;
/// The Project API (bot projects).
#[cfg(feature = "project")]
pub use jaicp_project as project;

/// The Channel API (bot channels and deploys).
#[cfg(feature = "channel")]
pub use jaicp_channel as channel;

/// The Reporter API (analytics, labels, experiments, report files).
#[cfg(feature = "reporter")]
pub use jaicp_reporter as reporter;

#[cfg(feature = "doctor")]
pub use jaicp_doctor as doctor;
/// The Text campaign API.
#[cfg(feature = "text-campaigns")]
pub use jaicp_text_campaigns as text_campaigns;

// The README's examples are compiled as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
