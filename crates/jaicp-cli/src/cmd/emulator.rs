//! `jaicp emulator ...`: the offline JAICP as a local server, the shell settings that point
//! commands at it, and resetting the embedded emulator.

use std::net::{IpAddr, SocketAddr};
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
        EmulatorCommand::Env { .. } => Some(super::REQUEST_DEADLINE),
    }
}

/// Runs an emulator command.
pub async fn run(command: EmulatorCommand, globals: &Globals) -> anyhow::Result<()> {
    match command {
        EmulatorCommand::Serve {
            bind,
            port,
            seed,
            print_config,
        } => serve(SocketAddr::new(bind, port), seed, print_config, globals).await,
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

async fn serve(
    addr: SocketAddr,
    seed: u64,
    print_config: Option<ConfigFormat>,
    globals: &Globals,
) -> anyhow::Result<()> {
    // Bind first: a port in use fails here, before anything is printed.
    let emulator = jaicp_emulator::Emulator::builder()
        .bind(addr)
        .seed(seed)
        .start()
        .await
        .map_err(|e| anyhow::anyhow!("cannot serve on {addr}: {e}"))?;
    let base = emulator.base_url();
    let settings = settings(&base);
    match print_config {
        Some(ConfigFormat::Json) => {
            let map: serde_json::Map<String, serde_json::Value> = settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                .collect();
            // The point of --print-config is to hand these demo credentials to a program.
            crate::output::Output {
                format: Some(crate::output::Format::Json),
                show_secrets: true,
            }
            .value(&map)?;
        }
        None => {
            let mut banner = format!("jaicp: emulator serving on {base} (Ctrl-C stops it)\n");
            for (name, value) in &settings {
                banner.push_str(&format!("  {name}={value}\n"));
            }
            banner.push_str("  point commands at it with: eval \"$(jaicp emulator env");
            if addr.port() != 8099 || !addr.ip().is_loopback() {
                banner.push_str(&format!(" --port {}", emulator.addr().port()));
            }
            banner.push_str(")\"");
            if !globals.quiet {
                eprintln!("{banner}");
            }
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    Ok(())
}
