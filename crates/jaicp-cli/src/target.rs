//! Which JAICP the CLI talks to: the real one when `JAICP_HOST` is set, otherwise an emulator
//! started inside the process, so that every command works offline.

use jaicp_core::Client;
use jaicp_emulator::Emulator;

/// A connected target. Holds the embedded emulator (if any) alive for the command's duration.
pub struct Target {
    /// The client.
    pub client: Client,
    /// The embedded emulator, when no host is configured.
    pub emulator: Option<Emulator>,
}

impl Target {
    /// Connects: `JAICP_HOST` set → that host; otherwise an embedded emulator.
    pub async fn connect() -> anyhow::Result<Target> {
        if std::env::var("JAICP_HOST").is_ok_and(|h| !h.trim().is_empty()) {
            return Ok(Target {
                client: Client::from_env()?,
                emulator: None,
            });
        }
        let emulator = Emulator::start().await?;
        eprintln!(
            "jaicp: JAICP_HOST is not set; using an embedded emulator at {}",
            emulator.base_url()
        );
        let client = Client::builder()
            .host(jaicp_core::Host::custom(&emulator.base_url())?)
            .allow_insecure_loopback(true)
            .build()?;
        Ok(Target {
            client,
            emulator: Some(emulator),
        })
    }
}
