//! Every error answer of the emulator: one shape per API, chosen here and nowhere else.
//!
//! | API (path prefix) | shape | where the shape comes from |
//! |---|---|---|
//! | Calls (`/api/calls/`, `/api/crmCalls/`) | `{type, message}` plus the fields its schema requires (`phone` on the add-phone operations, `state` for a campaign that cannot take numbers); `controlCampaign` alone answers `ApiErrorData {error, message, args}` | `calls.yml` declares these per operation |
//! | Project, Channel, Reporter, Text campaigns, async events (`/api/v1/`, `/api/text-campaign-service/`, legacy `/reporter/p/`) | `ErrorDto {error, message, args}`, `error` shaped `service.kind.detail` | `bot-channel-api.yml` and `async-api.yml` declare it; `project-api.yml`, `reporter-api.yml` and `text-campaign-api.yml` declare no error body, and these APIs sit behind the same gateway, so the emulator answers the gateway's shape (our choice) |
//! | NLP Direct (`/cailapub/`) | `{error, message, args}` with `caila.*` codes | `direct.yml` declares no error body; our choice, the same field set as the gateway (unconfirmed) |
//! | Chat, Operator, Prompter, Pushgate, Imputer (`/chatapi/`, `/pushgate/`, `/api/imputer/`) | Spring's `{status, error, message}` | our documents in `specs/` (`ErrorBody`, marked `x-unconfirmed`); `timestamp` and `path` are left out (the path holds the token) |
//!
//! Every answer is JSON, including the ones for a malformed path, query or body (see
//! [`crate::extract`]) and for a route the emulator does not serve ([`fallback`]).

use axum::extract::Request;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::reply::Reply;

/// Which error shape a request gets, by the API its path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// The Calls API; `add_phone` marks the three add-phone operations, whose 400 schemas all
    /// require a `phone` field.
    Calls {
        /// The request is one of the add-phone operations.
        add_phone: bool,
    },
    /// The api-gateway APIs under the unified token.
    Gateway,
    /// NLP Direct.
    Nlp,
    /// The chat-adapter APIs (Chat, Operator, Prompter, Pushgate, Imputer).
    Spring,
}

impl Api {
    /// The API a request path belongs to. Unknown paths answer in the gateway's shape, which
    /// is what a JAICP host answers for most of its surface.
    pub(crate) fn of_path(path: &str) -> Self {
        if path.starts_with("/api/calls/") || path.starts_with("/api/crmCalls/") {
            Self::Calls {
                add_phone: path.ends_with("/addPhone"),
            }
        } else if path.starts_with("/cailapub/") {
            Self::Nlp
        } else if path.starts_with("/chatapi/")
            || path.starts_with("/pushgate/")
            || path.starts_with("/api/imputer/")
        {
            Self::Spring
        } else {
            Self::Gateway
        }
    }

    /// A 400 in this API's shape for input that breaks the document.
    pub(crate) fn bad_request(self, message: &str) -> Reply {
        self.error(StatusCode::BAD_REQUEST, message)
    }

    /// An error of any status in this API's shape, with the API's generic code for it.
    pub(crate) fn error(self, status: StatusCode, message: &str) -> Reply {
        match self {
            Self::Calls { add_phone: true } if status == StatusCode::BAD_REQUEST => {
                // `PhoneErrorResponse` requires `phone`; the number could not be read.
                CallsError::new("phone.bad.format", message)
                    .with("phone", "")
                    .bad_request()
            }
            Self::Calls { .. } => calls(status, CallsError::new(calls_code(status), message)),
            Self::Gateway => gateway(status, gateway_code(status), message),
            Self::Nlp => nlp(status, nlp_code(status), message),
            Self::Spring => spring(status, message),
        }
    }
}

fn calls_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "invalid.token",
        StatusCode::PAYLOAD_TOO_LARGE => "payload.too.large",
        StatusCode::METHOD_NOT_ALLOWED => "method.not.allowed",
        _ => "invalid.request",
    }
}

fn gateway_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "gateway.common.not_found",
        StatusCode::UNAUTHORIZED => "gateway.auth.invalid_token",
        StatusCode::CONFLICT => "gateway.common.conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "gateway.common.payload_too_large",
        StatusCode::METHOD_NOT_ALLOWED => "gateway.common.method_not_allowed",
        _ => "gateway.common.bad_request",
    }
}

fn nlp_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "caila.not.found",
        StatusCode::UNAUTHORIZED => "caila.access.denied",
        StatusCode::CONFLICT => "caila.conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "caila.payload.too.large",
        StatusCode::METHOD_NOT_ALLOWED => "caila.method.not.allowed",
        _ => "caila.bad.request",
    }
}

/// Answer for a route the emulator does not serve: 404 in the shape of the API the path
/// would belong to.
pub(crate) async fn fallback(request: Request) -> Reply {
    Api::of_path(request.uri().path()).error(StatusCode::NOT_FOUND, "No such route")
}

// ---------------------------------------------------------------------------------------------
// Calls
// ---------------------------------------------------------------------------------------------

/// A Calls error body of any status.
pub(crate) fn calls(status: StatusCode, error: CallsError) -> Reply {
    Reply::json(status, &Value::Object(error.fields))
}

/// 400 `invalid.request`: input the Calls document's schemas do not allow.
pub(crate) fn calls_invalid(message: impl Into<String>) -> Reply {
    CallsError::new("invalid.request", message).bad_request()
}

/// 404 `invalid.token`, returned by every Calls operation for an unknown campaign.
pub(crate) fn calls_invalid_token() -> Reply {
    calls(
        StatusCode::NOT_FOUND,
        CallsError::new("invalid.token", "No call campaign matches this token"),
    )
}

/// Builder for a Calls error body: `{"type": .., "message": .., extra..}`.
#[derive(Debug)]
pub(crate) struct CallsError {
    fields: Map<String, Value>,
}

impl CallsError {
    /// A body with this `type` and `message`.
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
        calls(StatusCode::BAD_REQUEST, self)
    }
}

/// The `ApiErrorData` shape (`{"error", "message", "args"}`) of the campaign control endpoint.
pub(crate) fn api_error_data(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    args: &[(&str, &str)],
) -> Reply {
    let args: Map<String, Value> = args
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    Reply::json(
        status,
        &json!({ "error": code, "message": message.into(), "args": args }),
    )
}

// ---------------------------------------------------------------------------------------------
// Gateway (Project, Channel, Reporter, Text campaigns, async events)
// ---------------------------------------------------------------------------------------------

/// A gateway error body (`ErrorDto`).
pub(crate) fn gateway(status: StatusCode, code: &str, message: impl Into<String>) -> Reply {
    api_error_data(status, code, message, &[])
}

/// 404 in the gateway shape.
pub(crate) fn not_found(what: &str) -> Reply {
    gateway(
        StatusCode::NOT_FOUND,
        "gateway.common.not_found",
        format!("{what} not found"),
    )
}

/// 400 in the gateway shape.
pub(crate) fn bad_request(message: impl Into<String>) -> Reply {
    gateway(
        StatusCode::BAD_REQUEST,
        "gateway.common.bad_request",
        message,
    )
}

// ---------------------------------------------------------------------------------------------
// NLP Direct
// ---------------------------------------------------------------------------------------------

/// An NLP Direct error body.
pub(crate) fn nlp(status: StatusCode, code: &str, message: impl Into<String>) -> Reply {
    api_error_data(status, code, message, &[])
}

/// 400 `caila.bad.request`.
pub(crate) fn nlp_bad(message: impl Into<String>) -> Reply {
    nlp(StatusCode::BAD_REQUEST, "caila.bad.request", message)
}

/// 404 `caila.not.found` for an id or name the project does not have.
pub(crate) fn nlp_not_found(what: &str, id: impl std::fmt::Display) -> Reply {
    nlp(
        StatusCode::NOT_FOUND,
        "caila.not.found",
        format!("no {what} `{id}` in this project"),
    )
}

// ---------------------------------------------------------------------------------------------
// Chat adapter (Chat, Operator, Prompter, Pushgate, Imputer)
// ---------------------------------------------------------------------------------------------

/// Spring's error object without `path` (it would hold the token) and `timestamp`.
pub(crate) fn spring(status: StatusCode, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({
            "status": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
        }),
    )
}

/// 400 in Spring's shape.
pub(crate) fn spring_bad(message: &str) -> Reply {
    spring(StatusCode::BAD_REQUEST, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_pick_their_api() {
        assert_eq!(
            Api::of_path("/api/crmCalls/campaign/t/addPhone"),
            Api::Calls { add_phone: true }
        );
        assert_eq!(
            Api::of_path("/api/calls/campaign/t/status"),
            Api::Calls { add_phone: false }
        );
        assert_eq!(Api::of_path("/cailapub/api/caila/p/k/intents"), Api::Nlp);
        assert_eq!(Api::of_path("/chatapi/t"), Api::Spring);
        assert_eq!(Api::of_path("/api/imputer/p/t/x"), Api::Spring);
        assert_eq!(Api::of_path("/api/v1/projects"), Api::Gateway);
    }
}
