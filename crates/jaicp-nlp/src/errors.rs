//! The NLP Direct errors, read from the SDK's one error type.
//!
//! Every helper returns [`jaicp_core::Result`]: bad data is a [`jaicp_core::Error::InvalidInput`]
//! (nothing was sent), a local file problem a [`jaicp_core::Error::File`], and the outcomes only
//! NLP Direct has — an unknown intent or entity, a failed or unfinished training — are read from
//! that error through [`NlpErrorExt::nlp_error`], the same view pattern as every API crate.

use std::time::Duration;

use jaicp_core::Error;
use jaicp_core::error::{OpName, TaskError, TimeoutPhase};

/// The operation name of [`crate::Train::wait`] (a helper, not an API operation): training
/// failures and waits that ran out carry it.
pub const TRAIN_WAIT: OpName = OpName {
    api: "nlp",
    operation: "trainWait",
};

/// Operations that address one intent by id: their 404 means the intent does not exist.
const INTENT_OPS: &[&str] = &["getIntent", "recursiveUpdate"];

/// Operations that address one entity by id or name: their 404 means the entity does not exist.
const ENTITY_OPS: &[&str] = &[
    "getEntity",
    "getEntityByName",
    "updateEntity",
    "getEntityRecords",
    "getEntityRecordsByEntityName",
    "updateAllEntityRecords",
    "updateAllEntityRecordsByEntityName",
    "createEntityRecord",
    "createEntityRecordByEntityName",
    "updateEntityRecord",
    "updateEntityRecordByEntityName",
    "deleteRecords",
    "deleteRecordsByEntityName",
    "uploadRecords",
];

/// What an SDK error means for NLP Direct, when it is one of its own outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NlpError {
    /// The project has no intent with the id the call named (a 404 of an intent operation).
    UnknownIntent,
    /// The project has no entity with the id or name the call named (a 404 of an entity
    /// operation).
    UnknownEntity,
    /// Training ended in `FAILED`; the previous model keeps answering.
    TrainingFailed {
        /// The server's `lastError`.
        last_error: Option<String>,
    },
    /// Training did not finish within the wait's deadline (it may still finish later).
    TrainingTimedOut {
        /// How long the helper waited.
        waited: Duration,
    },
}

/// Adds [`NlpError`] reading to the SDK error.
pub trait NlpErrorExt {
    /// The NLP Direct meaning of this error, when it has one.
    fn nlp_error(&self) -> Option<NlpError>;
}

impl NlpErrorExt for Error {
    fn nlp_error(&self) -> Option<NlpError> {
        match self {
            Error::Api(api) if api.op.api == "nlp" && api.status == 404 => {
                if INTENT_OPS.contains(&api.op.operation) {
                    Some(NlpError::UnknownIntent)
                } else if ENTITY_OPS.contains(&api.op.operation) {
                    Some(NlpError::UnknownEntity)
                } else {
                    None
                }
            }
            Error::TaskFailed(task) if task.op == TRAIN_WAIT => Some(NlpError::TrainingFailed {
                last_error: task.message.clone(),
            }),
            Error::Timeout {
                op,
                phase: TimeoutPhase::Deadline,
                elapsed,
            } if *op == TRAIN_WAIT => Some(NlpError::TrainingTimedOut { waited: *elapsed }),
            _ => None,
        }
    }
}

/// The error of a training run that ended in `FAILED`.
pub(crate) fn training_failed(last_error: Option<String>) -> Error {
    Error::TaskFailed(Box::new(TaskError::new(
        TRAIN_WAIT,
        "training",
        Some("FAILED".to_owned()),
        last_error,
    )))
}

/// The error of a training wait that ran out of time.
pub(crate) fn training_timed_out(waited: Duration) -> Error {
    Error::Timeout {
        op: TRAIN_WAIT,
        phase: TimeoutPhase::Deadline,
        elapsed: waited,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_errors_read_back_through_the_view() {
        assert_eq!(
            training_failed(Some("bad data".into())).nlp_error(),
            Some(NlpError::TrainingFailed {
                last_error: Some("bad data".into())
            })
        );
        assert_eq!(
            training_timed_out(Duration::from_secs(3)).nlp_error(),
            Some(NlpError::TrainingTimedOut {
                waited: Duration::from_secs(3)
            })
        );
        assert_eq!(Error::invalid("data", "too big").nlp_error(), None);
        let other_timeout = Error::Timeout {
            op: OpName {
                api: "nlp",
                operation: "trainNLU",
            },
            phase: TimeoutPhase::Deadline,
            elapsed: Duration::from_secs(1),
        };
        assert_eq!(other_timeout.nlp_error(), None);
    }
}
