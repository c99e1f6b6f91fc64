//! `jaicp calls ...`: the Calls API (campaign token).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use futures_util::TryStreamExt;
use indicatif::ProgressBar;
use jaicp_calls::Calls;
use jaicp_calls::models::{CallAttemptDates, CallJobDates, CampaignControlAction};
use jaicp_core::Timestamp;

use crate::cli::Globals;
use crate::target::Target;

/// Calls API commands.
#[derive(Debug, Subcommand)]
pub enum CallsCommand {
    /// Add numbers from a CSV or JSON file: validated, de-duplicated, chunked and resumable.
    AddPhones(AddPhonesArgs),
    /// Show the campaign's information and status.
    Status(StatusArgs),
    /// Pause, resume or stop the campaign.
    Control(ControlArgs),
    /// Print a report.
    Report(ReportArgs),
}

/// Where the campaign token comes from.
#[derive(Debug, Args, Clone)]
pub struct CampaignArgs {
    /// File holding the campaign token (default: $JAICP_CAMPAIGN_TOKEN or $JAICP_CAMPAIGN_TOKEN_FILE).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

/// `jaicp calls add-phones`.
#[derive(Debug, Args)]
pub struct AddPhonesArgs {
    /// The numbers: CSV with a header row, a JSON array, or JSON Lines (by extension, else by
    /// the first bytes); `-` reads stdin. CSV columns are matched strictly: `phone` and the
    /// call-policy fields under their exact names (`gmtZone`, `dialerPriority`, `maxAttempts`,
    /// `retryIntervalInMinutes`, `startDateTime`, `finishDateTime`, `allowedDays`,
    /// `allowedTime`, `externalCheck`); payload columns are declared with --payload-columns or
    /// named `payload.<key>`. Any other column is an error.
    pub file: PathBuf,
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
    /// Columns (or JSON keys) that go into the script payload, comma-separated.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub payload_columns: Vec<String>,
    /// The input's format, when neither the extension nor the first bytes tell it.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<crate::addphones::reader::Format>,
    /// Check the whole file and print the summary without sending anything (needs no host and
    /// no token).
    #[arg(long)]
    pub dry_run: bool,
    /// Numbers per request.
    #[arg(long, default_value_t = 1000)]
    pub chunk_size: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Journal of finished chunks, for resuming (default: `<file>.journal`; none for stdin).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Ignore an existing journal and start over (idempotence keys still prevent duplicates
    /// within 24 hours).
    #[arg(long)]
    pub restart: bool,
    /// Wait until every added number has been called.
    #[arg(long)]
    pub wait: bool,
    /// After adding (and waiting), print the call job report of the added numbers (in the
    /// format of --output).
    #[arg(long)]
    pub report: bool,
}

/// `jaicp calls status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
}

/// Campaign control actions.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Action {
    /// Pause calling.
    Pause,
    /// Resume calling.
    Resume,
    /// Stop for good (asks first on a terminal; --yes skips the question).
    Stop,
}

/// `jaicp calls control`.
#[derive(Debug, Args)]
pub struct ControlArgs {
    /// What to do.
    #[arg(value_enum)]
    pub action: Action,
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
}

/// Which report to print.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportKind {
    /// One row per number (call job).
    Jobs,
    /// One row per call attempt.
    Attempts,
    /// Call jobs that have not finished.
    Unfinished,
}

/// `jaicp calls report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum, default_value = "jobs")]
    pub kind: ReportKind,
    /// Start of the window (RFC 3339 or epoch ms; default 7 days ago).
    #[arg(long)]
    pub from: Option<String>,
    /// End of the window (RFC 3339 or epoch ms; default now).
    #[arg(long)]
    pub to: Option<String>,
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
}

/// Columns of the call job report.
pub const JOB_COLUMNS: &[&str] = &[
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

/// The default deadline of a Calls command.
pub fn default_timeout(command: &CallsCommand) -> Duration {
    match command {
        CallsCommand::AddPhones(_) => super::BULK_DEADLINE,
        CallsCommand::Status(_) | CallsCommand::Control(_) | CallsCommand::Report(_) => {
            super::REQUEST_DEADLINE
        }
    }
}

/// Runs a Calls command.
pub async fn run(command: CallsCommand, globals: &Globals) -> anyhow::Result<()> {
    match command {
        // add-phones connects only when it sends (not for --dry-run).
        CallsCommand::AddPhones(args) => crate::addphones::command::run(args, globals).await,
        CallsCommand::Status(args) => status(&Target::connect(globals).await?, args, globals).await,
        CallsCommand::Control(args) => {
            control(&Target::connect(globals).await?, args, globals).await
        }
        CallsCommand::Report(args) => report(&Target::connect(globals).await?, args, globals).await,
    }
}

/// The Calls API handle with the campaign token of `token_file`, the environment, the profile or
/// the emulator.
pub fn calls(target: &Target, token_file: Option<&std::path::Path>) -> anyhow::Result<Calls> {
    Ok(calls_with(target, &target.campaign_token(token_file)?))
}

/// The Calls handle for a campaign token already read.
pub fn calls_with(target: &Target, token: &jaicp_core::CampaignToken) -> Calls {
    // The profile's route family (`jaicp doctor --write-config` sets it when a host serves the
    // single-number add only under the older /api/calls).
    let older = target
        .profile
        .profile
        .sources
        .get("calls_route_family")
        .is_some_and(|v| v == "older");
    if older {
        Calls::with_paths(&target.client, token, jaicp_calls::CallsPaths::older())
    } else {
        Calls::new(&target.client, token)
    }
}

/// Polls until no call job of the campaign is unfinished. A failed poll shows a status line on
/// stderr and is retried (the rules of [`crate::wait`]).
pub async fn wait_until_called(calls: &Calls, globals: &Globals) -> anyhow::Result<()> {
    let bar = if globals.progress() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_message("waiting for the calls to finish");
    let mut failures = 0;
    loop {
        let unfinished: Vec<_> = match calls.unfinished_jobs().try_collect().await {
            Ok(list) => {
                failures = 0;
                list
            }
            Err(e) if crate::wait::transient(&e) => {
                failures += 1;
                if failures >= crate::wait::MAX_POLL_FAILURES {
                    bar.finish_and_clear();
                    return Err(anyhow::Error::new(e).context(format!(
                        "gave up waiting for the calls after {failures} failed polls in a row"
                    )));
                }
                bar.suspend(|| {
                    globals.note(&crate::wait::failed_poll_note("the calls", &e, failures))
                });
                tokio::time::sleep(crate::wait::pause(failures)).await;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
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

async fn status(target: &Target, args: StatusArgs, globals: &Globals) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let info = calls.campaign().send().await?;
    let status = calls.campaign_status().send().await?;
    let out = globals.out();
    let mut value = serde_json::to_value(&info)?;
    value["status"] = serde_json::Value::String(status.to_string());
    if out.format.is_some() {
        return out.value(&value);
    }
    out.line(&format!(
        "campaign: {}",
        value.get("name").and_then(|v| v.as_str()).unwrap_or("-")
    ))?;
    out.line(&format!("status:   {status}"))?;
    if let Some(short) = value.get("shortReport").and_then(|v| v.as_object()) {
        for (k, v) in short {
            out.line(&format!("  {k}: {v}"))?;
        }
    }
    Ok(())
}

async fn control(target: &Target, args: ControlArgs, globals: &Globals) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let action = match args.action {
        Action::Pause => CampaignControlAction::Pause,
        Action::Resume => CampaignControlAction::Resume,
        Action::Stop => {
            globals.confirm("Stop the campaign for good? It cannot be resumed.")?;
            CampaignControlAction::Stop
        }
    };
    calls.control_campaign(action).send().await?;
    let status = calls.campaign_status().send().await?;
    let out = globals.out();
    if out.format.is_some() {
        return out.value(&serde_json::json!({ "status": status.to_string() }));
    }
    out.line(&format!("campaign is now {status}"))
}

fn parse_time(text: Option<&str>, default: Timestamp) -> anyhow::Result<Timestamp> {
    match text {
        None => Ok(default),
        Some(t) => Timestamp::parse(t).ok_or_else(|| {
            crate::error::usage(format!("`{t}` is not an RFC 3339 time or epoch ms"))
        }),
    }
}

/// How far past "now" the default report window reaches. The emulator runs its dialer on a clock
/// that moves ahead of the wall clock (simulated calls take no real time), so its jobs can carry
/// times days in the future; a loopback host gets a year of room. A real JAICP gets a day, for
/// clock skew.
fn default_window_end(target: &Target, now: Timestamp) -> Timestamp {
    let ahead_ms: i64 = if target.emulator.is_some() || target.client.host().is_loopback() {
        366 * 86_400_000
    } else {
        86_400_000
    };
    Timestamp::from_millis(now.as_millis().saturating_add(ahead_ms)).unwrap_or(now)
}

async fn report(target: &Target, args: ReportArgs, globals: &Globals) -> anyhow::Result<()> {
    let calls = calls(target, args.campaign.token_file.as_deref())?;
    let now = Timestamp::now();
    let week_ago = Timestamp::from_millis(now.as_millis() - 7 * 24 * 3600 * 1000).unwrap_or(now);
    let from = parse_time(args.from.as_deref(), week_ago)?;
    let to = parse_time(args.to.as_deref(), default_window_end(target, now))?;
    if from >= to {
        return Err(crate::error::usage("--from must be before --to"));
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
    globals.out().rows(columns, rows)
}
