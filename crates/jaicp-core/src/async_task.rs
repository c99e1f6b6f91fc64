//! Background tasks: start → poll `GET /api/v1/async/events` → typed result or typed error.
//!
//! Channel deploys and Reporter report files run in the background. The start call answers with a
//! request id (in the `Z-Request-id` header or in a `{requestId}` body); the result is fetched
//! by long-polling the async events endpoint with that id. [`AsyncTask::wait`] does the polling:
//! each poll asks the server to hold the request up to [`TaskOptions::hold`] and gets a per-attempt
//! timeout of that hold time plus [`TaskOptions::margin`]; the whole wait is bounded by
//! [`TaskOptions::timeout`]; dropping the future cancels it (nothing runs in the background).
//!
//! Unconfirmed facts, kept configurable: the unit of the `timeout` query parameter (seconds by
//! default, see [`HoldUnit`]) and whether `startTime` is needed (not sent unless set).

use std::time::Duration;

use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::error::{Error, OpName, Result, TaskError, TimeoutPhase};
use crate::generated::models::AsyncResponseDto;
use crate::redact::{scrub, scrub_json};
use crate::request::{ApiContext, CallOptions, RawResponse};

pub use crate::generated::models as events_models;
pub use crate::generated::operations as events_operations;

/// The async events API (`/api/v1/async/events`) of one credential.
#[derive(Clone, Debug)]
pub struct AsyncEvents {
    ctx: ApiContext,
}

impl AsyncEvents {
    /// The events API over a context (the same unified-token context the task was started with).
    pub fn new(ctx: ApiContext) -> Self {
        AsyncEvents { ctx }
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

/// Unit in which the `timeout` query parameter of the events endpoint is sent (unconfirmed:
/// seconds is the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HoldUnit {
    /// Whole seconds.
    #[default]
    Seconds,
    /// Milliseconds.
    Millis,
}

/// How a task is awaited.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TaskOptions {
    /// How long the server may hold one poll while nothing has finished (default 20 s).
    pub hold: Duration,
    /// The unit `hold` is sent in.
    pub hold_unit: HoldUnit,
    /// Added to `hold` for the per-attempt timeout of a poll (default 10 s).
    pub margin: Duration,
    /// The longest total wait (default 10 minutes); then [`Error::Timeout`] with the
    /// `Deadline` phase.
    pub timeout: Duration,
    /// Pause before polling again when a poll came back empty early (default 1 s), so a server
    /// that does not hold requests is not hammered.
    pub pause: Duration,
    /// `startTime` (epoch milliseconds) sent with every poll, when set.
    pub start_time: Option<i64>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        TaskOptions {
            hold: Duration::from_secs(20),
            hold_unit: HoldUnit::Seconds,
            margin: Duration::from_secs(10),
            timeout: Duration::from_secs(600),
            pause: Duration::from_secs(1),
            start_time: None,
        }
    }
}

impl TaskOptions {
    /// Sets the server hold time of one poll.
    pub fn hold(mut self, d: Duration) -> Self {
        self.hold = d;
        self
    }
    /// Sets the unit of the hold time.
    pub fn hold_unit(mut self, unit: HoldUnit) -> Self {
        self.hold_unit = unit;
        self
    }
    /// Sets the margin added to the hold time for a poll's attempt timeout.
    pub fn margin(mut self, d: Duration) -> Self {
        self.margin = d;
        self
    }
    /// Sets the total wait limit.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }
    /// Sets the pause between early-empty polls.
    pub fn pause(mut self, d: Duration) -> Self {
        self.pause = d;
        self
    }
    /// Sets `startTime` (epoch milliseconds).
    pub fn start_time(mut self, millis: i64) -> Self {
        self.start_time = Some(millis);
        self
    }
}

/// A finished task that succeeded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskOutcome {
    /// The task's request id.
    pub request_id: String,
    /// The result (`payload` of the event; `Null` when there was none).
    pub payload: serde_json::Value,
    /// When the task was requested, as the server reports it.
    pub request_time: Option<crate::Timestamp>,
    /// When it finished.
    pub response_time: Option<crate::Timestamp>,
}

impl TaskOutcome {
    /// The payload decoded into a type.
    pub fn payload_as<T: DeserializeOwned>(&self, op: OpName) -> Result<T> {
        // The payload is not scrubbed (no secrets here): the message keeps no quoted values.
        serde_json::from_value(self.payload.clone()).map_err(|e| Error::Decode {
            op,
            path: "payload".into(),
            message: crate::parse_message::without_values(&e),
            snippet: None,
        })
    }
}

/// Reads the request id of a started task: the `Z-Request-id` header, or `requestId` in a JSON
/// body (both forms are seen; which one each endpoint uses is unconfirmed).
pub fn request_id_of(op: OpName, response: &RawResponse) -> Result<String> {
    if let Some(id) = response
        .header("z-request-id")
        .filter(|v| !v.trim().is_empty())
    {
        return Ok(id.trim().to_owned());
    }
    let from_body = serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| {
            v.get("requestId")
                .and_then(|id| id.as_str().map(str::to_owned))
        })
        .filter(|id| !id.is_empty());
    from_body.ok_or_else(|| Error::Decode {
        op,
        path: "requestId".into(),
        message: "the start call returned neither a `Z-Request-id` header nor a `requestId`".into(),
        snippet: None,
    })
}

/// A started background task, to be awaited with [`AsyncTask::wait`].
#[derive(Debug, Clone)]
pub struct AsyncTask {
    events: AsyncEvents,
    op: OpName,
    request_id: String,
    options: TaskOptions,
}

impl AsyncTask {
    /// A task started by operation `op` (for errors) with the given request id, polled through
    /// `ctx` (the context the task was started with).
    pub fn new(ctx: ApiContext, op: OpName, request_id: impl Into<String>) -> Self {
        AsyncTask {
            events: AsyncEvents::new(ctx),
            op,
            request_id: request_id.into(),
            options: TaskOptions::default(),
        }
    }

    /// The task's request id (keep it to resume waiting after a restart).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Overrides how the task is awaited.
    pub fn options(mut self, options: TaskOptions) -> Self {
        self.options = options;
        self
    }

    /// Polls until the task finishes. `Ok` when it succeeded; [`Error::TaskFailed`] when it
    /// finished with `isOk: false`; [`Error::Timeout`] (phase `Deadline`) when it did not finish
    /// within [`TaskOptions::timeout`]. Cancel by dropping the future.
    pub async fn wait(self) -> Result<TaskOutcome> {
        let started = Instant::now();
        let o = &self.options;
        let hold_param = match o.hold_unit {
            HoldUnit::Seconds => o.hold.as_secs().max(1),
            HoldUnit::Millis => o.hold.as_millis().try_into().unwrap_or(u64::MAX),
        };
        loop {
            let elapsed = started.elapsed();
            let Some(left) = o.timeout.checked_sub(elapsed).filter(|d| !d.is_zero()) else {
                return Err(self.timed_out(started));
            };
            let poll_started = Instant::now();
            let mut request = self
                .events
                .events()
                .request_id(self.request_id.clone())
                .timeout(i64::try_from(hold_param).unwrap_or(i64::MAX))
                .options(
                    CallOptions::default()
                        .attempt_timeout(o.hold.saturating_add(o.margin))
                        .deadline(left),
                );
            if let Some(t) = o.start_time {
                request = request.start_time(t);
            }
            let answer = match tokio::time::timeout(left, request.send()).await {
                Ok(Ok(answer)) => answer,
                Ok(Err(Error::Timeout {
                    phase: TimeoutPhase::Deadline,
                    ..
                }))
                | Err(_) => return Err(self.timed_out(started)),
                Ok(Err(e)) => return Err(e),
            };
            if let Some(event) = answer
                .response
                .into_iter()
                .find(|e| e.request_id.as_deref() == Some(self.request_id.as_str()))
            {
                return self.finish(event);
            }
            // Nothing yet. A server that held the poll can be asked again at once; one that
            // answered early gets a pause.
            if poll_started.elapsed() < o.hold / 2 {
                let left = o.timeout.saturating_sub(started.elapsed());
                tokio::time::sleep(o.pause.min(left)).await;
            }
        }
    }

    fn timed_out(&self, started: Instant) -> Error {
        Error::Timeout {
            op: self.op,
            phase: TimeoutPhase::Deadline,
            elapsed: started.elapsed(),
        }
    }

    fn finish(&self, event: AsyncResponseDto) -> Result<TaskOutcome> {
        if event.is_ok == Some(true) {
            return Ok(TaskOutcome {
                request_id: self.request_id.clone(),
                payload: event.payload.unwrap_or(serde_json::Value::Null),
                request_time: event.request_time,
                response_time: event.response_time,
            });
        }
        let secrets = self.events.context().secret_values();
        let error = event.error.unwrap_or_default();
        let mut args = error.args.unwrap_or(serde_json::Value::Null);
        scrub_json(&mut args, &secrets);
        Err(Error::TaskFailed(Box::new(TaskError {
            op: self.op,
            request_id: self.request_id.clone(),
            code: error.error,
            message: error.message.map(|m| scrub(&m, &secrets)),
            args,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    const OP: OpName = OpName {
        api: "test",
        operation: "start",
    };

    fn response(header: Option<&str>, body: &str) -> RawResponse {
        let mut headers = HeaderMap::new();
        if let Some(h) = header {
            headers.insert("z-request-id", HeaderValue::from_str(h).unwrap());
        }
        RawResponse {
            status: 200,
            headers,
            body: Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    #[test]
    fn request_id_comes_from_the_header_first_then_the_body() {
        assert_eq!(
            request_id_of(OP, &response(Some("h-1"), r#"{"requestId":"b-1"}"#)).unwrap(),
            "h-1"
        );
        assert_eq!(
            request_id_of(OP, &response(None, r#"{"requestId":"b-1"}"#)).unwrap(),
            "b-1"
        );
        assert_eq!(
            request_id_of(OP, &response(Some("  "), r#"{"requestId":"b-2"}"#)).unwrap(),
            "b-2"
        );
        let err = request_id_of(OP, &response(None, "")).unwrap_err();
        assert!(matches!(err, Error::Decode { ref path, .. } if path == "requestId"));
        assert!(request_id_of(OP, &response(None, r#"{"requestId":""}"#)).is_err());
    }

    #[test]
    fn options_default_to_a_20_second_hold_and_10_minute_limit() {
        let o = TaskOptions::default();
        assert_eq!(o.hold, Duration::from_secs(20));
        assert_eq!(o.timeout, Duration::from_secs(600));
        let o = o.hold_unit(HoldUnit::Millis).start_time(5);
        assert_eq!(o.hold_unit, HoldUnit::Millis);
        assert_eq!(o.start_time, Some(5));
    }
}
