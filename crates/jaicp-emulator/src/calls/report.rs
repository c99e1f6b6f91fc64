//! JSON views of jobs, attempts and campaigns, shaped after the document's
//! `CallJobReport`, `CallAttemptReport` and `CallTaskByTokenData` schemas.
//!
//! Optional fields are left out rather than sent as `null`, because the
//! document declares none of them nullable.

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Attempt, Campaign, Job, JobStatus};
use crate::clock::Millis;
use crate::state::TimestampFormat;

impl TimestampFormat {
    /// Renders an instant in the configured wire format.
    pub(crate) fn render(self, ms: Millis) -> Value {
        match self {
            Self::EpochMillis => Value::from(ms),
            Self::Rfc3339 => jiff::Timestamp::from_millisecond(ms)
                .map(|ts| Value::String(ts.to_string()))
                .unwrap_or(Value::Null),
        }
    }
}

/// One `CallJobReport`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallJobReport<'a> {
    call_job_id: String,
    phone: &'a str,
    attempts_count: u64,
    job_status: &'static str,
    created_at: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<Value>,
    call_duration: i64,
    report_data: Map<String, Value>,
}

/// One `CallAttemptReport`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallAttemptReport<'a> {
    call_job_id: String,
    phone: &'a str,
    job_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_result: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_duration: Option<i64>,
    started_at: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<Value>,
    attempt_number: u32,
    report_data: Map<String, Value>,
}

/// The job as seen at `now`; calls still in progress do not count yet.
pub(crate) fn job_report(job: &Job, now: Millis, fmt: TimestampFormat) -> CallJobReport<'_> {
    let done = job.attempts.iter().filter(|a| a.finished_at <= now);
    let mut report_data = Map::new();
    let mut call_duration = 0;
    for attempt in done {
        call_duration += attempt.talk_secs;
        if let Some(data) = &attempt.report_data {
            report_data.extend(data.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    CallJobReport {
        call_job_id: job.id.to_string(),
        phone: &job.phone,
        attempts_count: job.attempts.len() as u64,
        job_status: job.visible_status(now).api_name(),
        created_at: fmt.render(job.created_at),
        finished_at: job.visible_finished_at(now).map(|f| fmt.render(f)),
        call_duration,
        report_data,
    }
}

/// One attempt as seen at `now`; an attempt still in progress shows as
/// `inProcess` without its end, duration or result.
pub(crate) fn attempt_report<'a>(
    job: &'a Job,
    attempt: &Attempt,
    now: Millis,
    fmt: TimestampFormat,
) -> CallAttemptReport<'a> {
    let over = attempt.finished_at <= now;
    CallAttemptReport {
        call_job_id: job.id.to_string(),
        phone: &job.phone,
        job_status: if over {
            attempt.status.api_name()
        } else {
            JobStatus::InProcess.api_name()
        },
        call_result: attempt.call_result.filter(|_| over),
        call_duration: over.then_some(attempt.talk_secs),
        started_at: fmt.render(attempt.started_at),
        finished_at: over.then(|| fmt.render(attempt.finished_at)),
        attempt_number: attempt.number,
        report_data: attempt
            .report_data
            .clone()
            .filter(|_| over)
            .unwrap_or_default(),
    }
}

/// All attempts of `job` as seen at `now`, oldest first.
pub(crate) fn attempt_reports(
    job: &Job,
    now: Millis,
    fmt: TimestampFormat,
) -> impl Iterator<Item = CallAttemptReport<'_>> {
    job.attempts
        .iter()
        .map(move |attempt| attempt_report(job, attempt, now, fmt))
}

/// `shortReport` of the campaign info.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct ShortReport {
    total_numbers: u64,
    processed_numbers: u64,
    /// Seconds of conversation (the document says seconds; some prose says minutes).
    used_talking_time: i64,
    /// Speech recognition runs while the customer talks, so this mirrors talk time.
    used_asr_seconds: i64,
    in_process_calls: u64,
    retry_calls: u64,
}

/// `CallTaskByTokenData`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CampaignInfo<'a> {
    id: i64,
    name: &'a str,
    project_name: &'a str,
    creation_date: Value,
    bot_id: &'a str,
    status: &'static str,
    short_report: ShortReport,
    start_time: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<Value>,
    max_simultaneous_calls: usize,
}

pub(crate) fn campaign_info(c: &Campaign, now: Millis, fmt: TimestampFormat) -> CampaignInfo<'_> {
    let mut short = ShortReport {
        total_numbers: c.jobs.len() as u64,
        ..ShortReport::default()
    };
    for job in &c.jobs {
        if job.visible_finished_at(now).is_some() {
            short.processed_numbers += 1;
        }
        if job.visible_status(now) == JobStatus::InProcess {
            short.in_process_calls += 1;
        }
        for attempt in job.attempts.iter().filter(|a| a.finished_at <= now) {
            short.used_talking_time += attempt.talk_secs;
            if attempt.number > 1 {
                short.retry_calls += 1;
            }
        }
    }
    short.used_asr_seconds = short.used_talking_time;
    CampaignInfo {
        id: c.id,
        name: &c.name,
        project_name: &c.project_name,
        creation_date: fmt.render(c.created_at),
        bot_id: &c.bot_id,
        status: c.status.api_name(),
        short_report: short,
        // Campaigns start running as soon as they exist.
        start_time: fmt.render(c.created_at),
        end_time: c.ended_at.map(|t| fmt.render(t)),
        max_simultaneous_calls: c.max_simultaneous_calls,
    }
}
