//! One module per command family: each holds its clap arguments and its `run`.

pub mod calls;
pub mod channel;
pub mod chat;
pub mod doctor;
pub mod emulator;
pub mod imputer;
pub mod nlp;
pub mod project;
pub mod pushgate;
pub mod reporter;
pub mod text_campaigns;

use crate::cli::{Command, Globals};

/// Runs the chosen command.
pub async fn run(command: Command, globals: &Globals) -> anyhow::Result<()> {
    match command {
        Command::Calls(command) => calls::run(command, globals).await,
        Command::Chat(args) => chat::run(args, globals).await,
        Command::Pushgate(command) => pushgate::run(command, globals).await,
        Command::Imputer(command) => imputer::run(command, globals).await,
        Command::Nlp(args) => nlp::run(args, globals).await,
        Command::Project(args) => project::run(args, globals).await,
        Command::Channel(args) => channel::run(args, globals).await,
        Command::Reporter(args) => reporter::run(args, globals).await,
        Command::TextCampaigns(args) => text_campaigns::run(args, globals).await,
        Command::Emulator(command) => emulator::run(command, globals).await,
        Command::Doctor(args) => doctor::run(args, globals).await,
    }
}
