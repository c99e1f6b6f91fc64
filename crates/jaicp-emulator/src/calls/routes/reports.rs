//! Report handlers: by selection, by date with pagination, and unfinished jobs.

use axum::extract::State;
use serde_json::{Map, Value};

use super::{Selection, either, run, select_jobs};
use crate::calls::report::{attempt_report, attempt_reports, job_report};
use crate::calls::validate::parse_instant;
use crate::clock::Millis;
use crate::errors::calls_invalid;
use crate::extract::{Body, PathParams};
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
pub(super) async fn get_call_job_report(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    let parsed = body.json_or_default::<Selection>();
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallJobReport", &token, None, |ctx| {
        either(parsed.and_then(|selection| {
            let picked = select_jobs(ctx.campaign, &selection)?;
            let rows: Vec<_> = picked
                .into_iter()
                .filter_map(|idx| ctx.campaign.jobs.get(idx))
                .map(|job| job_report(job, ctx.now, fmt))
                .collect();
            Ok(Reply::ok(&rows))
        }))
    })
}

pub(super) async fn get_call_attempt_report(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    let parsed = body.json_or_default::<Selection>();
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallAttemptReport", &token, None, |ctx| {
        either(parsed.and_then(|selection| {
            let picked = select_jobs(ctx.campaign, &selection)?;
            let rows: Vec<_> = picked
                .into_iter()
                .filter_map(|idx| ctx.campaign.jobs.get(idx))
                .flat_map(|job| attempt_reports(job, ctx.now, fmt))
                .collect();
            Ok(Reply::ok(&rows))
        }))
    })
}

/// `page`/`pageSize` with the document's defaults and limits.
#[derive(Clone, Copy, Debug)]
struct Page {
    page: usize,
    size: usize,
}

impl Page {
    fn parse(value: Option<&Value>) -> Result<Self, Reply> {
        let obj = match value {
            None | Some(Value::Null) => return Ok(Self { page: 0, size: 20 }),
            Some(Value::Object(obj)) => obj,
            Some(_) => return Err(calls_invalid("pagination must be an object")),
        };
        let field = |name: &str, default: usize, lo: usize, hi: usize| match obj.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(v) => v
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| (lo..=hi).contains(n))
                .ok_or_else(|| {
                    calls_invalid(format!("{name} must be an integer from {lo} to {hi}"))
                }),
        };
        Ok(Self {
            page: field("page", 0, 0, 199)?,
            size: field("pageSize", 20, 1, 200)?,
        })
    }

    fn reply<T: serde::Serialize>(self, items: impl Iterator<Item = T>) -> Reply {
        let items: Vec<T> = items.skip(self.page * self.size).take(self.size).collect();
        Reply::ok(&serde_json::json!({
            "items": items,
            "pagination": { "page": self.page, "pageSize": self.size },
        }))
    }
}

/// Inclusive-from / exclusive-to instant bounds.
#[derive(Clone, Copy, Debug, Default)]
struct Range {
    from: Option<Millis>,
    to: Option<Millis>,
}

impl Range {
    fn is_set(self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    fn contains(self, t: Option<Millis>) -> bool {
        if !self.is_set() {
            return true;
        }
        t.is_some_and(|t| self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|e| t < e))
    }
}

/// Reads `{filter, pagination}`; `prefix` is `createdAt` or `startedAt`.
fn parse_by_date(value: Value, prefix: &str) -> Result<(Range, Range, Page), Reply> {
    let root = match &value {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        _ => return Err(calls_invalid("The body must be a JSON object")),
    };
    let filter = match root.get("filter") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(calls_invalid("filter must be an object")),
    };
    let bound = |name: String| -> Result<Option<Millis>, Reply> {
        match filter.get(&name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => parse_instant(v).map(Some).ok_or_else(|| {
                calls_invalid(format!(
                    "filter.{name} must be an ISO-8601 date-time or epoch milliseconds"
                ))
            }),
        }
    };
    let first = Range {
        from: bound(format!("{prefix}From"))?,
        to: bound(format!("{prefix}To"))?,
    };
    let finished = Range {
        from: bound("finishedAtFrom".into())?,
        to: bound("finishedAtTo".into())?,
    };
    Ok((first, finished, Page::parse(root.get("pagination"))?))
}

pub(super) async fn get_call_job_report_by_date(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| parse_by_date(v, "createdAt"));
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallJobReportByDate", &token, None, |ctx| {
        either(parsed.map(|(created, finished, page)| {
            let now = ctx.now;
            page.reply(
                ctx.campaign
                    .jobs
                    .iter()
                    .filter(|j| created.contains(Some(j.created_at)))
                    .filter(|j| finished.contains(j.visible_finished_at(now)))
                    .map(|j| job_report(j, now, fmt)),
            )
        }))
    })
}

pub(super) async fn get_call_job_report_unfinished(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| Page::parse(Some(&v)));
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallJobReportUnfinished", &token, None, |ctx| {
        either(parsed.map(|page| {
            let now = ctx.now;
            page.reply(
                ctx.campaign
                    .jobs
                    .iter()
                    .filter(|j| j.visible_finished_at(now).is_none())
                    .map(|j| job_report(j, now, fmt)),
            )
        }))
    })
}

pub(super) async fn get_call_attempt_report_by_date(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| parse_by_date(v, "startedAt"));
    let fmt = state.shared.config.timestamps;
    run(&state, "getCallAttemptReportByDate", &token, None, |ctx| {
        either(parsed.map(|(started, finished, page)| {
            let now = ctx.now;
            page.reply(
                ctx.campaign
                    .jobs
                    .iter()
                    .flat_map(|j| j.attempts.iter().map(move |a| (j, a)))
                    .filter(|(_, a)| {
                        let end = Some(a.finished_at).filter(|f| *f <= now);
                        started.contains(Some(a.started_at)) && finished.contains(end)
                    })
                    .map(|(j, a)| attempt_report(j, a, now, fmt)),
            )
        }))
    })
}
