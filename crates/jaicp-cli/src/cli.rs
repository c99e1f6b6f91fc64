//! Command-line syntax. Tokens never come from arguments (they would show in `ps` and shell
//! history): only from environment variables or files.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Script JAICP from a shell. With no JAICP_HOST set, commands run against an embedded emulator,
/// so everything works offline.
#[derive(Debug, Parser)]
#[command(name = "jaicp", version, about, long_about = None)]
pub struct Cli {
    /// Log what the SDK does (requests, retries) to stderr. Tokens are always redacted.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Outbound call campaigns (Calls API).
    #[command(subcommand)]
    Calls(CallsCommand),
    /// Bot projects (Project API, unified token).
    Project {
        /// Token source.
        #[command(flatten)]
        token: crate::project_cmd::TokenArgs,
        /// The command.
        #[command(subcommand)]
        command: crate::project_cmd::ProjectCommand,
    },
    /// Bot channels and deploys (Channel API, unified token).
    Channel {
        /// Token source.
        #[command(flatten)]
        token: crate::project_cmd::TokenArgs,
        /// The command.
        #[command(subcommand)]
        command: crate::project_cmd::ChannelCommand,
    },
    /// Analytics: sessions, messages, clients, report files, labels, experiments (Reporter API).
    Reporter {
        /// Token source.
        #[command(flatten)]
        token: crate::project_cmd::TokenArgs,
        /// The command.
        #[command(subcommand)]
        command: crate::reporter_cmd::ReporterCommand,
    },
    /// Bulk text messaging (Text campaign API).
    TextCampaigns {
        /// Token source.
        #[command(flatten)]
        token: crate::project_cmd::TokenArgs,
        /// The command.
        #[command(subcommand)]
        command: crate::reporter_cmd::TextCampaignCommand,
    },
    /// The offline JAICP emulator.
    #[command(subcommand)]
    Emulator(EmulatorCommand),
}

/// Where the campaign token comes from.
#[derive(Debug, Args, Clone)]
pub struct CampaignArgs {
    /// File holding the campaign token (default: $JAICP_CAMPAIGN_TOKEN or $JAICP_CAMPAIGN_TOKEN_FILE).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

/// Output formats for listings.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// One JSON array.
    Json,
    /// Comma-separated values with a header.
    Csv,
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

/// `jaicp calls add-phones`.
#[derive(Debug, Args)]
pub struct AddPhonesArgs {
    /// CSV (header with a `phone` column; `gmtZone`, `dialerPriority`, `maxAttempts`,
    /// `retryIntervalInMinutes` are call policy, other columns become the payload) or JSON (array of
    /// numbers or of call job objects).
    pub file: PathBuf,
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
    /// Numbers per request.
    #[arg(long, default_value_t = 1000)]
    pub chunk_size: usize,
    /// Requests in flight.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Journal of finished chunks, for resuming (default: `<file>.journal`).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Ignore an existing journal and start over (idempotence keys still prevent duplicates
    /// within 24 hours).
    #[arg(long)]
    pub restart: bool,
    /// Wait until every added number has been called.
    #[arg(long)]
    pub wait: bool,
    /// After adding (and waiting), print the call job report of the added numbers.
    #[arg(long, value_enum, value_name = "FORMAT", num_args = 0..=1, default_missing_value = "table")]
    pub report: Option<Format>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `jaicp calls status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Campaign control actions.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Action {
    /// Pause calling.
    Pause,
    /// Resume calling.
    Resume,
    /// Stop for good.
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
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Campaign token source.
    #[command(flatten)]
    pub campaign: CampaignArgs,
}

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator on a local port until interrupted.
    Serve {
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8099)]
        port: u16,
        /// Seed of the simulated call outcomes.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}
