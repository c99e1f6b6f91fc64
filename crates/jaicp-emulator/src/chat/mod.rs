//! The Chat API: a scripted bot behind a channel token (see [`bot`]), sync and async turns, the
//! events long poll, history, client state, and webhook delivery of async answers.
//!
//! Emulator-only: `POST /_emulator/chat/webhook` registers the webhook address of a channel
//! (`{"url": "...", "token"?: "..."}`; `url: null` removes it), `GET /_emulator/chat/webhook`
//! reports deliveries.

pub(crate) mod bot;
pub(crate) mod routes;
mod webhook;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::clock::Millis;
use bot::Rules;

/// Token of the Chat API channel every emulator starts with.
pub const DEFAULT_CHAT_TOKEN: &str = "emulator:0000000000000000000000000000000000c4a7e0";

/// The channel an emulator helper request names, or the demo channel when it names none.
pub(crate) fn channel_or_default(token: Option<String>) -> String {
    token.unwrap_or_else(|| DEFAULT_CHAT_TOKEN.to_owned())
}

/// One end user of one channel.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ClientData {
    pub(crate) history: Vec<Value>,
    pub(crate) state: Option<Value>,
    /// (time in ms, event) in time order; times are strictly increasing.
    pub(crate) events: Vec<(Millis, Value)>,
    pub(crate) session_open: bool,
}

/// Data of the Chat API section.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ChatState {
    /// Configuration of the run, not data: never saved.
    #[serde(skip, default = "Rules::default_rules")]
    pub(crate) rules: Rules,
    pub(crate) tokens: BTreeSet<String>,
    pub(crate) webhooks: BTreeMap<String, String>,
    #[serde(with = "crate::persist::serde_helpers::pairs")]
    pub(crate) clients: HashMap<(String, String), ClientData>,
    next_question: u64,
    last_event_ms: Millis,
    pub(crate) delivered: u64,
    pub(crate) failed: u64,
    /// Entries kept per client log ([`crate::Limits::chat_log_per_client`]); configuration.
    #[serde(skip, default = "default_log_cap")]
    pub(crate) log_cap: usize,
}

fn default_log_cap() -> usize {
    crate::Limits::default().chat_log_per_client
}

/// The Chat API section of the emulator state: data, a wake-up for long polls, settings.
#[derive(Debug)]
pub(crate) struct ChatSection {
    data: Mutex<ChatState>,
    pub(crate) notify: Notify,
    /// How long `/events` holds a poll with nothing to return.
    pub(crate) hold: Duration,
    /// Pause before an async answer is produced.
    pub(crate) async_delay: Duration,
    pub(crate) http: reqwest::Client,
}

/// One processed turn: the response envelope (without the token) and whether it is new.
pub(crate) struct TurnInput<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) event: Option<&'a str>,
    pub(crate) cid: Option<&'a str>,
    pub(crate) question_id: Option<String>,
}

impl ChatSection {
    pub(crate) fn new(rules: Rules, hold: Duration) -> Self {
        let mut tokens = BTreeSet::new();
        tokens.insert(DEFAULT_CHAT_TOKEN.to_owned());
        ChatSection {
            data: Mutex::new(ChatState {
                rules,
                tokens,
                webhooks: BTreeMap::new(),
                clients: HashMap::new(),
                next_question: 1,
                last_event_ms: 0,
                delivered: 0,
                failed: 0,
                log_cap: default_log_cap(),
            }),
            notify: Notify::new(),
            hold,
            async_delay: Duration::from_millis(20),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
        }
    }

    /// Locks the data. Never hold the guard across an `.await`.
    pub(crate) fn lock(&self) -> MutexGuard<'_, ChatState> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `2024-05-01T10:00:00.123`: the local ISO date-time (UTC here) the Chat API writes.
pub(crate) fn local_time(ms: Millis) -> String {
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let dt = jiff::tz::TimeZone::UTC.to_datetime(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

impl ChatState {
    pub(crate) fn knows(&self, token: &str) -> bool {
        self.tokens.contains(token)
    }

    pub(crate) fn new_question_id(&mut self) -> String {
        let id = format!("q-{:06}", self.next_question);
        self.next_question += 1;
        id
    }

    /// Runs the bot on one turn and records it in the client's history.
    pub(crate) fn turn(&mut self, token: &str, input: TurnInput<'_>, now: Millis) -> Value {
        let question_id = input.question_id.unwrap_or_else(|| self.new_question_id());
        let answer = self.rules.answer(input.query, input.event);
        let client = self
            .clients
            .entry((token.to_owned(), input.client_id.to_owned()))
            .or_default();
        let new_session = answer.new_session || !client.session_open;
        client.session_open = !answer.end_session;
        let text: Vec<&str> = answer
            .replies
            .iter()
            .filter(|r| r["type"] == "text")
            .filter_map(|r| r["text"].as_str())
            .collect();
        let mut turn = json!({
            "clientId": input.client_id,
            "questionId": question_id,
            "timestamp": local_time(now),
            "data": {
                "replies": answer.replies,
                "answer": text.join("\n\n"),
                "nlpClass": answer.state,
                "confidence": answer.confidence,
                "newSessionStarted": new_session,
                "endSession": answer.end_session,
                "debugData": [],
            }
        });
        if let Some(obj) = turn.as_object_mut() {
            for (key, value) in [
                ("query", input.query),
                ("event", input.event),
                ("cid", input.cid),
            ] {
                if let Some(v) = value {
                    obj.insert(key.into(), Value::String(v.to_owned()));
                }
            }
        }
        let mut entry = turn.clone();
        if let Some(obj) = entry.as_object_mut() {
            obj.remove("clientId");
            obj.remove("cid");
        }
        client.history.push(entry);
        crate::limits::keep_newest(&mut client.history, self.log_cap);
        turn
    }

    /// Queues an event for the client's `/events` polls; returns its time.
    pub(crate) fn push_event(
        &mut self,
        token: &str,
        client_id: &str,
        mut body: Value,
        now: Millis,
    ) -> Millis {
        let at = now.max(self.last_event_ms + 1);
        self.last_event_ms = at;
        if let Some(obj) = body.as_object_mut() {
            obj.insert("timestamp".into(), Value::String(local_time(at)));
        }
        let client = self
            .clients
            .entry((token.to_owned(), client_id.to_owned()))
            .or_default();
        client
            .events
            .push((at, json!({ "type": "botResponse", "event": body })));
        crate::limits::keep_newest(&mut client.events, self.log_cap);
        at
    }

    /// Events of a client after `since` (ms), oldest first, optionally of one connection.
    pub(crate) fn events_after(
        &self,
        token: &str,
        client_id: &str,
        since: Option<Millis>,
        cid: Option<&str>,
    ) -> Vec<Value> {
        let Some(client) = self.clients.get(&(token.to_owned(), client_id.to_owned())) else {
            return Vec::new();
        };
        client
            .events
            .iter()
            .filter(|(at, _)| since.is_none_or(|s| *at > s))
            .filter(|(_, e)| cid.is_none_or(|c| e["event"]["cid"].as_str() == Some(c)))
            .map(|(_, e)| e.clone())
            .collect()
    }
}

pub(crate) use webhook::deliver;
