//! The Reporter API: sessions, messages and clients derived from what happened in the emulator
//! (every finished call job of the Calls emulator is a session, its attempts are its messages)
//! plus seeded chat sessions of the default project; labels, comments, scenario experiments and
//! report files (CSV or XLSX generated on the fly; CSV of any requested size).

pub(crate) mod labels;
pub(crate) mod legacy;
pub(crate) mod reports;
pub(crate) mod routes;
pub(crate) mod xlsx;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::Millis;
use crate::project::{DEFAULT_BOT_ID, DEFAULT_PROJECT_SHORT_NAME};
use crate::state::EmulatorState;
use crate::unified::iso;

/// Bot id given to the sessions made from call jobs.
pub(crate) const CALLS_BOT_ID: &str = "1-demo-bot-1-emu-calls";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Msg {
    pub(crate) question_id: String,
    pub(crate) ts: Millis,
    pub(crate) question: String,
    pub(crate) answer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) project: String,
    pub(crate) bot_id: String,
    pub(crate) channel_type: String,
    pub(crate) client_id: String,
    pub(crate) start: Millis,
    pub(crate) end: Millis,
    pub(crate) call_task_id: Option<i64>,
    pub(crate) result: Option<String>,
    pub(crate) messages: Vec<Msg>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Label {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) priority: i32,
    pub(crate) group: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Experiment {
    pub(crate) key: String,
    pub(crate) description: Option<String>,
    pub(crate) branches: Vec<Value>,
    pub(crate) status: String,
    pub(crate) joined: BTreeMap<String, String>,
}

/// Reporter data that is not derived from other sections.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ReporterState {
    pub(crate) seeded: Vec<Session>,
    pub(crate) session_labels: BTreeMap<i64, Label>,
    pub(crate) message_labels: BTreeMap<i64, Label>,
    pub(crate) groups: BTreeMap<i64, Label>,
    pub(crate) session_links: HashMap<String, BTreeSet<i64>>,
    pub(crate) message_links: HashMap<String, BTreeSet<i64>>,
    pub(crate) comments: HashMap<String, String>,
    pub(crate) experiments: BTreeMap<String, Experiment>,
    pub(crate) filter_sets: HashMap<String, Value>,
    pub(crate) blocked_clients: BTreeSet<String>,
    pub(crate) reports: reports::Reports,
    next_id: i64,
}

impl ReporterState {
    /// Seeds `n` chat sessions over the week before `now`, deterministic in `seed`.
    pub(crate) fn new(seed: u64, now: Millis) -> Self {
        let mut s = ReporterState {
            next_id: 1,
            ..Default::default()
        };
        let mut x = seed | 1;
        let mut rnd = move |m: u64| {
            // xorshift64*
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D) % m.max(1)
        };
        let week = 7 * 86_400_000_i64;
        for i in 0..40_i64 {
            let start = now - week + i * (week / 40) + i64::try_from(rnd(600_000)).unwrap_or(0);
            let count = 1 + rnd(6) as usize;
            let messages = (0..count)
                .map(|k| Msg {
                    question_id: format!("seed-{i}-{k}"),
                    ts: start + i64::try_from(k).unwrap_or(0) * 20_000,
                    question: [
                        "hello",
                        "what are your hours?",
                        "price",
                        "thanks",
                        "bye",
                        "/start",
                    ][k % 6]
                        .to_owned(),
                    answer: format!("answer {k}"),
                })
                .collect::<Vec<_>>();
            let end = messages.last().map_or(start, |m| m.ts);
            s.seeded.push(Session {
                id: format!("seed-session-{i}"),
                project: DEFAULT_PROJECT_SHORT_NAME.into(),
                bot_id: DEFAULT_BOT_ID.into(),
                channel_type: "CHAT_API".into(),
                client_id: format!("client-{}", rnd(12)),
                start,
                end,
                call_task_id: None,
                result: None,
                messages,
            });
        }
        let group = s.add_group("Default", 1);
        s.add_message_label("Good answer", 1, Some(group));
        s.add_session_label("Resolved", 1);
        s
    }

    pub(crate) fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(crate) fn add_group(&mut self, name: &str, priority: i32) -> i64 {
        let id = self.next_id();
        self.groups.insert(
            id,
            Label {
                id,
                name: name.into(),
                priority,
                group: None,
            },
        );
        id
    }

    pub(crate) fn add_message_label(
        &mut self,
        name: &str,
        priority: i32,
        group: Option<i64>,
    ) -> i64 {
        let id = self.next_id();
        self.message_labels.insert(
            id,
            Label {
                id,
                name: name.into(),
                priority,
                group,
            },
        );
        id
    }

    pub(crate) fn add_session_label(&mut self, name: &str, priority: i32) -> i64 {
        let id = self.next_id();
        self.session_labels.insert(
            id,
            Label {
                id,
                name: name.into(),
                priority,
                group: None,
            },
        );
        id
    }

    pub(crate) fn session_label_json(l: &Label) -> Value {
        json!({ "id": l.id, "name": l.name, "priority": l.priority })
    }

    pub(crate) fn group_json(&self, id: Option<i64>) -> Value {
        match id.and_then(|g| self.groups.get(&g)) {
            Some(g) => json!({ "id": g.id, "name": g.name, "priority": g.priority }),
            None => json!({ "name": "Default" }),
        }
    }

    pub(crate) fn message_label_json(&self, l: &Label) -> Value {
        json!({ "id": l.id, "name": l.name, "priority": l.priority, "group": self.group_json(l.group) })
    }

    fn labels_of_session(&self, id: &str) -> Vec<Value> {
        self.session_links
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|l| self.session_labels.get(l))
            .map(Self::session_label_json)
            .collect()
    }

    fn labels_of_message(&self, qid: &str) -> Vec<Value> {
        self.message_links
            .get(qid)
            .into_iter()
            .flatten()
            .filter_map(|l| self.message_labels.get(l))
            .map(|l| self.message_label_json(l))
            .collect()
    }

    pub(crate) fn client_json(&self, s: &Session, first: Millis) -> Value {
        json!({
            "id": s.client_id,
            "accountId": 1,
            "projectShortName": s.project,
            "channelType": s.channel_type,
            "botId": s.bot_id,
            "lastSessionId": s.id,
            "joinDate": iso(first),
            "lastVisitDate": iso(s.start),
            "isBlocked": self.blocked_clients.contains(&s.client_id),
        })
    }

    pub(crate) fn session_json(&self, s: &Session) -> Value {
        let mut v = json!({
            "sessionId": s.id,
            "projectShortName": s.project,
            "channelType": s.channel_type,
            "botId": s.bot_id,
            "client": { "id": s.client_id },
            "startTime": iso(s.start),
            "isLivechat": false,
            "duration": (s.end - s.start).max(0) / 1000,
            "questionCount": s.messages.len(),
            "labels": self.labels_of_session(&s.id),
        });
        if let Some(first) = s.messages.first() {
            v["firstQuestion"] = json!(first.question);
        }
        if let Some(last) = s.messages.last() {
            v["lastQuestion"] = json!(last.question);
        }
        if let Some(t) = s.call_task_id {
            v["callTaskId"] = json!(t);
            v["isCallIncoming"] = json!(false);
        }
        if let Some(r) = &s.result {
            v["sessionResult"] = json!(r);
        }
        v
    }

    pub(crate) fn message_json(&self, s: &Session, m: &Msg, extended: bool) -> Value {
        let mut v = json!({
            "sessionId": s.id,
            "questionId": m.question_id,
            "timestamp": iso(m.ts),
            "isLivechat": false,
            "question": m.question,
            "textAnswer": m.answer,
            "labels": self.labels_of_message(&m.question_id),
        });
        if let Some(c) = self.comments.get(&m.question_id) {
            v["comment"] = json!(c);
        }
        if extended {
            v["projectShortName"] = json!(s.project);
            v["channelType"] = json!(s.channel_type);
            v["botId"] = json!(s.bot_id);
            v["client"] = json!({ "id": s.client_id });
            v["sessionStartTime"] = json!(iso(s.start));
            v["sessionLabels"] = json!(self.labels_of_session(&s.id));
        }
        v
    }
}

impl EmulatorState {
    /// Every session the Reporter knows: the seeded ones and one per finished call job (its
    /// attempts are the messages), oldest first.
    pub(crate) fn reporter_sessions(&self) -> Vec<Session> {
        let now = self.now_ms();
        let mut out = self.reporter().seeded.clone();
        let calls = self.calls();
        for c in calls.campaigns.values() {
            for job in &c.jobs {
                let Some(end) = job.visible_finished_at(now) else {
                    continue;
                };
                let start = job
                    .attempts
                    .first()
                    .map_or(job.created_at, |a| a.started_at);
                let messages = job
                    .attempts
                    .iter()
                    .map(|a| Msg {
                        question_id: format!("call-{}-{}", job.id, a.number),
                        ts: a.started_at,
                        question: format!("call attempt {}", a.number),
                        answer: a.call_result.unwrap_or("no result").to_owned(),
                    })
                    .collect();
                out.push(Session {
                    id: format!("call-{}", job.id),
                    project: DEFAULT_PROJECT_SHORT_NAME.into(),
                    bot_id: CALLS_BOT_ID.into(),
                    channel_type: "RESTERISK".into(),
                    client_id: job.phone.to_string(),
                    start,
                    end,
                    call_task_id: Some(c.id),
                    result: Some(format!("{:?}", job.status)),
                    messages,
                });
            }
        }
        drop(calls);
        // Sessions of deleted projects leave the Reporter (see `crate::integrity`).
        let live = self.project_short_names();
        out.retain(|s| live.contains(&s.project));
        out.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// The filters the emulator understands (others are accepted and ignored).
#[derive(Debug, Default)]
pub(crate) struct Filter {
    session_start: Option<(Option<Millis>, Option<Millis>)>,
    message_time: Option<(Option<Millis>, Option<Millis>)>,
    message_count: Option<(Option<f64>, Option<f64>)>,
    channel_types: Option<Vec<String>>,
    bot_ids: Option<Vec<String>>,
    session_ids: Option<Vec<String>>,
    labels: Option<Vec<i64>>,
    without_empty: bool,
}

fn time_of(v: Option<&Value>) -> Option<Millis> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t.as_millisecond())
            .or_else(|| s.parse().ok()),
        _ => None,
    }
}

fn num_of(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array().map(|a| {
        a.iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    })
}

impl Filter {
    /// Reads `{filters: [...]}` (or a bare array).
    pub(crate) fn parse(body: &Value) -> Filter {
        let list = body
            .get("filters")
            .and_then(Value::as_array)
            .or_else(|| body.as_array())
            .cloned()
            .unwrap_or_default();
        let mut f = Filter::default();
        for item in &list {
            let key = item.get("key").and_then(Value::as_str).unwrap_or_default();
            let range = || (time_of(item.get("from")), time_of(item.get("to")));
            match key {
                "SESSION_START_TIME" | "PERIOD" => f.session_start = Some(range()),
                "MESSAGE_TIME" => f.message_time = Some(range()),
                "MESSAGE_COUNT" => {
                    f.message_count = Some((num_of(item.get("from")), num_of(item.get("to"))));
                }
                "CHANNEL_TYPE" => f.channel_types = strings(item.get("options")),
                "BOT_ID" => f.bot_ids = strings(item.get("options")),
                "SESSION_ID" => {
                    f.session_ids =
                        strings(item.get("values")).or_else(|| strings(item.get("options")));
                }
                "SESSION_LABELS" => {
                    f.labels = strings(item.get("options"))
                        .map(|v| v.iter().filter_map(|s| s.parse().ok()).collect());
                }
                "WITHOUT_EMPTY_SESSIONS" => {
                    f.without_empty = item.get("option").and_then(Value::as_str) == Some("YES");
                }
                _ => {}
            }
        }
        f
    }

    fn in_range(t: Millis, r: &(Option<Millis>, Option<Millis>)) -> bool {
        r.0.is_none_or(|from| t >= from) && r.1.is_none_or(|to| t <= to)
    }

    /// Does the session match (message-level filters: does any message match)? Every filter
    /// that is set must pass.
    pub(crate) fn session(&self, r: &ReporterState, s: &Session, project: Option<&str>) -> bool {
        let count = s.messages.len() as f64;
        let labelled = || {
            let have = r.session_links.get(&s.id);
            self.labels
                .as_ref()
                .is_none_or(|labels| labels.iter().any(|l| have.is_some_and(|h| h.contains(l))))
        };
        project.is_none_or(|p| p == s.project)
            && self
                .session_start
                .as_ref()
                .is_none_or(|rg| Self::in_range(s.start, rg))
            && self
                .message_time
                .as_ref()
                .is_none_or(|rg| s.messages.iter().any(|m| Self::in_range(m.ts, rg)))
            && self.message_count.is_none_or(|(lo, hi)| {
                !lo.is_some_and(|lo| count < lo) && !hi.is_some_and(|hi| count > hi)
            })
            && !(self.without_empty && s.messages.is_empty())
            && allows(self.channel_types.as_ref(), &s.channel_type)
            && allows(self.bot_ids.as_ref(), &s.bot_id)
            && allows(self.session_ids.as_ref(), &s.id)
            && labelled()
    }

    /// Does the message match?
    pub(crate) fn message(&self, m: &Msg) -> bool {
        self.message_time
            .as_ref()
            .is_none_or(|rg| Self::in_range(m.ts, rg))
    }
}

/// A filter by a list of values passes `value` when it is not set or lists it.
fn allows<T: PartialEq>(list: Option<&Vec<T>>, value: &T) -> bool {
    list.is_none_or(|l| l.contains(value))
}

/// `{pageNum, pageSize, totalCount}`.
pub(crate) fn paging(page: usize, size: usize, total: usize) -> Value {
    json!({ "pageNum": page, "pageSize": size, "totalCount": total })
}
