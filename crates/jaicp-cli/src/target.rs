//! Which JAICP the CLI talks to: `JAICP_HOST`, else the active profile's `host`, else an emulator
//! started inside the process, so that every command works offline.
//!
//! The embedded emulator keeps its state between invocations in one file,
//! `$XDG_DATA_HOME/jaicp/emulator/state.json` (default `~/.local/share/jaicp/emulator/state.json`),
//! through the emulator's own persistence (`EmulatorBuilder::state_file`: loaded at start, written
//! atomically after changes and at exit). So `text-campaigns create` in one command and
//! `text-campaigns control` in the next see the same campaign, like against a real JAICP. This is
//! the one design: commands never go looking for a running `jaicp emulator serve` — point them at
//! one with `eval "$(jaicp emulator env)"`. `jaicp emulator reset` deletes the file, so the next
//! command starts from the seeded state.

use std::path::PathBuf;

use std::time::Duration;

use jaicp_core::{Client, Host};
use jaicp_emulator::Emulator;

use crate::cli::Globals;
use crate::config::Active;

/// A connected target. Holds the embedded emulator (if any) alive for the command's duration.
pub struct Target {
    /// The client.
    pub client: Client,
    /// The embedded emulator, when no host is configured.
    pub emulator: Option<Emulator>,
    /// The active profile.
    pub profile: Active,
    /// The global flags (for warnings while reading credentials).
    pub globals: Globals,
    /// Where the host came from, for `auth status`.
    pub host_source: String,
}

/// The SDK's own per-operation deadline; a shorter `--timeout` lowers it.
const SDK_DEADLINE: Duration = Duration::from_secs(120);

impl Target {
    /// Connects: `JAICP_HOST` set → that host; a profile host → that; otherwise an embedded
    /// emulator.
    pub async fn connect(globals: &Globals) -> anyhow::Result<Target> {
        let profile = crate::config::active(globals.profile.as_deref())?;
        let env_host = std::env::var("JAICP_HOST")
            .ok()
            .filter(|h| !h.trim().is_empty());
        let (host, host_source) = match (env_host, &profile.profile.host) {
            (Some(h), _) => (Some(h), "$JAICP_HOST".to_owned()),
            (None, Some(h)) => (
                Some(h.clone()),
                format!("profile {}", profile.name.as_deref().unwrap_or("?")),
            ),
            (None, None) => (None, "embedded emulator".to_owned()),
        };
        let deadline = globals
            .timeout
            .map_or(SDK_DEADLINE, |t| t.min(SDK_DEADLINE));
        if let Some(host) = host {
            let host = Host::parse(&host)?;
            let loopback = host.is_loopback();
            let client = Client::builder()
                .host(host)
                .allow_insecure_loopback(loopback)
                .deadline(deadline)
                .build()?;
            return Ok(Target {
                client,
                emulator: None,
                profile,
                globals: globals.clone(),
                host_source,
            });
        }
        let mut builder = Emulator::builder();
        let state = emulator_state_path();
        match &state {
            Some(path) => builder = builder.state_file(path),
            None => globals.warn(
                "neither XDG_DATA_HOME nor HOME is set: the embedded emulator forgets its state \
                 when the command ends",
            ),
        }
        // A state file this build cannot read (another version, damage) is left untouched; the
        // way out is a reset.
        let emulator = builder.start().await.map_err(|e| {
            anyhow::anyhow!(
                "{e}\n(run `jaicp emulator reset` to start the embedded emulator from its seeded state)"
            )
        })?;
        globals.note(&format!(
            "JAICP_HOST is not set; using an embedded emulator at {}{}",
            emulator.base_url(),
            state.map_or_else(String::new, |p| format!(" (state: {})", p.display()))
        ));
        let client = Client::builder()
            .host(Host::custom(&emulator.base_url())?)
            .allow_insecure_loopback(true)
            .deadline(deadline)
            .build()?;
        Ok(Target {
            client,
            emulator: Some(emulator),
            profile,
            globals: globals.clone(),
            host_source,
        })
    }
}

/// Where the embedded emulator keeps its state: `$XDG_DATA_HOME/jaicp/emulator/state.json`, else
/// `$HOME/.local/share/jaicp/emulator/state.json`.
pub fn emulator_state_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| crate::config::home().map(|h| h.join(".local").join("share")))?;
    Some(base.join("jaicp").join("emulator").join("state.json"))
}
