//! The CLI's benchmark case: `jaicp calls add-phones` of a generated CSV (10,000,000 rows;
//! `JAICP_BENCH_CLI_ROWS` overrides) against the bench server, which accepts every chunk and
//! stores nothing, so the figures are the CLI's alone: wall time, rows per second and the
//! process's peak resident memory (`VmHWM` of `/proc/<pid>/status`, so Linux only), against the
//! budget of 64 MiB.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::bench::{cargo, target_dir};
use anyhow::{Context, Result, bail};

/// Rows of the generated input.
const DEFAULT_ROWS: u64 = 10_000_000;
/// The CLI's memory budget for any input size.
const BUDGET_MIB: f64 = 64.0;

/// The measured run.
#[derive(Debug)]
struct Run {
    seconds: f64,
    peak_kib: Option<u64>,
    created: u64,
}

fn build(root: &Path, package: &str, binary: &str) -> Result<PathBuf> {
    let status = cargo()
        .current_dir(root)
        .args(["build", "--release", "--locked", "-p", package])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building {package} failed");
    }
    Ok(target_dir(root).join("release").join(binary))
}

fn rows() -> u64 {
    std::env::var("JAICP_BENCH_CLI_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(DEFAULT_ROWS)
}

/// Writes (once; it is reused by later runs) a CSV of `rows` distinct numbers with a payload.
fn generate(root: &Path, rows: u64) -> Result<PathBuf> {
    let dir = target_dir(root).join("bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("add-phones-{rows}.csv"));
    if path.exists() {
        return Ok(path);
    }
    let partial = dir.join(format!("add-phones-{rows}.csv.partial"));
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&partial)?);
    writeln!(out, "phone,maxAttempts,payload.name")?;
    for i in 0..rows {
        writeln!(out, "+7{:010},3,client {i}", 9_000_000_000 + i)?;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

/// Peak resident memory of a running process so far, in KiB (Linux).
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn measure(cli: &Path, csv: &Path, base: &str) -> Result<Run> {
    let journal = csv.with_extension("journal");
    let started = Instant::now();
    let mut child = Command::new(cli)
        .args(["calls", "add-phones"])
        .arg(csv)
        .args([
            "--output",
            "json",
            "--no-progress",
            "--restart",
            "--journal",
        ])
        .arg(&journal)
        .env("JAICP_HOST", base)
        .env("JAICP_CAMPAIGN_TOKEN", "1.1.bench-campaign")
        .env_remove("JAICP_CAMPAIGN_TOKEN_FILE")
        .env_remove("JAICP_PROFILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", cli.display()))?;
    // VmHWM only grows, so the last reading before the process exits is its peak (to within
    // the final few milliseconds, when the CLI only prints its summary).
    let mut peak = None;
    while child.try_wait()?.is_none() {
        if let Some(kib) = peak_kib(child.id()) {
            peak = Some(kib);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let seconds = started.elapsed().as_secs_f64();
    let out = child.wait_with_output()?;
    let _ = std::fs::remove_file(&journal);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "jaicp calls add-phones failed ({}): {stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let summary: serde_json::Value = serde_json::from_str(stdout.trim())
        .with_context(|| format!("the summary is not JSON: {stdout}"))?;
    Ok(Run {
        seconds,
        peak_kib: peak,
        created: summary["created"].as_u64().unwrap_or(0),
    })
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs the case against the bench server at `base`; returns its line for the results.
pub fn add_phones(root: &Path, base: &str) -> Result<String> {
    let cli = build(root, "jaicp-cli", "jaicp")?;
    let rows = rows();
    let csv = generate(root, rows)?;
    let size_mib = std::fs::metadata(&csv)?.len() as f64 / 1_048_576.0;
    let run = measure(&cli, &csv, base)?;
    if run.created != rows {
        bail!("the CLI added {} of {rows} numbers", run.created);
    }
    let peak = match run.peak_kib {
        Some(kib) => {
            let mib = kib as f64 / 1024.0;
            let verdict = if mib <= BUDGET_MIB { "within" } else { "OVER" };
            format!("{mib:.1} MiB peak memory ({verdict} the {BUDGET_MIB:.0} MiB budget)")
        }
        None => "peak memory not measured (no /proc)".into(),
    };
    let line = format!(
        "\nCLI: `jaicp calls add-phones` of a {}-row CSV ({size_mib:.0} MiB) against the bench server: \
         {:.1} s, {} rows/s, {peak}.\n",
        grouped(rows),
        run.seconds,
        grouped((rows as f64 / run.seconds) as u64)
    );
    eprintln!("{}", line.trim());
    Ok(line)
}

/// `cargo xtask bench-cli`: the case alone, with its own bench server.
pub fn standalone(root: &Path) -> Result<()> {
    let bench = build(root, "jaicp-bench", "jaicp-bench")?;
    let mut server = Command::new(&bench)
        .args(["server", "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut port = String::new();
    BufReader::new(server.stdout.take().context("no stdout")?).read_line(&mut port)?;
    let result = add_phones(root, &format!("http://127.0.0.1:{}", port.trim()));
    let _ = server.kill();
    let _ = server.wait();
    println!("{}", result?.trim());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{grouped, peak_kib};

    #[test]
    fn figures_are_grouped() {
        assert_eq!(grouped(10_000_000), "10,000,000");
        assert_eq!(grouped(323), "323");
    }

    #[test]
    fn the_peak_of_this_process_is_read() {
        if std::path::Path::new("/proc/self/status").exists() {
            let kib = peak_kib(std::process::id()).expect("VmHWM");
            assert!(kib > 100, "{kib}");
        }
    }
}
