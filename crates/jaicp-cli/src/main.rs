//! `jaicp`: script JAICP from a shell. Runs against an embedded emulator unless `JAICP_HOST` is set.
#![forbid(unsafe_code)]

mod addphones;
mod cli;
mod cmd;
mod credentials;
mod error;
mod input;
mod output;
mod target;
mod terminal;

use clap::Parser;

use cli::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.globals.verbose);
    let result = cmd::run(cli.command, &cli.globals).await;
    error::finish(result)
}

/// Logs go to stderr; `JAICP_LOG` (an `EnvFilter` directive) overrides the level `--verbose` picks.
fn init_logging(verbose: bool) {
    let filter = if verbose {
        "jaicp_core=debug,jaicp_calls=debug,jaicp_chat=debug,jaicp_nlp=debug,jaicp_channel=debug,jaicp_reporter=debug"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JAICP_LOG")
                .unwrap_or_else(|_| filter.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}
