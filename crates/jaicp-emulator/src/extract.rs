//! Request extractors whose failures come back as JSON error bodies in the shape of the API
//! the request belongs to ([`crate::errors::Api`]) instead of axum's plain-text rejections.
//!
//! Put the extractor that checks credentials first in a handler's arguments: axum runs them in
//! order, so a request with a bad token and a bad body gets the credential error.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::Api;
use crate::reply::Reply;

/// Largest request body accepted; larger bodies get 413.
pub(crate) const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Name of the idempotence header (and, for GET, of the query parameter).
pub(crate) const IDEMPOTENCE_KEY: &str = "Idempotence-Key";

/// A generated model's required-field check (`models::strict::Rules::missing` of an API crate
/// built with its `strict` feature).
pub(crate) type Missing = fn(&serde_json::Value, &str, &mut Vec<String>);

/// A generated model's check of the document's other rules (`models::strict::Rules::invalid`):
/// the first value outside its enum, string length, number range or array size, as (JSON path,
/// reason).
pub(crate) type Invalid = fn(&serde_json::Value, &str) -> Option<(String, String)>;

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

/// A generated API crate's query-string rules (`models::strict::query`): the first parameter
/// of a request (method, path, decoded pairs) that breaks a rule of the operation the path
/// matches, as (parameter name, reason).
pub(crate) type QueryRules = fn(&str, &str, &[(String, String)]) -> Option<(String, String)>;

/// The query-string rules of every served document that declares any (enum values, lengths,
/// ranges). Each crate answers only for its own operations' paths.
const QUERY_RULES: [QueryRules; 6] = [
    jaicp_chat::models::strict::query,
    jaicp_imputer::models::strict::query,
    jaicp_nlp::models::strict::query,
    jaicp_project::models::strict::query,
    jaicp_reporter::models::strict::query,
    jaicp_text_campaigns::models::strict::query,
];

/// A query string read into `T`; a missing or wrong-typed parameter, or one that breaks a rule
/// of the document a type cannot hold ([`QUERY_RULES`]: a value outside its enum, a length, a
/// range), yields the API's 400 naming the parameter (axum's own `Query` would answer
/// `text/plain`, and would accept the rest).
#[derive(Debug)]
pub(crate) struct Query<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Reply;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        let path = parts.uri.path();
        let api = Api::of_path(path);
        // The rules first, on the pairs as sent (`T` may drop parameters the handler does not
        // use, and `-1` for an unsigned page would otherwise be refused without its name).
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        let method = parts.method.as_str();
        if let Some((name, reason)) = QUERY_RULES
            .iter()
            .find_map(|rules| rules(method, path, &pairs))
        {
            return Err(api.bad_request(&format!("Invalid query parameter `{name}`: {reason}")));
        }
        serde_urlencoded::from_str(raw)
            .map(Self)
            .map_err(|e| api.bad_request(&format!("Invalid query string: {e}")))
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
        // A body that trickles in (or never comes) must not hold the connection for ever.
        let limit = req
            .extensions()
            .get::<crate::server::BodyReadTimeout>()
            .map_or(std::time::Duration::from_secs(30), |t| t.0);
        let Ok(read) = tokio::time::timeout(limit, Bytes::from_request(req, state)).await else {
            return Err(api.error(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
            ));
        };
        match read {
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
        if self.is_blank() {
            return Ok(T::default());
        }
        self.json()
    }

    /// The body checked against `M`, the SDK's generated model of the document's request
    /// schema, then read into `T` (the handler's own view of it): a field of the wrong JSON type
    /// anywhere in the body (an array where the model has an object included), a required
    /// field (`missing`, the model's generated `strict::Rules::missing`) that is absent or
    /// `null`, or a value that breaks another rule of the document (`invalid`,
    /// `strict::Rules::invalid`: an enum value the model would keep as `Unknown`, a string
    /// length, a number range, an array size) is the API's 400 naming the field, so such input
    /// is never stored or echoed. Unknown fields are ignored, as the generated models ignore
    /// them.
    pub(crate) fn checked<M: DeserializeOwned + Serialize, T: DeserializeOwned>(
        self,
        missing: Missing,
        invalid: Invalid,
    ) -> Result<T, Reply> {
        let api = self.api;
        let bytes = self.bytes?;
        let model = parse::<M>(api, &bytes)?;
        let value: serde_json::Value = parse(api, &bytes)?;
        // serde reads a struct from a JSON array too (field by field), so `[null, null]` passes
        // for an object; compare what was sent with what the model made of it.
        if let Ok(read) = serde_json::to_value(&model)
            && let Some(at) = array_for_object(&value, &read, String::new())
        {
            let at = if at.is_empty() { ".".to_owned() } else { at };
            return Err(api.bad_request(&format!(
                "Invalid JSON body at `{at}`: expected an object, found an array"
            )));
        }
        follows_rules(api, &value, missing, invalid)?;
        serde_json::from_value(value)
            .map_err(|e| api.bad_request(&format!("Invalid JSON body: {e}")))
    }

    /// The body checked against a generated model's rules (`missing`, `invalid`) but not read
    /// into the model, then read into `T` (the handler's own, lenient view): for bodies where
    /// JAICP is known to take another JSON type than the document declares (Reporter filters:
    /// real requests send the bounds of a `NUMERIC_RANGE` filter as strings), so the types stay
    /// lenient while required fields and enum values, lengths and ranges are still enforced.
    pub(crate) fn ruled<T: DeserializeOwned>(
        self,
        missing: Missing,
        invalid: Invalid,
    ) -> Result<T, Reply> {
        let api = self.api;
        let value: serde_json::Value = parse(api, &self.bytes?)?;
        follows_rules(api, &value, missing, invalid)?;
        serde_json::from_value(value)
            .map_err(|e| api.bad_request(&format!("Invalid JSON body: {e}")))
    }

    /// True when the body is empty or only whitespace (read as "no body").
    fn is_blank(&self) -> bool {
        matches!(&self.bytes, Ok(b) if b.iter().all(u8::is_ascii_whitespace))
    }

    /// Like [`Body::ruled`], but an empty body counts as `T::default()`.
    pub(crate) fn ruled_or_default<T: DeserializeOwned + Default>(
        self,
        missing: Missing,
        invalid: Invalid,
    ) -> Result<T, Reply> {
        if self.is_blank() {
            return Ok(T::default());
        }
        self.ruled(missing, invalid)
    }

    /// Like [`Body::checked`], but an empty body counts as `T::default()`.
    pub(crate) fn checked_or_default<
        M: DeserializeOwned + Serialize,
        T: DeserializeOwned + Default,
    >(
        self,
        missing: Missing,
        invalid: Invalid,
    ) -> Result<T, Reply> {
        if self.is_blank() {
            return Ok(T::default());
        }
        self.checked::<M, T>(missing, invalid)
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

/// The API's 400 for the first rule `value` breaks: every required field it lacks, else the
/// first value outside its enum, length, range or size.
fn follows_rules(
    api: Api,
    value: &serde_json::Value,
    missing: Missing,
    invalid: Invalid,
) -> Result<(), Reply> {
    let mut absent = Vec::new();
    missing(value, "$", &mut absent);
    if !absent.is_empty() {
        let list: Vec<String> = absent.iter().map(|p| format!("`{p}`")).collect();
        return Err(api.bad_request(&format!("Required: {}", list.join(", "))));
    }
    match invalid(value, "$") {
        Some((at, reason)) => Err(api.bad_request(&format!("Invalid value at `{at}`: {reason}"))),
        None => Ok(()),
    }
}

/// The path of the first place where `sent` has an array and the model read from it (`read`,
/// serialized back) has an object.
fn array_for_object(
    sent: &serde_json::Value,
    read: &serde_json::Value,
    at: String,
) -> Option<String> {
    use serde_json::Value;
    match (sent, read) {
        (Value::Array(_), Value::Object(_)) => Some(at),
        (Value::Object(s), Value::Object(r)) => s.iter().find_map(|(key, value)| {
            r.get(key)
                .and_then(|inner| array_for_object(value, inner, format!("{at}.{key}")))
        }),
        (Value::Array(s), Value::Array(r)) => {
            s.iter().zip(r).enumerate().find_map(|(i, (value, inner))| {
                array_for_object(value, inner, format!("{at}[{i}]"))
            })
        }
        _ => None,
    }
}

/// Removes `null` members at any depth of the objects in `value`: `null` means "not given",
/// so stored settings never echo a `null` where the document asks for a value.
pub(crate) fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
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
