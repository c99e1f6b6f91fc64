//! `jaicp`: script JAICP from a shell. Runs against an embedded emulator unless `JAICP_HOST` is set.
#![forbid(unsafe_code)]

mod addphones;
mod calls_cmd;
mod chat_cmd;
mod cli;
mod imputer_cmd;
mod input;
mod journal;
mod nlp_cmd;
mod output;
mod project_cmd;
mod pushgate_cmd;
mod reporter_cmd;
mod target;

use clap::Parser;

use cli::{Cli, Command, EmulatorCommand};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let filter = if cli.verbose {
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
    let result = match cli.command {
        Command::Calls(command) => calls_cmd::run(command).await,
        Command::Chat(args) => chat_cmd::run(args).await,
        Command::Pushgate(command) => pushgate_cmd::run(command).await,
        Command::Imputer(command) => imputer_cmd::run(command).await,
        Command::Nlp(args) => nlp_cmd::run(args).await,
        Command::Project { token, command } => project_cmd::run_project(command, token).await,
        Command::Channel { token, command } => project_cmd::run_channel(command, token).await,
        Command::Reporter { token, command } => reporter_cmd::run_reporter(command, token).await,
        Command::TextCampaigns { token, command } => {
            reporter_cmd::run_text_campaigns(command, token).await
        }
        Command::Emulator(EmulatorCommand::Serve { port, seed }) => serve(port, seed).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            if let Some(exit) = e.downcast_ref::<addphones::command::Exit>() {
                return std::process::ExitCode::from(exit.0);
            }
            // Errors from the SDK are already redacted.
            eprintln!("jaicp: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
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
