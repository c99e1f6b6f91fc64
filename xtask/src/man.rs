//! `cargo xtask man [--out DIR]`: the man pages of the `jaicp` command (one per command, written
//! by clap_mangen from the binary's own command tree), default `target/man`.
//!
//! The pages are made by the binary itself (`jaicp __man DIR`, a hidden command) because only
//! the binary has the command tree with its examples; xtask stays free of the SDK's crates.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Builds `jaicp` and writes the pages into `out` (relative paths: from the workspace root).
pub fn man(root: &Path, out: Option<&Path>) -> Result<()> {
    let out = match out {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        Some(dir) => root.join(dir),
        None => root.join("target").join("man"),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "--quiet", "-p", "jaicp-cli", "--", "__man"])
        .arg(&out)
        .current_dir(root)
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("jaicp __man failed ({status})");
    }
    let pages = std::fs::read_dir(&out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "1"))
        })
        .count();
    println!("{pages} man pages in {}", out.display());
    Ok(())
}
