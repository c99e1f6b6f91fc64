//! A small, cloneable HTTP response type.
//!
//! Handlers build a [`Reply`] rather than an axum `Response` because replies
//! must be stored verbatim for `Idempotence-Key` replays, and an axum body
//! cannot be cloned.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

/// Status plus an optional JSON body.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(into = "StoredReply", try_from = "StoredReply")]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    body: Option<Bytes>,
}

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn ok<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::json(StatusCode::OK, value)
    }

    /// Any status with a JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self {
                status,
                body: Some(Bytes::from(bytes)),
            },
            // Only reachable if a handler builds an unserialisable value
            // (non-string map keys); answer honestly instead of panicking.
            Err(_) => Self {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: None,
            },
        }
    }

    /// A status with no body at all (the control endpoints answer this way).
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self { status, body: None }
    }

    /// The Calls API's own error body: `{"type": .., "message": .., extra..}`.
    pub(crate) fn calls_error(status: StatusCode, error: CallsError) -> Self {
        Self::json(status, &Value::Object(error.fields))
    }

    /// 400 `invalid.request`, used for bodies we cannot make sense of.
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::calls_error(
            StatusCode::BAD_REQUEST,
            CallsError::new("invalid.request", message),
        )
    }

    /// 404 `invalid.token`, returned by every Calls operation for an unknown campaign.
    pub(crate) fn invalid_token() -> Self {
        Self::calls_error(
            StatusCode::NOT_FOUND,
            CallsError::new("invalid.token", "No call campaign matches this token"),
        )
    }

    /// The `ApiErrorData` shape (`{"error", "message", "args"}`) used by the
    /// campaign control endpoint.
    pub(crate) fn api_error(
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        args: &[(&str, &str)],
    ) -> Self {
        let args: Map<String, Value> = args
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
            .collect();
        Self::json(
            status,
            &serde_json::json!({ "error": code, "message": message.into(), "args": args }),
        )
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self.body {
            Some(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                *response.status_mut() = self.status;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            None => self.status.into_response(),
        }
    }
}

/// Builder for a Calls-style error body.
#[derive(Debug)]
pub(crate) struct CallsError {
    fields: Map<String, Value>,
}

impl CallsError {
    pub(crate) fn new(kind: &str, message: impl Into<String>) -> Self {
        let mut fields = Map::new();
        fields.insert("type".into(), Value::String(kind.to_owned()));
        fields.insert("message".into(), Value::String(message.into()));
        Self { fields }
    }

    /// Adds an extra field such as `phone` or `state`.
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_owned(), value.into());
        self
    }

    /// 400 reply with this body.
    pub(crate) fn bad_request(self) -> Reply {
        Reply::calls_error(StatusCode::BAD_REQUEST, self)
    }
}

/// A reply as kept in a state file (stored `Idempotence-Key` answers): the status code and the
/// JSON body as text.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct StoredReply {
    status: u16,
    body: Option<String>,
}

impl From<Reply> for StoredReply {
    fn from(reply: Reply) -> Self {
        Self {
            status: reply.status.as_u16(),
            body: reply.body.map(|b| String::from_utf8_lossy(&b).into_owned()),
        }
    }
}

impl TryFrom<StoredReply> for Reply {
    type Error = String;

    fn try_from(stored: StoredReply) -> Result<Self, Self::Error> {
        let status = StatusCode::from_u16(stored.status)
            .map_err(|_| format!("invalid status {}", stored.status))?;
        Ok(Self {
            status,
            body: stored.body.map(Bytes::from),
        })
    }
}
