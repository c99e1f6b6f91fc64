//! What a request returns: a response read into memory, or one whose body is still streaming.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http::HeaderMap;

use crate::error::{Error, OpName, Result, TimeoutPhase};
use crate::transport::BodyStream;

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

/// A decoded answer together with the response it was decoded from, so the raw JSON (fields the
/// model does not have, the exact wire form) is at hand without a second request. Made by the
/// generated builders' `send_with_raw()`. Keeping it costs nothing extra: the body is the buffer
/// that was decoded, shared, not copied.
#[derive(Clone)]
#[non_exhaustive]
pub struct WithRaw<T> {
    /// The decoded answer, as `send()` returns it.
    pub value: T,
    /// Status, headers and the body exactly as received.
    pub raw: RawResponse,
}

impl<T> WithRaw<T> {
    /// Pairs a value with its response.
    pub fn new(value: T, raw: RawResponse) -> Self {
        Self { value, raw }
    }

    /// The body parsed as untyped JSON (every field the server sent).
    pub fn json(&self) -> Result<serde_json::Value> {
        serde_json::from_slice(&self.raw.body).map_err(|e| Error::Decode {
            op: OpName {
                api: "raw",
                operation: "raw",
            },
            path: ".".into(),
            message: e.to_string(),
            snippet: None,
        })
    }

    /// The value and the response, apart.
    pub fn into_parts(self) -> (T, RawResponse) {
        (self.value, self.raw)
    }
}

/// The body is left out: an answer may echo a token (the Chat API does).
impl<T: std::fmt::Debug> std::fmt::Debug for WithRaw<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithRaw")
            .field("value", &self.value)
            .field("status", &self.raw.status)
            .field("body_len", &self.raw.body.len())
            .finish()
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

/// Reads a streaming body chunk by chunk, failing when it stalls longer than the stall timeout
/// (any length: tokio's timer saturates a huge one to "never").
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
