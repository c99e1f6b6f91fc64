//! The one error type of the SDK.
//!
//! Every failure an operation can meet is a variant of [`Error`]. No third-party error type appears
//! in a public variant, and every text inside an error has passed through the redactor, so an error
//! can be logged or shown to a user without leaking a token.

use std::fmt;
use std::time::Duration;

/// Result alias used across the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Names the operation an error came from, e.g. `calls.addPhones`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpName {
    /// API name, e.g. `calls`.
    pub api: &'static str,
    /// Operation id from the API document, e.g. `addPhones`.
    pub operation: &'static str,
}

impl fmt::Display for OpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.api, self.operation)
    }
}

/// Which part of a request ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Opening the connection.
    Connect,
    /// One attempt (request sent, response headers and body read).
    Attempt,
    /// The whole operation, retries and back-off sleeps included.
    Deadline,
    /// A streamed body delivered no data for longer than the stall limit.
    Stall,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect",
            TimeoutPhase::Attempt => "attempt",
            TimeoutPhase::Deadline => "deadline",
            TimeoutPhase::Stall => "stall",
        })
    }
}

/// An error answer from a JAICP server (a non-2xx HTTP status).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation that failed.
    pub op: OpName,
    /// HTTP status code.
    pub status: u16,
    /// The JAICP error code: `type` in Calls errors, `error` in gateway errors
    /// (e.g. `phone.duplicated`, `invalid.token`).
    pub code: Option<String>,
    /// Human-readable message from the server, redacted.
    pub message: Option<String>,
    /// The whole error body parsed as JSON (redacted), or `Null` when it was not JSON.
    pub body: serde_json::Value,
    /// The first bytes of a non-JSON error body (redacted), for diagnostics.
    pub raw_body: Option<String>,
    /// Request id reported by the server (`Z-Request-id` / `X-Request-Id`), when present.
    pub request_id: Option<String>,
}

impl ApiError {
    /// True when the server refused the credential (401, 403, or the Calls `invalid.token`).
    pub fn is_auth(&self) -> bool {
        self.status == 401 || self.status == 403 || self.code.as_deref() == Some("invalid.token")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.op, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        } else if let Some(raw) = &self.raw_body {
            write!(f, ": {raw}")?;
        }
        if self.is_auth() {
            write!(f, " (the {} API refused the credential)", self.op.api)?;
        }
        Ok(())
    }
}

/// A background task that finished with `isOk: false` (see [`Error::TaskFailed`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskError {
    /// The operation that started the task.
    pub op: OpName,
    /// The task's request id.
    pub request_id: String,
    /// The JAICP error code (`error` of the event's error object).
    pub code: Option<String>,
    /// The message (redacted).
    pub message: Option<String>,
    /// The error's `args` (redacted), `Null` when absent.
    pub args: serde_json::Value,
}

impl TaskError {
    /// A task failure reported by a helper outside the core (an API crate's own wait loop).
    pub fn new(
        op: OpName,
        request_id: impl Into<String>,
        code: Option<String>,
        message: Option<String>,
    ) -> Self {
        TaskError {
            op,
            request_id: request_id.into(),
            code,
            message,
            args: serde_json::Value::Null,
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: background task {} failed", self.op, self.request_id)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// Every way an SDK call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The server asked us to slow down for longer than the SDK waits on its own.
    #[error("{op}: rate limited by the server (HTTP {status}){}", fmt_retry_after(*.retry_after))]
    RateLimited {
        /// The operation that was throttled.
        op: OpName,
        /// 429 or 503.
        status: u16,
        /// How long the server asked to wait, when it said.
        retry_after: Option<Duration>,
    },
    /// A timeout fired.
    #[error("{op}: {phase} timeout after {elapsed:?}")]
    Timeout {
        /// The operation that timed out.
        op: OpName,
        /// Which timeout.
        phase: TimeoutPhase,
        /// Time spent before giving up.
        elapsed: Duration,
    },
    /// The connection could not be opened; the request never left.
    #[error("{op}: could not connect: {message}")]
    Connect {
        /// The operation.
        op: OpName,
        /// What went wrong (redacted).
        message: String,
    },
    /// The connection failed after the request may have been sent.
    #[error("{op}: transport failure: {message}")]
    Transport {
        /// The operation.
        op: OpName,
        /// What went wrong (redacted).
        message: String,
    },
    /// The response body could not be decoded into the expected type.
    #[error("{op}: cannot decode response at `{path}`: {message}{}", fmt_snippet(.snippet))]
    Decode {
        /// The operation.
        op: OpName,
        /// JSON path of the failing value (`.` for the root).
        path: String,
        /// The decoder's message.
        message: String,
        /// The first bytes of the body (redacted).
        snippet: Option<String>,
    },
    /// The response body was larger than the configured cap; it was not buffered.
    #[error("{op}: response body exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The operation.
        op: OpName,
        /// The cap in bytes.
        limit: u64,
    },
    /// The server answered with a redirect; the SDK never follows them (tokens travel in paths).
    #[error("{op}: unexpected redirect (HTTP {status}) to {location}")]
    UnexpectedRedirect {
        /// The operation.
        op: OpName,
        /// The 3xx status.
        status: u16,
        /// The redirect target, redacted (`-` when absent).
        location: String,
    },
    /// Client-side validation failed; nothing was sent.
    #[error("invalid input: {field}: {reason}")]
    InvalidInput {
        /// The offending field, e.g. `dialerPriority` or `phones[3].gmtZone`.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The client is misconfigured (bad host, plain HTTP to a remote host, missing token...).
    #[error("configuration error: {0}")]
    Config(String),
    /// A background task (a deploy, a report file) finished with `isOk: false`. The HTTP calls
    /// succeeded; the task itself failed on the server.
    #[error("{0}")]
    TaskFailed(Box<TaskError>),
    /// Reading or writing a local file failed (an import from a file, an export to one).
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// The I/O or parse error.
        message: String,
    },
    /// Writing a downloaded body to its destination failed.
    #[error("{op}: cannot write the downloaded body: {message}")]
    Io {
        /// The operation.
        op: OpName,
        /// The I/O error message.
        message: String,
    },
}

fn fmt_retry_after(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!("; retry after {}s", d.as_secs()),
        None => String::new(),
    }
}

fn fmt_snippet(s: &Option<String>) -> String {
    match s {
        Some(s) if !s.is_empty() => format!(" (body starts: {s})"),
        _ => String::new(),
    }
}

impl Error {
    /// Shorthand for an [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for an [`Error::File`].
    pub fn file(path: &std::path::Path, message: impl fmt::Display) -> Self {
        Error::File {
            path: path.display().to_string(),
            message: message.to_string(),
        }
    }

    /// The HTTP status, for API errors and rate limiting.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::RateLimited { status, .. } | Error::UnexpectedRedirect { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The JAICP error code (`phone.duplicated`, `invalid.token`, ...), for API errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code.as_deref(),
            Error::TaskFailed(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The API error, when this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// True when the credential was refused.
    pub fn is_auth(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_auth)
    }

    /// True for failures that a retry of an idempotent operation could cure.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => crate::retry::is_retryable_status(e.status),
            Error::RateLimited { .. } | Error::Connect { .. } | Error::Transport { .. } => true,
            Error::Timeout { phase, .. } => *phase != TimeoutPhase::Deadline,
            _ => false,
        }
    }

    /// How long the server asked to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The operation the error came from, when it came from one.
    pub fn op(&self) -> Option<OpName> {
        match self {
            Error::Api(e) => Some(e.op),
            Error::RateLimited { op, .. }
            | Error::Timeout { op, .. }
            | Error::Connect { op, .. }
            | Error::Transport { op, .. }
            | Error::Decode { op, .. }
            | Error::BodyTooLarge { op, .. }
            | Error::UnexpectedRedirect { op, .. }
            | Error::Io { op, .. } => Some(*op),
            Error::TaskFailed(e) => Some(e.op),
            Error::InvalidInput { .. } | Error::Config(_) | Error::File { .. } => None,
        }
    }
}
