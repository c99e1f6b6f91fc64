//! The JAICP Operator API: connect an agent desk to JAICP, in both directions.
//!
//! - JAICP → desk: [`models`] describe the requests JAICP sends to the desk (`setWebhook`,
//!   `getDestinations`, `selectDestination`, `sendText`, `sendFile`, `closeChat`); their routes
//!   are the `OperationSpec`s in [`operations`].
//! - desk → JAICP: [`OperatorClient`] posts the desk's events to the JAICP webhook address the
//!   desk received in `setWebhook`. That address is a secret and is redacted everywhere.
#![forbid(unsafe_code)]

mod generated;
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::OperatorClient;
