//! Typed client for the JAICP Project API: create, list, read, update, clone and delete bot
//! projects. Authenticated with the unified token.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{Client, UnifiedToken};
//! use jaicp_project::{Projects, models::ProjectCreateDto};
//!
//! let client = Client::from_env()?;
//! let projects = Projects::new(&client, &UnifiedToken::from_env()?);
//! let created = projects
//!     .create(ProjectCreateDto { name: "Support bot".into(), ..Default::default() })
//!     .send()
//!     .await?;
//! println!("{:?} {:?}", created.id, created.short_name);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod generated;
mod handle;
mod spelling;

pub use generated::models;
pub use generated::operations;
pub use handle::Projects;
