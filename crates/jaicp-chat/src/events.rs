//! The events long poll as a `Stream`: a `ts` cursor, de-duplication by `questionId`, reconnects
//! with backoff, and cancellation by dropping the stream.
//!
//! How long the server holds a poll open is not documented (see `specs/chat.yml`, `x-long-poll`);
//! the attempt timeout is [`Events::hold`] plus [`Events::margin`], both configurable. Retries are
//! done here (one retry layer): the core pipeline sends each poll exactly once.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use jaicp_core::export::serde_json;
use jaicp_core::retry::RetryPolicy;
use jaicp_core::{CallOptions, Error, Result};
use tokio::time::Instant;

use crate::Chat;
use crate::models::{ChatEvent, ChatEventBody, Reply};
use crate::send::check_client_id;

/// How many event keys are remembered for de-duplication.
const SEEN_CAPACITY: usize = 4096;

/// One event of a client's chat.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event {
    /// The event kind (`botResponse` is the only one seen so far).
    pub kind: String,
    /// When it happened, in epoch milliseconds, when the server said.
    pub time_ms: Option<i64>,
    /// The body (turn fields for `botResponse`; other kinds keep their fields in the raw JSON).
    pub body: ChatEventBody,
    /// The event as received.
    pub raw: serde_json::Value,
}

impl Event {
    /// The id of the turn the event belongs to.
    pub fn question_id(&self) -> Option<&str> {
        self.body.question_id.as_deref()
    }

    /// The bot replies carried by the event.
    pub fn replies(&self) -> &[Reply] {
        self.body
            .data
            .as_ref()
            .map(|d| d.replies.as_slice())
            .unwrap_or(&[])
    }

    fn from_raw(raw: serde_json::Value) -> Self {
        let parsed: ChatEvent = serde_json::from_value(raw.clone()).unwrap_or_default();
        let body = parsed.event.unwrap_or_default();
        let time_ms = body.timestamp.as_deref().and_then(parse_time_ms);
        Event {
            kind: parsed.r#type.unwrap_or_default(),
            time_ms,
            body,
            raw,
        }
    }

    /// The key events are de-duplicated by: the kind and `questionId`, or the whole event.
    fn key(&self) -> String {
        match self.question_id() {
            Some(id) => format!("{}\u{1f}{id}", self.kind),
            None => self.raw.to_string(),
        }
    }
}

/// Parses the time of an event: a local ISO 8601 date-time taken as UTC
/// (`2024-05-01T10:00:00.123`), RFC 3339 with an offset, or epoch milliseconds.
pub fn parse_time_ms(text: &str) -> Option<i64> {
    if let Some(t) = jaicp_core::Timestamp::parse(text) {
        return Some(t.as_millis());
    }
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let ts = jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()?;
    Some(ts.as_millisecond())
}

/// Settings of an events stream; made by [`Chat::events`], started by [`Events::stream`].
#[derive(Debug, Clone)]
#[must_use = "call `.stream()` to start polling"]
pub struct Events {
    chat: Chat,
    client_id: String,
    since: Option<i64>,
    cid: Option<String>,
    hold: Duration,
    margin: Duration,
    backoff_base: Duration,
    backoff_cap: Duration,
    min_interval: Duration,
    max_failures: Option<u32>,
    on_reconnect: Option<ReconnectHook>,
}

/// Called before each reconnect after a failed poll: (consecutive failures, the cause, the
/// delay before the next poll).
#[derive(Clone)]
struct ReconnectHook(std::sync::Arc<ReconnectFn>);

type ReconnectFn = dyn Fn(u32, &Error, Duration) + Send + Sync;

impl std::fmt::Debug for ReconnectHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReconnectHook")
    }
}

impl Events {
    /// Only events after this moment (epoch milliseconds); default: whatever the server has.
    pub fn since(mut self, ts_ms: i64) -> Self {
        self.since = Some(ts_ms);
        self
    }

    /// Only events of this connection id.
    pub fn cid(mut self, cid: impl Into<String>) -> Self {
        self.cid = Some(cid.into());
        self
    }

    /// How long the server may hold a poll open (default 60 s; not documented by JAICP).
    pub fn hold(mut self, hold: Duration) -> Self {
        self.hold = hold;
        self
    }

    /// Added to the hold time to make the attempt timeout (default 10 s).
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Backoff between reconnects after failures: full jitter, `base * 2^(n-1)` capped at `cap`
    /// (defaults 500 ms and 30 s).
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_cap = cap;
        self
    }

    /// Shortest time between two polls that brought nothing (default 1 s), so a server that
    /// answers at once does not make the stream spin.
    pub fn min_interval(mut self, interval: Duration) -> Self {
        self.min_interval = interval;
        self
    }

    /// End the stream with the cause after this many failed polls in a row (default: never; the
    /// stream keeps reconnecting).
    pub fn max_failures(mut self, failures: u32) -> Self {
        self.max_failures = Some(failures.max(1));
        self
    }

    /// Called before each reconnect after a failed poll with the number of failures in a row,
    /// the cause and the delay, so a program can tell its user it is reconnecting.
    pub fn on_reconnect(
        mut self,
        hook: impl Fn(u32, &Error, Duration) + Send + Sync + 'static,
    ) -> Self {
        self.on_reconnect = Some(ReconnectHook(std::sync::Arc::new(hook)));
        self
    }

    /// The attempt timeout of one poll.
    pub fn attempt_timeout(&self) -> Duration {
        self.hold.saturating_add(self.margin)
    }

    /// Starts polling. The stream yields every new event once (by kind and `questionId`),
    /// reconnects after transient failures with backoff, and ends after an error that a retry
    /// cannot cure (a refused token, a bad client id), which it yields first. Dropping the stream
    /// cancels the poll in flight.
    pub fn stream(self) -> BoxStream<'static, Result<Event>> {
        let state = State {
            cursor: self.since,
            events: self,
            seen: HashSet::new(),
            order: VecDeque::new(),
            buffer: VecDeque::new(),
            failures: 0,
            done: false,
        };
        futures_util::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        })
        .boxed()
    }
}

struct State {
    events: Events,
    cursor: Option<i64>,
    seen: HashSet<String>,
    order: VecDeque<String>,
    buffer: VecDeque<Event>,
    failures: u32,
    done: bool,
}

impl State {
    async fn next(&mut self) -> Option<Result<Event>> {
        loop {
            if let Some(event) = self.buffer.pop_front() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            if let Err(e) = check_client_id(&self.events.client_id) {
                self.done = true;
                return Some(Err(e));
            }
            let started = Instant::now();
            match self.poll_once().await {
                Ok(new) => {
                    self.failures = 0;
                    if new == 0 {
                        let elapsed = started.elapsed();
                        if elapsed < self.events.min_interval {
                            tokio::time::sleep(self.events.min_interval - elapsed).await;
                        }
                    }
                }
                Err(e) if matches!(e, Error::Timeout { .. }) && e.is_retryable() => {
                    // The server held the poll longer than our attempt timeout: poll again.
                    tracing::debug!("chat events: poll timed out, polling again");
                }
                Err(e) if e.is_retryable() || matches!(e, Error::Decode { .. }) => {
                    self.failures = self.failures.saturating_add(1);
                    if self
                        .events
                        .max_failures
                        .is_some_and(|max| self.failures >= max)
                    {
                        self.done = true;
                        return Some(Err(e));
                    }
                    let delay = self.backoff();
                    if let Some(hook) = &self.events.on_reconnect {
                        (hook.0)(self.failures, &e, delay);
                    }
                    tracing::debug!(
                        failures = self.failures,
                        ?delay,
                        "chat events: poll failed, reconnecting: {e}"
                    );
                    tokio::time::sleep(delay).await;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }

    fn backoff(&self) -> Duration {
        let exp = self.failures.saturating_sub(1).min(20);
        let ceiling = self
            .events
            .backoff_base
            .saturating_mul(1u32 << exp)
            .min(self.events.backoff_cap);
        ceiling.mul_f64(fastrand::f64())
    }

    /// One poll; returns how many new events were buffered.
    async fn poll_once(&mut self) -> Result<usize> {
        let ev = &self.events;
        let options = CallOptions::default()
            .attempt_timeout(ev.attempt_timeout())
            .deadline(ev.attempt_timeout())
            .retry(RetryPolicy::none());
        let response = ev
            .chat
            .ctx
            .request(&crate::operations::POLL_EVENTS)
            .query("clientId", &ev.client_id)
            .query_opt("ts", self.cursor)
            .query_opt("cid", ev.cid.as_deref())
            .options(options)
            .send_raw()
            .await?;
        if response.status == 204 {
            return Ok(0);
        }
        let op = crate::operations::POLL_EVENTS.name();
        let parsed: serde_json::Value = jaicp_core::request::decode_json(op, &response.body, &[])?;
        // `{"events": [...]}` as described; a bare array and an empty body are tolerated.
        let raw_events = match parsed {
            serde_json::Value::Object(mut map) => match map.remove("events") {
                Some(serde_json::Value::Array(items)) => items,
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(_) => {
                    return Err(Error::Decode {
                        op,
                        path: ".events".into(),
                        message: "expected an array".into(),
                        snippet: None,
                    });
                }
            },
            serde_json::Value::Array(items) => items,
            serde_json::Value::Null => Vec::new(),
            _ => {
                return Err(Error::Decode {
                    op,
                    path: ".".into(),
                    message: "expected an object with `events`".into(),
                    snippet: None,
                });
            }
        };
        let mut new = 0;
        for raw in raw_events {
            let event = Event::from_raw(raw);
            if let Some(t) = event.time_ms {
                self.cursor = Some(self.cursor.map_or(t, |c| c.max(t)));
            }
            if self.remember(event.key()) {
                self.buffer.push_back(event);
                new += 1;
            }
        }
        Ok(new)
    }

    /// Records a key; false when it was seen before.
    fn remember(&mut self, key: String) -> bool {
        if self.seen.contains(&key) {
            return false;
        }
        if self.order.len() >= SEEN_CAPACITY
            && let Some(old) = self.order.pop_front()
        {
            self.seen.remove(&old);
        }
        self.order.push_back(key.clone());
        self.seen.insert(key);
        true
    }
}

impl Chat {
    /// The events of `client_id` as a stream (see [`Events`] for the settings).
    pub fn events(&self, client_id: impl Into<String>) -> Events {
        Events {
            chat: self.clone(),
            client_id: client_id.into(),
            since: None,
            cid: None,
            hold: Duration::from_secs(60),
            margin: Duration::from_secs(10),
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            min_interval: Duration::from_secs(1),
            max_failures: None,
            on_reconnect: None,
        }
    }
}
