//! The Chat API checks.

use std::time::Duration;

use jaicp_core::ChatApiToken;
use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use serde_json::{Value, json};

use crate::Doctor;
use crate::checks::chat::*;
use crate::documented;
use crate::probe::{Answer, Request, error_answer};
use crate::report::CheckResult;
use crate::shape::compare;

/// Base paths tried, in order: the documented one, then the chat adapter's.
pub(crate) const BASES: [&str; 2] = ["", "/chatadapter"];

/// A channel token no channel has (for the unknown-token check).
pub(crate) const MADE_UP_TOKEN: &str = "jaicp-doctor-no-such-channel";

/// Profile key of the Chat API base path.
pub const BASE_PATH_SETTING: &str = "chat-base-path";

fn short(status: u16) -> String {
    format!("status {status}")
}

/// Runs the Chat API checks; also returns the base path the API answered under.
pub(crate) async fn run(
    d: &Doctor,
    token: &ChatApiToken,
) -> (Vec<CheckResult>, Option<&'static str>) {
    let ctx = d.client.api(Auth::path_token("token", token));
    let probe = d.client_id.as_str();
    let mut out = Vec::new();

    // 1. Where the API answers, and what an empty poll looks like.
    let mut found: Option<(&str, Answer)> = None;
    for base in BASES {
        let sent = Request::get(format!("{base}/chatapi/{{token}}/events"))
            .query("clientId", probe)
            .timeout(d.poll_timeout)
            .send(&ctx)
            .await;
        match sent {
            Ok(a) if a.status == 404 => continue,
            Ok(a) => {
                found = Some((base, a));
                break;
            }
            Err(failure) => return (skip_all(failure), None),
        }
    }
    let Some((base, poll)) = found else {
        let mut all = skip_all("no Chat API route answered");
        all[0] = CheckResult::ran(
            BASE_PATH,
            None,
            false,
            "404 at {host}/chatapi and at {host}/chatadapter/chatapi",
        );
        return (all, None);
    };
    out.push(if base.is_empty() {
        CheckResult::ran(BASE_PATH, Some(&poll), true, "served at {host}/chatapi")
    } else {
        CheckResult::ran(
            BASE_PATH,
            Some(&poll),
            false,
            "served at {host}/chatadapter/chatapi",
        )
        .with_setting(BASE_PATH_SETTING, "/chatadapter")
    });
    if matches!(poll.status, 401 | 403) {
        out.extend(
            skip_all("the channel token was refused")
                .into_iter()
                .filter(|r| r.id != BASE_PATH),
        );
        return (out, Some(base));
    }
    out.push(events_empty(&poll));
    let mut envelope = envelope(&poll, false);

    // 2. Reads that change nothing.
    out.push(client_id_required(&ctx, base).await);
    out.push(unknown_token(d, base, probe).await);
    out.push(history(&ctx, base, probe).await);
    out.push(state(&ctx, base, probe).await);

    // 3. Writes, when allowed.
    if d.allowed(crate::Api::Chat) {
        let body = json!({ "clientId": probe, "query": "/start" });
        match Request::post(format!("{base}/chatapi/{{token}}"), body.clone())
            .send(&ctx)
            .await
        {
            Ok(answer) => {
                out.push(send(&answer));
                out.push(timestamp(&answer));
            }
            Err(failure) => {
                out.push(CheckResult::skip(SEND, failure));
                out.push(CheckResult::skip(TIMESTAMP, failure));
            }
        }
        match Request::post(format!("{base}/chatapi/{{token}}/async"), body)
            .send(&ctx)
            .await
        {
            Ok(answer) => {
                out.push(async_id(&answer));
                // The async answer lands in the events: a poll that has something to show.
                if let Ok(poll) = Request::get(format!("{base}/chatapi/{{token}}/events"))
                    .query("clientId", probe)
                    .timeout(d.poll_timeout)
                    .send(&ctx)
                    .await
                    && poll.status == 200
                {
                    envelope = envelope_after_write(envelope, &poll);
                }
            }
            Err(failure) => out.push(CheckResult::skip(ASYNC_ID, failure)),
        }
    } else {
        for id in [SEND, TIMESTAMP, ASYNC_ID] {
            out.push(CheckResult::skip(id, "writes to chat not allowed"));
        }
    }
    out.push(envelope);
    out.push(webhook(&d.webhook_payloads));
    (out, Some(base))
}

fn skip_all(reason: &'static str) -> Vec<CheckResult> {
    crate::report::all_skipped(crate::Api::Chat, reason)
}

fn events_empty(poll: &Answer) -> CheckResult {
    match (&poll.json, poll.status) {
        (_, 204) => CheckResult::ran(EVENTS_EMPTY, Some(poll), false, "204 with no body"),
        (Some(Value::Object(map)), 200) => match map.get("events") {
            Some(Value::Array(items)) if items.is_empty() => CheckResult::ran(
                EVENTS_EMPTY,
                Some(poll),
                true,
                "200 with an empty `events` array",
            )
            .with_findings(compare(
                &documented::EVENTS_RESPONSE.ty,
                &Value::Object(map.clone()),
            )),
            Some(Value::Array(_)) => {
                CheckResult::skip(EVENTS_EMPTY, "the poll of a new client id returned events")
            }
            _ => CheckResult::ran(
                EVENTS_EMPTY,
                Some(poll),
                false,
                "200 without an `events` array",
            ),
        },
        (Some(Value::Array(items)), 200) if items.is_empty() => CheckResult::ran(
            EVENTS_EMPTY,
            Some(poll),
            false,
            "200 with a bare empty array",
        ),
        (None, 200) if poll.empty => {
            CheckResult::ran(EVENTS_EMPTY, Some(poll), false, "200 with no body")
        }
        (_, status) => CheckResult::ran(EVENTS_EMPTY, Some(poll), false, short(status)),
    }
}

/// The envelope as seen in a poll. `has_events` tells whether events were expected in it.
fn envelope(poll: &Answer, has_events: bool) -> CheckResult {
    match (&poll.json, poll.status) {
        (Some(v @ Value::Object(map)), 200) if map.get("events").is_some_and(Value::is_array) => {
            let observed = if has_events {
                "an object with an `events` array holding the event"
            } else {
                "an object with an `events` array"
            };
            CheckResult::ran(EVENTS_ENVELOPE, Some(poll), true, observed)
                .with_findings(compare(&documented::EVENTS_RESPONSE.ty, v))
        }
        (Some(Value::Array(_)), 200) => {
            CheckResult::ran(EVENTS_ENVELOPE, Some(poll), false, "a bare array")
        }
        (Some(Value::Object(_)), 200) => CheckResult::ran(
            EVENTS_ENVELOPE,
            Some(poll),
            false,
            "an object without `events`",
        ),
        _ => CheckResult::skip(EVENTS_ENVELOPE, "no poll answered with a body"),
    }
}

/// A poll that followed a write is the better witness of the envelope; keep the first verdict
/// when the second poll had nothing.
fn envelope_after_write(before: CheckResult, poll: &Answer) -> CheckResult {
    let after = envelope(poll, true);
    if after.outcome == crate::Outcome::NotExercised {
        before
    } else {
        after
    }
}

async fn client_id_required(ctx: &ApiContext, base: &str) -> CheckResult {
    match Request::get(format!("{base}/chatapi/{{token}}/events"))
        .timeout(Duration::from_secs(30))
        .send(ctx)
        .await
    {
        Ok(a) if (200..300).contains(&a.status) => CheckResult::ran(
            EVENTS_CLIENT_ID,
            Some(&a),
            false,
            "accepted without clientId",
        ),
        Ok(a) => error_answer(EVENTS_CLIENT_ID, &a, 400, &documented::CHAT_ERROR),
        Err(failure) => CheckResult::skip(EVENTS_CLIENT_ID, failure),
    }
}

async fn unknown_token(d: &Doctor, base: &str, probe: &str) -> CheckResult {
    let ctx = d
        .client
        .api(Auth::path_token("token", &ChatApiToken::new(MADE_UP_TOKEN)));
    match Request::get(format!("{base}/chatapi/{{token}}/events"))
        .query("clientId", probe)
        .timeout(Duration::from_secs(30))
        .send(&ctx)
        .await
    {
        Ok(a) => error_answer(UNKNOWN_TOKEN, &a, 401, &documented::CHAT_ERROR),
        Err(failure) => CheckResult::skip(UNKNOWN_TOKEN, failure),
    }
}

async fn history(ctx: &ApiContext, base: &str, probe: &str) -> CheckResult {
    match Request::get(format!("{base}/chatapi/{{token}}/history"))
        .query("clientId", probe)
        .send(ctx)
        .await
    {
        Ok(a) => match (&a.json, a.status) {
            (Some(v @ Value::Object(map)), 200)
                if map.get("history").is_some_and(Value::is_array) =>
            {
                CheckResult::ran(HISTORY, Some(&a), true, "200 with a `history` array")
                    .with_findings(compare(&documented::HISTORY_RESPONSE.ty, v))
            }
            (Some(Value::Array(_)), 200) => {
                CheckResult::ran(HISTORY, Some(&a), false, "200 with a bare array")
            }
            (_, 200) => CheckResult::ran(HISTORY, Some(&a), false, "200 without a `history` array"),
            (_, 404) => CheckResult::ran(
                HISTORY,
                Some(&a),
                false,
                "404: no such route (or no such client)",
            ),
            (_, status) => CheckResult::ran(HISTORY, Some(&a), false, short(status)),
        },
        Err(failure) => CheckResult::skip(HISTORY, failure),
    }
}

async fn state(ctx: &ApiContext, base: &str, probe: &str) -> CheckResult {
    match Request::get(format!("{base}/chatapi/{{token}}/state"))
        .query("clientId", probe)
        .send(ctx)
        .await
    {
        Ok(a) => match (&a.json, a.status) {
            (Some(Value::Object(_)), 200) => {
                CheckResult::ran(STATE, Some(&a), true, "200 with a JSON object")
            }
            (_, 404) => {
                CheckResult::ran(STATE, Some(&a), false, "404: no such route (or no state)")
            }
            (Some(v), 200) => CheckResult::ran(
                STATE,
                Some(&a),
                false,
                format!("200 with a JSON {}", crate::shape::kind(v)),
            ),
            (None, status) if a.empty => CheckResult::ran(
                STATE,
                Some(&a),
                false,
                format!("{} with no body", short(status)),
            ),
            (_, status) => CheckResult::ran(STATE, Some(&a), false, short(status)),
        },
        Err(failure) => CheckResult::skip(STATE, failure),
    }
}

fn send(a: &Answer) -> CheckResult {
    match (&a.json, a.status) {
        (Some(v @ Value::Object(_)), 200) => {
            CheckResult::ran(SEND, Some(a), true, "200 with a turn envelope")
                .with_findings(compare(&documented::CHAT_RESPONSE_SCHEMA.ty, v))
        }
        (Some(v), 200) => CheckResult::ran(
            SEND,
            Some(a),
            false,
            format!("200 with a JSON {}", crate::shape::kind(v)),
        ),
        (_, status) => CheckResult::ran(SEND, Some(a), false, short(status)),
    }
}

/// Describes the format of a time string by its form only (never its value).
pub(crate) fn time_form(text: &str) -> (bool, String) {
    let Some((_, time)) = text.split_once('T') else {
        return (false, "a string that is not an ISO 8601 date-time".into());
    };
    let offset = time.ends_with('Z')
        || time.rfind(['+', '-']).is_some_and(|i| {
            time[i + 1..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':')
        });
    let fraction = time
        .split_once('.')
        .map(|(_, f)| f.chars().take_while(char::is_ascii_digit).count())
        .unwrap_or(0);
    let form = format!(
        "a {} date-time with {fraction} fraction digits",
        if offset { "zoned" } else { "local" }
    );
    (!offset, form)
}

fn timestamp(a: &Answer) -> CheckResult {
    match a.json.as_ref().and_then(|v| v.get("timestamp")) {
        Some(Value::String(text)) => {
            let (local, form) = time_form(text);
            CheckResult::ran(TIMESTAMP, Some(a), local, form)
        }
        Some(Value::Number(_)) => CheckResult::ran(TIMESTAMP, Some(a), false, "a number"),
        Some(other) => CheckResult::ran(
            TIMESTAMP,
            Some(a),
            false,
            format!("a JSON {}", crate::shape::kind(other)),
        ),
        None => CheckResult::skip(TIMESTAMP, "the answer had no timestamp"),
    }
}

fn async_id(a: &Answer) -> CheckResult {
    let Some(v @ Value::Object(map)) = &a.json else {
        return CheckResult::ran(
            ASYNC_ID,
            Some(a),
            false,
            format!("{} without a JSON object", short(a.status)),
        );
    };
    let findings = compare(&documented::ASYNC_SEND_RESPONSE.ty, v);
    let has = |k: &str| map.get(k).is_some_and(Value::is_string);
    let result = match (has("questionId"), has("id")) {
        (true, _) => CheckResult::ran(ASYNC_ID, Some(a), true, "named `questionId`"),
        (false, true) => CheckResult::ran(ASYNC_ID, Some(a), false, "named `id`"),
        (false, false) => CheckResult::ran(ASYNC_ID, Some(a), false, "no message id"),
    };
    result.with_findings(findings)
}

fn webhook(payloads: &[Vec<u8>]) -> CheckResult {
    if payloads.is_empty() {
        return CheckResult::skip(WEBHOOK_PAYLOAD, "no captured webhook bodies given");
    }
    let (mut arrays, mut objects, mut other) = (0, 0, 0);
    let mut findings = Vec::new();
    for body in payloads {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(items)) => {
                arrays += 1;
                for item in &items {
                    findings.extend(compare(&documented::CHAT_RESPONSE_SCHEMA.ty, item));
                }
            }
            Ok(v @ Value::Object(_)) => {
                objects += 1;
                findings.extend(compare(&documented::CHAT_RESPONSE_SCHEMA.ty, &v));
            }
            _ => other += 1,
        }
    }
    findings.sort();
    findings.dedup();
    let observed = format!("{arrays} array(s), {objects} single object(s), {other} other");
    CheckResult::ran(WEBHOOK_PAYLOAD, None, objects == 0 && other == 0, observed)
        .with_findings(findings)
}

#[cfg(test)]
mod tests {
    use super::time_form;

    #[test]
    fn time_forms() {
        assert_eq!(
            time_form("2026-01-02T03:04:05.678"),
            (true, "a local date-time with 3 fraction digits".into())
        );
        assert!(!time_form("2026-01-02T03:04:05Z").0);
        assert!(!time_form("2026-01-02T03:04:05+03:00").0);
        assert!(!time_form("yesterday").0);
    }
}
