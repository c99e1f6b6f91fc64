//! Typed client for the JAICP Text campaign API: bulk text messaging campaigns and event sendings.
//!
//! The official document declares no authentication; the SDK sends the unified token as
//! `Authorization: Bearer` (what community clients do; unconfirmed).
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{Client, UnifiedToken};
//! use jaicp_text_campaigns::TextCampaigns;
//!
//! let client = Client::from_env()?;
//! let campaigns = TextCampaigns::new(&client, &UnifiedToken::from_env()?);
//! let list = campaigns.get_text_campaigns("support-bot-4711-AbC").send().await?;
//! println!("{list:?}");
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::TextCampaigns;
