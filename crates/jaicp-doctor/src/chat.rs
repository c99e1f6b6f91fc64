//! The Chat API checks.

use std::time::{Duration, Instant};

use futures_util::future::join5;
use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{ChatApiToken, Host};
use serde_json::{Value, json};

use crate::Doctor;
use crate::checks::chat::*;
use crate::documented;
use crate::probe::{Answer, Request, error_answer};
use crate::report::{CheckResult, all_skipped};
use crate::shape::{compare, kind};

/// Base paths tried, in order: the documented one, then the chat adapter's.
pub(crate) const BASES: [&str; 2] = ["", "/chatadapter"];

/// A channel token no channel has (for the bad-token checks).
pub(crate) const MADE_UP_TOKEN: &str = "jaicp-doctor-no-such-channel";

/// Profile key of the Chat API base path.
pub const BASE_PATH_SETTING: &str = "chat_base_path";

/// The hold time our documents suggest clients wait for.
const SUGGESTED_WAIT: Duration = Duration::from_secs(60);

fn short(status: u16) -> String {
    format!("status {status}")
}

/// Where the API answered, and the empty poll that found it.
struct Found {
    base: &'static str,
    poll: Answer,
    held: Duration,
}

/// Runs the Chat API checks; also returns the base path the API answered under.
pub(crate) async fn run(
    d: &Doctor,
    token: &ChatApiToken,
) -> (Vec<CheckResult>, Option<&'static str>) {
    let ctx = d.client.api(Auth::path_token("token", token));
    let probe = d.client_id.as_str();
    let mut out = Vec::new();

    // 1. Where the API answers, how long an empty poll is held and what it looks like.
    let mut found = None;
    for base in BASES {
        let started = Instant::now();
        let sent = events(base, probe).timeout(d.poll_timeout).send(&ctx).await;
        match sent {
            Ok(a) if a.status == 404 => continue,
            Ok(poll) => {
                found = Some(Found {
                    base,
                    poll,
                    held: started.elapsed(),
                });
                break;
            }
            Err("timed out") => {
                let mut all = skip_all("the events poll did not answer in time");
                replace(
                    &mut all,
                    CheckResult::ran(
                        EVENTS_HOLD_TIME,
                        None,
                        false,
                        format!("held longer than {} s", d.poll_timeout.as_secs()),
                    ),
                );
                return (all, None);
            }
            Err(failure) => return (skip_all(failure), None),
        }
    }
    let Some(Found { base, poll, held }) = found else {
        let mut all = skip_all("no Chat API route answered");
        replace(
            &mut all,
            CheckResult::ran(
                BASE_PATH,
                None,
                false,
                "404 at {host}/chatapi and at {host}/chatadapter/chatapi",
            ),
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
    out.push(on_tovie(d, HOST, "the Chat API"));
    if matches!(poll.status, 401 | 403) {
        let done: Vec<&str> = out.iter().map(|r| r.id).collect();
        out.extend(
            skip_all("the channel token was refused")
                .into_iter()
                .filter(|r| !done.contains(&r.id)),
        );
        return (out, Some(base));
    }
    out.push(hold_time(&poll, held));
    out.push(events_empty(&poll));
    let mut envelope = envelope(&poll, false);

    // 2. Reads that change nothing, side by side (each empty poll is held by the server).
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
        .to_string();
    let (without_client_id, bad_token, history, state, (cursor, cid)) = join5(
        Request::get(format!("{base}/chatapi/{{token}}/events"))
            .timeout(d.poll_timeout)
            .send(&ctx),
        bad_token(d, base, probe),
        history(&ctx, base, probe),
        client_state(&ctx, base, probe),
        futures_util::future::join(
            events(base, probe)
                .query("ts", &now_ms)
                .timeout(d.poll_timeout)
                .send(&ctx),
            events(base, probe)
                .query("cid", "jaicp-doctor")
                .timeout(d.poll_timeout)
                .send(&ctx),
        ),
    )
    .await;
    out.extend(without_client_id_results(without_client_id));
    out.push(bad_token);
    out.push(history);
    out.push(state);
    out.push(accepted(
        EVENTS_CURSOR,
        cursor,
        "`ts` in epoch milliseconds",
    ));
    out.push(accepted(EVENTS_CID_FILTER, cid, "`cid`"));

    // 3. Writes, when allowed.
    let wrote = d.allowed(crate::Api::Chat);
    if wrote {
        out.extend(writes(d, &ctx, base, probe, &mut envelope).await);
    } else {
        for id in [
            SEND_ENVELOPE,
            SEND_VIA_GET,
            QUERY_AND_EVENT,
            SEND_ASYNC,
            CLIENT_STATE_SAVE,
        ] {
            out.push(CheckResult::skip(id, "writes to chat not allowed"));
        }
    }
    out.push(history_limit(&ctx, base, probe, wrote).await);
    out.push(envelope);
    out.push(webhook(&d.webhook_payloads));
    (out, Some(base))
}

fn events<'a>(base: &str, probe: &'a str) -> Request<'a> {
    Request::get(format!("{base}/chatapi/{{token}}/events")).query("clientId", probe)
}

fn skip_all(reason: &'static str) -> Vec<CheckResult> {
    all_skipped(crate::Api::Chat, reason)
}

/// Puts `result` in place of the skipped result with the same id.
fn replace(all: &mut [CheckResult], result: CheckResult) {
    if let Some(slot) = all.iter_mut().find(|r| r.id == result.id) {
        *slot = result;
    }
}

/// A host check: exercised only on the Tovie Platform cloud, where our documents guess the
/// API is served from the platform host.
pub(crate) fn on_tovie(d: &Doctor, id: &'static str, what: &str) -> CheckResult {
    if matches!(d.client.host(), Host::Tovie) {
        CheckResult::ran(
            id,
            None,
            true,
            format!("{what} answers on the Tovie Platform host"),
        )
    } else {
        CheckResult::skip(id, "the checked host is not the Tovie Platform cloud")
    }
}

fn hold_time(poll: &Answer, held: Duration) -> CheckResult {
    if !(poll.status == 204 || poll.status == 200) {
        return CheckResult::skip(EVENTS_HOLD_TIME, "the poll was not answered with success");
    }
    CheckResult::ran(
        EVENTS_HOLD_TIME,
        Some(poll),
        held < SUGGESTED_WAIT,
        format!("held about {} s", held.as_secs()),
    )
}

fn events_empty(poll: &Answer) -> CheckResult {
    let id = EVENTS_EMPTY_ANSWER;
    match (&poll.json, poll.status) {
        (_, 204) => CheckResult::ran(id, Some(poll), false, "204 with no body"),
        (Some(v @ Value::Object(map)), 200) => match map.get("events") {
            Some(Value::Array(items)) if items.is_empty() => {
                CheckResult::ran(id, Some(poll), true, "200 with an empty `events` array")
                    .with_findings(compare(&documented::EVENTS_RESPONSE.ty, v))
            }
            Some(Value::Array(_)) => {
                CheckResult::skip(id, "the poll of a new client id returned events")
            }
            _ => CheckResult::ran(id, Some(poll), false, "200 without an `events` array"),
        },
        (Some(Value::Array(items)), 200) if items.is_empty() => {
            CheckResult::ran(id, Some(poll), false, "200 with a bare empty array")
        }
        (None, 200) if poll.empty => CheckResult::ran(id, Some(poll), false, "200 with no body"),
        (_, status) => CheckResult::ran(id, Some(poll), false, short(status)),
    }
}

/// The envelope as seen in a poll. `has_events` tells whether events were expected in it.
fn envelope(poll: &Answer, has_events: bool) -> CheckResult {
    let id = EVENTS_ENVELOPE;
    match (&poll.json, poll.status) {
        (Some(v @ Value::Object(map)), 200) if map.get("events").is_some_and(Value::is_array) => {
            let observed = if has_events {
                "an object with an `events` array holding the event"
            } else {
                "an object with an `events` array"
            };
            CheckResult::ran(id, Some(poll), true, observed)
                .with_findings(compare(&documented::EVENTS_RESPONSE.ty, v))
        }
        (Some(Value::Array(_)), 200) => CheckResult::ran(id, Some(poll), false, "a bare array"),
        (Some(Value::Object(_)), 200) => {
            CheckResult::ran(id, Some(poll), false, "an object without `events`")
        }
        _ => CheckResult::skip(id, "no poll answered with a body"),
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

fn without_client_id_results(sent: Result<Answer, &'static str>) -> [CheckResult; 2] {
    match sent {
        Ok(a) if (200..300).contains(&a.status) => [
            CheckResult::ran(
                EVENTS_WITHOUT_CLIENT_ID,
                Some(&a),
                false,
                "accepted without clientId",
            ),
            CheckResult::skip(BAD_REQUEST, "the request without clientId was accepted"),
        ],
        Ok(a) => [
            CheckResult::ran(
                EVENTS_WITHOUT_CLIENT_ID,
                Some(&a),
                a.status == 400,
                format!("refused with {}", a.status),
            ),
            error_answer(BAD_REQUEST, &a, 400, &documented::CHAT_ERROR),
        ],
        Err(failure) => [
            CheckResult::skip(EVENTS_WITHOUT_CLIENT_ID, failure),
            CheckResult::skip(BAD_REQUEST, failure),
        ],
    }
}

/// A read with an extra parameter: accepted (any success) or refused.
fn accepted(id: &'static str, sent: Result<Answer, &'static str>, what: &str) -> CheckResult {
    match sent {
        Ok(a) if (200..300).contains(&a.status) => {
            CheckResult::ran(id, Some(&a), true, format!("{what} accepted"))
        }
        Ok(a) => CheckResult::ran(
            id,
            Some(&a),
            false,
            format!("{what} refused with {}", a.status),
        ),
        Err(failure) => CheckResult::skip(id, failure),
    }
}

async fn bad_token(d: &Doctor, base: &str, probe: &str) -> CheckResult {
    let ctx = d.client.api(Auth::path_token(
        "token",
        &ChatApiToken::new(MADE_UP_TOKEN).expect("made-up credentials are printable ASCII"),
    ));
    match events(base, probe)
        .timeout(Duration::from_secs(30))
        .send(&ctx)
        .await
    {
        Ok(a) => error_answer(BAD_TOKEN, &a, 401, &documented::CHAT_ERROR),
        Err(failure) => CheckResult::skip(BAD_TOKEN, failure),
    }
}

async fn history(ctx: &ApiContext, base: &str, probe: &str) -> CheckResult {
    let id = HISTORY_ROUTE;
    match Request::get(format!("{base}/chatapi/{{token}}/history"))
        .query("clientId", probe)
        .send(ctx)
        .await
    {
        Ok(a) => match (&a.json, a.status) {
            (Some(v @ Value::Object(map)), 200)
                if map.get("history").is_some_and(Value::is_array) =>
            {
                CheckResult::ran(id, Some(&a), true, "200 with a `history` array")
                    .with_findings(compare(&documented::HISTORY_RESPONSE.ty, v))
            }
            (Some(Value::Array(_)), 200) => {
                CheckResult::ran(id, Some(&a), false, "200 with a bare array")
            }
            (_, 200) => CheckResult::ran(id, Some(&a), false, "200 without a `history` array"),
            (_, 404) => CheckResult::ran(
                id,
                Some(&a),
                false,
                "404: no such route (or no such client)",
            ),
            (_, status) => CheckResult::ran(id, Some(&a), false, short(status)),
        },
        Err(failure) => CheckResult::skip(id, failure),
    }
}

/// `limit=1`: accepted, and after writes (two turns or more) honoured.
async fn history_limit(ctx: &ApiContext, base: &str, probe: &str, wrote: bool) -> CheckResult {
    let id = HISTORY_LIMIT;
    let sent = Request::get(format!("{base}/chatapi/{{token}}/history"))
        .query("clientId", probe)
        .query("limit", "1")
        .send(ctx)
        .await;
    match sent {
        Ok(a) if a.status == 200 => {
            let entries = a
                .json
                .as_ref()
                .and_then(|v| v.get("history"))
                .and_then(Value::as_array)
                .map(Vec::len);
            match (wrote, entries) {
                (true, Some(n)) if n <= 1 => {
                    CheckResult::ran(id, Some(&a), true, "accepted and honoured")
                }
                (true, Some(_)) => CheckResult::ran(id, Some(&a), false, "accepted but ignored"),
                _ => CheckResult::ran(id, Some(&a), true, "accepted"),
            }
        }
        Ok(a) => CheckResult::ran(id, Some(&a), false, format!("refused with {}", a.status)),
        Err(failure) => CheckResult::skip(id, failure),
    }
}

async fn client_state(ctx: &ApiContext, base: &str, probe: &str) -> CheckResult {
    let id = CLIENT_STATE_ROUTE;
    match Request::get(format!("{base}/chatapi/{{token}}/state"))
        .query("clientId", probe)
        .send(ctx)
        .await
    {
        Ok(a) => match (&a.json, a.status) {
            (Some(Value::Object(_)), 200) => {
                CheckResult::ran(id, Some(&a), true, "200 with a JSON object")
            }
            (_, 404) => CheckResult::ran(id, Some(&a), false, "404: no such route (or no state)"),
            (Some(v), 200) => {
                CheckResult::ran(id, Some(&a), false, format!("200 with a JSON {}", kind(v)))
            }
            (None, status) if a.empty => CheckResult::ran(
                id,
                Some(&a),
                false,
                format!("{} with no body", short(status)),
            ),
            (_, status) => CheckResult::ran(id, Some(&a), false, short(status)),
        },
        Err(failure) => CheckResult::skip(id, failure),
    }
}

/// The checks that send messages or save a state, for the probe client id only.
async fn writes(
    d: &Doctor,
    ctx: &ApiContext,
    base: &str,
    probe: &str,
    envelope: &mut CheckResult,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let body = json!({ "clientId": probe, "query": "/start" });
    out.push(
        match Request::post(format!("{base}/chatapi/{{token}}"), body.clone())
            .send(ctx)
            .await
        {
            Ok(a) => send_envelope(&a),
            Err(failure) => CheckResult::skip(SEND_ENVELOPE, failure),
        },
    );
    out.push(
        match Request::get(format!("{base}/chatapi/{{token}}"))
            .query("clientId", probe)
            .query("query", "/start")
            .send(ctx)
            .await
        {
            Ok(a) => via_get(&a),
            Err(failure) => CheckResult::skip(SEND_VIA_GET, failure),
        },
    );
    out.push(
        match Request::post(
            format!("{base}/chatapi/{{token}}"),
            json!({ "clientId": probe }),
        )
        .send(ctx)
        .await
        {
            Ok(a) if (200..300).contains(&a.status) => CheckResult::ran(
                QUERY_AND_EVENT,
                Some(&a),
                false,
                "accepted with neither query nor event",
            ),
            Ok(a) => CheckResult::ran(
                QUERY_AND_EVENT,
                Some(&a),
                a.status == 400,
                format!("refused with {}", a.status),
            ),
            Err(failure) => CheckResult::skip(QUERY_AND_EVENT, failure),
        },
    );
    match Request::post(format!("{base}/chatapi/{{token}}/async"), body)
        .send(ctx)
        .await
    {
        Ok(answer) => {
            out.push(send_async(&answer));
            // The async answer lands in the events: a poll that has something to show.
            if let Ok(poll) = events(base, probe).timeout(d.poll_timeout).send(ctx).await
                && poll.status == 200
            {
                let before =
                    std::mem::replace(envelope, CheckResult::skip(EVENTS_ENVELOPE, "replaced"));
                *envelope = envelope_after_write(before, &poll);
            }
        }
        Err(failure) => out.push(CheckResult::skip(SEND_ASYNC, failure)),
    }
    out.push(save_state(ctx, base, probe).await);
    out
}

fn send_envelope(a: &Answer) -> CheckResult {
    let id = SEND_ENVELOPE;
    match (&a.json, a.status) {
        (Some(v @ Value::Object(_)), 200) => {
            let (time_ok, form) = match v.get("timestamp") {
                Some(Value::String(text)) => time_form(text),
                Some(other) => (false, format!("a JSON {}", kind(other))),
                None => (true, "absent".to_owned()),
            };
            CheckResult::ran(
                id,
                Some(a),
                time_ok,
                format!("200 with a turn envelope; timestamp: {form}"),
            )
            .with_findings(compare(&documented::CHAT_RESPONSE_SCHEMA.ty, v))
        }
        (Some(v), 200) => {
            CheckResult::ran(id, Some(a), false, format!("200 with a JSON {}", kind(v)))
        }
        (_, status) => CheckResult::ran(id, Some(a), false, short(status)),
    }
}

fn via_get(a: &Answer) -> CheckResult {
    let id = SEND_VIA_GET;
    match (&a.json, a.status) {
        (Some(v @ Value::Object(map)), 200) => {
            let top = ["clientId", "query"]
                .iter()
                .all(|k| map.get(*k).is_some_and(Value::is_string));
            let observed = if top {
                "200 with clientId and query at the top level"
            } else {
                "200 without clientId and query at the top level"
            };
            CheckResult::ran(id, Some(a), top, observed)
                .with_findings(compare(&documented::CHAT_RESPONSE_SCHEMA.ty, v))
        }
        (_, status) => CheckResult::ran(id, Some(a), false, short(status)),
    }
}

/// Describes the format of a time string by its form only (never its value); true when it is
/// an ISO 8601 date-time (with or without offset and fraction, as the documents allow).
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
    (true, form)
}

fn send_async(a: &Answer) -> CheckResult {
    let id = SEND_ASYNC;
    let Some(v @ Value::Object(map)) = &a.json else {
        return CheckResult::ran(
            id,
            Some(a),
            false,
            format!("{} without a JSON object", short(a.status)),
        );
    };
    let findings = compare(&documented::ASYNC_SEND_RESPONSE.ty, v);
    let has = |k: &str| map.get(k).is_some_and(Value::is_string);
    let result = match (has("questionId"), has("id")) {
        (true, _) => CheckResult::ran(id, Some(a), true, "named `questionId`"),
        (false, true) => CheckResult::ran(id, Some(a), false, "named `id`"),
        (false, false) => CheckResult::ran(id, Some(a), false, "no message id"),
    };
    result.with_findings(findings)
}

async fn save_state(ctx: &ApiContext, base: &str, probe: &str) -> CheckResult {
    let id = CLIENT_STATE_SAVE;
    let path = format!("{base}/chatapi/{{token}}/state");
    let saved = match Request::post(path.clone(), json!({ "jaicpDoctor": true }))
        .query("clientId", probe)
        .send(ctx)
        .await
    {
        Ok(a) => a,
        Err(failure) => return CheckResult::skip(id, failure),
    };
    if !(200..300).contains(&saved.status) {
        return CheckResult::ran(id, Some(&saved), false, short(saved.status));
    }
    let back = Request::get(path).query("clientId", probe).send(ctx).await;
    let reads_back = back.as_ref().is_ok_and(|b| {
        b.json
            .as_ref()
            .and_then(|v| v.get("jaicpDoctor"))
            .is_some_and(|v| v == &Value::Bool(true))
    });
    let observed = format!(
        "saved with {}; {}",
        saved.status,
        if reads_back {
            "reads back"
        } else {
            "does not read back"
        }
    );
    CheckResult::ran(id, Some(&saved), reads_back, observed)
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
        assert_eq!(
            time_form("2026-01-02T03:04:05Z"),
            (true, "a zoned date-time with 0 fraction digits".into())
        );
        assert!(time_form("2026-01-02T03:04:05+03:00").1.contains("zoned"));
        assert!(!time_form("yesterday").0);
    }
}
