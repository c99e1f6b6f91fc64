//! Typed client for the JAICP Reporter API: sessions, messages and clients with filters,
//! statistics, labels, comments, scenario experiments and report files. Authenticated with the
//! unified token; [`Reporter::legacy`] reaches the older `/reporter/p/{token}` flavour.
#![forbid(unsafe_code)]

mod filters;
mod generated;
mod handle;
pub mod ids;
mod labels;
mod reports;
mod spelling;
mod streams;

pub use filters::Filters;
pub use generated::models;
pub use generated::operations;
pub use handle::{LegacyPaths, Reporter};
pub use reports::ReportFile;
pub use streams::{DEFAULT_PAGE_SIZE, Listing};
