//! Typed client for the JAICP Calls API: outbound call campaigns.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_calls::{Calls, models::CallJobParameters};
//! use jaicp_core::{CampaignToken, Client};
//!
//! let client = Client::from_env()?;                       // JAICP_HOST, default app.jaicp.com
//! let calls = Calls::new(&client, &CampaignToken::from_env()?);
//! let numbers = vec![CallJobParameters { phone: "+79001112233".into(), ..Default::default() }];
//! let report = calls.add_phones(numbers).run().await?;   // chunked, idempotent, resumable
//! println!("{} created, {} rejected", report.created.len(), report.rejected.len());
//! # Ok(()) }
//! ```
//!
//! Every operation of the API is a method on [`Calls`] returning a request builder from
//! [`operations`]; the hand-written helpers add bulk adds ([`Calls::add_phones`]), report
//! streams ([`Calls::call_job_reports`]), campaign control and typed errors ([`CallsError`]).
#![forbid(unsafe_code)]

mod batch;
pub mod bulk;
mod errors;
mod generated;
mod handle;
mod intake;
mod reports;
mod seen;
pub mod validate;
mod windows;

pub use bulk::{
    AddPhones, AddPhonesReport, ChunkOutcome, Created, Duplicate, Progress, RejectReason, Rejected,
};
pub use errors::{CallsError, CallsErrorExt};
pub use generated::models;
pub use generated::operations;
pub use handle::{Calls, CallsPaths};
pub use reports::{LAST_PAGE, MAX_PAGE_SIZE};
