//! The server side of the JAICP Model API: JAICP sends markup, entity recognition and intent
//! classification requests to *your* NLU service; this crate parses them, calls your
//! [`ModelService`] and answers in the protocol.
//!
//! ```
//! use jaicp_model::{ModelError, ModelService, async_trait};
//! use jaicp_model::models::{PredictRequestData, PredictResponseData, PredictedClassData};
//!
//! struct Pizza;
//!
//! #[async_trait]
//! impl ModelService for Pizza {
//!     async fn predict(&self, classifier: &str, _model: &str, req: PredictRequestData)
//!         -> Result<PredictResponseData, ModelError> {
//!         if classifier != "default" {
//!             return Err(ModelError::not_found("WrongClassifier", "no such classifier"));
//!         }
//!         let result = req.data.unwrap_or_default().iter().map(|item| {
//!             let pizza = item.text.as_deref().unwrap_or("").contains("pizza");
//!             vec![PredictedClassData {
//!                 class: Some(if pizza { "/Order/Pizza" } else { "/NoMatch" }.into()),
//!                 score: Some(if pizza { 0.9 } else { 0.1 }),
//!             }]
//!         }).collect();
//!         Ok(PredictResponseData { result: Some(result) })
//!     }
//! }
//! # #[cfg(feature = "server")]
//! # fn demo() -> axum::Router {
//! // With the `server` feature: an axum Router behind optional HTTP Basic auth.
//! jaicp_model::server::router(Pizza, jaicp_model::server::ServerOptions::default().basic_auth("jaicp", "secret"))
//! # }
//! ```
//!
//! Point the project's external NLU settings at the service (`nluType: external`, `url`), or test
//! it end to end against the emulator (`jaicp_emulator::EmulatorBuilder::external_nlu`).
#![forbid(unsafe_code)]

mod error;
mod generated;
pub mod markup;
#[cfg(feature = "server")]
pub mod server;
mod service;

pub use async_trait::async_trait;
pub use error::ModelError;
pub use generated::{models, operations};
pub use service::{ModelService, VersionInfo};
