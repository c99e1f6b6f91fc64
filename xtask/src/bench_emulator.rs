//! `cargo xtask bench` cases for the emulator (called from `bench.rs`):
//!
//! - **memory**: the served emulator's resident set (VmRSS from `/proc`) before and after
//!   1,000,000 call jobs are added through `addPhones` (1,000 requests of 1,000 numbers, 4 in
//!   flight). The goal is at most 512 MiB.
//! - **throughput**: requests per second of the emulator and of `prism mock` (Stoplight Prism 5
//!   from npm, as `.ci/contract.sh` installs it) on the same Calls operations, each server in its
//!   own process, driven by the same keep-alive client for the same wall time. The goal is ten
//!   times Prism's rate.
//!
//! The load client is plain HTTP/1.1 over `std::net` threads so that it costs the same on both
//! sides and needs no dependency.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::bench::{cargo, target_dir};
use anyhow::{Context, Result, bail};

const TOKEN: &str = "1.1.emulator-demo-campaign";
const JOBS: u64 = 1_000_000;
const CHUNK: u64 = 1_000;
const LOAD_CONNECTIONS: usize = 16;
const LOAD_SECONDS: u64 = 5;

/// A child process killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn wait_port(port: u16, what: &str) -> Result<()> {
    let until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < until {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{what} did not open port {port}")
}

/// Builds and starts the emulator (release) on a free port.
fn start_emulator(root: &Path) -> Result<(Proc, u16)> {
    let status = cargo()
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--locked",
            "-q",
            "-p",
            "jaicp-emulator",
            "--example",
            "serve",
        ])
        .status()
        .context("cannot run cargo")?;
    if !status.success() {
        bail!("building the emulator failed");
    }
    let port = free_port()?;
    let bin = target_dir(root).join("release/examples/serve");
    let child = Command::new(bin)
        .arg(port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start the emulator")?;
    let proc = Proc(child);
    wait_port(port, "the emulator")?;
    Ok((proc, port))
}

/// Resident and peak resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("reading /proc (the memory case needs Linux)")?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((field("VmRSS:"), field("VmHWM:")))
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(port: u16) -> Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Self {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
        })
    }

    /// Sends one request and reads the whole answer; returns its status.
    fn call(&mut self, method: &str, path: &str, body: Option<&[u8]>) -> Result<u16> {
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n");
        if let Some(b) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        self.writer.write_all(head.as_bytes())?;
        if let Some(b) = body {
            self.writer.write_all(b)?;
        }
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let lower = l.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)?;
                let mut skip = vec![0; size + 2];
                self.reader.read_exact(&mut skip)?;
                if size == 0 {
                    break;
                }
            }
        } else {
            let mut skip = vec![0; length];
            self.reader.read_exact(&mut skip)?;
        }
        Ok(status)
    }
}

/// Adds one million jobs and reports the emulator's memory.
fn memory_case(root: &Path) -> Result<String> {
    let (emulator, port) = start_emulator(root)?;
    let pid = emulator.0.id();
    std::thread::sleep(Duration::from_millis(300));
    let (before, _) = rss_kib(pid)?;
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let next = Arc::clone(&next);
            std::thread::spawn(move || -> Result<()> {
                let mut conn = Conn::open(port)?;
                let path = format!("/api/calls/campaign/{TOKEN}/addPhones");
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= JOBS / CHUNK {
                        return Ok(());
                    }
                    let mut body = String::from("[");
                    for i in 0..CHUNK {
                        let n = chunk * CHUNK + i;
                        if i > 0 {
                            body.push(',');
                        }
                        body.push_str(&format!("{{\"phone\":\"7{:010}\"}}", n));
                    }
                    body.push(']');
                    let status = conn.call("POST", &path, Some(body.as_bytes()))?;
                    if status != 200 {
                        bail!("addPhones answered {status}");
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
    }
    let seconds = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_millis(500));
    let (after, peak) = rss_kib(pid)?;
    let per_job = (after.saturating_sub(before) as f64 * 1024.0) / JOBS as f64;
    eprintln!(
        "emulator memory: {:.1} MiB before, {:.1} MiB with 1,000,000 jobs (peak {:.1} MiB), {per_job:.0} B per job, added in {seconds:.1} s",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    Ok(format!(
        "| emulator with 1,000,000 stored call jobs (1,000 addPhones of 1,000) | {:.1} MiB resident ({:.1} MiB at start, peak {:.1} MiB), {per_job:.0} B per job, added in {seconds:.1} s | goal ≤ 512 MiB |\n",
        after as f64 / 1024.0,
        before as f64 / 1024.0,
        peak as f64 / 1024.0,
    ))
}

/// Requests of the throughput case: (method, path, body), taken in turn.
fn operations() -> Vec<(&'static str, String, Option<Vec<u8>>)> {
    vec![
        ("GET", format!("/api/calls/campaign/{TOKEN}/status"), None),
        (
            "POST",
            format!("/api/calls/campaign/{TOKEN}/addPhones"),
            Some(br#"[{"phone":"79001112233"}]"#.to_vec()),
        ),
    ]
}

/// Drives a server for [`LOAD_SECONDS`] with [`LOAD_CONNECTIONS`] connections; returns
/// (successful requests per second, failed requests).
fn throughput(port: u16) -> Result<(f64, u64)> {
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let ops = Arc::new(operations());
    let workers: Vec<_> = (0..LOAD_CONNECTIONS)
        .map(|w| {
            let (stop, ok, failed, ops) = (
                Arc::clone(&stop),
                Arc::clone(&ok),
                Arc::clone(&failed),
                Arc::clone(&ops),
            );
            std::thread::spawn(move || -> Result<()> {
                let mut conn = Conn::open(port)?;
                let mut i = w;
                while !stop.load(Ordering::Relaxed) {
                    let (method, path, body) = &ops[i % ops.len()];
                    i += 1;
                    match conn.call(method, path, body.as_deref()) {
                        Ok(s) if (200..300).contains(&s) => ok.fetch_add(1, Ordering::Relaxed),
                        Ok(_) => failed.fetch_add(1, Ordering::Relaxed),
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            conn = Conn::open(port)?;
                            0
                        }
                    };
                }
                Ok(())
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(LOAD_SECONDS));
    stop.store(true, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    for w in workers {
        w.join()
            .map_err(|_| anyhow::anyhow!("a load thread panicked"))??;
    }
    Ok((
        ok.load(Ordering::Relaxed) as f64 / seconds,
        failed.load(Ordering::Relaxed),
    ))
}

/// Installs Prism 5 under target/prism (as .ci/contract.sh does) and serves the normalised
/// calls.yml with `prism mock`.
fn start_prism(root: &Path) -> Result<(Proc, u16)> {
    let dir = target_dir(root).join("prism");
    let prism = dir.join("node_modules/.bin/prism");
    if !prism.exists() {
        std::fs::create_dir_all(&dir)?;
        let status = Command::new("npm")
            .current_dir(&dir)
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "@stoplight/prism-cli@5",
            ])
            .status()
            .context("cannot run npm (the Prism comparison needs Node.js)")?;
        if !status.success() {
            bail!("installing Prism failed");
        }
    }
    let specs = target_dir(root).join("specs");
    let status = cargo()
        .current_dir(root)
        .args(["xtask", "specs", "normalize", "--out"])
        .arg(&specs)
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        bail!("normalising the documents failed (is JAICP_SPECS_DIR set?)");
    }
    let port = free_port()?;
    let child = Command::new(prism)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(specs.join("calls.yml"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start prism")?;
    let proc = Proc(child);
    wait_port(port, "prism mock")?;
    Ok((proc, port))
}

fn throughput_case(root: &Path) -> Result<String> {
    let (emulator, emu_port) = start_emulator(root)?;
    // Warm up both, then measure one after the other so they do not share the cores.
    throughput_for(emu_port, 1)?;
    let (emu_rate, emu_failed) = throughput(emu_port)?;
    drop(emulator);
    let (prism, prism_port) = start_prism(root)?;
    throughput_for(prism_port, 1)?;
    let (prism_rate, prism_failed) = throughput(prism_port)?;
    drop(prism);
    eprintln!(
        "emulator {emu_rate:.0} req/s ({emu_failed} failed), prism mock {prism_rate:.0} req/s ({prism_failed} failed)"
    );
    Ok(format!(
        "| Calls `status` + `addPhones`, {LOAD_CONNECTIONS} keep-alive connections, {LOAD_SECONDS} s each | emulator {emu_rate:.0} req/s ({emu_failed} non-2xx), `prism mock` {prism_rate:.0} req/s ({prism_failed} non-2xx) | {:.1}× Prism; goal ≥ 10× |\n",
        emu_rate / prism_rate.max(1.0)
    ))
}

/// A short warm-up run of `seconds`.
fn throughput_for(port: u16, seconds: u64) -> Result<()> {
    let mut conn = Conn::open(port)?;
    let until = Instant::now() + Duration::from_secs(seconds);
    let ops = operations();
    let mut i = 0;
    while Instant::now() < until {
        let (method, path, body) = &ops[i % ops.len()];
        conn.call(method, path, body.as_deref())?;
        i += 1;
    }
    Ok(())
}

/// Runs both emulator cases; returns their Markdown table.
pub fn run(root: &Path) -> Result<String> {
    let mut table =
        String::from("\n| emulator case | result | against the goal |\n|---|---|---|\n");
    table.push_str(&memory_case(root)?);
    table.push_str(&throughput_case(root)?);
    Ok(table)
}
