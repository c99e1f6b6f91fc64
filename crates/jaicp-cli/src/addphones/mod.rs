//! `jaicp calls add-phones`: numbers from a file into a campaign, chunked, de-duplicated and
//! resumable through a journal.

mod journal;
mod numbers;

use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use jaicp_calls::RejectReason;
use jaicp_calls::models::CallNumbersAndCallJobIds;
use sha2::{Digest, Sha256};

use crate::cli::Globals;
use crate::cmd::calls::{AddPhonesArgs, JOB_COLUMNS, calls, wait_until_called};
use crate::error::Partial;
use crate::target::Target;
use journal::{Entry, Journal, Resumed};

/// Runs `calls add-phones`.
pub async fn run(target: &Target, args: AddPhonesArgs, globals: &Globals) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let bytes = crate::input::read_bytes(&args.file)?;
    let numbers = numbers::read_numbers(&args.file, &bytes)?;
    let total = numbers.len();
    let input_sha = hex::encode(Sha256::digest(&bytes));
    let journal_path = args.journal.clone().unwrap_or_else(|| {
        let mut p = args.file.clone().into_os_string();
        p.push(".journal");
        p.into()
    });
    // Against the embedded emulator no journal is written: its state survives between commands,
    // and a rerun re-sends the same idempotence keys and gets the same jobs back, so a journal
    // file next to the input (the quick start's is in the repository) would buy nothing.
    // Standard input has no name to hang a journal on unless --journal gives one.
    let no_journal_for_stdin = crate::input::is_stdio(&args.file) && args.journal.is_none();
    let (journal, resumed) = if target.emulator.is_some() || no_journal_for_stdin {
        (None, Resumed::default())
    } else {
        let (j, r) = Journal::open(&journal_path, &input_sha, args.chunk_size, args.restart)?;
        (Some(Arc::new(j)), r)
    };
    if !resumed.chunks.is_empty() {
        globals.note(&format!(
            "resuming: {} chunks already done ({} numbers added)",
            resumed.chunks.len(),
            resumed.created
        ));
    }

    let bar = if globals.progress() {
        ProgressBar::new(total as u64)
    } else {
        ProgressBar::hidden()
    };
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
        globals.warn(&format!(
            "the journal could not be written ({e}); a rerun may resend chunks"
        ));
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
    let out = globals.out();
    let rejected = invalid + server_rejected;
    if out
        .format
        .is_some_and(|f| f != crate::output::Format::Table)
    {
        out.value(&summary)?;
    } else {
        out.line(&format!(
            "added {created} of {total} numbers: {} duplicated in the file, {rejected} rejected, {} pending",
            report.duplicates.len(),
            report.pending()
        ))?;
        for r in report.rejected.iter().take(20) {
            out.line(&format!(
                "  rejected row {}: {}: {}",
                r.index + 1,
                r.phone,
                reason_text(&r.reason)
            ))?;
        }
        if report.rejected.len() > 20 {
            out.line(&format!(
                "  ... and {} more rejected",
                report.rejected.len() - 20
            ))?;
        }
        for failed in &report.failed {
            if let Some(e) = &failed.error {
                out.line(&format!(
                    "  chunk {} not added ({} numbers): {e}",
                    failed.chunk,
                    failed.pending.len()
                ))?;
            }
        }
    }
    if !report.is_complete() {
        return Err(Partial(format!(
            "{} numbers are pending; run the same command again to resume",
            report.pending()
        ))
        .into());
    }
    if args.wait {
        wait_until_called(&calls, globals).await?;
    }
    if args.report {
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
        out.rows(JOB_COLUMNS, crate::output::rows(&rows)?)?;
    }
    if rejected > 0 {
        return Err(Partial(format!("{rejected} numbers were rejected")).into());
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
