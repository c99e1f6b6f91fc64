//! The Prompter, Pushgate and Imputer checks: each sends one request with an effect, so each
//! runs only when writes to its API are allowed.

use jaicp_core::auth::Auth;
use serde_json::{Value, json};

use crate::checks::{imputer, prompter::TRANSPORT, pushgate};
use crate::checks::{imputer::AUDIO, pushgate::ANSWER};
use crate::probe::Request;
use crate::probe::error_answer;
use crate::report::CheckResult;
use crate::shape::{compare, kind};
use crate::{Api, Doctor, documented};

const NOT_ALLOWED: &str = "writes not allowed for this API";

/// The Prompter check; `base` is where the Chat API answered (the Prompter route sits beside it).
pub(crate) async fn prompter(d: &Doctor, base: Option<&'static str>) -> CheckResult {
    let Some(token) = &d.prompter else {
        return CheckResult::skip(TRANSPORT, "no Prompter API token");
    };
    if !d.allowed(Api::Prompter) {
        return CheckResult::skip(TRANSPORT, NOT_ALLOWED);
    }
    let ctx = d.client.api(Auth::path_token("token", token));
    let body = prompter_body(d);
    let bases: &[&str] = match &base {
        Some(b) => std::slice::from_ref(b),
        None => &crate::chat::BASES,
    };
    for base in bases {
        let sent = Request::post(
            format!("{base}/chatapi/webhook/prompter_api/{{token}}"),
            body.clone(),
        )
        .send(&ctx)
        .await;
        let a = match sent {
            Ok(a) if a.status == 404 => continue,
            Ok(a) => a,
            Err(failure) => return CheckResult::skip(TRANSPORT, failure),
        };
        let under = if base.is_empty() {
            ""
        } else {
            " (under /chatadapter)"
        };
        return match (&a.json, a.status) {
            (Some(v @ Value::Object(_)), 200) => CheckResult::ran(
                TRANSPORT,
                Some(&a),
                base.is_empty(),
                format!("200 with the proposals in the answer{under}"),
            )
            .with_findings(compare(&documented::PROMPTER_RESULT.ty, v)),
            (None, s) if a.empty && (200..300).contains(&s) => CheckResult::ran(
                TRANSPORT,
                Some(&a),
                false,
                format!("{s} with no body: proposals are delivered elsewhere{under}"),
            ),
            (_, s) => CheckResult::ran(TRANSPORT, Some(&a), false, format!("status {s}{under}")),
        };
    }
    CheckResult::ran(
        TRANSPORT,
        None,
        false,
        "404 at {host}/chatapi and at {host}/chatadapter/chatapi",
    )
}

pub(crate) async fn pushgate(d: &Doctor) -> CheckResult {
    let Some(id) = &d.pushback else {
        return CheckResult::skip(ANSWER, "no pushback link");
    };
    if !d.allowed(Api::Pushgate) {
        return CheckResult::skip(ANSWER, NOT_ALLOWED);
    }
    let ctx = d.client.api(Auth::path_token("pushbackId", id));
    match Request::get("/pushgate/push_{pushbackId}").send(&ctx).await {
        Ok(a) => match (&a.json, a.status) {
            (Some(v), 200) => {
                let observed = format!("200 with a JSON {}", kind(v));
                CheckResult::ran(ANSWER, Some(&a), v.is_object(), observed)
                    .with_findings(compare(&documented::PUSHGATE_ANSWER.ty, v))
            }
            (None, s) if (200..300).contains(&s) => {
                let what = if a.empty {
                    "no body"
                } else {
                    "a body that is not JSON"
                };
                CheckResult::ran(ANSWER, Some(&a), false, format!("{s} with {what}"))
            }
            (_, s) => CheckResult::ran(ANSWER, Some(&a), false, format!("status {s}")),
        },
        Err(failure) => CheckResult::skip(ANSWER, failure),
    }
}

pub(crate) async fn imputer(d: &Doctor) -> CheckResult {
    let Some((token, template)) = &d.imputer else {
        return CheckResult::skip(AUDIO, "no Imputer token and template");
    };
    if !d.allowed(Api::Imputer) {
        return CheckResult::skip(AUDIO, NOT_ALLOWED);
    }
    let ctx = d.client.api(Auth::path_token("token", token));
    match Request::get("/api/imputer/p/{token}/imputing/generate-audio")
        .query("replicaTemplateId", template)
        .send(&ctx)
        .await
    {
        Ok(a) => {
            let media = a
                .content_type
                .clone()
                .unwrap_or_else(|| "no media type".into());
            match a.status {
                200 => CheckResult::ran(
                    AUDIO,
                    Some(&a),
                    media == "audio/wav",
                    format!("200 {media}"),
                ),
                s @ 300..=399 => {
                    CheckResult::ran(AUDIO, Some(&a), false, format!("{s}: a redirect"))
                }
                s => CheckResult::ran(AUDIO, Some(&a), false, format!("status {s}")),
            }
        }
        Err(failure) => CheckResult::skip(AUDIO, failure),
    }
}

/// The request body of the Prompter checks.
fn prompter_body(d: &Doctor) -> Value {
    json!({
        "clientInfo": { "id": d.client_id },
        "chatId": d.client_id,
        "text": "/start",
    })
}

/// A Prompter request with a token no channel has: nothing happens on the platform.
pub(crate) async fn prompter_unknown_token(d: &Doctor, base: Option<&'static str>) -> CheckResult {
    let id = crate::checks::prompter::UNKNOWN_TOKEN;
    let ctx = d.client.api(Auth::path_token(
        "token",
        &jaicp_core::PrompterToken::new(crate::chat::MADE_UP_TOKEN),
    ));
    let path = format!(
        "{}/chatapi/webhook/prompter_api/{{token}}",
        base.unwrap_or("")
    );
    match Request::post(path, prompter_body(d)).send(&ctx).await {
        Ok(a) => error_answer(id, &a, 401, &documented::PROMPTER_ERROR),
        Err(failure) => CheckResult::skip(id, failure),
    }
}

/// A pushback link that does not exist: nothing happens on the platform.
pub(crate) async fn pushgate_unknown_link(d: &Doctor) -> CheckResult {
    let id = pushgate::UNKNOWN_LINK;
    let ctx = d.client.api(Auth::path_token(
        "pushbackId",
        &jaicp_core::PushbackId::new("jaicp-doctor-no-such-link"),
    ));
    match Request::get("/pushgate/push_{pushbackId}").send(&ctx).await {
        Ok(a) => error_answer(id, &a, 404, &documented::PUSHGATE_ERROR),
        Err(failure) => CheckResult::skip(id, failure),
    }
}

/// A synthesis with a token nobody has: nothing is rendered or billed.
pub(crate) async fn imputer_unknown_token(d: &Doctor) -> CheckResult {
    let id = imputer::UNKNOWN_TOKEN;
    let ctx = d.client.api(Auth::path_token(
        "token",
        &jaicp_core::ImputerToken::new(crate::chat::MADE_UP_TOKEN),
    ));
    match Request::get("/api/imputer/p/{token}/imputing/generate-audio")
        .query("replicaTemplateId", "jaicp-doctor")
        .send(&ctx)
        .await
    {
        Ok(a) => error_answer(id, &a, 401, &documented::IMPUTER_ERROR),
        Err(failure) => CheckResult::skip(id, failure),
    }
}

/// Profile key of the Calls route family.
pub const CALLS_ROUTES_SETTING: &str = "calls-route-family";

/// Whether a route answered as a Calls route: a Calls error object (`type`), or any answer other
/// than a bare 404.
fn calls_route_answers(a: &crate::probe::Answer) -> bool {
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
    let id = crate::checks::calls::ROUTE_FAMILY;
    let ctx = d.client.api(Auth::path_token(
        "token",
        &jaicp_core::CampaignToken::new("0.0.jaicp-doctor-no-such-campaign"),
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
