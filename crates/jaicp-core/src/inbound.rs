//! Requests JAICP sends to your service (Chat API webhooks, the Operator API desk): the one error
//! their decoders return.
//!
//! The reason is safe to answer with (a webhook receiver puts it in its 400 body) and to log: it
//! never quotes a value from the payload, because a payload carries tokens and personal data and
//! `serde_json` quotes the offending value in its messages (`invalid type: string "…"`).

use std::fmt;

use crate::parse_message::without_values;

/// Why a payload JAICP sent was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not JSON at all.
    Malformed(String),
    /// JSON, but not the shape the protocol describes (wrong top-level kind, wrong types).
    Shape(String),
    /// A field the protocol requires is missing or has a value the protocol does not allow.
    Field {
        /// The field's wire name.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl DecodeError {
    /// A body that is not JSON, from the parser's error (its position, no quoted input).
    pub fn malformed(error: &serde_json::Error) -> Self {
        DecodeError::Malformed(without_values(error))
    }

    /// A JSON value of the wrong shape, from the parser's error (no quoted input), after `at`
    /// (e.g. `item 2`; empty for the whole payload).
    pub fn shape(at: &str, error: &serde_json::Error) -> Self {
        let reason = without_values(error);
        DecodeError::Shape(if at.is_empty() {
            reason
        } else {
            format!("{at}: {reason}")
        })
    }

    /// A field that is missing or not allowed.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DecodeError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed(m) => write!(f, "malformed JSON: {m}"),
            DecodeError::Shape(m) => write!(f, "unexpected payload: {m}"),
            DecodeError::Field { field, reason } => write!(f, "`{field}` {reason}"),
        }
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Turn {
        count: u64,
        kind: Kind,
    }

    #[derive(Debug, Deserialize)]
    enum Kind {
        Text,
    }

    fn parse(body: &str) -> DecodeError {
        let e = serde_json::from_str::<Turn>(body).unwrap_err();
        DecodeError::shape("item 0", &e)
    }

    #[test]
    fn values_from_the_payload_are_never_quoted() {
        for body in [
            r#"{"count":"CANARY-secret-123","kind":"Text"}"#,
            r#"{"count":1,"kind":"CANARY-secret-123"}"#,
            r#"{"count":1,"kind":{"CANARY-secret-123":1}}"#,
        ] {
            let text = parse(body).to_string();
            assert!(!text.contains("CANARY"), "{text}");
            assert!(text.starts_with("unexpected payload: item 0: "), "{text}");
        }
    }

    #[test]
    fn names_the_model_declares_stay() {
        let text = parse(r#"{"kind":"Text"}"#).to_string();
        assert!(text.contains("`count`"), "{text}");
        let text = parse(r#"{"count":1,"kind":"Other"}"#).to_string();
        assert!(text.contains("`Text`"), "{text}");
    }

    #[test]
    fn malformed_input_gives_a_position() {
        let e = serde_json::from_str::<serde_json::Value>("{\"token\": \"CANARY-x").unwrap_err();
        let text = DecodeError::malformed(&e).to_string();
        assert!(text.starts_with("malformed JSON: "), "{text}");
        assert!(text.contains("line 1"), "{text}");
        assert!(!text.contains("CANARY"), "{text}");
    }

    #[test]
    fn a_field_error_names_the_field() {
        let e = DecodeError::field("userId", "must be a non-empty string");
        assert_eq!(e.to_string(), "`userId` must be a non-empty string");
    }
}
