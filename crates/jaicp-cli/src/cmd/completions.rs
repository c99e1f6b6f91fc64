//! `jaicp completions SHELL` (clap_complete) and the hidden `jaicp __man DIR` that
//! `cargo xtask man` runs to write the man pages (clap_mangen), so the pages always describe the
//! binary's real command tree.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use clap_complete::Shell;

use crate::cli::Globals;
use crate::terminal::ColorMode;

/// `jaicp completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `jaicp __man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write `jaicp.1`, `jaicp-calls.1`, ... into.
    pub dir: PathBuf,
}

/// Prints the completion script on stdout.
pub fn run(args: CompletionsArgs, _globals: &Globals) -> anyhow::Result<()> {
    let mut command = crate::cli::command(ColorMode::Never);
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "jaicp", &mut script);
    crate::output::Output {
        format: None,
        show_secrets: true,
    }
    .raw(&script)
}

/// Writes one man page per command.
pub fn man(args: ManArgs, globals: &Globals) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let command = crate::cli::command(ColorMode::Never);
    clap_mangen::generate_to(command, &args.dir)
        .with_context(|| format!("cannot write man pages into {}", args.dir.display()))?;
    globals.note(&format!("wrote man pages into {}", args.dir.display()));
    Ok(())
}
