//! `jaicp imputer synth`: render a replica into a file.

use jaicp::imputer::{Imputer, Replica};

use crate::cli::ImputerCommand;
use crate::target::Target;

pub async fn run(command: ImputerCommand) -> anyhow::Result<()> {
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
            .ok_or_else(|| anyhow::anyhow!("--var takes NAME=VALUE, got `{var}`"))?;
        replica = replica.var(name, value);
    }
    if let Some(s) = speed {
        replica = replica.speed(s);
    }
    let target = Target::connect().await?;
    let imputer = Imputer::new(
        &target.client,
        &target.imputer_token(token_file.as_deref())?,
    );
    let audio = imputer.synthesize_to_file(&replica, &out).await?;
    println!(
        "wrote {} bytes ({}) to {}",
        audio.bytes.len(),
        audio.content_type.as_deref().unwrap_or("unknown type"),
        out.display()
    );
    Ok(())
}
