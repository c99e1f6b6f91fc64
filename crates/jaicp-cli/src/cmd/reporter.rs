//! `jaicp reporter ...`: the Reporter API (unified token).

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use jaicp_core::Timestamp;
use jaicp_core::download::DownloadOptions;
use jaicp_reporter::ids::{ExperimentKey, QuestionId, SessionId, SessionLabelId};
use jaicp_reporter::models::{
    CreateReportDto, FileType, ReportSettings, ScenarioExperimentBranchesDto, ScenarioExperimentDto,
};
use jaicp_reporter::{Filters, Listing, Reporter};

use crate::cli::Globals;
use crate::credentials::TokenArgs;
use crate::output::rows;
use crate::target::Target;

/// The default deadline of a Reporter command: generating and downloading a file waits.
pub fn default_timeout(args: &ReporterArgs) -> std::time::Duration {
    match args.command {
        ReporterCommand::Report { .. } => super::WAIT_DEADLINE,
        _ => super::REQUEST_DEADLINE,
    }
}

/// `jaicp reporter`: the token source and the command.
#[derive(Debug, clap::Args)]
pub struct ReporterArgs {
    /// Token source.
    #[command(flatten)]
    pub token: TokenArgs,
    /// The command.
    #[command(subcommand)]
    pub command: ReporterCommand,
}

/// Which report file.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFileKind {
    /// Sessions (dialogs).
    Sessions,
    /// Messages.
    Messages,
    /// Clients.
    Clients,
}

/// Reporter API commands.
#[derive(Debug, Subcommand)]
pub enum ReporterCommand {
    /// Sessions with a message in the window.
    Sessions(ListArgs),
    /// Messages in the window.
    Messages(ListArgs),
    /// Clients with a message in the window.
    Clients(ListArgs),
    /// Generate a report file and download it.
    Report {
        /// Which report.
        #[arg(value_enum, default_value = "sessions")]
        kind: ReportFileKind,
        /// Project short name.
        #[arg(long)]
        project: Option<String>,
        /// Start of the message window (RFC 3339 or epoch ms).
        #[arg(long)]
        from: Option<String>,
        /// End of the message window.
        #[arg(long)]
        to: Option<String>,
        /// XLSX instead of CSV.
        #[arg(long)]
        xlsx: bool,
        /// Where to write the file (`-`: stdout).
        #[arg(long, value_name = "FILE")]
        download: PathBuf,
        /// Refuse files larger than this many bytes.
        #[arg(long)]
        max_bytes: Option<u64>,
    },
    /// Session labels: list the ones of the messages API, create, attach, detach.
    #[command(subcommand)]
    Labels(LabelCommand),
    /// Scenario experiments.
    #[command(subcommand)]
    Experiments(ExperimentCommand),
}

/// Listing arguments.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Project short name.
    #[arg(long)]
    project: Option<String>,
    /// Start of the message window (RFC 3339 or epoch ms; default 7 days ago).
    #[arg(long)]
    from: Option<String>,
    /// End of the message window (default now).
    #[arg(long)]
    to: Option<String>,
    /// Stop after this many rows.
    #[arg(long)]
    limit: Option<usize>,
}

/// Label commands.
#[derive(Debug, Subcommand)]
pub enum LabelCommand {
    /// List message labels.
    List,
    /// Create a session label; prints its id.
    Create {
        /// Name.
        name: String,
        /// Priority.
        #[arg(long, default_value_t = 1)]
        priority: i32,
    },
    /// Put a session label on a session.
    Add {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Session label id.
        #[arg(long)]
        label: i64,
    },
    /// Take a session label off a session.
    Remove {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Session label id.
        #[arg(long)]
        label: i64,
    },
    /// Put a message label on a message.
    AddToMessage {
        /// Message (question) id.
        #[arg(long)]
        message: String,
        /// Message label id.
        #[arg(long)]
        label: i64,
    },
}

/// Experiment commands.
#[derive(Debug, Subcommand)]
pub enum ExperimentCommand {
    /// List experiments of a project.
    List {
        /// Project short name.
        #[arg(long)]
        project: String,
    },
    /// Create an experiment with branches.
    Create {
        /// Project short name.
        #[arg(long)]
        project: String,
        /// Experiment key.
        key: String,
        /// Branch keys.
        #[arg(long = "branch", required = true)]
        branches: Vec<String>,
    },
    /// Stop an experiment.
    Stop {
        /// Project short name.
        #[arg(long)]
        project: String,
        /// Experiment key.
        key: String,
    },
}

fn time(text: Option<&str>, default: Option<Timestamp>) -> anyhow::Result<Option<Timestamp>> {
    match text {
        None => Ok(default),
        Some(t) => Timestamp::parse(t).map(Some).ok_or_else(|| {
            crate::error::usage(format!(
                "`{t}` is not an RFC 3339 time nor epoch milliseconds"
            ))
        }),
    }
}

fn window(from: Option<&str>, to: Option<&str>) -> anyhow::Result<Filters> {
    let week_ago = Timestamp::from_millis(Timestamp::now().as_millis() - 7 * 86_400_000);
    let from = time(from, week_ago)?;
    let to = time(to, None)?;
    Ok(Filters::new().message_time(from, to))
}

/// Flattens `client.id` into `clientId` for tables.
fn flatten_client(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(id) = v.pointer("/client/id").cloned() {
        v["clientId"] = id;
    }
    v
}

async fn reporter(token: &TokenArgs, globals: &Globals) -> anyhow::Result<(Target, Reporter)> {
    let target = Target::connect(globals).await?;
    let r = Reporter::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    Ok((target, r))
}

/// Runs a Reporter command.
pub async fn run(args: ReporterArgs, globals: &Globals) -> anyhow::Result<()> {
    let ReporterArgs { token, command } = args;
    let (_target, r) = reporter(&token, globals).await?;
    let out = globals.out();
    match command {
        ReporterCommand::Sessions(a) => {
            let found = collect_rows(
                r.session_stream(window(a.from.as_deref(), a.to.as_deref())?, listing(&a)),
                a.limit,
            )
            .await?;
            let rows: Vec<_> = found.into_iter().map(flatten_client).collect();
            out.rows(
                &[
                    "sessionId",
                    "startTime",
                    "channelType",
                    "botId",
                    "clientId",
                    "questionCount",
                ],
                rows,
            )
        }
        ReporterCommand::Messages(a) => {
            let found = collect_rows(
                r.message_stream(window(a.from.as_deref(), a.to.as_deref())?, listing(&a)),
                a.limit,
            )
            .await?;
            let rows: Vec<_> = found.into_iter().map(flatten_client).collect();
            out.rows(
                &[
                    "sessionId",
                    "questionId",
                    "timestamp",
                    "clientId",
                    "question",
                    "textAnswer",
                ],
                rows,
            )
        }
        ReporterCommand::Clients(a) => {
            let found = collect_rows(
                r.client_stream(window(a.from.as_deref(), a.to.as_deref())?, listing(&a)),
                a.limit,
            )
            .await?;
            out.rows(
                &[
                    "id",
                    "channelType",
                    "botId",
                    "joinDate",
                    "lastVisitDate",
                    "isBlocked",
                ],
                found,
            )
        }
        ReporterCommand::Report {
            kind,
            project,
            from,
            to,
            xlsx,
            download,
            max_bytes,
        } => {
            let body = CreateReportDto {
                filters: Some(window(from.as_deref(), to.as_deref())?.to_list()?),
                settings: Some(ReportSettings {
                    file_type: if xlsx { FileType::Xlsx } else { FileType::Csv },
                    ..Default::default()
                }),
            };
            globals.note("generating the report...");
            let file = match kind {
                ReportFileKind::Sessions => {
                    let mut b = r.create_session_report().body(body);
                    if let Some(p) = project {
                        b = b.project_short_name(p);
                    }
                    b.wait().await?
                }
                ReportFileKind::Messages => {
                    let mut b = r.create_message_report().body(body);
                    if let Some(p) = project {
                        b = b.project_short_name(p);
                    }
                    b.wait().await?
                }
                ReportFileKind::Clients => {
                    let mut b = r.create_client_report().body(body);
                    if let Some(p) = project {
                        b = b.project_short_name(p);
                    }
                    b.wait().await?
                }
            };
            let bar = if globals.progress() && !crate::input::is_stdio(&download) {
                ProgressBar::new(0)
            } else {
                ProgressBar::hidden()
            };
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let progress_bar = bar.clone();
            let mut progress = move |done: u64, total: Option<u64>| {
                if let Some(t) = total {
                    progress_bar.set_length(t);
                }
                progress_bar.set_position(done);
            };
            let mut options = DownloadOptions::default().progress(&mut progress);
            if let Some(m) = max_bytes {
                options = options.max_bytes(m);
            }
            let n = if crate::input::is_stdio(&download) {
                let mut stdout = tokio::io::stdout();
                let n = r.download_report(&file, &mut stdout, options).await?;
                tokio::io::AsyncWriteExt::flush(&mut stdout).await?;
                n
            } else {
                r.download_report_to_file(&file, &download, options).await?
            };
            bar.finish_and_clear();
            globals.note(&format!(
                "wrote {n} bytes to {} ({} rows)",
                crate::input::display(&download),
                file.rows.map_or_else(|| "?".into(), |r| r.to_string())
            ));
            Ok(())
        }
        ReporterCommand::Labels(c) => labels(&r, c, globals).await,
        ReporterCommand::Experiments(c) => experiments(&r, c, globals).await,
    }
}

/// The first `limit` items of a listing stream, as output rows.
async fn collect_rows<T: serde::Serialize>(
    stream: impl futures_util::Stream<Item = jaicp_core::Result<T>>,
    limit: Option<usize>,
) -> anyhow::Result<Vec<serde_json::Value>> {
    let items: Vec<T> = stream.take_limit(limit).try_collect().await?;
    rows(&items)
}

fn listing(a: &ListArgs) -> Listing {
    let l = Listing::default();
    match &a.project {
        Some(p) => l.project(p.clone()),
        None => l,
    }
}

/// `take` with an optional limit.
trait TakeLimit: futures_util::Stream + Sized {
    fn take_limit(self, limit: Option<usize>) -> futures_util::stream::Take<Self> {
        self.take(limit.unwrap_or(usize::MAX))
    }
}
impl<S: futures_util::Stream> TakeLimit for S {}
use futures_util::StreamExt as _;

async fn labels(r: &Reporter, c: LabelCommand, globals: &Globals) -> anyhow::Result<()> {
    let out = globals.out();
    match c {
        LabelCommand::List => {
            let list = r.get_message_labels().send().await?;
            out.rows(&["id", "name", "priority"], rows(&list)?)
        }
        LabelCommand::Create { name, priority } => {
            let id = r.new_session_label(&name, priority).await?;
            out.line(&id.to_string())
        }
        LabelCommand::Add { session, label } => {
            r.label_session(&SessionId::from(session), SessionLabelId(label))
                .await?;
            Ok(())
        }
        LabelCommand::Remove { session, label } => {
            r.unlabel_session(&SessionId::from(session), SessionLabelId(label))
                .await?;
            Ok(())
        }
        LabelCommand::AddToMessage { message, label } => {
            r.label_message(
                &QuestionId::from(message),
                jaicp_reporter::ids::MessageLabelId(label),
            )
            .await?;
            Ok(())
        }
    }
}

async fn experiments(r: &Reporter, c: ExperimentCommand, globals: &Globals) -> anyhow::Result<()> {
    match c {
        ExperimentCommand::List { project } => {
            let list = r.get_scenario_experiments(project).send().await?;
            globals
                .out()
                .rows(&["key", "status", "description"], rows(&list)?)
        }
        ExperimentCommand::Create {
            project,
            key,
            branches,
        } => {
            let key = ExperimentKey::from(key);
            let body = ScenarioExperimentDto {
                key: key.to_string(),
                branches: branches
                    .into_iter()
                    .map(|b| ScenarioExperimentBranchesDto {
                        key: b,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            };
            r.create_scenario_experiment(project, body).send().await?;
            globals.note(&format!("created experiment {key}"));
            Ok(())
        }
        ExperimentCommand::Stop { project, key } => {
            globals.confirm(&format!("Stop experiment {key}?"))?;
            r.stop_scenario_experiment(project, key).send().await?;
            Ok(())
        }
    }
}
