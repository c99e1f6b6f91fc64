//! HTTP handlers for the 13 Calls API operations: the router, the shared
//! request flow, and the handlers for adding numbers, cancelling and
//! campaign control (CRM adds and reports live in the submodules).
//!
//! Every handler takes the [`Calls`] extractor and runs its work through [`Calls::run`]: count
//! the request, resolve the campaign (404 `invalid.token`), replay a stored `Idempotence-Key`
//! answer if there is one, then do the work (an [`Answer`], so `?` works inside). Bodies are
//! parsed before the lock is taken so a large batch does not stall other requests; a parse
//! error is returned from inside the work, after the campaign was resolved.

mod crm;
mod reports;

use std::collections::{BTreeSet, HashMap};

use axum::Router;
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

/// A Calls request: the state and the campaign token from the path (`{token}`). The token is
/// resolved by [`Calls::run`] under the Calls lock, where the work runs.
pub(super) struct Calls {
    state: EmulatorState,
    token: String,
}

impl axum::extract::FromRequestParts<EmulatorState> for Calls {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        let PathParams(mut path) =
            PathParams::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            token: path.remove("token").unwrap_or_default(),
        })
    }
}

impl Calls {
    /// The shared request flow: count the request as `operation`, resolve the campaign (404
    /// `invalid.token`), replay a stored answer for `idempotence` (the client's key, when the
    /// operation honours keys and the client sent one), else run `work` and store its answer
    /// under the key, error or not.
    pub(super) fn run(
        &self,
        operation: &'static str,
        idempotence: Option<Keyed>,
        work: impl FnOnce(&mut Ctx<'_>) -> Answer,
    ) -> Answer {
        answer(run_reply(
            &self.state,
            operation,
            &self.token,
            idempotence,
            work,
        ))
    }

    /// How report timestamps are written ([`crate::TimestampFormat`]).
    pub(super) fn timestamps(&self) -> crate::state::TimestampFormat {
        self.state.shared.config.timestamps
    }
}

fn run_reply(
    state: &EmulatorState,
    operation: &'static str,
    token: &str,
    idempotence: Option<Keyed>,
    work: impl FnOnce(&mut Ctx<'_>) -> Answer,
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
    let reply = work(&mut ctx).unwrap_or_else(|error| error);
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

pub(super) fn stopped_error(campaign: &Campaign) -> Reply {
    CallsError::new(
        "invalid.call.task.state",
        "The campaign is stopped and accepts no new numbers",
    )
    .with("state", campaign.status.state_code())
    .bad_request()
}

// ---------------------------------------------------------------- addPhones

async fn add_phones(calls: Calls, headers: HeaderMap, body: Body) -> Answer {
    let (key, parsed) = keyed_json::<Vec<RawJobParameters>>(&headers, "addPhones", body, false);
    calls.run("addPhones", key, |ctx| add_phones_work(ctx, parsed?))
}

/// The key of a request with a JSON body (bound to the body in canonical form) and the body
/// read into `T`; with `empty_is_default`, an empty body is `T::default()`, keyed as `{}`.
fn keyed_json<T: serde::de::DeserializeOwned + Default>(
    headers: &HeaderMap,
    scope: &'static str,
    body: Body,
    empty_is_default: bool,
) -> (Option<Keyed>, Result<T, Reply>) {
    match body.bytes() {
        Ok(bytes) if empty_is_default && bytes.iter().all(u8::is_ascii_whitespace) => {
            (keyed(headers, scope, &[b"{}"]), Ok(T::default()))
        }
        Ok(bytes) => (
            keyed(headers, scope, &[&canonical(&bytes)]),
            crate::extract::parse::<T>(Api::Calls { add_phone: false }, &bytes),
        ),
        Err(reply) => (None, Err(reply)),
    }
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

async fn cancel_call_job(calls: Calls, headers: HeaderMap, body: Body) -> Answer {
    let (key, parsed) = keyed_json::<Selection>(&headers, "cancelCallJob", body, true);
    calls.run("cancelCallJob", key, |ctx| {
        let picked = select_jobs(ctx.campaign, &parsed?)?;
        let mut cancelled = Vec::new();
        for idx in picked {
            if ctx.campaign.cancel_job(idx, ctx.now)
                && let Some(job) = ctx.campaign.jobs.get(idx)
            {
                cancelled.push(job.id.to_string());
            }
        }
        Ok(Reply::ok(&cancelled))
    })
}

// ------------------------------------------------------- campaign info/control

async fn get_call_task(calls: Calls) -> Answer {
    let fmt = calls.timestamps();
    calls.run("getCallTask", None, |ctx| {
        Ok(Reply::ok(&campaign_info(ctx.campaign, ctx.now, fmt)))
    })
}

async fn get_call_task_status(calls: Calls) -> Answer {
    calls.run("getCallTaskStatus", None, |ctx| {
        Ok(Reply::ok(ctx.campaign.status.api_name()))
    })
}

async fn control_campaign(
    calls: Calls,
    PathParams((_, action)): PathParams<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let key = keyed(&headers, "controlCampaign", &[action.as_bytes()]);
    calls.run("controlCampaign", key, |ctx| control_work(ctx, &action))
}

fn control_work(ctx: &mut Ctx<'_>, action: &str) -> Answer {
    use CampaignStatus::{Finished, InProgress, Paused};
    let from = ctx.campaign.status;
    let to = match (action, from) {
        ("pause", InProgress) => Paused,
        ("resume", Paused) => InProgress,
        ("stop", InProgress | Paused) => Finished,
        ("pause" | "resume" | "stop", _) => {
            return Err(crate::errors::api_error_data(
                StatusCode::BAD_REQUEST,
                "invalid.call.task.state",
                format!(
                    "Cannot {action} a campaign whose status is {}",
                    from.api_name()
                ),
                &[("action", action), ("status", from.api_name())],
            ));
        }
        _ => {
            return Err(crate::errors::api_error_data(
                StatusCode::BAD_REQUEST,
                "invalid.campaign.control.action",
                "The action must be one of: pause, resume, stop",
                &[("action", action)],
            ));
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
    Ok(Reply::empty(StatusCode::OK))
}
