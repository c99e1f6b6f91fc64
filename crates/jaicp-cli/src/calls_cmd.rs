//! `jaicp calls ...`.

use std::io::Write;
use std::time::Duration;

use anyhow::Context;
use futures_util::TryStreamExt;
use indicatif::ProgressBar;
use jaicp_calls::Calls;
use jaicp_calls::models::{CallAttemptDates, CallJobDates, CallNumbersAndCallJobIds};
use jaicp_core::Timestamp;

use crate::cli::{
    Action, AddPhonesArgs, CallsCommand, ControlArgs, ReportArgs, ReportKind, StatusArgs,
};
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
    match command {
        CallsCommand::AddPhones(args) => add_phones(args).await,
        CallsCommand::Status(args) => status(&Target::connect().await?, args).await,
        CallsCommand::Control(args) => control(&Target::connect().await?, args).await,
        CallsCommand::Report(args) => report(&Target::connect().await?, args).await,
    }
}

fn calls(target: &Target, token_file: Option<&std::path::Path>) -> anyhow::Result<Calls> {
    Ok(Calls::new(
        &target.client,
        &target.campaign_token(token_file)?,
    ))
}

async fn add_phones(args: AddPhonesArgs) -> anyhow::Result<()> {
    use crate::addphones::command::{Ending, default_journal, execute, print, progress_wanted};
    use crate::addphones::{Plan, Sending};
    let progress = progress_wanted(args.no_progress);
    let plan = Plan {
        input: args.file.clone(),
        format: args.input_format,
        payload_columns: args.payload_columns.clone(),
        progress,
    };
    // A dry run needs no target and no credential; a real run resolves both before reading the
    // file, so a missing token is told at once, not after a long first pass.
    let target = if args.dry_run {
        None
    } else {
        Some(Target::connect().await?)
    };
    let calls = match &target {
        Some(t) => Some(calls(t, args.campaign.token_file.as_deref())?),
        None => None,
    };
    // The embedded emulator forgets everything when the process exits, so a journal of what it
    // accepted would only make the next run skip numbers: journal real targets only.
    let journal = match &target {
        Some(t) if t.emulator.is_none() => {
            args.journal.clone().or_else(|| default_journal(&args.file))
        }
        _ => None,
    };
    let sending = Sending {
        chunk_size: args.chunk_size,
        concurrency: args.concurrency,
        journal,
        restart: args.restart,
        keep_job_ids: args.report.is_some(),
        progress,
    };
    let summary = match execute(plan, sending, calls.clone()).await {
        Ok(summary) => summary,
        Err(failure) => {
            eprintln!("jaicp: error: {failure}");
            return Err(crate::addphones::command::Exit(failure.exit_code()).into());
        }
    };
    print(&summary, args.json, &mut std::io::stdout().lock())?;
    let ending = Ending::of(&summary);
    if let (Some(calls), Ending::Success | Ending::Partial) = (&calls, ending) {
        if args.wait {
            wait_until_called(calls).await?;
        }
        if let Some(format) = args.report {
            let rows = calls
                .call_job_report(CallNumbersAndCallJobIds {
                    ids: Some(summary.job_ids.clone()),
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
    }
    match ending {
        Ending::Success => Ok(()),
        other => Err(crate::addphones::command::Exit(other.exit_code()).into()),
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
    let status = calls.status().await?;
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
    match args.action {
        Action::Pause => calls.pause().await?,
        Action::Resume => calls.resume().await?,
        Action::Stop => calls.stop().await?,
    }
    println!("campaign is now {}", calls.status().await?);
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
