//! The one request pipeline: prepare (key, headers, auth, URL) → send with a per-attempt timeout
//! → classify → [`decide`](decide::decide) → retry or return. Every typed operation and `raw()`
//! go through [`execute`].
//!
//! The parts: [`attempt`] sends once and turns the answer into a response or a failure,
//! [`decide`] is the retry policy as a pure function, `send` holds the builder's `send_*`
//! methods. The request itself is plain data ([`crate::request`]).

mod attempt;
pub(crate) mod decide;
mod send;

use std::pin::Pin;
use std::time::Duration;

use http::header::{ACCEPT, HeaderName, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use tokio::time::Instant;
use tracing::Instrument;

use crate::error::{Error, Result, TimeoutPhase};
use crate::request::{ApiContext, IDEMPOTENCE_KEY, Idempotency, KeyPlacement, RequestBuilder};
use crate::response::{RawResponse, StreamingResponse};
use crate::transport::HttpRequest;
use attempt::Failure;
use decide::{Decision, Limits, RetryClass, Stop, decide};

pub(crate) enum Mode {
    Buffer,
    Stream,
}

pub(crate) enum Completed {
    Buffered(RawResponse),
    Streaming(StreamingResponse),
}

/// `now + d`, or `None` when that is past what the clock can hold (no deadline then).
fn deadline_after(now: Instant, d: Duration) -> Option<Instant> {
    now.checked_add(d)
}

/// Time left before `deadline` (all of it when there is none).
fn left(deadline: Option<Instant>, now: Instant) -> Duration {
    deadline.map_or(Duration::MAX, |d| d.saturating_duration_since(now))
}

/// The pipeline's future, boxed once here so that the `send_*` futures around it stay small
/// (see `send`). It does nothing until polled. The request's context comes back with the answer
/// (the decoders scrub errors with its secrets) rather than being cloned for them.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Result<(Completed, ApiContext)>> + Send>>;

/// Sends a request: every rule of timeouts, retries and redaction applies here.
pub(crate) fn execute(req: RequestBuilder, mode: Mode) -> Pending {
    Box::pin(run(req, mode))
}

async fn run(mut req: RequestBuilder, mode: Mode) -> Result<(Completed, ApiContext)> {
    if let Some(e) = req.error.take() {
        return Err(e);
    }
    let op = req.op_name();
    // Borrowed, not cloned: this future owns the request (a clone would be two more atomic
    // operations on an `Arc` that every task of the client shares).
    let shared = req.ctx.shared();
    let inner = &*shared.client.inner;
    let config = &inner.config;
    let policy = req
        .options
        .retry
        .take()
        .unwrap_or_else(|| config.retry.clone());
    let attempt_timeout = req
        .options
        .attempt_timeout
        .unwrap_or(config.attempt_timeout);
    let deadline = req.options.deadline.unwrap_or(config.deadline);
    let body_cap = req.options.body_cap.unwrap_or(config.body_cap);

    // A keyed write gets one key per logical call, reused by every attempt.
    let key = match req.idempotency {
        Idempotency::Keyed(_) => Some(
            req.idempotency_key
                .take()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        ),
        _ => req.idempotency_key.take(),
    };
    // The request's own headers, the key among them; every attempt adds the defaults to a copy
    // (free when there are none, the usual case).
    let mut template = std::mem::take(&mut req.headers);
    if let Some(k) = &key {
        match req.idempotency {
            Idempotency::Keyed(KeyPlacement::Query) => {
                req.query.push((IDEMPOTENCE_KEY.to_owned(), k.clone()));
            }
            _ => {
                if let Ok(v) = HeaderValue::from_str(k) {
                    template.insert(HeaderName::from_static("idempotence-key"), v);
                }
            }
        }
    }
    let class = match req.idempotency {
        Idempotency::Idempotent => RetryClass::Safe,
        Idempotency::Keyed(_) if key.is_some() => RetryClass::Safe,
        _ => RetryClass::Unsafe,
    };
    let url = crate::request::url::build(&req)?;
    let headers_for_attempt = |template: &HeaderMap| -> Result<HeaderMap> {
        let mut headers = HeaderMap::with_capacity(template.len() + 3);
        for (name, value) in template {
            headers.append(name.clone(), value.clone());
        }
        if !headers.contains_key(ACCEPT) {
            headers.insert(
                ACCEPT,
                HeaderValue::from_static("application/json, */*;q=0.5"),
            );
        }
        // Set here rather than in a transport, so that it holds for a user's own transport or
        // reqwest client as well.
        if !headers.contains_key(USER_AGENT) {
            headers.insert(USER_AGENT, inner.user_agent.clone());
        }
        shared.auth.apply(&mut headers)?;
        Ok(headers)
    };
    // Checked before anything is sent (a credential that cannot be a header).
    let first_headers = headers_for_attempt(&template)?;

    let secrets: &[String] = &shared.secrets;
    let raw = req.is_raw();
    let shown = crate::request::url::ShownPath {
        path: url.path().get(inner.base_path.len()..).unwrap_or(""),
        token: shared
            .path_token
            .as_ref()
            .and_then(|(_, t)| t.as_deref().ok()),
        raw,
    };
    let request_span = tracing::info_span!(
        "jaicp.request",
        api = op.api,
        operation = op.operation,
        method = %req.method,
        path = %shown,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    // The first attempt takes the URL and headers built above; a retry builds them again (rare,
    // and cheaper than copying them for every request in case one is needed).
    let mut first = Some((url, first_headers));
    // A handle to the span for its fields: cheaper than looking up the current span each time,
    // and free when tracing is off.
    let span = request_span.clone();

    let done = async {
        let started = Instant::now();
        let deadline_at = deadline_after(started, deadline);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            // The first attempt starts when the call does: one clock read fewer.
            let now = if attempt == 1 {
                started
            } else {
                Instant::now()
            };
            let remaining = left(deadline_at, now);
            if remaining.is_zero() {
                return Err(Error::Timeout {
                    op,
                    phase: TimeoutPhase::Deadline,
                    elapsed: now - started,
                });
            }
            let this_timeout = attempt_timeout.min(remaining);
            let limited_by_deadline = remaining < attempt_timeout;
            span.record("attempt", attempt);
            let (this_url, this_headers) = match first.take() {
                Some(prepared) => prepared,
                None => (
                    crate::request::url::build(&req)?,
                    headers_for_attempt(&template)?,
                ),
            };
            let request =
                HttpRequest::new(req.method.clone(), this_url, this_headers, req.body.clone());
            // `timeout_at` from the time already read (`timeout` would read the clock again).
            let outcome = tokio::time::timeout_at(
                attempt_ends(now, this_timeout),
                attempt::run(inner, request, op, &mode, body_cap, secrets),
            )
            .await;
            if !span.is_disabled() {
                span.record("latency_ms", now.elapsed().as_millis() as u64);
            }
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
                    span.record("status", status);
                    tracing::debug!(attempt, status, "jaicp request succeeded");
                    return Ok(done);
                }
                Ok(Err(failure)) => failure,
            };
            if let Failure::Status { status, .. } = &failure {
                span.record("status", status);
            }
            let Some(outcome) = failure.outcome() else {
                if let Some(s) = failure_status(&failure) {
                    span.record("status", s);
                }
                return Err(failure.into_error(op, started.elapsed()));
            };
            let limits = Limits {
                policy: &policy,
                remaining: left(deadline_at, Instant::now()),
                jitter: fastrand::f64(),
            };
            match decide(attempt, outcome, class, inner.budget.available(), limits) {
                Decision::Retry { after, cost } => {
                    // Another request may have taken the tokens since the balance was read.
                    if !inner.budget.try_acquire(cost) {
                        tracing::warn!(attempt, "retry budget exhausted; not retrying");
                        return Err(failure.into_error(op, started.elapsed()));
                    }
                    tracing::debug!(attempt, sleep_ms = after.as_millis() as u64, "retrying");
                    tokio::time::sleep(after).await;
                }
                Decision::Stop(Stop::RateLimited { status, wait }) => {
                    return Err(Error::RateLimited {
                        op,
                        status,
                        retry_after: Some(wait),
                    });
                }
                Decision::Stop(Stop::BudgetExhausted) => {
                    tracing::warn!(attempt, "retry budget exhausted; not retrying");
                    return Err(failure.into_error(op, started.elapsed()));
                }
                Decision::Stop(_) => return Err(failure.into_error(op, started.elapsed())),
            }
        }
    }
    .instrument(request_span)
    .await?;
    Ok((done, req.ctx))
}

/// When an attempt of length `d` started at `now` ends: past what the clock can hold, a date
/// 30 years away (what `tokio::time::timeout` does with an overflowing length).
fn attempt_ends(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365 * 30)))
        .unwrap_or(now)
}

/// The HTTP status behind a failure that ends the call, for the span.
fn failure_status(failure: &Failure) -> Option<u16> {
    match failure {
        Failure::Final(e) => e.status(),
        _ => None,
    }
}
