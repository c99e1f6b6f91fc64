//! Errors a Model API service answers with, in the protocol's error body.

use std::collections::BTreeMap;

use crate::models::{ApiError, ErrorResponse};

/// An error to send back to JAICP: an HTTP status (400 bad input, 404 unknown classifier or
/// model, 500 anything else), a code and a message. It becomes the protocol's error body
/// (`{"error": {...}, "errors": [...]}` with the message under `en`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// HTTP status.
    pub status: u16,
    /// Error code, e.g. `UnsupportedLanguage`.
    pub code: String,
    /// Message (English).
    pub message: String,
}

impl ModelError {
    /// Any status.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    /// 400: the request cannot be served (bad field, unsupported language or engine).
    pub fn bad_request(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    /// 404: no such classifier or model.
    pub fn not_found(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(404, code, message)
    }

    /// 500: the service failed.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The protocol's error body.
    pub fn body(&self) -> ErrorResponse {
        let error = ApiError {
            code: Some(self.code.clone()),
            message: Some(BTreeMap::from([("en".to_owned(), self.message.clone())])),
        };
        ErrorResponse {
            error: Some(error.clone()),
            errors: Some(vec![error]),
        }
    }
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ModelError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_main_error_and_list() {
        let body = serde_json::to_value(
            ModelError::not_found("WrongClassifier", "no such classifier").body(),
        )
        .unwrap();
        assert_eq!(body["error"]["code"], "WrongClassifier");
        assert_eq!(body["error"]["message"]["en"], "no such classifier");
        assert_eq!(body["errors"][0], body["error"]);
    }
}
