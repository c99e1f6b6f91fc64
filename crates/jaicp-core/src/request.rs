//! The one request pipeline: build → authenticate → send with a per-attempt timeout → classify →
//! retry or return. Every typed operation and `raw()` go through [`RequestBuilder`].

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;

use crate::auth::Auth;
pub use crate::body::decode_json;
use crate::body::{collect_capped, decode_lenient_string, error_from_response};
use crate::client::Client;
use crate::error::{Error, OpName, Result, TimeoutPhase};
use crate::redact::RedactedUrl;
use crate::retry::{
    IDEMPOTENCE_KEY, RETRY_COST, RetryPolicy, TIMEOUT_RETRY_COST, is_retryable_status,
    is_throttling_status, parse_retry_after,
};
use crate::transport::{BodyStream, HttpRequest, TransportError, TransportErrorKind};

/// How an operation may be repeated after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Idempotency {
    /// Safe to repeat: reads, PUT/DELETE, read-only POST queries.
    Idempotent,
    /// A write that carries an idempotence key: safe to repeat with the same key.
    Keyed(KeyPlacement),
    /// Must not be repeated once it may have reached the server (a chat message, a pushback).
    /// Retried only when the connection was never opened.
    NonIdempotent,
}

/// Where an operation sends its idempotence key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyPlacement {
    /// The `Idempotence-Key` request header.
    Header,
    /// The `Idempotence-Key` query parameter (the documented form for GET adds).
    Query,
}

/// What the SDK knows about an operation: written by the code generator for every operation of
/// every API document.
#[derive(Debug, Clone)]
pub struct OperationSpec {
    /// API name, e.g. `calls`.
    pub api: &'static str,
    /// Operation id, e.g. `addPhones`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the host, e.g. `/api/calls/campaign/{token}/addPhones`.
    pub path: &'static str,
    /// Retry class.
    pub idempotency: Idempotency,
}

impl OperationSpec {
    /// The operation's name for errors and logs.
    pub fn name(&self) -> OpName {
        OpName {
            api: self.api,
            operation: self.operation,
        }
    }
}

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Per-attempt timeout.
    pub attempt_timeout: Option<Duration>,
    /// Whole-operation deadline.
    pub deadline: Option<Duration>,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
    /// Largest body read into memory.
    pub body_cap: Option<u64>,
}

impl CallOptions {
    /// Overrides the per-attempt timeout (long polls need the server's hold time plus a margin).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Overrides the deadline.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
    /// Overrides the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
    /// Overrides the body cap.
    pub fn body_cap(mut self, bytes: u64) -> Self {
        self.body_cap = Some(bytes);
        self
    }
}

/// A client bound to one credential: what every API handle wraps.
#[derive(Clone)]
pub struct ApiContext {
    client: Client,
    auth: Arc<Auth>,
    /// The credential's secret values, computed once: every error and log line is scrubbed of them.
    secrets: Arc<[String]>,
    /// The path token, validated and percent-encoded once (it never changes); the error if it
    /// is not a valid path segment.
    path_token: Option<Result<Arc<str>, Arc<Error>>>,
    prefix: Arc<str>,
    rewrites: Arc<[(String, String)]>,
}

impl std::fmt::Debug for ApiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written by hand: `secrets` must never be printed.
        f.debug_struct("ApiContext")
            .field("client", &self.client)
            .field("auth", &self.auth)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl ApiContext {
    /// A context with the given authentication and no path prefix.
    pub fn new(client: Client, auth: Auth) -> Self {
        let secrets: Arc<[String]> = auth.secrets().into_iter().map(str::to_owned).collect();
        let path_token = match &auth {
            Auth::PathToken { param, secret } => Some(
                crate::path::segment(param, secret.expose_secret())
                    .map(Arc::from)
                    .map_err(Arc::new),
            ),
            _ => None,
        };
        ApiContext {
            client,
            auth: Arc::new(auth),
            secrets,
            path_token,
            prefix: Arc::from(""),
            rewrites: Arc::from(Vec::new()),
        }
    }

    /// Puts `prefix` before every operation path (e.g. `/cailapub` for NLP Direct, or a proxy
    /// mount point). Used where an API's base path differs between installs.
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        self.prefix = Arc::from(prefix.trim_end_matches('/'));
        self
    }

    /// Rewrites operation paths that start with `from` to start with `to` instead (checked in the
    /// order added; the first match wins). `to` may hold a `{param}` placeholder that the
    /// context's path token fills — how one API's operations are served under another base path
    /// (e.g. the legacy Reporter's `/reporter/p/{token}` instead of `/api/v1/reporter`).
    pub fn with_path_rewrite(mut self, from: &str, to: &str) -> Self {
        let mut all: Vec<(String, String)> = self.rewrites.to_vec();
        all.push((from.to_owned(), to.trim_end_matches('/').to_owned()));
        self.rewrites = Arc::from(all);
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The path prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The credential's secret values, for scrubbing text built outside the pipeline.
    pub(crate) fn secret_values(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// Starts a request for an operation.
    pub fn request(&self, op: &'static OperationSpec) -> RequestBuilder {
        RequestBuilder::new(
            self.clone(),
            op,
            op.method.clone(),
            Cow::Borrowed(op.path),
            op.idempotency,
        )
    }

    /// Starts a request to an endpoint the SDK does not model. `path` is relative to the host
    /// (absolute URLs are refused, so the credential never goes to another host) and may contain
    /// `{name}` placeholders filled by [`RequestBuilder::path_param`]. GET, HEAD, PUT and DELETE
    /// are retried like other idempotent operations; other methods are retried only with an
    /// idempotence key.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RequestBuilder {
        let path: String = path.into();
        let idempotency = if matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE
        ) {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        let mut builder = RequestBuilder::new(
            self.clone(),
            &RAW,
            method,
            Cow::Owned(path.clone()),
            idempotency,
        );
        if !path.starts_with('/') || path.starts_with("//") {
            builder.fail(Error::Config(
                "raw paths must be relative to the host and start with `/`".into(),
            ));
        }
        builder
    }
}

static RAW: OperationSpec = OperationSpec {
    api: "raw",
    operation: "raw",
    method: Method::GET,
    path: "/",
    idempotency: Idempotency::Idempotent,
};

/// A response read into memory.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl RawResponse {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A successful response whose body has not been read yet (downloads).
#[non_exhaustive]
pub struct StreamingResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Declared length, when the server sent one.
    pub content_length: Option<u64>,
    /// The body.
    pub body: BodyStream,
    pub(crate) op: OpName,
    pub(crate) stall_timeout: Duration,
}

impl std::fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// A request being built. Made by [`ApiContext::request`] (generated operations) or
/// [`ApiContext::raw`].
#[derive(Debug)]
pub struct RequestBuilder {
    ctx: ApiContext,
    op: &'static OperationSpec,
    method: Method,
    path: Cow<'static, str>,
    idempotency: Idempotency,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    idempotency_key: Option<String>,
    options: CallOptions,
    error: Option<Error>,
}

enum Mode {
    Buffer,
    Stream,
}

enum Completed {
    Buffered(RawResponse),
    Streaming(StreamingResponse),
}

enum Failure {
    Transport(TransportError),
    AttemptTimeout,
    Status {
        error: Error,
        retry_after: Option<Duration>,
        status: u16,
    },
}

impl RequestBuilder {
    fn new(
        ctx: ApiContext,
        op: &'static OperationSpec,
        method: Method,
        path: Cow<'static, str>,
        idempotency: Idempotency,
    ) -> Self {
        RequestBuilder {
            ctx,
            op,
            method,
            path,
            idempotency,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            idempotency_key: None,
            options: CallOptions::default(),
            error: None,
        }
    }

    fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Fills the `{name}` placeholder of the path. The value is validated and percent-encoded
    /// when the request is sent.
    pub fn path_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter when the value is present.
    pub fn query_opt<V: ToString>(self, name: impl Into<String>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds a repeated query parameter (`form` style, exploded: `a=1&a=2`).
    pub fn query_many<V: ToString>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for v in values {
            self.query.push((name.to_owned(), v.to_string()));
        }
        self
    }

    /// Adds a header. An invalid name or value makes `send` fail with `InvalidInput`.
    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.as_ref()),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            _ => self.fail(Error::invalid(name, "not a valid HTTP header")),
        }
        self
    }

    /// Adds a header when the value is present.
    pub fn header_opt(self, name: &str, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sends `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body_bytes(bytes, "application/json"),
            Err(e) => {
                self.fail(Error::invalid("body", format!("cannot serialise: {e}")));
                self
            }
        }
    }

    /// Sends `pairs` as an `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            encoder.append_pair(k.as_ref(), v.as_ref());
        }
        let body = encoder.finish();
        self.body_bytes(body, "application/x-www-form-urlencoded")
    }

    /// Sends raw bytes with a content type (multipart bodies, files).
    pub fn body_bytes(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        self.body = body.into();
        match HeaderValue::from_str(content_type) {
            Ok(v) => {
                self.headers.insert(CONTENT_TYPE, v);
            }
            Err(_) => self.fail(Error::invalid("content-type", "not a valid header value")),
        }
        self
    }

    /// The idempotence key for a keyed write. Without one, a fresh UUID is made once per logical
    /// call and reused on every attempt. Pass your own to make a call safe across process restarts.
    pub fn idempotency_key(mut self, key: Option<String>) -> Self {
        if let Some(k) = &key
            && (k.is_empty() || k.len() > 255 || !k.bytes().all(|b| b.is_ascii_graphic()))
        {
            self.fail(Error::invalid(
                IDEMPOTENCE_KEY,
                "must be 1-255 visible ASCII characters",
            ));
        }
        self.idempotency_key = key;
        self
    }

    /// Per-call overrides.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends and decodes a JSON response.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T> {
        let op = self.op_name();
        let secrets = self.secrets();
        let response = self.send_raw().await?;
        decode_json(op, &response.body, &secrets)
    }

    /// Sends and ignores the response body.
    pub async fn send_unit(self) -> Result<()> {
        self.send_raw().await.map(|_| ())
    }

    /// Sends and returns the body as text.
    pub async fn send_text(self) -> Result<String> {
        let op = self.op_name();
        let response = self.send_raw().await?;
        String::from_utf8(response.body.to_vec()).map_err(|e| Error::Decode {
            op,
            path: ".".into(),
            message: format!("body is not UTF-8: {e}"),
            snippet: None,
        })
    }

    /// Sends and returns a string that may come JSON-quoted (`"123"`) or bare (`123`).
    pub async fn send_lenient_string(self) -> Result<String> {
        let op = self.op_name();
        let response = self.send_raw().await?;
        decode_lenient_string(op, &response.body)
    }

    /// Sends and returns status, headers and body, read into memory (up to the body cap).
    pub async fn send_raw(self) -> Result<RawResponse> {
        match self.execute(Mode::Buffer).await? {
            Completed::Buffered(r) => Ok(r),
            Completed::Streaming(_) => unreachable!("buffer mode returns buffered responses"),
        }
    }

    /// Sends and returns the body unread, for downloads. Retries apply until the headers arrive.
    pub async fn send_streaming(self) -> Result<StreamingResponse> {
        match self.execute(Mode::Stream).await? {
            Completed::Streaming(r) => Ok(r),
            Completed::Buffered(_) => unreachable!("stream mode returns streaming responses"),
        }
    }

    fn op_name(&self) -> OpName {
        if std::ptr::eq(self.op, &RAW) {
            OpName {
                api: "raw",
                operation: "raw",
            }
        } else {
            self.op.name()
        }
    }

    fn secrets(&self) -> Arc<[String]> {
        self.ctx.secrets.clone()
    }

    /// The URL to send, and its path as it may be shown (the credential's segment replaced).
    fn build_url(&self) -> Result<(url::Url, String)> {
        let mut path = String::with_capacity(self.ctx.prefix.len() + self.path.len() + 32);
        let mut shown = String::with_capacity(path.capacity());
        path.push_str(&self.ctx.prefix);
        shown.push_str(&self.ctx.prefix);
        let rewritten = self.ctx.rewrites.iter().find_map(|(from, to)| {
            let tail = self.path.strip_prefix(from.as_str())?;
            (tail.is_empty() || tail.starts_with('/')).then(|| format!("{to}{tail}"))
        });
        let mut rest: &str = rewritten.as_deref().unwrap_or(&self.path);
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            shown.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .map(|i| open + i)
                .ok_or_else(|| Error::Config(format!("unclosed placeholder in {}", self.path)))?;
            let name = &rest[open + 1..close];
            let is_secret =
                matches!(&*self.ctx.auth, Auth::PathToken { param, .. } if *param == name);
            if is_secret {
                match &self.ctx.path_token {
                    Some(Ok(encoded)) => path.push_str(encoded),
                    // Validation errors name the parameter, never its value (it is a token).
                    Some(Err(e)) => return Err(clone_invalid(e)),
                    None => return Err(Error::invalid(name, "path parameter is missing")),
                }
                shown.push_str(crate::redact::REDACTED);
            } else {
                let value = self
                    .path_params
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_str())
                    .ok_or_else(|| Error::invalid(name, "path parameter is missing"))?;
                let encoded = crate::path::segment(name, value)?;
                path.push_str(&encoded);
                shown.push_str(&encoded);
            }
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        shown.push_str(rest);
        let mut url = self.ctx.client.inner.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter());
        }
        // Raw paths may carry a token the SDK does not know as one: redact by shape as well.
        let shown = if std::ptr::eq(self.op, &RAW) {
            crate::redact::redact_path(&shown)
        } else {
            shown
        };
        Ok((url, shown))
    }

    async fn execute(mut self, mode: Mode) -> Result<Completed> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let op = self.op_name();
        let config = self.ctx.client.inner.config.clone();
        let policy = self.options.retry.clone().unwrap_or(config.retry.clone());
        let attempt_timeout = self
            .options
            .attempt_timeout
            .unwrap_or(config.attempt_timeout);
        let deadline = self.options.deadline.unwrap_or(config.deadline);
        let body_cap = self.options.body_cap.unwrap_or(config.body_cap);

        // A keyed write gets one key per logical call, reused by every attempt.
        let key = match self.idempotency {
            Idempotency::Keyed(_) => Some(
                self.idempotency_key
                    .take()
                    .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            ),
            _ => self.idempotency_key.take(),
        };
        if let Some(k) = &key {
            match self.idempotency {
                Idempotency::Keyed(KeyPlacement::Query) => {
                    self.query.push((IDEMPOTENCE_KEY.to_owned(), k.clone()));
                }
                _ => {
                    if let Ok(v) = HeaderValue::from_str(k) {
                        self.headers
                            .insert(HeaderName::from_static("idempotence-key"), v);
                    }
                }
            }
        }
        let retry_safe = match self.idempotency {
            Idempotency::Idempotent => true,
            Idempotency::Keyed(_) => key.is_some(),
            Idempotency::NonIdempotent => false,
        };

        let (url, shown_path) = self.build_url()?;
        let mut headers = self.headers.clone();
        if !headers.contains_key(ACCEPT) {
            headers.insert(
                ACCEPT,
                HeaderValue::from_static("application/json, */*;q=0.5"),
            );
        }
        match &*self.ctx.auth {
            Auth::Bearer(secret) => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", secret.expose_secret()))
                    .map_err(|_| {
                        Error::Config(
                            "the token contains characters not allowed in a header".into(),
                        )
                    })?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
            Auth::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose_secret());
                let mut v =
                    HeaderValue::from_str(&format!("Basic {}", base64_encode(raw.as_bytes())))
                        .map_err(|_| {
                            Error::Config("basic credentials are not valid in a header".into())
                        })?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
            Auth::None | Auth::PathToken { .. } => {}
        }

        let secrets = self.secrets();
        let span = tracing::info_span!(
            "jaicp.request",
            api = op.api,
            operation = op.operation,
            method = %self.method,
            path = %shown_path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let inner = self.ctx.client.inner.clone();
        let method = self.method.clone();
        let body = self.body.clone();

        async move {
            let started = Instant::now();
            let deadline_at = started + deadline;
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let now = Instant::now();
                if now >= deadline_at {
                    return Err(Error::Timeout {
                        op,
                        phase: TimeoutPhase::Deadline,
                        elapsed: now - started,
                    });
                }
                let remaining = deadline_at - now;
                let this_timeout = attempt_timeout.min(remaining);
                let limited_by_deadline = remaining < attempt_timeout;
                tracing::Span::current().record("attempt", attempt);
                let request =
                    HttpRequest::new(method.clone(), url.clone(), headers.clone(), body.clone());
                let attempt_started = Instant::now();
                let outcome = tokio::time::timeout(
                    this_timeout,
                    run_attempt(&inner, request, op, &mode, body_cap, &secrets[..]),
                )
                .await;
                let latency = attempt_started.elapsed();
                tracing::Span::current().record("latency_ms", latency.as_millis() as u64);
                let failure = match outcome {
                    Err(_) if limited_by_deadline => {
                        return Err(Error::Timeout {
                            op,
                            phase: TimeoutPhase::Deadline,
                            elapsed: started.elapsed(),
                        });
                    }
                    Err(_) => Failure::AttemptTimeout,
                    Ok(Ok(done)) => {
                        if attempt == 1 {
                            inner.budget.refund(1);
                        }
                        let status = match &done {
                            Completed::Buffered(r) => r.status,
                            Completed::Streaming(r) => r.status,
                        };
                        tracing::Span::current().record("status", status);
                        tracing::debug!(attempt, status, "jaicp request succeeded");
                        return Ok(done);
                    }
                    Ok(Err(AttemptError::Final(e))) => {
                        if let Some(s) = e.status() {
                            tracing::Span::current().record("status", s);
                        }
                        return Err(e);
                    }
                    Ok(Err(AttemptError::Transport(e))) => Failure::Transport(e),
                    Ok(Err(AttemptError::Status {
                        error,
                        retry_after,
                        status,
                    })) => {
                        tracing::Span::current().record("status", status);
                        Failure::Status {
                            error,
                            retry_after,
                            status,
                        }
                    }
                };

                // May this failure be retried at all?
                let allowed = match &failure {
                    // The request never left: repeating it cannot cause a second side effect.
                    Failure::Transport(e) if e.kind == TransportErrorKind::Connect => true,
                    Failure::Transport(_) | Failure::AttemptTimeout => retry_safe,
                    Failure::Status { status, .. } => retry_safe && is_retryable_status(*status),
                };
                let (throttled, retry_after) = match &failure {
                    Failure::Status {
                        status,
                        retry_after,
                        ..
                    } => (is_throttling_status(*status), *retry_after),
                    _ => (false, None),
                };
                if let Some(wait) = retry_after
                    && wait > policy.max_retry_after
                    && let Failure::Status { status, .. } = &failure
                {
                    return Err(Error::RateLimited {
                        op,
                        status: *status,
                        retry_after: Some(wait),
                    });
                }
                if !allowed || attempt >= policy.max_attempts {
                    return Err(failure.into_error(op, started.elapsed()));
                }
                let backoff = policy.backoff(attempt, throttled);
                let sleep = backoff.max(retry_after.unwrap_or(Duration::ZERO));
                if Instant::now() + sleep >= deadline_at {
                    return Err(failure.into_error(op, started.elapsed()));
                }
                let cost = if matches!(failure, Failure::AttemptTimeout) {
                    TIMEOUT_RETRY_COST
                } else {
                    RETRY_COST
                };
                if !inner.budget.try_acquire(cost) {
                    tracing::warn!(attempt, "retry budget exhausted; not retrying");
                    return Err(failure.into_error(op, started.elapsed()));
                }
                tracing::debug!(attempt, sleep_ms = sleep.as_millis() as u64, "retrying");
                tokio::time::sleep(sleep).await;
            }
        }
        .instrument(span)
        .await
    }
}

enum AttemptError {
    Final(Error),
    Transport(TransportError),
    Status {
        error: Error,
        retry_after: Option<Duration>,
        status: u16,
    },
}

impl Failure {
    fn into_error(self, op: OpName, elapsed: Duration) -> Error {
        match self {
            Failure::Transport(e) => match e.kind {
                TransportErrorKind::Connect => Error::Connect {
                    op,
                    message: e.message,
                },
                TransportErrorKind::Timeout => Error::Timeout {
                    op,
                    phase: TimeoutPhase::Attempt,
                    elapsed,
                },
                TransportErrorKind::Io => Error::Transport {
                    op,
                    message: e.message,
                },
            },
            Failure::AttemptTimeout => Error::Timeout {
                op,
                phase: TimeoutPhase::Attempt,
                elapsed,
            },
            Failure::Status {
                error,
                status: 429,
                retry_after,
            } => {
                let _ = error;
                Error::RateLimited {
                    op,
                    status: 429,
                    retry_after,
                }
            }
            Failure::Status { error, .. } => error,
        }
    }
}

async fn run_attempt(
    inner: &crate::client::Inner,
    request: HttpRequest,
    op: OpName,
    mode: &Mode,
    body_cap: u64,
    secrets: &[String],
) -> std::result::Result<Completed, AttemptError> {
    let response = inner
        .transport
        .send(request)
        .await
        .map_err(AttemptError::Transport)?;
    let status = response.status.as_u16();
    let headers = response.headers;
    let content_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();

    if (300..400).contains(&status) {
        let location = headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| RedactedUrl::new(l, &secret_refs).to_string())
            .unwrap_or_else(|| "-".to_owned());
        return Err(AttemptError::Final(Error::UnexpectedRedirect {
            op,
            status,
            location,
        }));
    }
    if !(200..300).contains(&status) {
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
        // Error bodies are small by nature; keep only the first bytes for diagnostics.
        let body = crate::body::collect_prefix(response.body, inner.config.error_body_cap)
            .await
            .map_err(AttemptError::Transport)?;
        let error = error_from_response(op, status, &headers, &body, &secret_refs);
        return Err(AttemptError::Status {
            error,
            retry_after,
            status,
        });
    }
    match mode {
        Mode::Buffer => {
            if content_length.is_some_and(|len| len > body_cap) {
                return Err(AttemptError::Final(Error::BodyTooLarge {
                    op,
                    limit: body_cap,
                }));
            }
            let body = collect_capped(response.body, body_cap)
                .await
                .map_err(|e| match e {
                    crate::body::CollectError::TooLarge => {
                        AttemptError::Final(Error::BodyTooLarge {
                            op,
                            limit: body_cap,
                        })
                    }
                    crate::body::CollectError::Transport(t) => AttemptError::Transport(t),
                })?;
            Ok(Completed::Buffered(RawResponse {
                status,
                headers,
                body,
            }))
        }
        Mode::Stream => Ok(Completed::Streaming(StreamingResponse {
            status,
            headers,
            content_length,
            body: response.body,
            op,
            stall_timeout: inner.config.stall_timeout,
        })),
    }
}

/// A copy of a validation error (the cached path-token check is reported on every use).
fn clone_invalid(e: &Error) -> Error {
    match e {
        Error::InvalidInput { field, reason } => Error::invalid(field.clone(), reason.clone()),
        other => Error::Config(other.to_string()),
    }
}

/// Standard base64, for HTTP Basic (a few lines rather than a dependency).
fn base64_encode(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Reads a streaming body chunk by chunk, failing when it stalls longer than the stall timeout.
pub(crate) async fn next_chunk(response: &mut StreamingResponse) -> Result<Option<Bytes>> {
    match tokio::time::timeout(response.stall_timeout, response.body.next()).await {
        Err(_) => Err(Error::Timeout {
            op: response.op,
            phase: TimeoutPhase::Stall,
            elapsed: response.stall_timeout,
        }),
        Ok(None) => Ok(None),
        Ok(Some(Ok(chunk))) => Ok(Some(chunk)),
        Ok(Some(Err(e))) => Err(Error::Transport {
            op: response.op,
            message: e.message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::base64_encode;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
    }
}
