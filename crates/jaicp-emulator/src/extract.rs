//! Request extractors whose failures come back as JSON error bodies in the shape of the API
//! the request belongs to ([`crate::errors::Api`]) instead of axum's plain-text rejections.
//!
//! Put the extractor that checks credentials first in a handler's arguments: axum runs them in
//! order, so a request with a bad token and a bad body gets the credential error.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::errors::Api;
use crate::reply::Reply;

/// Largest request body accepted; larger bodies get 413.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Name of the idempotence header (and, for GET, of the query parameter).
pub(crate) const IDEMPOTENCE_KEY: &str = "Idempotence-Key";

/// A generated model's required-field check (`models::strict::Required::missing` of an API
/// crate built with its `strict` feature).
pub(crate) type Missing = fn(&serde_json::Value, &str, &mut Vec<String>);

/// Path parameters; a bad path yields the API's 400.
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
            Err(rejection) => {
                Err(Api::of_path(parts.uri.path()).bad_request(&rejection.body_text()))
            }
        }
    }
}

/// A query string read into `T`; a missing or wrong-typed parameter yields the API's 400
/// (axum's own `Query` would answer `text/plain`).
#[derive(Debug)]
pub(crate) struct Query<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map(Self)
            .map_err(|e| {
                Api::of_path(parts.uri.path()).bad_request(&format!("Invalid query string: {e}"))
            })
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
        let api = Api::of_path(req.uri().path());
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Self(bytes)),
            // Keeps axum's status (413 for an oversized body) in the API's shape.
            Err(rejection) => Err(api.error(rejection.status(), &rejection.body_text())),
        }
    }
}

/// The request body, read but not yet parsed: handlers check credentials first and then call
/// [`Body::json`] (or its siblings), so a request with a bad token and a bad body gets the
/// credential error. Never rejects; a body that could not be read is reported by the parse.
#[derive(Debug)]
pub(crate) struct Body {
    api: Api,
    bytes: Result<Bytes, Reply>,
}

impl<S> FromRequest<S> for Body
where
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let api = Api::of_path(req.uri().path());
        let bytes = RawBody::from_request(req, state).await.map(|RawBody(b)| b);
        Ok(Self { api, bytes })
    }
}

impl Body {
    /// The bytes as sent (or the API's 413 / 400 when they could not be read).
    pub(crate) fn bytes(self) -> Result<Bytes, Reply> {
        self.bytes
    }

    /// The body read into `T`: missing, malformed or wrong-typed input is the API's 400.
    /// Unknown fields are ignored.
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<T, Reply> {
        let api = self.api;
        parse(api, &self.bytes?)
    }

    /// Like [`Body::json`], but an empty body counts as `T::default()`: for operations whose
    /// body has only optional fields, "no body" means "all defaults".
    pub(crate) fn json_or_default<T: DeserializeOwned + Default>(self) -> Result<T, Reply> {
        let api = self.api;
        let bytes = self.bytes?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            parse(api, &bytes)
        }
    }

    /// The body checked against `M`, the SDK's generated model of the document's request
    /// schema, then read into `T` (the handler's own view of it): a field of the wrong JSON type
    /// anywhere in the body, or a required field (`missing`, the model's generated
    /// `strict::Required::missing`) that is absent or `null`, is the API's 400 naming the
    /// field, so such input is never stored or echoed. Unknown fields are ignored, as the
    /// generated models ignore them.
    pub(crate) fn checked<M: DeserializeOwned, T: DeserializeOwned>(
        self,
        missing: Missing,
    ) -> Result<T, Reply> {
        let api = self.api;
        let bytes = self.bytes?;
        parse::<M>(api, &bytes)?;
        let value: serde_json::Value = parse(api, &bytes)?;
        let mut absent = Vec::new();
        missing(&value, "$", &mut absent);
        if !absent.is_empty() {
            let list: Vec<String> = absent.iter().map(|p| format!("`{p}`")).collect();
            return Err(api.bad_request(&format!("Required: {}", list.join(", "))));
        }
        serde_json::from_value(value)
            .map_err(|e| api.bad_request(&format!("Invalid JSON body: {e}")))
    }

    /// Like [`Body::checked`], but an empty body counts as `T::default()`.
    pub(crate) fn checked_or_default<M: DeserializeOwned, T: DeserializeOwned + Default>(
        self,
        missing: Missing,
    ) -> Result<T, Reply> {
        match &self.bytes {
            Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
            _ => self.checked::<M, T>(missing),
        }
    }

    /// Like [`Body::json`] for a body that must be a JSON object; `what` names it.
    pub(crate) fn object(self, what: &str) -> Result<serde_json::Value, Reply> {
        let api = self.api;
        match self.json()? {
            v @ serde_json::Value::Object(_) => Ok(v),
            _ => Err(api.bad_request(&format!("{what} must be a JSON object"))),
        }
    }
}

/// Parses a JSON body for `api`; the error names the JSON path that broke.
pub(crate) fn parse<T: DeserializeOwned>(api: Api, body: &[u8]) -> Result<T, Reply> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de)
        .and_then(|v| {
            // Trailing bytes after the value are malformed JSON too.
            de.end().map(|()| v).map_err(|e| {
                let track = serde_path_to_error::Track::new();
                serde_path_to_error::Error::new(track.path(), e)
            })
        })
        .map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            if body.iter().all(u8::is_ascii_whitespace) {
                api.bad_request("A JSON body is required")
            } else if at == "." || at.is_empty() {
                api.bad_request(&format!("Malformed JSON body: {inner}"))
            } else {
                api.bad_request(&format!("Invalid JSON body at `{at}`: {inner}"))
            }
        })
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
