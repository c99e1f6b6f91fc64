//! The top-level command line: the global flags and one subcommand per command family. Each
//! family's own arguments live in its module under `cmd/`. Tokens never come from arguments (they
//! would show in `ps` and shell history): only from environment variables, files or profiles that
//! name them.

use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::cmd;
use crate::output::{Format, Output};
use crate::terminal::ColorMode;

/// The long help of `jaicp` itself: where commands go, profiles, logging, exit codes.
const TOP_HELP: &str = "\
Where commands go:
  JAICP_HOST set (or `host` in the active profile)  that JAICP: app.jaicp.com, tovie, your on-premise URL
  otherwise                                          an embedded emulator started inside the command;
                                                     its state is kept in $XDG_DATA_HOME/jaicp/emulator
                                                     between commands (`jaicp emulator reset` clears it)

Credentials (never from arguments): a --token-file / --key-file, the API's environment variable
(JAICP_TOKEN, JAICP_CAMPAIGN_TOKEN, JAICP_CHAT_TOKEN, JAICP_NLP_KEY, JAICP_IMPUTER_TOKEN, or the
same name with _FILE), the active profile, or the emulator's demo credentials. `jaicp auth status`
shows which one each API uses.

Profiles: $XDG_CONFIG_HOME/jaicp/config.toml (JAICP_CONFIG overrides the path) holds named profiles
with a host and, per credential, a file path or an environment variable name, never the secret.
Pick one with --profile NAME or JAICP_PROFILE; `jaicp config use NAME` makes it the default.

Logging goes to stderr: -v for the SDK's requests and retries, or a filter in JAICP_LOG (or
RUST_LOG), e.g. JAICP_LOG=jaicp_core=debug. Tokens are redacted in every log line.

Exit codes: 0 success, 1 error, 2 usage, 3 credentials or permission, 4 not found,
5 partial success (rows rejected or pending), 130 interrupted. A closed stdout (`| head`) ends quietly.";

/// Script JAICP from a shell. With no JAICP_HOST set, commands run against an embedded emulator,
/// so everything works offline.
#[derive(Debug, Parser)]
#[command(
    name = "jaicp",
    version,
    about = "Script JAICP from a shell. Without JAICP_HOST (or a profile's host) commands run \
             against an embedded emulator that keeps its state between commands; --help tells more.",
    long_about = None,
    after_long_help = TOP_HELP
)]
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
    /// Output format: table, json (one document), jsonl (one object per line) or csv. Default:
    /// table for listings, json for single objects.
    #[arg(short, long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// Deadline of the whole command (30, 90s, 5m, 2h, 1d). Default: 60s for a request, 30m for
    /// commands that wait (--wait, reports, events), 6h for add-phones. Saturates at 10 years.
    #[arg(long, global = true, value_name = "DURATION", value_parser = crate::duration::parse)]
    pub timeout: Option<Duration>,
    /// Profile of the config file to use (default: the file's `current`).
    #[arg(long, global = true, env = "JAICP_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Print only results: no notes, warnings or progress on stderr (errors still show).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// No progress bars or spinners.
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Colour on stderr and in help: auto (a terminal and no NO_COLOR), always or never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: ColorMode,
    /// Print secrets (tokens, accessToken, webhook and pushback links) instead of masking them.
    #[arg(long, global = true)]
    pub show_secrets: bool,
    /// Answer yes to confirmations of destructive commands (delete, stop, reset).
    #[arg(short, long, global = true)]
    pub yes: bool,
    /// Log what the SDK does (requests, retries) to stderr. Tokens are always redacted.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

impl Globals {
    /// How results are printed.
    pub fn out(&self) -> Output {
        Output {
            format: self.output,
            show_secrets: self.show_secrets,
        }
    }

    /// Whether progress bars and spinners are shown.
    pub fn progress(&self) -> bool {
        !self.quiet && !self.no_progress
    }

    /// A note on stderr (unless `--quiet`).
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("jaicp: {}", crate::terminal::visible_text(message));
        }
    }

    /// A warning on stderr (unless `--quiet`).
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            crate::error::warn(self.color, message);
        }
    }

    /// Asks before a destructive action (see [`crate::terminal::confirm`]).
    pub fn confirm(&self, question: &str) -> anyhow::Result<()> {
        crate::terminal::confirm(self.yes, question)
    }
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
    /// The offline JAICP emulator: serve it, print its settings, reset the embedded one.
    #[command(subcommand)]
    Emulator(cmd::emulator::EmulatorCommand),
    /// Profiles of the config file: list, show, set a key, choose the default.
    #[command(subcommand)]
    Config(cmd::config::ConfigCommand),
    /// Credentials: which one each API uses and whether the server accepts it.
    #[command(subcommand)]
    Auth(cmd::auth::AuthCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(cmd::completions::CompletionsArgs),
    /// Write the man pages into a directory (used by `cargo xtask man`).
    #[command(name = "__man", hide = true)]
    Man(cmd::completions::ManArgs),
    /// Check the configured JAICP against the SDK's documents; writes a report of shapes only.
    Doctor(cmd::doctor::DoctorArgs),
}

/// The whole command tree, with the examples of every command in its help.
pub fn command(color: ColorMode) -> clap::Command {
    crate::examples::attach(Cli::command().color(color.clap()))
}

/// Parses the process's arguments. `--color` is looked at first so that help and usage errors
/// already follow it.
pub fn parse() -> Result<Cli, clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = color_from_args(&args);
    let matches = command(color).try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

fn color_from_args(args: &[std::ffi::OsString]) -> ColorMode {
    let mut mode = ColorMode::Auto;
    let mut iter = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next(),
            Some(v) => v.strip_prefix('='),
            None => None,
        };
        match value {
            Some("always") => mode = ColorMode::Always,
            Some("never") => mode = ColorMode::Never,
            Some("auto") => mode = ColorMode::Auto,
            _ => {}
        }
    }
    mode
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        command(ColorMode::Never).debug_assert();
    }

    #[test]
    fn color_is_read_before_parsing() {
        let args: Vec<std::ffi::OsString> = ["jaicp", "--color", "never", "x"]
            .iter()
            .map(Into::into)
            .collect();
        assert_eq!(color_from_args(&args), ColorMode::Never);
        let args: Vec<std::ffi::OsString> =
            ["jaicp", "--color=always"].iter().map(Into::into).collect();
        assert_eq!(color_from_args(&args), ColorMode::Always);
    }
}
