//! Typed client for the JAICP Imputer API: hybrid speech synthesis of replica templates.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_imputer::{Imputer, Replica};
//! use jaicp_core::{Client, ImputerToken};
//!
//! let imputer = Imputer::new(&Client::from_env()?, &ImputerToken::from_env()?);
//! let replica = Replica::new("greeting").var("name", "Анна").speed(1.1);
//! imputer.synthesize_to_file(&replica, "greeting.wav").await?;
//! # Ok(()) }
//! ```
//!
//! Rendered replicas are kept in an in-memory cache keyed by the request (template, variables,
//! speed), so repeating a replica costs nothing; [`Imputer::synthesize_stream`] streams the
//! audio without caching it.
#![forbid(unsafe_code)]

mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::{Audio, Imputer, Replica};
