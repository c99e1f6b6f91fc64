//! One attempt: send, then turn the answer into a response or a [`Failure`].

use std::time::Duration;

use http::header::{CONTENT_LENGTH, LOCATION, RETRY_AFTER};

use super::decide::Outcome;
use super::{Completed, Mode};
use crate::body::{CollectError, collect_capped, collect_prefix, error_from_response};
use crate::client::{Inner, Sender};
use crate::error::{Error, OpName, TimeoutPhase};
use crate::redact::RedactedUrl;
use crate::response::{RawResponse, StreamingResponse};
use crate::retry::parse_retry_after;
use crate::transport::{HttpRequest, Received, TransportError, TransportErrorKind};

/// How an attempt failed: the one failure type of the pipeline.
pub(crate) enum Failure {
    /// Ends the call whatever the retry policy says (a redirect, a body over the cap).
    Final(Error),
    /// The transport failed.
    Transport(TransportError),
    /// The pipeline's per-attempt timer fired.
    AttemptTimeout,
    /// The server answered with an error status.
    Status {
        /// The error built from the answer (redacted).
        error: Error,
        /// The status.
        status: u16,
        /// The server's `Retry-After`.
        retry_after: Option<Duration>,
    },
}

impl Failure {
    /// What the retry decision needs to know; `None` for a failure that is never retried.
    pub(crate) fn outcome(&self) -> Option<Outcome> {
        Some(match self {
            Failure::Transport(e) => match e.kind {
                TransportErrorKind::Connect => Outcome::Connect,
                TransportErrorKind::Timeout => Outcome::TransportTimeout,
                TransportErrorKind::Io => Outcome::Io,
            },
            Failure::AttemptTimeout => Outcome::AttemptTimeout,
            Failure::Status {
                status,
                retry_after,
                ..
            } => Outcome::Status {
                status: *status,
                retry_after: *retry_after,
            },
            Failure::Final(_) => return None,
        })
    }

    /// The error the caller sees when the pipeline gives up on this failure.
    pub(crate) fn into_error(self, op: OpName, elapsed: Duration) -> Error {
        match self {
            Failure::Final(e) => e,
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
                status: 429,
                retry_after,
                ..
            } => Error::RateLimited {
                op,
                status: 429,
                retry_after,
            },
            Failure::Status { error, .. } => error,
        }
    }
}

/// Sends one request and reads its answer as far as `mode` asks.
pub(crate) async fn run(
    inner: &Inner,
    request: HttpRequest,
    op: OpName,
    mode: &Mode,
    body_cap: u64,
    secrets: &[String],
) -> Result<Completed, Failure> {
    let response = match &inner.transport {
        Sender::Reqwest(reqwest) => reqwest
            .send_direct(request)
            .await
            .map(Received::from_reqwest),
        Sender::Custom(transport) => transport.send(request).await.map(Received::from_transport),
    }
    .map_err(Failure::Transport)?;
    let status = response.status.as_u16();
    let headers = response.headers;

    if (300..400).contains(&status) {
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let location = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| RedactedUrl::new(l, &refs).to_string())
            .unwrap_or_else(|| "-".to_owned());
        return Err(Failure::Final(Error::UnexpectedRedirect {
            op,
            status,
            location,
        }));
    }
    if !(200..300).contains(&status) {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
        // Error bodies are small by nature; keep only the first bytes for diagnostics (the
        // redactor then scrubs the whole prefix before anything is cut for display).
        let (body, complete) = collect_prefix(response.body, inner.config.error_body_cap)
            .await
            .map_err(Failure::Transport)?;
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let error = error_from_response(op, status, &headers, &body, complete, &refs);
        return Err(Failure::Status {
            error,
            status,
            retry_after,
        });
    }
    let content_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match mode {
        Mode::Buffer => {
            let too_large = || {
                Failure::Final(Error::BodyTooLarge {
                    op,
                    limit: body_cap,
                })
            };
            if content_length.is_some_and(|len| len > body_cap) {
                return Err(too_large());
            }
            let body = collect_capped(response.body, body_cap)
                .await
                .map_err(|e| match e {
                    CollectError::TooLarge => too_large(),
                    CollectError::Transport(t) => Failure::Transport(t),
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
            body: response.body.into_stream(),
            op,
            stall_timeout: inner.config.stall_timeout,
        })),
    }
}
