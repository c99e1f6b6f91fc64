//! The JAICP SDK: one feature per API, so a service pulls in only the APIs it uses.
//!
//! | feature | crate | API |
//! |---|---|---|
//! | `calls` (default) | `jaicp_calls` | Calls API: outbound call campaigns |
//! | `project` | `jaicp_project` | Project API: bot projects |
//! | `channel` | `jaicp_channel` | Channel API: bot channels and deploys |
//! | `reporter` | `jaicp_reporter` | Reporter API: analytics, labels, experiments, report files |
//! | `text-campaigns` | `jaicp_text_campaigns` | Text campaign API |
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

/// The Project API (bot projects).
#[cfg(feature = "project")]
pub use jaicp_project as project;

/// The Channel API (bot channels and deploys).
#[cfg(feature = "channel")]
pub use jaicp_channel as channel;

/// The Reporter API (analytics, labels, experiments, report files).
#[cfg(feature = "reporter")]
pub use jaicp_reporter as reporter;

/// The Text campaign API.
#[cfg(feature = "text-campaigns")]
pub use jaicp_text_campaigns as text_campaigns;

// The README's examples are compiled as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
