//! Typed client for the JAICP NLP Direct API (CAILA direct): NLU data import/export, intents and
//! entities, training, the spelling dictionary and inference.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{Client, NlpKey};
//! use jaicp_nlp::Nlp;
//!
//! let client = Client::from_env()?;                    // JAICP_HOST, default app.jaicp.com
//! let nlp = Nlp::new(&client, &NlpKey::from_env()?);   // JAICP_NLP_KEY
//! nlp.export_to_file("nlu.json", &Default::default()).await?; // canonical JSON for git
//! nlp.import_from_file("nlu.json", &Default::default()).await?;
//! nlp.train().wait().await?;                           // polls until READY (or FAILED)
//! let answer = nlp.simple_inference("book a table").send().await?;
//! println!("{:?}", answer.intent.and_then(|i| i.path));
//! # Ok(()) }
//! ```
//!
//! Every operation of the API is a method on [`Nlp`] returning a request builder from
//! [`operations`]. The key travels in the path under the `/cailapub` base path
//! ([`Nlp::with_prefix`] for on-premise installs mounted elsewhere).
#![forbid(unsafe_code)]

pub mod canonical;
mod errors;
mod files;
mod generated;
mod handle;
pub mod multipart;
mod train;
pub mod validate;

pub use canonical::{CanonicalOptions, canonicalize, to_pretty_json};
pub use errors::{NlpError, NlpErrorExt, TRAIN_WAIT};
pub use files::ImportOptions;
pub use generated::models;
pub use generated::operations;
pub use handle::{DEFAULT_PREFIX, Nlp};
pub use train::{PollOptions, Train};
