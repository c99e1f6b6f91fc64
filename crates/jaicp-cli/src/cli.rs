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
    /// Talk to a bot as an end user (Chat API). Without a subcommand: an interactive session
    /// reading lines from stdin.
    Chat(ChatArgs),
    /// Fire pushback links (Pushgate API).
    #[command(subcommand)]
    Pushgate(PushgateCommand),
    /// Hybrid speech synthesis (Imputer API).
    #[command(subcommand)]
    Imputer(ImputerCommand),
    /// NLU data, training and inference of a project (NLP Direct API).
    Nlp(NlpArgs),
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

/// `jaicp chat`.
#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The end user's id (default `cli-user`).
    #[arg(long, global = true, default_value = "cli-user")]
    pub client_id: String,
    /// File holding the channel token (default: $JAICP_CHAT_TOKEN; the emulator's bot when
    /// JAICP_HOST is unset).
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// The subcommand; none starts an interactive session.
    #[command(subcommand)]
    pub command: Option<ChatCommand>,
}

/// Chat API commands.
#[derive(Debug, Subcommand)]
pub enum ChatCommand {
    /// Send one text (or with --event, one event) and print the bot's answer.
    Send {
        /// The text, or the event name with --event.
        text: String,
        /// Send an event instead of a text.
        #[arg(long)]
        event: bool,
        /// Print the whole answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print events of the client (one JSON object per line) as they arrive.
    Events {
        /// Stop after this many events.
        #[arg(long)]
        count: Option<usize>,
        /// Only events after this moment (epoch milliseconds).
        #[arg(long)]
        since: Option<i64>,
    },
}

/// Pushgate commands.
#[derive(Debug, Subcommand)]
pub enum PushgateCommand {
    /// Fire a pushback link. The link is a secret: it is read from --link-file,
    /// $JAICP_PUSHBACK_LINK or the first line of stdin, never from the command line.
    Fire {
        /// File holding the link.
        #[arg(long, value_name = "PATH")]
        link_file: Option<PathBuf>,
        /// JSON object to send with the event.
        #[arg(long, value_name = "PATH")]
        data_file: Option<PathBuf>,
    },
}

/// Imputer commands.
#[derive(Debug, Subcommand)]
pub enum ImputerCommand {
    /// Render a replica template into an audio file.
    Synth {
        /// The replica template id.
        #[arg(long)]
        template: String,
        /// A variable as name=value (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Speed of the synthesised parts (0.5 to 2).
        #[arg(long)]
        speed: Option<f64>,
        /// Where to write the audio.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// File holding the Imputer token (default: $JAICP_IMPUTER_TOKEN).
        #[arg(long, value_name = "PATH")]
        token_file: Option<PathBuf>,
    },
}

/// `jaicp nlp`: the key source and the command.
#[derive(Debug, Args)]
pub struct NlpArgs {
    /// File holding the NLP Direct key (default: $JAICP_NLP_KEY or $JAICP_NLP_KEY_FILE).
    #[arg(long, value_name = "PATH", global = true)]
    pub key_file: Option<PathBuf>,
    /// Base path of NLP Direct on the host (on-premise installs may differ).
    #[arg(
        long,
        env = "JAICP_NLP_PREFIX",
        default_value = "/cailapub",
        global = true
    )]
    pub prefix: String,
    /// The command.
    #[command(subcommand)]
    pub command: NlpCommand,
}

/// NLP Direct commands.
#[derive(Debug, Subcommand)]
pub enum NlpCommand {
    /// Write the project's NLU data as canonical, pretty JSON (stable order, no server ids).
    Export {
        /// Output file (default: stdout).
        file: Option<PathBuf>,
        /// Keep the ids the server assigned.
        #[arg(long)]
        keep_ids: bool,
    },
    /// Replace the project's NLU data with a JSON file (checked before sending).
    Import {
        /// The file (as written by `export`).
        file: PathBuf,
        /// Refuse files larger than this many bytes.
        #[arg(long, default_value_t = 16 * 1024 * 1024)]
        max_bytes: u64,
        /// Train afterwards and wait for the outcome.
        #[arg(long)]
        train: bool,
    },
    /// Train the classifier.
    Train {
        /// Wait until training is READY (or FAILED).
        #[arg(long)]
        wait: bool,
        /// Retrain everything, not only the changed parts.
        #[arg(long)]
        full: bool,
        /// Give up waiting after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Show the training status.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Classify a phrase.
    Infer {
        /// The phrase.
        text: String,
        /// How many intents to show.
        #[arg(long, default_value_t = 1)]
        n_best: i64,
        /// The end user, for client entities.
        #[arg(long)]
        client_id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Intents.
    #[command(subcommand)]
    Intents(IntentsCommand),
    /// Entities.
    #[command(subcommand)]
    Entities(EntitiesCommand),
    /// The spelling dictionary.
    #[command(subcommand)]
    Speller(SpellerCommand),
}

/// `jaicp nlp intents`.
#[derive(Debug, Subcommand)]
pub enum IntentsCommand {
    /// List intents.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Print one intent as JSON.
    Get {
        /// Intent id.
        id: i64,
    },
    /// Find intents by text in their path, answer, phrases or slots.
    Search {
        /// The text.
        text: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete intents by id.
    Delete {
        /// Intent ids.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

/// `jaicp nlp entities`.
#[derive(Debug, Subcommand)]
pub enum EntitiesCommand {
    /// List entities.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// List the records of an entity.
    Records {
        /// Entity name.
        name: String,
        /// Records of this end user (client entities).
        #[arg(long)]
        client_id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete entities by name.
    Delete {
        /// Entity names.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// `jaicp nlp speller`.
#[derive(Debug, Subcommand)]
pub enum SpellerCommand {
    /// Print the dictionary (`word<TAB>number` lines).
    Get,
    /// Replace the dictionary with a file of `word<TAB>number` lines.
    Set {
        /// The file.
        file: PathBuf,
    },
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
    /// Check the whole file and print the summary without sending anything.
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
    /// After adding (and waiting), print the call job report of the added numbers.
    #[arg(long, value_enum, value_name = "FORMAT", num_args = 0..=1, default_missing_value = "table")]
    pub report: Option<Format>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
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
