//! The HTTP layer, behind one object-safe trait so that tests and users can swap it.
//!
//! The default [`ReqwestTransport`] never follows redirects, never sends `Referer`, and strips URLs
//! from every error it reports (reqwest puts the full URL, tokens included, into its errors).

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http::{HeaderMap, Method, StatusCode};
use std::fmt;
use std::pin::Pin;
use std::time::Duration;
use url::Url;

use crate::redact::{RedactedUrl, redact_links};

/// A response body, delivered in chunks.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>;

/// One HTTP request as handed to a [`Transport`].
#[non_exhaustive]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL. It may carry a token in its path: never print it, use [`HttpRequest::redacted_url`].
    pub url: Url,
    /// Headers (an `Authorization` value is marked sensitive).
    pub headers: HeaderMap,
    /// Body, empty for none.
    pub body: Bytes,
}

impl HttpRequest {
    /// Builds a request.
    pub fn new(method: Method, url: Url, headers: HeaderMap, body: Bytes) -> Self {
        HttpRequest {
            method,
            url,
            headers,
            body,
        }
    }

    /// The URL with token segments redacted.
    pub fn redacted_url(&self) -> RedactedUrl {
        RedactedUrl::new(self.url.as_str(), &[])
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.redacted_url())
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A response: status and headers now, the body as a stream.
#[non_exhaustive]
pub struct HttpResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body chunks.
    pub body: BodyStream,
}

impl HttpResponse {
    /// Builds a response from parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: BodyStream) -> Self {
        HttpResponse {
            status,
            headers,
            body,
        }
    }

    /// A response with a body held in memory (for tests and custom transports).
    pub fn from_bytes(status: u16, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        let body: Bytes = body.into();
        HttpResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: Box::pin(futures_util::stream::once(async move { Ok(body) })),
        }
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What kind of transport failure happened; it decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection was never opened: the request provably did not leave.
    Connect,
    /// A timeout inside the transport.
    Timeout,
    /// Any failure after the request may have been written.
    Io,
}

/// A transport failure, with its URL already removed.
#[derive(Debug, Clone)]
pub struct TransportError {
    /// The kind.
    pub kind: TransportErrorKind,
    /// The message, redacted.
    pub message: String,
}

impl TransportError {
    /// Builds an error; the message is passed through the link redactor.
    pub fn new(kind: TransportErrorKind, message: impl AsRef<str>) -> Self {
        TransportError {
            kind,
            message: redact_links(message.as_ref()),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TransportError {}

/// Sends HTTP requests. Implement it to put the SDK on another HTTP stack or to script responses
/// in tests; the retry, timeout and redaction logic stays in the SDK.
#[async_trait]
pub trait Transport: Send + Sync + 'static {
    /// Sends one request and returns once the response headers have arrived.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The default transport, on `reqwest`.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A reqwest client with the SDK's safe settings: no redirects, no `Referer`, the given connect
    /// timeout. No read timeout here: buffered bodies are bounded by the attempt timeout and
    /// streamed ones by the stall limit, both in the pipeline, so a per-read timer would be a
    /// second clock on the hot path. The user agent is set per request by the pipeline.
    pub fn new(connect_timeout: Duration) -> crate::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .connect_timeout(connect_timeout)
            .build()
            .map_err(|e| {
                crate::Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
            })?;
        Ok(ReqwestTransport { client })
    }

    /// Wraps a reqwest client the user built. Make sure it does not follow redirects.
    pub fn from_client(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    let kind = if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Io
    };
    let e = e.without_url();
    // Walk the source chain for a useful message (reqwest's own is terse).
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    TransportError::new(kind, message)
}

impl ReqwestTransport {
    /// Sends one request and returns reqwest's response as it is. The pipeline calls this
    /// directly for the default transport (no boxed future, and the body is read without a
    /// boxed stream); [`Transport::send`] wraps it for everyone else.
    pub(crate) async fn send_direct(
        &self,
        request: HttpRequest,
    ) -> Result<reqwest::Response, TransportError> {
        // The request is handed over whole: its headers move in rather than being merged into
        // an empty map, as the request builder would do.
        let mut outgoing = reqwest::Request::new(request.method, request.url);
        *outgoing.headers_mut() = request.headers;
        if !request.body.is_empty() {
            *outgoing.body_mut() = Some(request.body.into());
        }
        self.client.execute(outgoing).await.map_err(classify)
    }
}

/// A response body: reqwest's own (read chunk by chunk, no boxing) or a transport's stream.
pub(crate) enum Body {
    /// The default transport's response, its headers already taken.
    Reqwest(reqwest::Response),
    /// Any other transport's stream.
    Stream(BodyStream),
}

impl Body {
    /// The next chunk, `None` at the end.
    pub(crate) async fn next_chunk(&mut self) -> Option<Result<Bytes, TransportError>> {
        match self {
            Body::Reqwest(response) => response.chunk().await.map_err(classify).transpose(),
            Body::Stream(stream) => stream.next().await,
        }
    }

    /// The body as a stream, for streamed responses.
    pub(crate) fn into_stream(self) -> BodyStream {
        match self {
            Body::Reqwest(response) => {
                Box::pin(response.bytes_stream().map(|chunk| chunk.map_err(classify)))
            }
            Body::Stream(stream) => stream,
        }
    }
}

/// Status, headers and body of a response, whichever transport sent the request.
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Body,
}

impl Received {
    /// Takes reqwest's response apart (taking the headers avoids copying them).
    pub(crate) fn from_reqwest(mut response: reqwest::Response) -> Self {
        Received {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            body: Body::Reqwest(response),
        }
    }

    /// A transport's response.
    pub(crate) fn from_transport(response: HttpResponse) -> Self {
        Received {
            status: response.status,
            headers: response.headers,
            body: Body::Stream(response.body),
        }
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let Received {
            status,
            headers,
            body,
        } = Received::from_reqwest(self.send_direct(request).await?);
        Ok(HttpResponse {
            status,
            headers,
            body: body.into_stream(),
        })
    }
}
