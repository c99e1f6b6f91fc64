//! A scripted transport for tests: answers requests from a list of steps and records what it was
//! sent. Use it to test code built on the SDK without a network, including retry behaviour under
//! `tokio::time::pause()`.

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answer with a status, headers and a body.
    Respond {
        /// Status code.
        status: u16,
        /// Headers as (name, value) pairs.
        headers: Vec<(String, String)>,
        /// Body.
        body: Bytes,
    },
    /// Answer with a status and then an endless body of `chunk`-sized chunks.
    Endless {
        /// Status code.
        status: u16,
        /// Size of each chunk.
        chunk: usize,
    },
    /// Answer with a status, send `first` as the first body chunk, then go silent forever.
    Stall {
        /// Status code.
        status: u16,
        /// The chunk sent before the silence.
        first: Bytes,
    },
    /// Fail as the transport would.
    Fail(TransportErrorKind),
    /// Never answer.
    Hang,
    /// Wait, then take the next step.
    Delay(Duration),
}

impl Step {
    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Self {
        Step::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    /// An answer with one extra header.
    pub fn with_header(status: u16, name: &str, value: &str, body: &str) -> Self {
        Step::Respond {
            status,
            headers: vec![(name.into(), value.into())],
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }
}

/// What the transport was sent.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: Method,
    /// Full URL (it contains path tokens: keep it inside tests).
    pub url: url::Url,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

/// A transport that plays a script.
#[derive(Debug, Clone, Default)]
pub struct ScriptedTransport {
    steps: Arc<Mutex<VecDeque<Step>>>,
    sent: Arc<Mutex<Vec<Recorded>>>,
}

impl ScriptedTransport {
    /// A transport that plays `steps` in order (and fails with `Io` when they run out).
    pub fn new(steps: impl IntoIterator<Item = Step>) -> Self {
        ScriptedTransport {
            steps: Arc::new(Mutex::new(steps.into_iter().collect())),
            sent: Arc::default(),
        }
    }

    /// Everything sent so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Number of requests sent so far.
    pub fn count(&self) -> usize {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn next(&self) -> Option<Step> {
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }
}

#[async_trait]
impl Transport for ScriptedTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Recorded {
                method: request.method.clone(),
                url: request.url.clone(),
                headers: request.headers.clone(),
                body: request.body.clone(),
            });
        loop {
            match self.next() {
                None => {
                    return Err(TransportError::new(
                        TransportErrorKind::Io,
                        "script exhausted",
                    ));
                }
                Some(Step::Delay(d)) => tokio::time::sleep(d).await,
                Some(Step::Hang) => std::future::pending::<()>().await,
                Some(Step::Fail(kind)) => {
                    return Err(TransportError::new(kind, "scripted failure"));
                }
                Some(Step::Respond {
                    status,
                    headers,
                    body,
                }) => {
                    let mut map = HeaderMap::new();
                    for (k, v) in headers {
                        if let (Ok(name), Ok(value)) = (
                            http::HeaderName::from_bytes(k.as_bytes()),
                            HeaderValue::from_str(&v),
                        ) {
                            map.append(name, value);
                        }
                    }
                    return Ok(HttpResponse::from_bytes(status, map, body));
                }
                Some(Step::Stall { status, first }) => {
                    let body = futures_util::stream::once(async move { Ok(first) })
                        .chain(futures_util::stream::pending());
                    return Ok(HttpResponse::new(
                        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK),
                        HeaderMap::new(),
                        Box::pin(body),
                    ));
                }
                Some(Step::Endless { status, chunk }) => {
                    let data = Bytes::from(vec![b'x'; chunk]);
                    let body = futures_util::stream::repeat_with(move || Ok(data.clone()));
                    return Ok(HttpResponse::new(
                        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK),
                        HeaderMap::new(),
                        Box::pin(body),
                    ));
                }
            }
        }
    }
}
