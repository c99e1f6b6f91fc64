//! Typed client for the JAICP Calls API: outbound call campaigns.
#![forbid(unsafe_code)]

mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::Calls;
