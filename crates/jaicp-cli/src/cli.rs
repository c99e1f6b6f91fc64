//! The top-level command line: the global flags and one subcommand per command family. Each
//! family's own arguments live in its module under `cmd/`. Tokens never come from arguments (they
//! would show in `ps` and shell history): only from environment variables or files.

use clap::{Args, Parser, Subcommand};

use crate::cmd;

/// Script JAICP from a shell. With no JAICP_HOST set, commands run against an embedded emulator,
/// so everything works offline.
#[derive(Debug, Parser)]
#[command(name = "jaicp", version, about, long_about = None)]
pub struct Cli {
    /// Flags every command takes.
    #[command(flatten)]
    pub globals: Globals,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that every command accepts, before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct Globals {
    /// Log what the SDK does (requests, retries) to stderr. Tokens are always redacted.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// Top-level commands: one per command family.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Outbound call campaigns (Calls API).
    #[command(subcommand)]
    Calls(cmd::calls::CallsCommand),
    /// Talk to a bot as an end user (Chat API). Without a subcommand: an interactive session
    /// reading lines from stdin.
    Chat(cmd::chat::ChatArgs),
    /// Fire pushback links (Pushgate API).
    #[command(subcommand)]
    Pushgate(cmd::pushgate::PushgateCommand),
    /// Hybrid speech synthesis (Imputer API).
    #[command(subcommand)]
    Imputer(cmd::imputer::ImputerCommand),
    /// NLU data, training and inference of a project (NLP Direct API).
    Nlp(cmd::nlp::NlpArgs),
    /// Bot projects (Project API, unified token).
    Project(cmd::project::ProjectArgs),
    /// Bot channels and deploys (Channel API, unified token).
    Channel(cmd::channel::ChannelArgs),
    /// Analytics: sessions, messages, clients, report files, labels, experiments (Reporter API).
    Reporter(cmd::reporter::ReporterArgs),
    /// Bulk text messaging (Text campaign API).
    TextCampaigns(cmd::text_campaigns::TextCampaignsArgs),
    /// The offline JAICP emulator.
    #[command(subcommand)]
    Emulator(cmd::emulator::EmulatorCommand),
    /// Check the configured JAICP against the SDK's documents; writes a report of shapes only.
    Doctor(cmd::doctor::DoctorArgs),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
