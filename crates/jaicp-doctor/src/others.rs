//! The Prompter, Pushgate, Imputer, Operator and Calls checks. Requests with an effect run only
//! when writes to their API are allowed; the others use made-up credentials or requests the
//! server refuses before doing anything.

use jaicp_core::auth::Auth;
use jaicp_core::{CampaignToken, Host, ImputerToken, OperatorApiKey, PrompterToken, PushbackId};
use serde_json::{Value, json};

use crate::checks::{calls, imputer, operator, prompter, pushgate};
use crate::probe::{Answer, Request, error_answer};
use crate::report::CheckResult;
use crate::shape::{compare, kind};
use crate::{Api, Doctor, documented};

const NOT_ALLOWED: &str = "writes not allowed for this API";

/// Profile key of the Calls route family.
pub const CALLS_ROUTES_SETTING: &str = "calls_route_family";

/// A host check from the answers of an API's requests: on the Tovie Platform cloud, whether any
/// of them found the API (anything but a bare 404).
fn host_check(d: &Doctor, id: &'static str, answers: &[Option<&Answer>]) -> CheckResult {
    if !matches!(d.client.host(), Host::Tovie) {
        return CheckResult::skip(id, "the checked host is not the Tovie Platform cloud");
    }
    let seen: Vec<&Answer> = answers.iter().flatten().copied().collect();
    if seen.is_empty() {
        return CheckResult::skip(id, "no request of this API was answered");
    }
    let found = seen.iter().any(|a| a.status != 404 || a.json.is_some());
    let observed = if found {
        "answers on the Tovie Platform host"
    } else {
        "404 on the Tovie Platform host"
    };
    CheckResult::ran(id, None, found, observed)
}

/// The Prompter checks; `base` is where the Chat API answered (the Prompter route sits beside
/// it), `None` when it was not checked.
pub(crate) async fn prompter(d: &Doctor, base: Option<&'static str>) -> Vec<CheckResult> {
    let body = json!({
        "clientInfo": { "id": d.client_id },
        "chatId": d.client_id,
        "text": "/start",
    });
    let path = |base: &str| format!("{base}/chatapi/webhook/prompter_api/{{token}}");
    let made_up = d.client.api(Auth::path_token(
        "token",
        &PrompterToken::new(crate::chat::MADE_UP_TOKEN)
            .expect("made-up credentials are printable ASCII"),
    ));
    let bad_token = Request::post(path(base.unwrap_or("")), body.clone())
        .send(&made_up)
        .await;
    let mut out = vec![match &bad_token {
        Ok(a) => error_answer(prompter::BAD_TOKEN, a, 401, &documented::PROMPTER_ERROR),
        Err(failure) => CheckResult::skip(prompter::BAD_TOKEN, failure),
    }];
    let Some(token) = &d.prompter else {
        out.push(CheckResult::skip(prompter::HOST, "no Prompter API token"));
        out.push(CheckResult::skip(
            prompter::SUGGEST,
            "no Prompter API token",
        ));
        out.push(CheckResult::skip(
            prompter::BAD_REQUEST,
            "no Prompter API token",
        ));
        return out;
    };
    let ctx = d.client.api(Auth::path_token("token", token));
    // Where the route is: beside the Chat API, or (not checked) the documented base first.
    let mut found = None;
    let bases: &[&str] = match &base {
        Some(b) => std::slice::from_ref(b),
        None => &crate::chat::BASES,
    };
    for b in bases {
        match Request::post(path(b), json!({})).send(&ctx).await {
            Ok(a) if a.status == 404 && a.json.is_none() => continue,
            Ok(a) => {
                found = Some((*b, a));
                break;
            }
            Err(failure) => {
                out.push(CheckResult::skip(prompter::BAD_REQUEST, failure));
                break;
            }
        }
    }
    let bad_request = match &found {
        Some((_, a)) => error_answer(prompter::BAD_REQUEST, a, 400, &documented::PROMPTER_ERROR),
        None => CheckResult::ran(
            prompter::BAD_REQUEST,
            None,
            false,
            "404 at {host}/chatapi and at {host}/chatadapter/chatapi",
        ),
    };
    if !out.iter().any(|r| r.id == prompter::BAD_REQUEST) {
        out.push(bad_request);
    }
    let suggest = if !d.allowed(Api::Prompter) {
        (CheckResult::skip(prompter::SUGGEST, NOT_ALLOWED), None)
    } else if let Some((b, _)) = &found {
        match Request::post(path(b), body).send(&ctx).await {
            Ok(a) => (suggest_result(&a, b), Some(a)),
            Err(failure) => (CheckResult::skip(prompter::SUGGEST, failure), None),
        }
    } else {
        (
            CheckResult::skip(prompter::SUGGEST, "the Prompter route was not found"),
            None,
        )
    };
    out.push(host_check(
        d,
        prompter::HOST,
        &[found.as_ref().map(|(_, a)| a), suggest.1.as_ref()],
    ));
    out.push(suggest.0);
    out
}

fn suggest_result(a: &Answer, base: &str) -> CheckResult {
    let id = prompter::SUGGEST;
    let under = if base.is_empty() {
        ""
    } else {
        " (under /chatadapter)"
    };
    match (&a.json, a.status) {
        (Some(v @ Value::Object(_)), 200) => CheckResult::ran(
            id,
            Some(a),
            true,
            format!("200 with the proposals in the answer{under}"),
        )
        .with_findings(compare(&documented::PROMPTER_RESULT.ty, v)),
        (None, s) if a.empty && (200..300).contains(&s) => CheckResult::ran(
            id,
            Some(a),
            false,
            format!("{s} with no body: proposals are delivered elsewhere{under}"),
        ),
        (_, s) => CheckResult::ran(id, Some(a), false, format!("status {s}{under}")),
    }
}

/// The Pushgate checks.
pub(crate) async fn pushgate(d: &Doctor) -> Vec<CheckResult> {
    let made_up = d.client.api(Auth::path_token(
        "pushbackId",
        &PushbackId::new("jaicp-doctor-no-such-link")
            .expect("made-up credentials are printable ASCII"),
    ));
    let unknown = match Request::get("/pushgate/push_{pushbackId}")
        .send(&made_up)
        .await
    {
        Ok(a) => error_answer(pushgate::UNKNOWN_LINK, &a, 404, &documented::PUSHGATE_ERROR),
        Err(failure) => CheckResult::skip(pushgate::UNKNOWN_LINK, failure),
    };
    let fire = match (&d.pushback, d.allowed(Api::Pushgate)) {
        (None, _) => CheckResult::skip(pushgate::FIRE, "no pushback link"),
        (Some(_), false) => CheckResult::skip(pushgate::FIRE, NOT_ALLOWED),
        (Some(id), true) => {
            let ctx = d.client.api(Auth::path_token("pushbackId", id));
            match Request::get("/pushgate/push_{pushbackId}").send(&ctx).await {
                Ok(a) => fire_result(&a),
                Err(failure) => CheckResult::skip(pushgate::FIRE, failure),
            }
        }
    };
    vec![fire, unknown]
}

fn fire_result(a: &Answer) -> CheckResult {
    let id = pushgate::FIRE;
    match (&a.json, a.status) {
        (Some(v), 200) => CheckResult::ran(
            id,
            Some(a),
            v.is_object(),
            format!("200 with a JSON {}", kind(v)),
        )
        .with_findings(compare(&documented::PUSHGATE_ANSWER.ty, v)),
        (None, s) if (200..300).contains(&s) => {
            let what = if a.empty {
                "no body"
            } else {
                "a body that is not JSON"
            };
            CheckResult::ran(id, Some(a), false, format!("{s} with {what}"))
        }
        (_, s) => CheckResult::ran(id, Some(a), false, format!("status {s}")),
    }
}

const GENERATE: &str = "/api/imputer/p/{token}/imputing/generate-audio";

/// The Imputer checks.
pub(crate) async fn imputer(d: &Doctor) -> Vec<CheckResult> {
    let made_up = d.client.api(Auth::path_token(
        "token",
        &ImputerToken::new(crate::chat::MADE_UP_TOKEN)
            .expect("made-up credentials are printable ASCII"),
    ));
    let bad_token = match Request::get(GENERATE)
        .query("replicaTemplateId", "jaicp-doctor")
        .send(&made_up)
        .await
    {
        Ok(a) => error_answer(imputer::BAD_TOKEN, &a, 401, &documented::IMPUTER_ERROR),
        Err(failure) => CheckResult::skip(imputer::BAD_TOKEN, failure),
    };
    let Some((token, template)) = &d.imputer else {
        return vec![
            CheckResult::skip(imputer::HOST, "no Imputer token"),
            CheckResult::skip(imputer::GENERATE, "no Imputer token and template"),
            CheckResult::skip(imputer::BAD_REQUEST, "no Imputer token"),
            bad_token,
        ];
    };
    let ctx = d.client.api(Auth::path_token("token", token));
    // Without a template nothing can be rendered, so nothing is billed.
    let refused = Request::get(GENERATE).send(&ctx).await;
    let bad_request = match &refused {
        Ok(a) => error_answer(imputer::BAD_REQUEST, a, 400, &documented::IMPUTER_ERROR),
        Err(failure) => CheckResult::skip(imputer::BAD_REQUEST, failure),
    };
    let generated = if d.allowed(Api::Imputer) {
        Some(
            Request::get(GENERATE)
                .query("replicaTemplateId", template)
                .send(&ctx)
                .await,
        )
    } else {
        None
    };
    let generate = match &generated {
        None => CheckResult::skip(imputer::GENERATE, NOT_ALLOWED),
        Some(Err(failure)) => CheckResult::skip(imputer::GENERATE, failure),
        Some(Ok(a)) => {
            let media = a
                .content_type
                .clone()
                .unwrap_or_else(|| "no media type".into());
            match a.status {
                200 => CheckResult::ran(
                    imputer::GENERATE,
                    Some(a),
                    media == "audio/wav",
                    format!("200 {media}"),
                ),
                s @ 300..=399 => CheckResult::ran(
                    imputer::GENERATE,
                    Some(a),
                    false,
                    format!("{s}: a redirect"),
                ),
                s => CheckResult::ran(imputer::GENERATE, Some(a), false, format!("status {s}")),
            }
        }
    };
    let host = host_check(
        d,
        imputer::HOST,
        &[
            refused.as_ref().ok(),
            generated.as_ref().and_then(|g| g.as_ref().ok()),
        ],
    );
    vec![host, generate, bad_request, bad_token]
}

/// The Operator checks: the desk's webhook into JAICP.
pub(crate) async fn operator(d: &Doctor) -> Vec<CheckResult> {
    let base = d
        .operator
        .as_ref()
        .map_or("/chatadapter", |(_, base)| base.as_str());
    let path = format!("{base}/chatapi/webhook/operatorapi/{{apiKey}}");
    let event = |kind: &str, extra: Value| {
        let mut e = json!({
            "id": format!("jaicp-doctor-{}", uuid::Uuid::new_v4().simple()),
            "userId": d.operator_user.clone().unwrap_or_else(|| d.client_id.clone()),
            "type": kind,
        });
        if let (Some(e), Value::Object(extra)) = (e.as_object_mut(), extra) {
            e.extend(extra);
        }
        e
    };
    let text = event(
        "TextMessage",
        json!({ "text": "jaicp doctor: test message" }),
    );
    let made_up = d.client.api(Auth::path_token(
        "apiKey",
        &OperatorApiKey::new("jaicp-doctor-no-such-key")
            .expect("made-up credentials are printable ASCII"),
    ));
    let bad_key = match Request::post(path.clone(), text.clone())
        .send(&made_up)
        .await
    {
        Ok(a) => error_answer(operator::BAD_KEY, &a, 404, &documented::OPERATOR_ERROR),
        Err(failure) => CheckResult::skip(operator::BAD_KEY, failure),
    };
    let Some((key, _)) = &d.operator else {
        let reason = "no Operator API webhook";
        return vec![
            CheckResult::skip(operator::POST_EVENT, reason),
            CheckResult::skip(operator::POST_FILE, reason),
            CheckResult::skip(operator::SELECT_DESTINATION, reason),
            CheckResult::skip(operator::BAD_EVENT, reason),
            bad_key,
        ];
    };
    let ctx = d.client.api(Auth::path_token("apiKey", key));
    // An event without id, userId or type is refused before it reaches any dialog.
    let bad_event = match Request::post(path.clone(), json!({})).send(&ctx).await {
        Ok(a) => error_answer(operator::BAD_EVENT, &a, 400, &documented::OPERATOR_ERROR),
        Err(failure) => CheckResult::skip(operator::BAD_EVENT, failure),
    };
    let mut writes = Vec::new();
    let events = [
        (operator::POST_EVENT, Some(text)),
        (
            operator::POST_FILE,
            Some(event(
                "FileMessage",
                json!({
                    "url": "https://example.com/jaicp-doctor.txt",
                    "name": "jaicp-doctor.txt",
                    "size": 1,
                    "comment": "jaicp doctor",
                }),
            )),
        ),
        (
            operator::SELECT_DESTINATION,
            d.operator_destination.as_ref().map(|dest| {
                event(
                    "SelectDestination",
                    json!({ "destination": { "id": dest } }),
                )
            }),
        ),
    ];
    for (id, body) in events {
        let result = match (d.allowed(Api::Operator), &d.operator_user, body) {
            (false, _, _) => CheckResult::skip(id, NOT_ALLOWED),
            (true, None, _) => {
                CheckResult::skip(id, "no dialog handed to the desk (its user id) given")
            }
            (true, Some(_), None) => CheckResult::skip(id, "no destination id given"),
            (true, Some(_), Some(body)) => match Request::post(path.clone(), body).send(&ctx).await
            {
                Ok(a) if (200..300).contains(&a.status) => {
                    let with = if a.empty {
                        "no body".to_owned()
                    } else {
                        a.json
                            .as_ref()
                            .map_or("a body that is not JSON".to_owned(), |v| {
                                format!("a JSON {}", kind(v))
                            })
                    };
                    CheckResult::ran(id, Some(&a), true, format!("{} with {with}", a.status))
                }
                Ok(a) => {
                    CheckResult::ran(id, Some(&a), false, format!("refused with {}", a.status))
                }
                Err(failure) => CheckResult::skip(id, failure),
            },
        };
        writes.push(result);
    }
    writes.push(bad_event);
    writes.push(bad_key);
    writes
}

/// Whether a route answered as a Calls route: a Calls error object (`type`), or any answer other
/// than a bare 404.
fn calls_route_answers(a: &Answer) -> bool {
    let calls_error = a
        .json
        .as_ref()
        .and_then(|v| v.get("type"))
        .is_some_and(Value::is_string);
    calls_error || a.status != 404
}

/// Which family serves the single-number add, probed with a made-up campaign token (no campaign
/// has it, so nothing is added or dialled).
pub(crate) async fn calls_route_family(d: &Doctor) -> CheckResult {
    let id = calls::ROUTE_FAMILY;
    let ctx = d.client.api(Auth::path_token(
        "token",
        &CampaignToken::new("0.0.jaicp-doctor-no-such-campaign")
            .expect("made-up credentials are printable ASCII"),
    ));
    let mut seen = Vec::new();
    for base in ["/api/crmCalls/campaign", "/api/calls/campaign"] {
        match Request::get(format!("{base}/{{token}}/addPhone"))
            .query("phone", "0")
            .send(&ctx)
            .await
        {
            Ok(a) => seen.push(calls_route_answers(&a)),
            Err(failure) => return CheckResult::skip(id, failure),
        }
    }
    match (seen[0], seen[1]) {
        (true, true) => CheckResult::ran(
            id,
            None,
            true,
            "served under both /api/crmCalls and /api/calls",
        ),
        (true, false) => CheckResult::ran(id, None, true, "served under /api/crmCalls only"),
        (false, true) => {
            CheckResult::ran(id, None, false, "served under the older /api/calls only")
                .with_setting(CALLS_ROUTES_SETTING, "older")
        }
        (false, false) => {
            CheckResult::ran(id, None, false, "404 under /api/crmCalls and /api/calls")
        }
    }
}
