//! `jaicp calls ...`.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use jaicp_calls::models::{
    CallAttemptDates, CallJobDates, CallNumbersAndCallJobIds, CampaignControlAction,
};
use jaicp_calls::{Calls, RejectReason};
use jaicp_core::Timestamp;
use sha2::{Digest, Sha256};

use crate::cli::{
    Action, AddPhonesArgs, CallsCommand, ControlArgs, ReportArgs, ReportKind, StatusArgs,
};
use crate::journal::{Entry, Journal, Resumed};
use crate::output::print_rows;
use crate::target::Target;

const JOB_COLUMNS: &[&str] = &[
    "callJobId",
    "phone",
    "jobStatus",
    "attemptsCount",
    "createdAt",
    "finishedAt",
    "callDuration",
];
const ATTEMPT_COLUMNS: &[&str] = &[
    "callJobId",
    "phone",
    "attemptNumber",
    "jobStatus",
    "callResult",
    "startedAt",
    "finishedAt",
    "callDuration",
];

/// Runs a Calls command.
pub async fn run(command: CallsCommand) -> anyhow::Result<()> {
    let target = Target::connect().await?;
    match command {
        CallsCommand::AddPhones(args) => add_phones(&target, args).await,
        CallsCommand::Status(args) => status(&target, args).await,
        CallsCommand::Control(args) => control(&target, args).await,
        CallsCommand::Report(args) => report(&target, args).await,
    }
}

fn calls(target: &Target, token_file: Option<&std::path::Path>) -> anyhow::Result<Calls> {
    Ok(Calls::new(
        &target.client,
        &target.campaign_token(token_file)?,
    ))
}

async fn add_phones(target: &Target, args: AddPhonesArgs) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let numbers = crate::input::read_numbers(&args.file, &bytes)?;
    let total = numbers.len();
    let input_sha = hex::encode(Sha256::digest(&bytes));
    let journal_path = args.journal.clone().unwrap_or_else(|| {
        let mut p = args.file.clone().into_os_string();
        p.push(".journal");
        p.into()
    });
    // The embedded emulator forgets everything when the process exits, so a journal of what it
    // accepted would only make the next run skip numbers: journal real targets only.
    let (journal, resumed) = if target.emulator.is_some() {
        (None, Resumed::default())
    } else {
        let (j, r) = Journal::open(&journal_path, &input_sha, args.chunk_size, args.restart)?;
        (Some(Arc::new(j)), r)
    };
    if !resumed.chunks.is_empty() {
        eprintln!(
            "jaicp: resuming: {} chunks already done ({} numbers added)",
            resumed.chunks.len(),
            resumed.created
        );
    }

    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} numbers ({per_sec}, eta {eta}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress_bar = bar.clone();
    let journal_writer = journal.clone();
    let journal_errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let journal_errors_sink = journal_errors.clone();
    let report = calls
        .add_phones(numbers)
        .chunk_size(args.chunk_size)
        .concurrency(args.concurrency)
        // The key seed is the input's hash: rerunning the same file re-sends the same keys.
        .idempotency_seed(input_sha.clone())
        .skip_chunks(resumed.chunks.iter().copied())
        .on_progress(move |p| {
            progress_bar.set_position(p.phones_done as u64);
            progress_bar.set_message(format!("{} created", p.created));
        })
        .on_chunk(move |outcome| {
            if outcome.error.is_some() {
                return;
            }
            let rejected = outcome
                .rejected
                .iter()
                .map(|r| (r.index, reason_code(&r.reason)))
                .collect();
            let entry = Entry::Chunk {
                chunk: outcome.chunk,
                created: outcome.created.len(),
                rejected,
            };
            let Some(journal) = &journal_writer else {
                return;
            };
            if let Err(e) = journal.record(&entry) {
                journal_errors_sink
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(e.to_string());
            }
        })
        .run()
        .await?;
    bar.finish_and_clear();
    if let Some(e) = journal_errors
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .first()
    {
        eprintln!(
            "jaicp: warning: the journal could not be written ({e}); a rerun may resend chunks"
        );
    }

    let created = resumed.created + report.created.len();
    let server_rejected = resumed.rejected.len()
        + report
            .rejected
            .iter()
            .filter(|r| matches!(r.reason, RejectReason::Server(_)))
            .count();
    let invalid = report
        .rejected
        .iter()
        .filter(|r| matches!(r.reason, RejectReason::Invalid { .. }))
        .count();
    let summary = serde_json::json!({
        "total": total,
        "created": created,
        "duplicated": report.duplicates.len(),
        "rejected": invalid + server_rejected,
        "pending": report.pending(),
        "resumedChunks": resumed.chunks.len(),
        "journal": journal.as_ref().map(|j| j.path().display().to_string()),
    });
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{summary}")?;
    } else {
        writeln!(
            out,
            "added {created} of {total} numbers: {} duplicated in the file, {} rejected, {} pending",
            report.duplicates.len(),
            invalid + server_rejected,
            report.pending()
        )?;
        for r in report.rejected.iter().take(20) {
            writeln!(
                out,
                "  rejected row {}: {}: {}",
                r.index + 1,
                r.phone,
                reason_text(&r.reason)
            )?;
        }
        if report.rejected.len() > 20 {
            writeln!(
                out,
                "  ... and {} more rejected",
                report.rejected.len() - 20
            )?;
        }
        for failed in &report.failed {
            if let Some(e) = &failed.error {
                writeln!(
                    out,
                    "  chunk {} not added ({} numbers): {e}",
                    failed.chunk,
                    failed.pending.len()
                )?;
            }
        }
    }
    drop(out);
    if !report.is_complete() {
        anyhow::bail!(
            "{} numbers are pending; run the same command again to resume",
            report.pending()
        );
    }
    if args.wait {
        wait_until_called(&calls).await?;
    }
    if let Some(format) = args.report {
        let ids: Vec<String> = report
            .created
            .iter()
            .map(|c| c.job_id.to_string())
            .collect();
        let rows = calls
            .call_job_report(CallNumbersAndCallJobIds {
                ids: Some(ids),
                phones: None,
            })
            .send()
            .await?;
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()?;
        print_rows(&mut std::io::stdout().lock(), format, JOB_COLUMNS, &rows)?;
    }
    Ok(())
}

fn reason_code(reason: &RejectReason) -> String {
    match reason {
        RejectReason::Invalid { field, .. } => format!("invalid:{field}"),
        RejectReason::Server(e) => format!("{e:?}"),
        _ => "other".into(),
    }
}

fn reason_text(reason: &RejectReason) -> String {
    match reason {
        RejectReason::Invalid { field, reason } => format!("{field}: {reason}"),
        RejectReason::Server(e) => format!("server refused: {e:?}"),
        _ => "refused".into(),
    }
}

/// Polls until no call job of the campaign is unfinished.
async fn wait_until_called(calls: &Calls) -> anyhow::Result<()> {
    let bar = ProgressBar::new_spinner();
    bar.set_message("waiting for the calls to finish");
    loop {
        let unfinished: Vec<_> = calls.unfinished_jobs().try_collect().await?;
        if unfinished.is_empty() {
            break;
        }
        bar.set_message(format!("{} numbers still being called", unfinished.len()));
        bar.tick();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bar.finish_and_clear();
    Ok(())
}

async fn status(target: &Target, args: StatusArgs) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let info = calls.campaign().send().await?;
    let status = calls.campaign_status().send().await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&info)?;
        value["status"] = serde_json::Value::String(status.to_string());
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        let value = serde_json::to_value(&info)?;
        writeln!(
            out,
            "campaign: {}",
            value.get("name").and_then(|v| v.as_str()).unwrap_or("-")
        )?;
        writeln!(out, "status:   {status}")?;
        if let Some(short) = value.get("shortReport").and_then(|v| v.as_object()) {
            for (k, v) in short {
                writeln!(out, "  {k}: {v}")?;
            }
        }
    }
    Ok(())
}

async fn control(target: &Target, args: ControlArgs) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let action = match args.action {
        Action::Pause => CampaignControlAction::Pause,
        Action::Resume => CampaignControlAction::Resume,
        Action::Stop => CampaignControlAction::Stop,
    };
    calls.control_campaign(action).send().await?;
    println!("campaign is now {}", calls.campaign_status().send().await?);
    Ok(())
}

fn parse_time(text: Option<&str>, default: Timestamp) -> anyhow::Result<Timestamp> {
    match text {
        None => Ok(default),
        Some(t) => Timestamp::parse(t)
            .with_context(|| format!("`{t}` is not an RFC 3339 time or epoch ms")),
    }
}

async fn report(target: &Target, args: ReportArgs) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let now = Timestamp::now();
    let week_ago = Timestamp::from_millis(now.as_millis() - 7 * 24 * 3600 * 1000).unwrap_or(now);
    let from = parse_time(args.from.as_deref(), week_ago)?;
    let to = parse_time(
        args.to.as_deref(),
        Timestamp::from_millis(now.as_millis() + 60_000).unwrap_or(now),
    )?;
    if from >= to {
        anyhow::bail!("--from must be before --to");
    }
    let (columns, rows): (&[&str], Vec<serde_json::Value>) = match args.kind {
        ReportKind::Jobs => {
            let filter = CallJobDates {
                created_at_from: Some(from),
                created_at_to: Some(to),
                ..Default::default()
            };
            let rows: Vec<_> = calls.call_job_reports(filter).try_collect().await?;
            (
                JOB_COLUMNS,
                rows.iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?,
            )
        }
        ReportKind::Attempts => {
            let filter = CallAttemptDates {
                started_at_from: Some(from),
                started_at_to: Some(to),
                ..Default::default()
            };
            let rows: Vec<_> = calls.call_attempt_reports(filter).try_collect().await?;
            (
                ATTEMPT_COLUMNS,
                rows.iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?,
            )
        }
        ReportKind::Unfinished => {
            let rows: Vec<_> = calls.unfinished_jobs().try_collect().await?;
            (
                JOB_COLUMNS,
                rows.iter()
                    .map(serde_json::to_value)
                    .collect::<Result<_, _>>()?,
            )
        }
    };
    print_rows(&mut std::io::stdout().lock(), args.format, columns, &rows)?;
    Ok(())
}
