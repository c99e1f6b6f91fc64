//! Request extractors whose failures come back as JSON error bodies instead
//! of axum's plain-text rejections, so clients always see one error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::reply::{CallsError, Reply};

/// Largest request body accepted; larger bodies get 413.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Name of the idempotence header (and, for GET, of the query parameter).
pub(crate) const IDEMPOTENCE_KEY: &str = "Idempotence-Key";

/// Path parameters; a bad path yields 400 `invalid.request`.
#[derive(Debug)]
pub(crate) struct PathParams<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(Reply::invalid_request(rejection.body_text())),
        }
    }
}

/// The raw request body, bounded by [`MAX_BODY_BYTES`].
#[derive(Debug)]
pub(crate) struct RawBody(pub(crate) Bytes);

impl<S> FromRequest<S> for RawBody
where
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A body that trickles in (or never comes) must not hold the connection for ever.
        let limit = req
            .extensions()
            .get::<crate::server::BodyReadTimeout>()
            .map_or(std::time::Duration::from_secs(30), |t| t.0);
        let Ok(read) = tokio::time::timeout(limit, Bytes::from_request(req, state)).await else {
            return Err(Reply::calls_error(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                CallsError::new("invalid.request", "the request body did not arrive in time"),
            ));
        };
        match read {
            Ok(bytes) => Ok(Self(bytes)),
            // Keeps axum's status (413 for an oversized body) but answers in
            // the Calls error shape.
            Err(rejection) => Err(Reply::calls_error(
                rejection.status(),
                CallsError::new("invalid.request", rejection.body_text()),
            )),
        }
    }
}

/// Parses a JSON body; the serde error text becomes the `message`.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(body)
        .map_err(|err| Reply::invalid_request(format!("Malformed JSON body: {err}")))
}

/// Like [`parse_json`], but an empty body counts as `{}`: the report
/// endpoints have only optional fields, so "no body" means "all defaults".
pub(crate) fn parse_json_or_default<T: DeserializeOwned + Default>(
    body: &[u8],
) -> Result<T, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_json(body)
    }
}

/// The `Idempotence-Key` header, if present and non-empty.
pub(crate) fn idempotence_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(IDEMPOTENCE_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// How an API of the emulator shapes its error answers.
pub(crate) type ErrorReply = fn(axum::http::StatusCode, &str) -> Reply;

/// Reads a JSON body into `T`; a body that is missing, too large or malformed becomes the
/// API's own error answer (400 with the parser's reason, 413 for size).
pub(crate) fn json_body<T: DeserializeOwned>(
    body: Result<RawBody, Reply>,
    error: ErrorReply,
) -> Result<T, Reply> {
    let RawBody(bytes) = body?;
    serde_json::from_slice(&bytes).map_err(|e| {
        error(
            axum::http::StatusCode::BAD_REQUEST,
            &format!("Malformed JSON body: {e}"),
        )
    })
}

/// Like [`json_body`] for a body that must be a JSON object; `what` names it in the error.
pub(crate) fn json_object(
    body: Result<RawBody, Reply>,
    error: ErrorReply,
    what: &str,
) -> Result<serde_json::Value, Reply> {
    match json_body(body, error)? {
        v @ serde_json::Value::Object(_) => Ok(v),
        _ => Err(error(
            axum::http::StatusCode::BAD_REQUEST,
            &format!("{what} must be a JSON object"),
        )),
    }
}
