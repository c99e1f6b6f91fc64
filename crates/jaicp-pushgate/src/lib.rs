//! Fire JAICP pushback links: a bot script makes a link (`$pushgate.createPushback`), your
//! system calls it when something happens, and the bot gets the link's event in its dialog.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_pushgate::Pushgate;
//!
//! // The link is a secret: read it from the environment or a file, never from argv or logs.
//! let link = std::env::var("JAICP_PUSHBACK_LINK").unwrap_or_default();
//! let pushgate = Pushgate::from_link(&link)?;
//! pushgate.fire().await?;                                         // the stored event data
//! pushgate.fire_with(&serde_json::json!({"orderId": "A-17"})).await?; // with extra data
//! # Ok(()) }
//! ```
//!
//! Fires are never repeated once a request may have reached the server (the bot would see the
//! event twice); only a connection that never opened is retried.
#![forbid(unsafe_code)]

mod generated;
mod link;

pub use generated::models;
pub use generated::operations;
pub use link::{Fired, Pushgate};
