//! `jaicp pushgate fire`: the link comes from a file, the environment or stdin, never argv.

use std::io::BufRead;

use jaicp::pushgate::Pushgate;

use crate::cli::PushgateCommand;
use crate::target::read_secret_file;

pub async fn run(command: PushgateCommand) -> anyhow::Result<()> {
    let PushgateCommand::Fire {
        link_file,
        data_file,
    } = command;
    let link = match (link_file, std::env::var("JAICP_PUSHBACK_LINK")) {
        (Some(path), _) => read_secret_file(&path)?,
        (None, Ok(link)) if !link.trim().is_empty() => link.trim().to_owned(),
        _ => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim().to_owned()
        }
    };
    if link.is_empty() {
        anyhow::bail!("no pushback link: use --link-file, $JAICP_PUSHBACK_LINK or stdin");
    }
    let pushgate = Pushgate::from_link(&link)?;
    let fired = match data_file {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let data: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", path.display()))?;
            pushgate.fire_with(&data).await?
        }
        None => pushgate.fire().await?,
    };
    println!("fired (HTTP {})", fired.status);
    Ok(())
}
