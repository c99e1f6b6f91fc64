//! Errors of the hand-written NLP helpers.

use std::time::Duration;

/// An error of an NLP Direct helper: the request failed, the data was refused before sending, or
/// training did not end well.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NlpError {
    /// The request failed (HTTP, API or decode error).
    #[error(transparent)]
    Request(#[from] jaicp_core::Error),
    /// The NLU data breaks a rule; nothing was sent, so the stored data is unchanged.
    #[error("invalid NLU data: {field}: {reason}")]
    InvalidData {
        /// Where the problem is, e.g. `intents[3].patterns[0]`.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The data is larger than the import limit; nothing was sent.
    #[error("NLU data of {size} bytes is over the import limit of {limit} bytes")]
    TooLarge {
        /// Size of the encoded data.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// An intent id that the project does not have.
    #[error("the project has no intent with id {id}")]
    UnknownIntent {
        /// The id.
        id: i64,
    },
    /// An entity id that the project does not have.
    #[error("the project has no entity with id {id}")]
    UnknownEntity {
        /// The id.
        id: i64,
    },
    /// Training ended in `FAILED`; the previous model keeps answering.
    #[error("training failed: {}", last_error.as_deref().unwrap_or("no reason given"))]
    TrainingFailed {
        /// The server's `lastError`.
        last_error: Option<String>,
    },
    /// Training did not finish within the deadline (it may still finish later).
    #[error("training did not finish within {}s", waited.as_secs())]
    TrainingTimedOut {
        /// How long the helper waited.
        waited: Duration,
    },
    /// Reading or writing a local file failed.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// The I/O or parse error.
        message: String,
    },
}

impl NlpError {
    /// The HTTP status of a failed request, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            NlpError::Request(e) => e.status(),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        NlpError::InvalidData {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn file(path: &std::path::Path, message: impl std::fmt::Display) -> Self {
        NlpError::File {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }
}

/// Maps a 404 of an intent operation to [`NlpError::UnknownIntent`].
pub(crate) fn intent_error(id: i64) -> impl FnOnce(jaicp_core::Error) -> NlpError {
    move |e| {
        if e.status() == Some(404) {
            NlpError::UnknownIntent { id }
        } else {
            NlpError::Request(e)
        }
    }
}

/// Maps a 404 of an entity operation to [`NlpError::UnknownEntity`].
pub(crate) fn entity_error(id: i64) -> impl FnOnce(jaicp_core::Error) -> NlpError {
    move |e| {
        if e.status() == Some(404) {
            NlpError::UnknownEntity { id }
        } else {
            NlpError::Request(e)
        }
    }
}

/// Result of the NLP helpers.
pub type NlpResult<T> = Result<T, NlpError>;
