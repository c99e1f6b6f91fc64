//! The JAICP Operator API: connect an agent desk to JAICP, in both directions.
//!
//! - JAICP → desk: your desk implements [`server::AgentDesk`] and serves
//!   [`server::router`] (`server` feature) at the API URL entered in the channel; JAICP calls
//!   `setWebhook`, `getDestinations`, `selectDestination`, `sendText`, `sendFile`, `closeChat`
//!   there. The payloads are [`models`]; the routes are the `OperationSpec`s in [`operations`].
//! - desk → JAICP: [`OperatorClient`] posts the desk's events (an agent's text or file, the chat
//!   closed, a destination chosen) to the JAICP webhook address the desk got in `setWebhook`.
//!   That address is a secret and is redacted everywhere.
//!
//! ```no_run
//! # async fn demo(webhook_url: &str) -> jaicp_core::Result<()> {
//! use jaicp_operator::{OperatorClient, models::Employee};
//!
//! let jaicp = OperatorClient::from_webhook_url(webhook_url)?;
//! let bob = Employee { employee_id: "7".into(), first_name: "Bob".into(), ..Default::default() };
//! jaicp.send_text("chatapi_user-42", &bob, "Hi, this is Bob.").await?;
//! jaicp.close("chatapi_user-42", &bob).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod decode;
mod file;
mod generated;
mod handle;
#[cfg(feature = "server")]
pub mod server;

pub use file::OperatorFile;
pub use generated::models;
pub use generated::operations;
pub use handle::OperatorClient;
