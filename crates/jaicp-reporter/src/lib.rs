//! Typed client for the JAICP Reporter API: sessions, messages and clients with filters,
//! statistics, labels, comments, scenario experiments and report files. Authenticated with the
//! unified token; [`Reporter::legacy`] reaches the older `/reporter/p/{token}` flavour.
#![forbid(unsafe_code)]

mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::Reporter;
