//! `cargo xtask bench`: runs every benchmark case through the SDK and through raw reqwest against
//! the same local server in the same run, alternating sides, and prints the ratios.
//!
//! Wall time on a 2-core machine where client and server share the cores swings by ±20 %, so
//! the harness measures what the client itself spends: the CPU time (user + system) of the
//! client process, each case run at least 7 times per side in alternation, reported as
//! min / median / max with the ratio of the medians; and, where valgrind is installed, the
//! instructions per request (callgrind, the difference of a 2,000- and a 200-request run, so
//! that start-up costs cancel out).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// One measured run.
#[derive(Debug, Clone, serde::Deserialize)]
struct Sample {
    seconds: f64,
    cpu_seconds: f64,
    peak_rss_kib: u64,
}

/// Cases, with how many times each side runs (alternating; min, median and max are kept).
const CASES: &[(&str, usize)] = &[
    ("sequential", 7),
    ("concurrent-1", 7),
    ("concurrent-16", 9),
    ("concurrent-256", 9),
    ("bulk", 7),
    ("download", 7),
    ("report", 7),
];

/// Rounds of the callgrind count per side (alternating), of which the median is reported.
const INSTRUCTION_ROUNDS: usize = 5;

/// What a case is, for the table.
fn describe(case: &str) -> &'static str {
    match case {
        "sequential" => "2,000 sequential requests",
        "concurrent-1" => "20,000 requests, 1 in flight",
        "concurrent-16" => "20,000 requests, 16 in flight",
        "concurrent-256" => "20,000 requests, 256 in flight",
        "bulk" => "add 1,000,000 numbers (chunks of 1,000, 4 in flight)",
        "download" => "stream a 1 GiB download to a sink",
        "report" => "stream a 1 GiB Reporter report file from the emulator (download only)",
        _ => "other",
    }
}

/// Min, median and max of some figures.
#[derive(Debug, Clone, Copy)]
struct Spread {
    min: f64,
    median: f64,
    max: f64,
}

fn spread(mut v: Vec<f64>) -> Spread {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Spread {
        min: v[0],
        median,
        max: v[n - 1],
    }
}

/// Instructions of one run of the sequential case under callgrind, or `None` without valgrind.
fn instructions(
    bin: &std::path::Path,
    side: &str,
    base: &str,
    requests: usize,
) -> Result<Option<u64>> {
    let out = match Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(bin)
        .args(["run", "sequential", side, base])
        .env("JAICP_BENCH_REQUESTS", requests.to_string())
        .output()
    {
        Ok(out) => out,
        Err(_) => return Ok(None),
    };
    if !out.status.success() {
        bail!("callgrind {side}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8_lossy(&out.stderr);
    let collected = text
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().to_owned())
        })
        .context("callgrind printed no instruction count")?;
    Ok(Some(collected.parse()?))
}

/// The 1, 5 and 15 minute load averages, to print beside figures measured on a shared machine.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// One case's figures, raw side first.
struct Row {
    case: &'static str,
    runs: usize,
    cpu: (Spread, Spread),
    wall: (Spread, Spread),
    peak: (Spread, Spread),
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The cargo that runs xtask (`$CARGO`), for the bench builds.
pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Where the bench builds land: `$CARGO_TARGET_DIR`, else `target/` of the workspace.
pub(crate) fn target_dir(root: &std::path::Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

pub(crate) fn bench_binary(root: &std::path::Path) -> Result<std::path::PathBuf> {
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

/// What to run: every case by default; `--case a,b` (repeatable) keeps only the named cases and
/// then leaves out the emulator and CLI sections, so one case can be iterated on quickly.
#[derive(Debug, Default)]
pub struct Options {
    /// Cold build times (`--build-time`).
    pub with_build: bool,
    /// The CLI case (unless `--skip-cli`).
    pub with_cli: bool,
    /// Only these cases (`--case`), empty for all.
    pub only: Vec<String>,
}

impl Options {
    /// Reads the options from the arguments after `bench`.
    pub fn from_args(args: &[String]) -> Result<Self> {
        let mut options = Options {
            with_build: args.iter().any(|a| a == "--build-time"),
            with_cli: !args.iter().any(|a| a == "--skip-cli"),
            only: Vec::new(),
        };
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let value = match arg.strip_prefix("--case=") {
                Some(v) => v,
                None if arg == "--case" => rest.next().context("--case needs a case name")?,
                None => continue,
            };
            for name in value.split(',').filter(|n| !n.is_empty()) {
                if !CASES.iter().any(|(c, _)| *c == name) {
                    let known: Vec<&str> = CASES.iter().map(|(c, _)| *c).collect();
                    bail!("unknown case `{name}` (cases: {})", known.join(", "));
                }
                options.only.push(name.to_owned());
            }
        }
        Ok(options)
    }

    fn runs(&self, case: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|c| c == case)
    }
}

/// Entry point.
pub fn bench(root: &std::path::Path, options: &Options) -> Result<()> {
    let (with_build, with_cli) = (options.with_build, options.with_cli);
    let filtered = !options.only.is_empty();
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
    for (case, runs) in CASES.iter().filter(|(c, _)| options.runs(c)) {
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
        let cpu = |v: &[Sample]| spread(v.iter().map(|s| s.cpu_seconds).collect());
        let wall = |v: &[Sample]| spread(v.iter().map(|s| s.seconds).collect());
        let peak =
            |v: &[Sample]| spread(v.iter().map(|s| s.peak_rss_kib as f64 / 1024.0).collect());
        let row = Row {
            case,
            runs: *runs,
            cpu: (cpu(&raw), cpu(&sdk)),
            wall: (wall(&raw), wall(&sdk)),
            peak: (peak(&raw), peak(&sdk)),
        };
        eprintln!(
            "{case}: cpu sdk/raw {:.3}x (raw {:.3}/{:.3}/{:.3} s, sdk {:.3}/{:.3}/{:.3} s), wall {:.3}x, load average {}",
            row.cpu.1.median / row.cpu.0.median,
            row.cpu.0.min,
            row.cpu.0.median,
            row.cpu.0.max,
            row.cpu.1.min,
            row.cpu.1.median,
            row.cpu.1.max,
            row.wall.1.median / row.wall.0.median,
            load_average()
        );
        rows.push(row);
    }

    let mut table = String::from(
        "| case | runs per side | CPU raw (min / median / max) | CPU SDK (min / median / max) | CPU SDK / raw | wall SDK / raw | peak memory raw / SDK |\n|---|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        let s3 = |x: Spread| format!("{:.3} / {:.3} / {:.3} s", x.min, x.median, x.max);
        table.push_str(&format!(
            "| {} | {} | {} | {} | {:.3}× | {:.3}× | {:.1} / {:.1} MiB |\n",
            describe(r.case),
            r.runs,
            s3(r.cpu.0),
            s3(r.cpu.1),
            r.cpu.1.median / r.cpu.0.median,
            r.wall.1.median / r.wall.0.median,
            r.peak.0.median,
            r.peak.1.median,
        ));
    }
    // Instructions per request: the difference of a long and a short run cancels start-up.
    // The count moves by a few per cent from run to run (how often the runtime's workers park
    // depends on the server's timing and the machine's load), so it is taken in rounds that
    // alternate the sides, and the medians are compared.
    let (long, short) = (2_000usize, 200usize);
    let per_request = |side: &str| -> Result<Option<f64>> {
        let (Some(a), Some(b)) = (
            instructions(&bin, side, &base, long)?,
            instructions(&bin, side, &base, short)?,
        ) else {
            return Ok(None);
        };
        let per = a.saturating_sub(b) as f64 / (long - short) as f64;
        eprintln!(
            "instructions {side}: {a} ({long} requests) - {b} ({short}) = {per:.0} a request, load average {}",
            load_average()
        );
        Ok(Some(per))
    };
    let mut counted: Option<(Vec<f64>, Vec<f64>)> = None;
    if options.runs("sequential") {
        let (mut raw, mut sdk) = (Vec::new(), Vec::new());
        for round in 0..INSTRUCTION_ROUNDS {
            let order = if round % 2 == 0 {
                ["raw", "sdk"]
            } else {
                ["sdk", "raw"]
            };
            for side in order {
                let Some(per) = per_request(side)? else {
                    break;
                };
                if side == "raw" {
                    raw.push(per)
                } else {
                    sdk.push(per)
                }
            }
        }
        if raw.len() == INSTRUCTION_ROUNDS && sdk.len() == INSTRUCTION_ROUNDS {
            counted = Some((raw, sdk));
        }
    }
    match counted {
        Some((raw, sdk)) => {
            let (raw, sdk) = (spread(raw), spread(sdk));
            table.push_str(&format!(
                "\nInstructions per sequential request (callgrind, ({long} − {short} requests) / {}, {INSTRUCTION_ROUNDS} alternating rounds, min / median / max): raw {:.0} / {:.0} / {:.0}, SDK {:.0} / {:.0} / {:.0}, ratio of medians {:.3}×.\n",
                long - short,
                raw.min,
                raw.median,
                raw.max,
                sdk.min,
                sdk.median,
                sdk.max,
                sdk.median / raw.median
            ))
        }
        None if !options.runs("sequential") => {}
        None => table.push_str("\nInstructions per request: valgrind is not installed.\n"),
    }
    if !filtered {
        table.push_str(&crate::bench_emulator::run(root)?);
    }
    if with_build && !filtered {
        let (sdk, baseline) = build_times(root)?;
        table.push_str(&format!(
            "\nCold debug build: `jaicp-calls` {sdk:.0} s; a crate with only reqwest + serde + tokio {baseline:.0} s ({:.2}×).\n",
            sdk / baseline
        ));
    }
    if with_cli && !filtered {
        table.push_str(&crate::bench_cli::add_phones(root, &base)?);
    }
    println!("{table}");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("results.md"), &table)?;
    eprintln!("written to target/bench/results.md");
    Ok(())
}
