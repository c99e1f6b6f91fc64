//! `jaicp`: script JAICP from a shell. Runs against an embedded emulator unless `JAICP_HOST` (or
//! a profile's host) is set.
#![forbid(unsafe_code)]

mod addphones;
mod cli;
mod cmd;
mod config;
mod credentials;
mod duration;
mod error;
mod examples;
mod input;
mod output;
mod target;
mod terminal;
mod wait;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout (exit 0); usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    init_logging(cli.globals.verbose);
    let globals = cli.globals.clone();
    let owns_stop = cmd::owns_stop(&cli.command);
    let deadline = if owns_stop {
        None
    } else {
        globals
            .timeout
            .or_else(|| cmd::default_timeout(&cli.command))
    };
    let work = with_deadline(deadline, cmd::run(cli.command, &globals));
    let result = if owns_stop {
        work.await
    } else {
        tokio::select! {
            result = work => result,
            _ = tokio::signal::ctrl_c() => Err(error::Interrupted.into()),
        }
    };
    error::finish(result, globals.color)
}

async fn with_deadline(
    deadline: Option<std::time::Duration>,
    work: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    match deadline {
        // tokio saturates a far deadline itself; durations are clamped at parse time anyway.
        Some(d) => match tokio::time::timeout(d, work).await {
            Ok(result) => result,
            Err(_) => Err(error::DeadlineExceeded(d).into()),
        },
        None => work.await,
    }
}

/// Logs go to stderr. `JAICP_LOG`, else `RUST_LOG` (an `EnvFilter` directive), overrides the
/// level that `--verbose` picks.
fn init_logging(verbose: bool) {
    let default = if verbose {
        "jaicp_core=debug,jaicp_calls=debug,jaicp_chat=debug,jaicp_nlp=debug,jaicp_channel=debug,jaicp_reporter=debug"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("JAICP_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_env("RUST_LOG"))
        .unwrap_or_else(|_| default.into());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}
