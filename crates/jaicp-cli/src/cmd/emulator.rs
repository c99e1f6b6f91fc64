//! `jaicp emulator ...`: the offline JAICP as a local server, the shell settings that point
//! commands at it, and resetting the embedded emulator (see `crate::target` for where its state
//! lives).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};

use crate::cli::Globals;

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator until interrupted (or until --timeout). It binds first, then prints
    /// the real address (with --port 0 too) and every credential it accepts.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: IpAddr,
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8099)]
        port: u16,
        /// Seed of the simulated call outcomes.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Keep the state in this file between runs (loaded at start, written after changes).
        /// Default: none, the server starts from the seeded state. Pass the embedded emulator's
        /// file (see `jaicp emulator reset --help`) to serve what earlier commands created.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Print the settings as JSON on stdout (base URL and every credential) instead of the
        /// human banner on stderr.
        #[arg(long, value_enum, value_name = "FORMAT")]
        print_config: Option<ConfigFormat>,
    },
    /// Print `export` lines that point commands at `jaicp emulator serve` (for `eval`).
    Env {
        /// The port the emulator serves on.
        #[arg(long, default_value_t = 8099)]
        port: u16,
        /// The host it serves on.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        host: IpAddr,
    },
    /// Bring the embedded emulator back to its seeded state: deletes its state file
    /// ($XDG_DATA_HOME/jaicp/emulator/state.json). Asks first on a terminal; --yes skips that.
    Reset,
}

/// `--print-config` formats.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ConfigFormat {
    /// One JSON object.
    Json,
}

/// The default deadline: a server runs until stopped unless `--timeout` is given.
pub fn default_timeout(command: &EmulatorCommand) -> Option<Duration> {
    match command {
        EmulatorCommand::Serve { .. } => None,
        EmulatorCommand::Env { .. } | EmulatorCommand::Reset => Some(super::REQUEST_DEADLINE),
    }
}

/// Runs an emulator command.
pub async fn run(command: EmulatorCommand, globals: &Globals) -> anyhow::Result<()> {
    match command {
        EmulatorCommand::Serve {
            bind,
            port,
            seed,
            state,
            print_config,
        } => {
            serve(
                SocketAddr::new(bind, port),
                seed,
                state,
                print_config,
                globals,
            )
            .await
        }
        EmulatorCommand::Reset => reset(globals),
        EmulatorCommand::Env { port, host } => {
            let base = format!("http://{}", SocketAddr::new(host, port));
            let mut text = String::new();
            for (name, value) in settings(&base) {
                text.push_str(&format!("export {name}={}\n", shell_quote(&value)));
            }
            // These lines exist to be eval'ed: the demo credentials are printed as they are.
            globals.out().raw(text.as_bytes())
        }
    }
}

/// The emulator's settings as environment variables: the base URL and every credential.
fn settings(base_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("JAICP_HOST", base_url.to_owned()),
        (
            "JAICP_TOKEN",
            jaicp_emulator::DEFAULT_UNIFIED_TOKEN.to_owned(),
        ),
        (
            "JAICP_CAMPAIGN_TOKEN",
            jaicp_emulator::DEFAULT_CAMPAIGN_TOKEN.to_owned(),
        ),
        (
            "JAICP_CHAT_TOKEN",
            jaicp_emulator::DEFAULT_CHAT_TOKEN.to_owned(),
        ),
        (
            "JAICP_PROMPTER_TOKEN",
            jaicp_emulator::DEFAULT_PROMPTER_TOKEN.to_owned(),
        ),
        ("JAICP_NLP_KEY", jaicp_emulator::DEFAULT_NLP_KEY.to_owned()),
        (
            "JAICP_IMPUTER_TOKEN",
            jaicp_emulator::DEFAULT_IMPUTER_TOKEN.to_owned(),
        ),
        (
            "JAICP_OPERATOR_KEY",
            jaicp_emulator::DEFAULT_OPERATOR_KEY.to_owned(),
        ),
        (
            "JAICP_REPORTER_TOKEN",
            jaicp_emulator::DEFAULT_LEGACY_REPORTER_TOKEN.to_owned(),
        ),
    ]
}

fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

fn reset(globals: &Globals) -> anyhow::Result<()> {
    let path = crate::target::emulator_state_path().ok_or_else(|| {
        crate::error::usage("neither XDG_DATA_HOME nor HOME is set: there is no state to reset")
    })?;
    if !path.exists() {
        globals.note(&format!(
            "the embedded emulator is already in its seeded state ({} does not exist)",
            path.display()
        ));
        return Ok(());
    }
    globals.confirm(&format!(
        "Forget everything the embedded emulator holds ({})?",
        path.display()
    ))?;
    std::fs::remove_file(&path)
        .map_err(|e| anyhow::anyhow!("cannot delete {}: {e}", path.display()))?;
    globals.note(&format!(
        "deleted {}; the next command starts from the seeded state",
        path.display()
    ));
    Ok(())
}

async fn serve(
    addr: SocketAddr,
    seed: u64,
    state_file: Option<PathBuf>,
    print_config: Option<ConfigFormat>,
    globals: &Globals,
) -> anyhow::Result<()> {
    // Take over Ctrl-C before the address is announced: from then on it is the normal way to
    // stop the server, never the default "killed by SIGINT".
    // (Fused: should installing it fail, the error is not a stop, and polling again is safe.)
    let mut interrupt = std::pin::pin!(futures_util::FutureExt::fuse(tokio::signal::ctrl_c()));
    listen(interrupt.as_mut()).await;
    let mut builder = jaicp_emulator::Emulator::builder().bind(addr).seed(seed);
    if let Some(path) = &state_file {
        builder = builder.state_file(path.clone());
    }
    // Bind first: a port in use fails here, before anything is printed.
    let emulator = builder
        .start()
        .await
        .map_err(|e| anyhow::anyhow!("cannot serve on {addr}: {e}"))?;
    let credentials = emulator.credentials();
    match print_config {
        Some(ConfigFormat::Json) => {
            // The point of --print-config is to hand these test credentials to a program.
            crate::output::Output {
                format: Some(crate::output::Format::Json),
                show_secrets: true,
            }
            .value(&credentials)?;
        }
        None => {
            if !globals.quiet {
                eprintln!("{}", credentials.banner().trim_end());
                let mut hint = String::from("Point commands at it: eval \"$(jaicp emulator env");
                let port = emulator.addr().port();
                if port != 8099 {
                    hint.push_str(&format!(" --port {port}"));
                }
                if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
                    hint.push_str(&format!(" --host {}", addr.ip()));
                }
                hint.push_str(")\"; Ctrl-C stops the emulator.");
                eprintln!("{hint}");
            }
        }
    }
    // Until Ctrl-C (SIGINT), or until --timeout (handy in scripts and tests). Both are a normal
    // stop, like `kubectl port-forward` or `python3 -m http.server`: the state is written, one
    // quiet line says so, and the exit status is 0 (130 would tell a script that ran the server
    // in the background and stopped it with `kill -INT` that something went wrong).
    let until = globals.timeout.unwrap_or(crate::duration::MAX);
    let interrupted = tokio::select! {
        Ok(()) = &mut interrupt => true,
        _ = tokio::time::sleep(until) => false,
    };
    // A failed last write is an error (exit 1) naming the file; writes after it (requests still
    // in flight) are made by `shutdown`.
    let saved = emulator.save_state().await;
    emulator.shutdown().await;
    if let (Err(e), Some(path)) = (&saved, &state_file) {
        anyhow::bail!("cannot write the emulator state to {}: {e}", path.display());
    }
    if interrupted {
        globals.note("emulator stopped");
    }
    Ok(())
}

/// Polls `interrupt` once so that its signal handler is installed now (tokio installs it on the
/// first poll); a Ctrl-C already pending stays pending for the later `select!`.
async fn listen(
    mut interrupt: std::pin::Pin<&mut impl std::future::Future<Output = std::io::Result<()>>>,
) {
    std::future::poll_fn(|cx| {
        let _ = interrupt.as_mut().poll(cx);
        std::task::Poll::Ready(())
    })
    .await;
}
