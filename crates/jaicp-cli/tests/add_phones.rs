//! The `jaicp` binary against an emulator: 100,000 numbers, an interrupted run resumed without
//! duplicate jobs, and the README's first command against the embedded emulator.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jaicp_emulator::Emulator;

fn jaicp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    cmd.env_remove("JAICP_HOST")
        .env_remove("JAICP_CAMPAIGN_TOKEN")
        .env_remove("JAICP_CAMPAIGN_TOKEN_FILE")
        .env("XDG_DATA_HOME", own_data_dir());
    cmd
}

/// A data directory of its own for each run, so runs of the embedded emulator share no state.
fn own_data_dir() -> std::path::PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("jaicp-cli-test-data-{}-{n}", std::process::id()))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jaicp-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_numbers(path: &PathBuf, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "phone,payload.name").unwrap();
    for i in 0..n {
        writeln!(f, "+7901{i:07},client {i}").unwrap();
    }
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .dial_interval(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

fn summary(output: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::Deserializer::from_str(&stdout)
        .into_iter::<serde_json::Value>()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| {
            panic!(
                "no JSON summary; stdout: {stdout}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}

#[tokio::test(flavor = "multi_thread")]
async fn adds_100k_numbers_with_an_accurate_summary() {
    let emu = emulator().await;
    let dir = scratch("100k");
    let file = dir.join("numbers.csv");
    write_numbers(&file, 100_000);
    let output = jaicp()
        .args(["calls", "add-phones", file.to_str().unwrap(), "-o", "json"])
        .env("JAICP_HOST", emu.base_url())
        .env("JAICP_CAMPAIGN_TOKEN", emu.campaign_token())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let s = summary(&output);
    assert_eq!(s["total"], 100_000);
    assert_eq!(s["created"], 100_000);
    assert_eq!(s["duplicated"], 0);
    assert_eq!(s["rejected"], 0);
    assert_eq!(s["pending"], 0);
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(100_000)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_run_resumes_without_duplicate_jobs() {
    let emu = emulator().await;
    let dir = scratch("resume");
    let file = dir.join("numbers.csv");
    write_numbers(&file, 100_000);
    let journal = dir.join("numbers.csv.journal");
    let run = || {
        let mut cmd = jaicp();
        cmd.args([
            "calls",
            "add-phones",
            file.to_str().unwrap(),
            "-o",
            "json",
            "--concurrency",
            "1",
        ])
        .env("JAICP_HOST", emu.base_url())
        .env("JAICP_CAMPAIGN_TOKEN", emu.campaign_token());
        cmd
    };
    let mut child = run()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once about a fifth of the chunks are journaled.
    let started = Instant::now();
    loop {
        let lines = std::fs::File::open(&journal)
            .map(|f| std::io::BufReader::new(f).lines().count())
            .unwrap_or(0);
        if lines > 20 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the run made no progress"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let halfway = emu
        .state()
        .campaign_job_count(emu.campaign_token())
        .unwrap();
    assert!(halfway > 0 && halfway < 100_000, "interrupted at {halfway}");

    let output = run().output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let s = summary(&output);
    assert_eq!(s["created"], 100_000, "{s}");
    assert_eq!(s["pending"], 0);
    assert!(s["resumedChunks"].as_u64().unwrap() >= 20, "{s}");
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(100_000),
        "no number got a second job"
    );
}

#[test]
fn the_readme_command_runs_offline() {
    let output = jaicp()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args([
            "calls",
            "add-phones",
            "examples/numbers.csv",
            "--wait",
            "--report",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The example repeats one number; a repeat is skipped, not refused, so the run succeeds.
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut docs = serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
    let summary = docs.next().unwrap().unwrap();
    assert_eq!(summary["total"], 10, "{summary}");
    assert_eq!(summary["created"], 9, "{summary}");
    assert_eq!(summary["duplicated"], 1, "{summary}");
    assert_eq!(summary["rejected"], 0, "{summary}");
    let rows: Vec<serde_json::Value> =
        serde_json::from_value(docs.next().unwrap().unwrap()).unwrap();
    assert_eq!(rows.len(), 9);
    assert!(
        rows.iter().all(|r| r["finishedAt"].is_string()),
        "every call finished: {rows:?}"
    );
}

#[test]
fn tokens_are_not_taken_from_arguments() {
    let output = jaicp()
        .args(["calls", "status", "--token", "abc"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unexpected argument"));
}

#[test]
fn a_file_without_line_breaks_is_refused_without_reading_it_into_memory() {
    // Sparse files of 2 GiB: no line break anywhere (or only after the header). Before the row
    // bound, the CSV reader gathered the whole "row" (12 GB of RSS for 4 GB) until killed.
    let dir = scratch("huge");
    let cases = [
        ("zeros.csv", &b""[..], "line 1"),
        ("header.csv", &b"phone\n"[..], "line 2"),
        ("lines.jsonl", &b"{\"phone\":\""[..], "line 1"),
        ("array.json", &b"[{\"phone\":\""[..], "line 1"),
    ];
    for (name, head, line) in cases {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(head).unwrap();
        file.set_len(2 << 30).unwrap();
        drop(file);
        let started = Instant::now();
        let out = jaicp()
            .args(["calls", "add-phones", "--dry-run"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(line) && stderr.contains("longer than 1 MiB"),
            "{name}: {stderr}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name}: refused only after {:?}",
            started.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
