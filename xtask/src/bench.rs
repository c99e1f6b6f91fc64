//! `cargo xtask bench`: runs every benchmark case through the SDK and through raw reqwest against
//! the same local server in the same run, alternating sides, and prints the ratios.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// One measured run.
#[derive(Debug, Clone, serde::Deserialize)]
struct Sample {
    case: String,
    seconds: f64,
    requests: u64,
    bytes: u64,
    peak_rss_kib: u64,
}

/// Cases, with how many times each side runs (the median is kept).
const CASES: &[(&str, usize)] = &[
    ("sequential", 5),
    ("concurrent-1", 3),
    ("concurrent-16", 3),
    ("concurrent-256", 3),
    ("bulk", 1),
    ("download", 3),
    ("report", 1),
];

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn bench_binary(root: &std::path::Path) -> Result<std::path::PathBuf> {
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", "jaicp-bench"])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building jaicp-bench failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("jaicp-bench"))
}

fn run_case(bin: &std::path::Path, case: &str, side: &str, base: &str) -> Result<Sample> {
    let out = Command::new(bin)
        .args(["run", case, side, base])
        .output()
        .context("cannot run jaicp-bench")?;
    if !out.status.success() {
        bail!(
            "{case}/{side} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.trim())
        .with_context(|| format!("bad output from {case}/{side}: {line}"))
}

fn median(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    samples.swap_remove(samples.len() / 2)
}

/// Cold build of `jaicp-calls` against a crate that only depends on reqwest + serde + tokio.
fn build_times(root: &std::path::Path) -> Result<(f64, f64)> {
    let scratch = root.join("target/bench-build");
    let _ = std::fs::remove_dir_all(&scratch);
    let baseline = scratch.join("baseline");
    std::fs::create_dir_all(baseline.join("src"))?;
    std::fs::write(
        baseline.join("Cargo.toml"),
        "[package]\nname = \"baseline\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\", \"http2\", \"stream\", \"query\", \"form\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\
         tokio = { version = \"1\", features = [\"rt\", \"time\", \"sync\"] }\n",
    )?;
    std::fs::write(
        baseline.join("src/lib.rs"),
        "//! Baseline.\npub use reqwest; pub use serde_json; pub use tokio;\n",
    )?;
    // The same lock file keeps versions equal on both sides.
    std::fs::copy(root.join("Cargo.lock"), baseline.join("Cargo.lock"))?;
    let time = |dir: &std::path::Path, args: &[&str], target: &std::path::Path| -> Result<f64> {
        let started = Instant::now();
        let status = cargo()
            .current_dir(dir)
            .args(args)
            .env("CARGO_TARGET_DIR", target)
            .status()?;
        if !status.success() {
            bail!("build failed in {}", dir.display());
        }
        Ok(started.elapsed().as_secs_f64())
    };
    let base = time(&baseline, &["build", "-q"], &scratch.join("t-baseline"))?;
    let sdk = time(
        root,
        &["build", "-q", "--locked", "-p", "jaicp-calls"],
        &scratch.join("t-sdk"),
    )?;
    Ok((sdk, base))
}

/// Entry point.
pub fn bench(root: &std::path::Path, with_build: bool) -> Result<()> {
    let bin = bench_binary(root)?;
    let mut child = Command::new(&bin)
        .args(["server", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut first)?;
    let _server = Server(child);
    let base = format!("http://127.0.0.1:{}", first.trim());
    // The report-file case runs against the emulator, in a process of its own.
    let mut emu = Command::new(&bin)
        .arg("emulator")
        .stdout(Stdio::piped())
        .spawn()?;
    let mut emu_port = String::new();
    BufReader::new(emu.stdout.take().context("no stdout")?).read_line(&mut emu_port)?;
    let _emulator = Server(emu);
    let emulator_base = format!("http://127.0.0.1:{}", emu_port.trim());

    let mut rows = Vec::new();
    for (case, runs) in CASES {
        let (mut sdk, mut raw) = (Vec::new(), Vec::new());
        for i in 0..*runs {
            // Alternate which side goes first, so warm-up and drift do not favour one side.
            let order = if i % 2 == 0 {
                ["raw", "sdk"]
            } else {
                ["sdk", "raw"]
            };
            for side in order {
                let target = if *case == "report" {
                    &emulator_base
                } else {
                    &base
                };
                let s = run_case(&bin, case, side, target)?;
                if side == "sdk" {
                    sdk.push(s)
                } else {
                    raw.push(s)
                }
            }
        }
        let (s, r) = (median(sdk), median(raw));
        eprintln!("{case}: sdk {:.3}s, raw {:.3}s", s.seconds, r.seconds);
        rows.push((s, r));
    }

    let mut table = String::from(
        "| case | raw reqwest | SDK | SDK / raw (time) | peak memory raw / SDK |\n|---|---|---|---|---|\n",
    );
    for (s, r) in &rows {
        let rate = |x: &Sample| {
            if x.bytes > 0 {
                format!("{:.0} MiB/s", x.bytes as f64 / 1048576.0 / x.seconds)
            } else {
                format!("{:.0} req/s", x.requests as f64 / x.seconds)
            }
        };
        table.push_str(&format!(
            "| {} | {:.3} s ({}) | {:.3} s ({}) | {:.3}× | {:.1} / {:.1} MiB |\n",
            s.case,
            r.seconds,
            rate(r),
            s.seconds,
            rate(s),
            s.seconds / r.seconds,
            r.peak_rss_kib as f64 / 1024.0,
            s.peak_rss_kib as f64 / 1024.0
        ));
    }
    if with_build {
        let (sdk, baseline) = build_times(root)?;
        table.push_str(&format!(
            "\nCold debug build: `jaicp-calls` {sdk:.0} s; a crate with only reqwest + serde + tokio {baseline:.0} s ({:.2}×).\n",
            sdk / baseline
        ));
    }
    table.push_str(&crate::bench_cli::add_phones(root, &base)?);
    println!("{table}");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("results.md"), &table)?;
    eprintln!("written to target/bench/results.md");
    Ok(())
}
