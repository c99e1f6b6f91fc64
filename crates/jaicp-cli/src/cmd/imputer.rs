//! `jaicp imputer synth`: render a replica into a file.

use jaicp::imputer::{Imputer, Replica};

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::Globals;
use crate::target::Target;

/// Imputer commands.
#[derive(Debug, Subcommand)]
pub enum ImputerCommand {
    /// Render a replica template into an audio file.
    Synth {
        /// The replica template id.
        #[arg(long)]
        template: String,
        /// A variable as name=value (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE")]
        vars: Vec<String>,
        /// Speed of the synthesised parts (0.5 to 2).
        #[arg(long)]
        speed: Option<f64>,
        /// Where to write the audio (`-`: stdout).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// File holding the Imputer token (default: $JAICP_IMPUTER_TOKEN).
        #[arg(long, value_name = "PATH")]
        token_file: Option<PathBuf>,
    },
}

/// Runs an Imputer command.
pub async fn run(command: ImputerCommand, globals: &Globals) -> anyhow::Result<()> {
    let ImputerCommand::Synth {
        template,
        vars,
        speed,
        out,
        token_file,
    } = command;
    let mut replica = Replica::new(template);
    for var in vars {
        let (name, value) = var
            .split_once('=')
            .ok_or_else(|| crate::error::usage(format!("--var takes NAME=VALUE, got `{var}`")))?;
        replica = replica.var(name, value);
    }
    if let Some(s) = speed {
        replica = replica.speed(s);
    }
    let target = Target::connect(globals).await?;
    let imputer = Imputer::new(
        &target.client,
        &target.imputer_token(token_file.as_deref())?,
    );
    if crate::input::is_stdio(&out) {
        let audio = imputer.synthesize(&replica).await?;
        globals.out().raw(&audio.bytes)?;
        return Ok(());
    }
    let audio = imputer.synthesize_to_file(&replica, &out).await?;
    globals.out().line(&format!(
        "wrote {} bytes ({}) to {}",
        audio.bytes.len(),
        audio.content_type.as_deref().unwrap_or("unknown type"),
        out.display()
    ))
}
