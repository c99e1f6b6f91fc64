//! `jaicp pushgate fire`: the link comes from a file, the environment or stdin, never argv.

use std::io::BufRead;

use jaicp::pushgate::Pushgate;

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::Globals;
use crate::credentials::read_secret_file;

/// Pushgate commands.
#[derive(Debug, Subcommand)]
pub enum PushgateCommand {
    /// Fire a pushback link. The link is a secret: it is read from --link-file,
    /// $JAICP_PUSHBACK_LINK or the first line of stdin, never from the command line.
    Fire {
        /// File holding the link.
        #[arg(long, value_name = "PATH")]
        link_file: Option<PathBuf>,
        /// JSON object to send with the event (`-`: stdin, when the link comes from elsewhere).
        #[arg(long, value_name = "PATH")]
        data_file: Option<PathBuf>,
    },
}

/// Runs a Pushgate command.
pub async fn run(command: PushgateCommand, globals: &Globals) -> anyhow::Result<()> {
    let PushgateCommand::Fire {
        link_file,
        data_file,
    } = command;
    let link = match (link_file, std::env::var("JAICP_PUSHBACK_LINK")) {
        (Some(path), _) => read_secret_file(&path, globals)?,
        (None, Ok(link)) if !link.trim().is_empty() => link.trim().to_owned(),
        _ => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim().to_owned()
        }
    };
    if link.is_empty() {
        return Err(crate::error::Credentials(
            "no pushback link: use --link-file, $JAICP_PUSHBACK_LINK or stdin".into(),
        )
        .into());
    }
    crate::output::remember_secret(&link);
    let pushgate = Pushgate::from_link(&link)?;
    let fired = match data_file {
        Some(path) => {
            let text = crate::input::read_text(&path)?;
            let data: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                crate::error::usage(format!("{} is not JSON: {e}", crate::input::display(&path)))
            })?;
            pushgate.fire_with(&data).await?
        }
        None => pushgate.fire().await?,
    };
    globals
        .out()
        .line(&format!("fired (HTTP {})", fired.status))
}
