//! HTTP handlers for the 13 Calls API operations: the router, the shared
//! request flow, and the handlers for adding numbers, cancelling and
//! campaign control (CRM adds and reports live in the submodules).
//!
//! Every handler follows the same order: count the request, resolve the
//! campaign (404 `invalid.token`), replay a stored `Idempotence-Key` answer if
//! there is one, then do the work. Bodies are parsed before the lock is taken
//! so a large batch does not stall other requests.

mod crm;
mod reports;

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;

use super::JobIds;
use super::model::{Campaign, CampaignStatus};
use super::report::campaign_info;
use super::validate::{
    RawJobParameters, ValidJob, check_duplicates, phone_key, phone_text, validate_job,
};
use crate::clock::Millis;
use crate::errors::Api;
use crate::errors::CallsError;
use crate::extract::{Body, PathParams, idempotence_header};
use crate::idempotency::{Found, Keyed, fingerprint};
use crate::reply::{Answer, Reply, answer};
use crate::state::{EmulatorState, Shared};
use crm::{add_phone_get, add_phone_get_test, add_phone_post};
use reports::{
    get_call_attempt_report, get_call_attempt_report_by_date, get_call_job_report,
    get_call_job_report_by_date, get_call_job_report_unfinished,
};

/// Routes of the Calls API, paths exactly as in the OpenAPI document.
pub(crate) fn routes() -> Router<EmulatorState> {
    const CALLS: &str = "/api/calls/campaign/{token}";
    const CRM: &str = "/api/crmCalls/campaign/{token}";
    Router::new()
        .route(CALLS, get(get_call_task))
        .route(&format!("{CALLS}/status"), get(get_call_task_status))
        .route(&format!("{CALLS}/addPhones"), post(add_phones))
        .route(
            &format!("{CRM}/addPhone"),
            get(add_phone_get).post(add_phone_post),
        )
        .route(&format!("{CRM}/test/addPhone"), get(add_phone_get_test))
        // The older single-number route (1.10 help pages), beside the other Calls routes; the SDK
        // reaches it with `CallsPaths::older()`.
        .route(&format!("{CALLS}/addPhone"), get(add_phone_get))
        .route(&format!("{CALLS}/callJob/cancel"), post(cancel_call_job))
        .route(
            &format!("{CALLS}/callJob/getReport"),
            post(get_call_job_report),
        )
        .route(
            &format!("{CALLS}/callJob/getReportByDate"),
            post(get_call_job_report_by_date),
        )
        .route(
            &format!("{CALLS}/callJob/getUnfinished"),
            post(get_call_job_report_unfinished),
        )
        .route(
            &format!("{CALLS}/callAttempt/getReport"),
            post(get_call_attempt_report),
        )
        .route(
            &format!("{CALLS}/callAttempt/getReportByDate"),
            post(get_call_attempt_report_by_date),
        )
        .route(
            &format!("{CALLS}/control/{{action}}"),
            post(control_campaign),
        )
}

/// What a handler's work function gets to see.
pub(super) struct Ctx<'a> {
    pub(super) campaign: &'a mut Campaign,
    ids: JobIds<'a>,
    pub(super) now: Millis,
    shared: &'a Shared,
}

impl Ctx<'_> {
    /// 400 `emulator.limit` when `n` more jobs would pass the campaign's cap ([`crate::Limits`]).
    pub(super) fn room_for(&self, n: usize) -> Result<(), Reply> {
        let cap = self.shared.config.limits.call_jobs_per_campaign;
        if self.campaign.jobs.len().saturating_add(n) > cap {
            return Err(CallsError::new(
                "emulator.limit",
                crate::limits::full("call jobs in this campaign", cap),
            )
            .bad_request());
        }
        Ok(())
    }

    pub(super) fn create(&mut self, job: ValidJob) -> u64 {
        self.ids
            .create(self.campaign, job, self.now, &self.shared.counters)
    }
}

/// Shared request flow; `idempotence` is the client's key when the operation honours keys
/// and the client sent one.
pub(super) fn run(
    state: &EmulatorState,
    operation: &'static str,
    token: &str,
    idempotence: Option<Keyed>,
    work: impl FnOnce(&mut Ctx<'_>) -> Reply,
) -> Answer {
    answer(run_reply(state, operation, token, idempotence, work))
}

fn run_reply(
    state: &EmulatorState,
    operation: &'static str,
    token: &str,
    idempotence: Option<Keyed>,
    work: impl FnOnce(&mut Ctx<'_>) -> Reply,
) -> Reply {
    let shared = &*state.shared;
    shared.counters.request(operation);
    let now = state.now_ms();
    let mut calls = state.calls();
    let Some((campaign, ids)) = calls.campaign_and_ids(token) else {
        tracing::debug!(operation, "unknown campaign token");
        return crate::errors::calls_invalid_token();
    };
    if let Some(keyed) = &idempotence {
        match campaign
            .idempotency
            .lookup(keyed, now, shared.config.idempotency_bound)
        {
            Some(Found::Replay(stored)) => {
                shared.counters.idempotent_replay();
                tracing::debug!(operation, campaign = campaign.id, "idempotent replay");
                return stored;
            }
            Some(Found::Mismatch) => return key_reused(keyed.scope),
            None => {}
        }
    }
    let mut ctx = Ctx {
        campaign,
        ids,
        now,
        shared,
    };
    let reply = work(&mut ctx);
    let campaign = ctx.campaign;
    if let Some(keyed) = idempotence {
        campaign.idempotency.store(keyed, &reply, now);
    }
    tracing::debug!(
        operation,
        campaign = campaign.id,
        status = reply.status.as_u16(),
        "handled"
    );
    reply
}

/// 400 for a key first used with another request, in the operation's documented 400 shape
/// (`ApiErrorData` for campaign control, `{type, message, phone}` for the add-phone operations,
/// `{type, message}` elsewhere).
fn key_reused(scope: &str) -> Reply {
    const MESSAGE: &str = "This Idempotence-Key was first used with another request; \
                           use a new key for a new request";
    if scope == "controlCampaign" {
        crate::errors::api_error_data(
            StatusCode::BAD_REQUEST,
            "idempotence.key.reused",
            MESSAGE,
            &[],
        )
    } else if matches!(scope, "addPhone" | "addPhoneGetTest") {
        // The single-number adds answer 400 as `PhoneErrorResponse` or
        // `CampaignErrorResponse`; only the first fits this error, and it requires `phone`.
        CallsError::new("idempotence.key.reused", MESSAGE)
            .with("phone", "")
            .bad_request()
    } else {
        CallsError::new("idempotence.key.reused", MESSAGE).bad_request()
    }
}

/// The key of a request, bound to the operation and its input (`parts`).
pub(super) fn keyed(headers: &HeaderMap, scope: &'static str, parts: &[&[u8]]) -> Option<Keyed> {
    idempotence_header(headers).map(|key| Keyed {
        scope,
        key,
        request: fingerprint(parts),
    })
}

/// A JSON body in a canonical form (keys sorted, no spaces), so equal bodies that differ only
/// in layout count as the same request; bytes that are not JSON stay as they are.
pub(super) fn canonical(bytes: &[u8]) -> Vec<u8> {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_else(|| bytes.to_vec())
}

/// Turns `Result<Reply, Reply>` (success or error reply) into a reply.
pub(super) fn either(result: Result<Reply, Reply>) -> Reply {
    result.unwrap_or_else(|err| err)
}

pub(super) fn stopped_error(campaign: &Campaign) -> Reply {
    CallsError::new(
        "invalid.call.task.state",
        "The campaign is stopped and accepts no new numbers",
    )
    .with("state", campaign.status.state_code())
    .bad_request()
}

// ---------------------------------------------------------------- addPhones

async fn add_phones(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let (key, parsed) = match body.bytes() {
        Ok(bytes) => (
            keyed(&headers, "addPhones", &[&canonical(&bytes)]),
            crate::extract::parse::<Vec<RawJobParameters>>(Api::Calls { add_phone: false }, &bytes),
        ),
        Err(reply) => (None, Err(reply)),
    };
    run(&state, "addPhones", &token, key, |ctx| {
        either(parsed.and_then(|items| add_phones_work(ctx, items)))
    })
}

fn add_phones_work(ctx: &mut Ctx<'_>, items: Vec<RawJobParameters>) -> Result<Reply, Reply> {
    // Everything is validated before anything is created: a 400 leaves the
    // campaign untouched.
    check_duplicates(&items)?;
    let defaults = ctx.campaign.defaults;
    let valid = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| validate_job(item, i, defaults))
        .collect::<Result<Vec<_>, _>>()?;
    if ctx.campaign.status == CampaignStatus::Finished {
        return Err(stopped_error(ctx.campaign));
    }
    ctx.room_for(valid.len())?;
    let ids: Vec<String> = valid
        .into_iter()
        .map(|job| ctx.create(job).to_string())
        .collect();
    Ok(Reply::ok(&ids))
}

// ------------------------------------------------------- job selection / cancel

/// `{phones?, ids?}`; elements may be strings or numbers.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Selection {
    #[serde(default)]
    phones: Option<Vec<Value>>,
    #[serde(default)]
    ids: Option<Vec<Value>>,
}

/// Resolves a selection to job indexes in id order; unknown entries fail
/// the whole request.
pub(super) fn select_jobs(campaign: &Campaign, selection: &Selection) -> Result<Vec<usize>, Reply> {
    let mut picked = BTreeSet::new();
    for value in selection.ids.iter().flatten() {
        let text = phone_text(value).unwrap_or_else(|| value.to_string());
        let idx = text
            .trim()
            .parse::<u64>()
            .ok()
            .and_then(|id| campaign.job_index(id))
            .ok_or_else(|| {
                CallsError::new("id.not.found", "No call job with this id in the campaign")
                    .with("id", text.as_str())
                    .bad_request()
            })?;
        picked.insert(idx);
    }
    // Phones are looked up in one pass over the jobs (there is no per-phone index).
    let wanted: Vec<(String, String)> = selection
        .phones
        .iter()
        .flatten()
        .map(|value| {
            let text = phone_text(value).unwrap_or_else(|| value.to_string());
            let key = phone_key(&text);
            (text, key)
        })
        .collect();
    let found = campaign.jobs_by_phones(wanted.iter().map(|(_, key)| key.as_str()));
    for (text, key) in &wanted {
        let indexes = found.get(key.as_str()).ok_or_else(|| {
            CallsError::new(
                "phone.not.found",
                "No call job for this phone in the campaign",
            )
            .with("phone", text.as_str())
            .bad_request()
        })?;
        picked.extend(indexes.iter().copied());
    }
    // Indexes follow creation order, which is id order.
    Ok(picked.into_iter().collect())
}

async fn cancel_call_job(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let (key, parsed) = match body.bytes() {
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => (
            keyed(&headers, "cancelCallJob", &[b"{}"]),
            Ok(Selection::default()),
        ),
        Ok(bytes) => (
            keyed(&headers, "cancelCallJob", &[&canonical(&bytes)]),
            crate::extract::parse::<Selection>(Api::Calls { add_phone: false }, &bytes),
        ),
        Err(reply) => (None, Err(reply)),
    };
    run(&state, "cancelCallJob", &token, key, |ctx| {
        either(parsed.and_then(|selection| {
            let picked = select_jobs(ctx.campaign, &selection)?;
            let mut cancelled = Vec::new();
            for idx in picked {
                if ctx.campaign.cancel_job(idx, ctx.now)
                    && let Some(job) = ctx.campaign.jobs.get(idx)
                {
                    cancelled.push(job.id.to_string());
                }
            }
            Ok(Reply::ok(&cancelled))
        }))
    })
}

// ------------------------------------------------------- campaign info/control

async fn get_call_task(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
) -> Answer {
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallTask", &token, None, |ctx| {
        Reply::ok(&campaign_info(ctx.campaign, ctx.now, fmt))
    })
}

async fn get_call_task_status(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
) -> Answer {
    run(&state, "getCallTaskStatus", &token, None, |ctx| {
        Reply::ok(ctx.campaign.status.api_name())
    })
}

async fn control_campaign(
    State(state): State<EmulatorState>,
    PathParams((token, action)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let key = keyed(&headers, "controlCampaign", &[action.as_bytes()]);
    run(&state, "controlCampaign", &token, key, |ctx| {
        control_work(ctx, &action)
    })
}

fn control_work(ctx: &mut Ctx<'_>, action: &str) -> Reply {
    use CampaignStatus::{Finished, InProgress, Paused};
    let from = ctx.campaign.status;
    let to = match (action, from) {
        ("pause", InProgress) => Paused,
        ("resume", Paused) => InProgress,
        ("stop", InProgress | Paused) => Finished,
        ("pause" | "resume" | "stop", _) => {
            return crate::errors::api_error_data(
                StatusCode::BAD_REQUEST,
                "invalid.call.task.state",
                format!(
                    "Cannot {action} a campaign whose status is {}",
                    from.api_name()
                ),
                &[("action", action), ("status", from.api_name())],
            );
        }
        _ => {
            return crate::errors::api_error_data(
                StatusCode::BAD_REQUEST,
                "invalid.campaign.control.action",
                "The action must be one of: pause, resume, stop",
                &[("action", action)],
            );
        }
    };
    ctx.campaign.status = to;
    if to == Finished {
        // Stopping ends the campaign for good: open jobs are cancelled.
        let now = ctx.now;
        for idx in 0..ctx.campaign.jobs.len() {
            ctx.campaign.cancel_job(idx, now);
        }
        ctx.campaign.ended_at = Some(now);
    }
    Reply::empty(StatusCode::OK)
}
