//! The add-phones command around the engine: check, then send (or only check with `--dry-run`),
//! print the summary, and say how the command ends.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use jaicp_calls::Calls;
use jaicp_calls::models::CallNumbersAndCallJobIds;

use crate::cli::Globals;
use crate::cmd::calls::{AddPhonesArgs, JOB_COLUMNS, calls_with, wait_until_called};
use crate::target::Target;

use super::journal::campaign_fingerprint;
use super::summary::{StopKind, Summary};
use super::{Failure, Plan, Sending, check, dry_run, send};

/// The command ends with this exit code; everything there was to say has been printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code {}", self.0)
    }
}

impl std::error::Error for Exit {}

impl Failure {
    /// 2 for a usage error (the file's shape, the options), 1 for anything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Input(_) => 1,
        }
    }
}

/// How the run ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every row added (or, dry run, every row valid and new).
    Success,
    /// Some rows rejected, repeated rows excepted, or pending.
    Partial,
    /// A failure no retry can fix stopped the run.
    Stopped(StopKind),
}

impl Ending {
    /// Of a summary.
    pub fn of(summary: &Summary) -> Ending {
        match &summary.stopped {
            Some(stop) => Ending::Stopped(stop.kind),
            None if summary.is_clean() => Ending::Success,
            None => Ending::Partial,
        }
    }

    /// The documented exit code: 0 success, 1 error (campaign cannot take numbers), 3
    /// credentials, 4 not found, 5 partial success.
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Success => 0,
            Ending::Partial => 5,
            Ending::Stopped(StopKind::Credentials) => 3,
            Ending::Stopped(StopKind::NotFound) => 4,
            Ending::Stopped(StopKind::CampaignState) => 1,
        }
    }
}

/// The journal of a file input when none is named: `<file>.journal` next to it. Stdin has none
/// (its idempotence keys still make a rerun of the same input within 24 hours safe).
pub fn default_journal(input: &Path) -> Option<PathBuf> {
    if input.as_os_str() == "-" {
        return None;
    }
    let mut path = input.as_os_str().to_owned();
    path.push(".journal");
    Some(path.into())
}

/// True when progress bars should be drawn: stderr is a terminal and nobody asked for quiet.
pub fn progress_wanted(quiet: bool) -> bool {
    !quiet && io::stderr().is_terminal()
}

/// Runs the first pass, then sends with `calls` or, when it is `None` (`--dry-run`), only
/// checks. The passes read files: they run on the blocking pool.
pub async fn execute(
    plan: Plan,
    sending: Sending,
    calls: Option<Calls>,
) -> Result<Summary, Failure> {
    let checked = tokio::task::spawn_blocking(move || check(&plan))
        .await
        .map_err(|e| Failure::Input(e.to_string()))??;
    match calls {
        None => {
            let chunk_size = sending.chunk_size;
            tokio::task::spawn_blocking(move || dry_run(&checked, chunk_size))
                .await
                .map_err(|e| Failure::Input(e.to_string()))?
        }
        Some(calls) => send(checked, calls, sending).await,
    }
}

/// Runs `jaicp calls add-phones`.
pub async fn run(args: AddPhonesArgs, globals: &Globals) -> anyhow::Result<()> {
    let progress = progress_wanted(!globals.progress());
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
        Some(Target::connect(globals).await?)
    };
    let (calls, campaign) = match &target {
        Some(t) => {
            let token = t.campaign_token(args.campaign.token_file.as_deref())?;
            let fingerprint =
                campaign_fingerprint(t.client.host().base_url().as_str(), token.expose());
            (Some(calls_with(t, &token)), Some(fingerprint))
        }
        None => (None, None),
    };
    // Against the embedded emulator no journal is written: its state survives between commands,
    // and a rerun re-sends the same idempotence keys and gets the same jobs back, so a journal
    // file next to the input (the quick start's is in the repository) would buy nothing.
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
        keep_job_ids: args.report,
        progress,
        campaign,
        quiet: globals.quiet,
    };
    let summary = match execute(plan, sending, calls.clone()).await {
        Ok(summary) => summary,
        Err(failure) => {
            eprintln!("jaicp: error: {failure}");
            return Err(Exit(failure.exit_code()).into());
        }
    };
    let out = globals.out();
    let json = matches!(
        out.format,
        Some(crate::output::Format::Json | crate::output::Format::Jsonl)
    );
    print(&summary, json, globals.quiet, &mut io::stdout().lock())?;
    let ending = Ending::of(&summary);
    if let (Some(calls), Ending::Success | Ending::Partial) = (&calls, ending) {
        if args.wait {
            wait_until_called(calls, globals).await?;
        }
        if args.report {
            let rows = calls
                .call_job_report(CallNumbersAndCallJobIds {
                    ids: Some(summary.job_ids.clone()),
                    phones: None,
                })
                .send()
                .await?;
            out.rows(JOB_COLUMNS, crate::output::rows(&rows)?)?;
        }
    }
    match ending {
        Ending::Success => Ok(()),
        other => Err(Exit(other.exit_code()).into()),
    }
}

/// Prints the summary: text for people or one JSON object, on `out`; on stderr the one message
/// of a stopped run (always: it explains the exit code) or the advice for pending numbers (not
/// with `--quiet`).
pub fn print(summary: &Summary, json: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, summary)?;
        writeln!(out)?;
    } else {
        summary.write_text(out)?;
    }
    out.flush()?;
    if let Some(message) = summary.stop_message() {
        eprintln!("jaicp: {message}");
    } else if let (Some(message), false) = (summary.pending_message(), quiet) {
        eprintln!("jaicp: {message}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addphones::summary::Stop;

    #[test]
    fn endings_map_to_the_documented_exit_codes() {
        let mut s = Summary::default();
        assert_eq!(Ending::of(&s).exit_code(), 0);
        s.duplicated = 3;
        assert_eq!(
            Ending::of(&s).exit_code(),
            0,
            "repeats in the file are not a failure"
        );
        s.rejected = 1;
        assert_eq!(Ending::of(&s).exit_code(), 5);
        s.stopped = Some(Stop {
            kind: StopKind::Credentials,
            code: Some("invalid.token".into()),
            status: Some(404),
            message: String::new(),
            cause: String::new(),
            hint: String::new(),
            first_chunk: true,
        });
        assert_eq!(Ending::of(&s).exit_code(), 3);
        assert_eq!(Ending::Stopped(StopKind::NotFound).exit_code(), 4);
    }

    #[test]
    fn journals_sit_next_to_files_only() {
        assert_eq!(
            default_journal(Path::new("a/b.csv")),
            Some(PathBuf::from("a/b.csv.journal"))
        );
        assert_eq!(default_journal(Path::new("-")), None);
    }
}
