//! `cargo xtask bench decode`: the decode cost of lossless models (see `bench/src/decode.rs`),
//! printed as a table and written to `target/bench/decode.md`.

use std::process::Command;

use anyhow::{Context, Result, bail};

#[derive(serde::Deserialize)]
struct Row {
    case: String,
    ns_per_decode: f64,
    mib_per_s: f64,
    bytes: u64,
}

/// Entry point.
pub fn run(root: &std::path::Path) -> Result<()> {
    let bin = crate::bench::bench_binary(root)?;
    let out = Command::new(&bin)
        .arg("decode")
        .output()
        .context("cannot run jaicp-bench")?;
    if !out.status.success() {
        bail!(
            "decode bench failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut table =
        String::from("| decode | bytes | time per decode | throughput |\n|---|---|---|---|\n");
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let r: Row = serde_json::from_str(line).with_context(|| format!("bad line: {line}"))?;
        table.push_str(&format!(
            "| {} | {} | {:.1} µs | {:.0} MiB/s |\n",
            r.case,
            r.bytes,
            r.ns_per_decode / 1000.0,
            r.mib_per_s
        ));
    }
    println!("{table}");
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("decode.md"), &table)?;
    eprintln!("written to target/bench/decode.md");
    Ok(())
}
