//! Typed client for the JAICP Channel API: bot channels of a project and deploys. Authenticated
//! with the unified token.
//!
//! A deploy runs in the background; `.wait().await` on the deploy builder starts it and polls the
//! async events endpoint until it has finished:
//!
//! ```no_run
//! # async fn demo() -> Result<(), jaicp_core::Error> {
//! use jaicp_channel::{Channels, models::DeployBotChannelDto};
//! use jaicp_core::{Client, UnifiedToken};
//!
//! let client = Client::from_env()?;
//! let channels = Channels::new(&client, &UnifiedToken::from_env()?);
//! let done = channels
//!     .deploy(DeployBotChannelDto {
//!         project_short_name: "support-bot-4711-AbC".into(),
//!         bot_id: "4711-support-bot-4711-AbC-901".into(),
//!         ..Default::default()
//!     })
//!     .wait()
//!     .await?;
//! println!("deployed (request {})", done.request_id);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod deploy;
mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::Channels;
