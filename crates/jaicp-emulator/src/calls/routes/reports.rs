//! Report handlers: by selection, by date with pagination, and unfinished jobs.

use serde_json::{Map, Value};

use super::{Calls, Selection, select_jobs};
use crate::calls::model::Job;
use crate::calls::report::{attempt_report, attempt_reports, job_report};
use crate::calls::validate::parse_instant;
use crate::clock::Millis;
use crate::errors::calls_invalid;
use crate::extract::Body;
use crate::reply::{Answer, Reply};
use crate::state::TimestampFormat;

pub(super) async fn get_call_job_report(calls: Calls, body: Body) -> Answer {
    selected("getCallJobReport", calls, body, |jobs, now, fmt| {
        let rows: Vec<_> = jobs.map(|job| job_report(job, now, fmt)).collect();
        Reply::ok(&rows)
    })
}

pub(super) async fn get_call_attempt_report(calls: Calls, body: Body) -> Answer {
    selected("getCallAttemptReport", calls, body, |jobs, now, fmt| {
        let rows: Vec<_> = jobs
            .flat_map(|job| attempt_reports(job, now, fmt))
            .collect();
        Reply::ok(&rows)
    })
}

/// The answer `rows` makes of the jobs a `{phones?, ids?}` selection picks, in id order.
fn selected(
    operation: &'static str,
    calls: Calls,
    body: Body,
    rows: impl FnOnce(&mut dyn Iterator<Item = &Job>, Millis, TimestampFormat) -> Reply,
) -> Answer {
    let parsed = body.json_or_default::<Selection>();
    let fmt = calls.timestamps();
    calls.run(operation, None, |ctx| {
        let picked = select_jobs(ctx.campaign, &parsed?)?;
        let mut jobs = picked
            .into_iter()
            .filter_map(|idx| ctx.campaign.jobs.get(idx));
        Ok(rows(&mut jobs, ctx.now, fmt))
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

pub(super) async fn get_call_job_report_by_date(calls: Calls, body: Body) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| parse_by_date(v, "createdAt"));
    let fmt = calls.timestamps();
    calls.run("getCallJobReportByDate", None, |ctx| {
        let (created, finished, page) = parsed?;
        let now = ctx.now;
        Ok(page.reply(
            ctx.campaign
                .jobs
                .iter()
                .filter(|j| created.contains(Some(j.created_at)))
                .filter(|j| finished.contains(j.visible_finished_at(now)))
                .map(|j| job_report(j, now, fmt)),
        ))
    })
}

pub(super) async fn get_call_job_report_unfinished(calls: Calls, body: Body) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| Page::parse(Some(&v)));
    let fmt = calls.timestamps();
    calls.run("getCallJobReportUnfinished", None, |ctx| {
        let page = parsed?;
        let now = ctx.now;
        Ok(page.reply(
            ctx.campaign
                .jobs
                .iter()
                .filter(|j| j.visible_finished_at(now).is_none())
                .map(|j| job_report(j, now, fmt)),
        ))
    })
}

pub(super) async fn get_call_attempt_report_by_date(calls: Calls, body: Body) -> Answer {
    let parsed = body
        .json_or_default::<Value>()
        .and_then(|v| parse_by_date(v, "startedAt"));
    let fmt = calls.timestamps();
    calls.run("getCallAttemptReportByDate", None, |ctx| {
        let (started, finished, page) = parsed?;
        let now = ctx.now;
        Ok(page.reply(
            ctx.campaign
                .jobs
                .iter()
                .flat_map(|j| j.attempts.iter().map(move |a| (j, a)))
                .filter(|(_, a)| {
                    let end = Some(a.finished_at).filter(|f| *f <= now);
                    started.contains(Some(a.started_at)) && finished.contains(end)
                })
                .map(|(j, a)| attempt_report(j, a, now, fmt)),
        ))
    })
}
