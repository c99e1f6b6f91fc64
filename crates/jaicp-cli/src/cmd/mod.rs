//! One module per command family: each holds its clap arguments and its `run`.

pub mod auth;
pub mod calls;
pub mod channel;
pub mod chat;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod emulator;
pub mod imputer;
pub mod nlp;
pub mod project;
pub mod pushgate;
pub mod reporter;
pub mod text_campaigns;

use std::time::Duration;

use crate::cli::{Command, Globals};

/// Deadline of a command that makes a few requests.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(60);
/// Deadline of a command that waits for something (a deploy, training, calls, events, a report).
pub const WAIT_DEADLINE: Duration = Duration::from_secs(30 * 60);
/// Deadline of a bulk upload.
pub const BULK_DEADLINE: Duration = Duration::from_secs(6 * 3600);

/// The default deadline of a command when `--timeout` is not given; `None` for commands that run
/// until stopped (a server, an interactive session, which bounds each turn instead).
pub fn default_timeout(command: &Command) -> Option<Duration> {
    match command {
        Command::Calls(c) => Some(calls::default_timeout(c)),
        Command::Chat(a) => chat::default_timeout(a),
        Command::Nlp(a) => Some(nlp::default_timeout(a)),
        Command::Channel(a) => Some(channel::default_timeout(a)),
        Command::Reporter(a) => Some(reporter::default_timeout(a)),
        Command::Emulator(c) => emulator::default_timeout(c),
        Command::Pushgate(_)
        | Command::Imputer(_)
        | Command::Project(_)
        | Command::TextCampaigns(_)
        | Command::Config(_)
        | Command::Auth(_)
        | Command::Completions(_)
        | Command::Man(_) => Some(REQUEST_DEADLINE),
        // The doctor makes a bounded series of probes, each with its own timeout.
        Command::Doctor(_) => Some(WAIT_DEADLINE),
    }
}

/// Whether the command applies `--timeout` and Ctrl-C itself: a server stops cleanly when it runs
/// out of time or is interrupted (it writes its state and exits 0), so `main` must not cut it off.
pub fn owns_stop(command: &Command) -> bool {
    matches!(
        command,
        Command::Emulator(emulator::EmulatorCommand::Serve { .. })
    )
}

/// Runs the chosen command.
pub async fn run(command: Command, globals: &Globals) -> anyhow::Result<()> {
    match command {
        Command::Calls(command) => calls::run(command, globals).await,
        Command::Chat(args) => chat::run(args, globals).await,
        Command::Pushgate(command) => pushgate::run(command, globals).await,
        Command::Imputer(command) => imputer::run(command, globals).await,
        Command::Nlp(args) => nlp::run(args, globals).await,
        Command::Project(args) => project::run(args, globals).await,
        Command::Channel(args) => channel::run(args, globals).await,
        Command::Reporter(args) => reporter::run(args, globals).await,
        Command::TextCampaigns(args) => text_campaigns::run(args, globals).await,
        Command::Emulator(command) => emulator::run(command, globals).await,
        Command::Config(command) => config::run(command, globals),
        Command::Auth(command) => auth::run(command, globals).await,
        Command::Completions(args) => completions::run(args, globals),
        Command::Man(args) => completions::man(args, globals),
        Command::Doctor(args) => doctor::run(args, globals).await,
    }
}
