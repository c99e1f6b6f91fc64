//! `jaicp emulator ...`: the offline JAICP as a local server.

use clap::Subcommand;

use crate::cli::Globals;

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator on a local port until interrupted.
    Serve {
        /// Port (0 picks a free one).
        #[arg(long, default_value_t = 8099)]
        port: u16,
        /// Seed of the simulated call outcomes.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

/// Runs an emulator command.
pub async fn run(command: EmulatorCommand, _globals: &Globals) -> anyhow::Result<()> {
    match command {
        EmulatorCommand::Serve { port, seed } => serve(port, seed).await,
    }
}

async fn serve(port: u16, seed: u64) -> anyhow::Result<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let builder = jaicp_emulator::Emulator::builder().bind(addr).seed(seed);
    eprintln!(
        "jaicp: emulator on http://{addr} (demo campaign token: {}, NLP key: {}); Ctrl-C stops it",
        jaicp_emulator::DEFAULT_CAMPAIGN_TOKEN,
        jaicp_emulator::DEFAULT_NLP_KEY
    );
    jaicp_emulator::serve(builder, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
