//! A small, cloneable HTTP response type, and the result type every handler returns.
//!
//! Handlers build a [`Reply`] rather than an axum `Response` because replies
//! must be stored verbatim for `Idempotence-Key` replays, and an axum body
//! cannot be cloned. Error answers are built in [`crate::errors`].

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// What every handler returns: `Err` is an error answer, so `?` works on any step.
pub(crate) type Answer = Result<Reply, Reply>;

/// Status plus an optional body (JSON unless built with [`Reply::bytes`]).
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    body: Option<Bytes>,
    content_type: &'static str,
    /// Extra headers (name, value), e.g. `Z-Request-id` of an async start.
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// 200 with a JSON body.
    pub(crate) fn ok<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::json(StatusCode::OK, value)
    }

    /// 201 with a JSON body.
    pub(crate) fn created<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::json(StatusCode::CREATED, value)
    }

    /// 204, no body.
    pub(crate) fn no_content() -> Self {
        Self::empty(StatusCode::NO_CONTENT)
    }

    /// 200 with a `text/plain` body.
    pub(crate) fn text(body: impl Into<Bytes>) -> Self {
        Self::bytes(StatusCode::OK, "text/plain; charset=utf-8", body)
    }

    /// Any status with a JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => Self::bytes(status, "application/json", bytes),
            // Only reachable if a handler builds an unserialisable value
            // (non-string map keys); answer honestly instead of panicking.
            Err(_) => Self::empty(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// Any status with a body of the given content type.
    pub(crate) fn bytes(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<Bytes>,
    ) -> Self {
        Self {
            status,
            body: Some(body.into()),
            content_type,
            headers: Vec::new(),
        }
    }

    /// A status with no body at all (the control endpoints answer this way).
    pub(crate) fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            content_type: "application/json",
            headers: Vec::new(),
        }
    }

    /// The same reply with one more header (a value that is not a valid header is left out).
    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Some(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(self.content_type),
                );
                response
            }
            None => Response::new(Body::empty()),
        };
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// `reply` as a handler result: `Ok` for a success status, `Err` for an error status, so a
/// step that already chose its status fits a handler's `?` flow.
pub(crate) fn answer(reply: Reply) -> Answer {
    if reply.status.is_client_error() || reply.status.is_server_error() {
        Err(reply)
    } else {
        Ok(reply)
    }
}

/// A reply as kept in a state file (stored `Idempotence-Key` answers): the status code and the
/// body as text. Only Calls answers are stored, and those are JSON without extra headers, so
/// the content type and headers are not kept.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct StoredReply {
    status: u16,
    body: Option<String>,
}

impl serde::Serialize for Reply {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StoredReply::from(self.clone()).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Reply {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredReply::deserialize(deserializer)?;
        Self::try_from(stored).map_err(serde::de::Error::custom)
    }
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
        Ok(match stored.body {
            Some(body) => Self::bytes(status, "application/json", body),
            None => Self::empty(status),
        })
    }
}
