//! The JAICP SDK: one feature per API, so a service pulls in only the APIs it uses.
//!
//! | feature | crate | API |
//! |---|---|---|
//! | `calls` (default) | [`jaicp_calls`] | Calls API: outbound call campaigns |
//! | `nlp` | [`jaicp_nlp`] | NLP Direct API: NLU data, training, inference |
//! | `model` | [`jaicp_model`] | Model API: serve your own NLU service (`model-server`: with the axum router) |
//! | `full` | all of the above | |
//!
//! The runtime ([`Client`], credentials, [`Error`]) comes from `jaicp-core` and is re-exported here.
//!
//! ```no_run
//! # async fn demo() -> jaicp::Result<()> {
//! let client = jaicp::Client::from_env()?;
//! let calls = jaicp::calls::Calls::new(&client, &jaicp::CampaignToken::from_env()?);
//! println!("campaign status: {}", calls.status().await?);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub use jaicp_core::*;

/// The Calls API (outbound call campaigns).
#[cfg(feature = "calls")]
pub use jaicp_calls as calls;

/// The NLP Direct API (CAILA direct: NLU data, training, inference).
#[cfg(feature = "nlp")]
pub use jaicp_nlp as nlp;

/// The Model API, server side (your NLU service that JAICP calls).
#[cfg(feature = "model")]
pub use jaicp_model as model;

// The README's examples are compiled as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
