//! `jaicp calls add-phones` as a user runs it: strict headers, `--dry-run`, the early stop on a
//! failure no retry can fix, stdin, JSON inputs and escapes in echoed rows. The emulator's
//! counters prove what was (not) sent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use jaicp_emulator::Emulator;

fn jaicp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    cmd.env_remove("JAICP_HOST")
        .env_remove("JAICP_CAMPAIGN_TOKEN")
        .env_remove("JAICP_CAMPAIGN_TOKEN_FILE")
        .env_remove("JAICP_PROFILE")
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join(format!("jaicp-cli-stream-data-{}", std::process::id())),
        );
    cmd
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jaicp-cli-stream-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .dial_interval(Duration::ZERO)
        .start()
        .await
        .unwrap()
}

/// `jaicp calls add-phones ARGS` against `emu` with `token`.
fn add_phones(emu: &Emulator, token: &str, args: &[&str]) -> Command {
    let mut cmd = jaicp();
    cmd.args(["calls", "add-phones"])
        .args(args)
        .env("JAICP_HOST", emu.base_url())
        .env("JAICP_CAMPAIGN_TOKEN", token);
    cmd
}

fn numbers_csv(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "phone,payload.name").unwrap();
    for i in 0..n {
        writeln!(f, "+7902{i:07},client {i}").unwrap();
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(out).trim()).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}\nstderr: {}",
            stdout(out),
            stderr(out)
        )
    })
}

fn add_phones_requests(emu: &Emulator) -> u64 {
    emu.state().counters().requests_for("addPhones")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misspelled_policy_column_is_a_usage_error_naming_the_field() {
    let emu = emulator().await;
    let dir = scratch("gmtzone");
    let file = dir.join("numbers.csv");
    std::fs::write(
        &file,
        "phone,gmtzone,MaxAttempts,dialer_priority\n+79001112233,Europe/Moscow,99,9\n",
    )
    .unwrap();
    let out = add_phones(&emu, emu.campaign_token(), &[file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for field in ["`gmtZone`", "`maxAttempts`", "`dialerPriority`"] {
        assert!(err.contains(field), "names {field}: {err}");
    }
    assert_eq!(add_phones_requests(&emu), 0, "nothing was sent");
    assert!(
        !dir.join("numbers.csv.journal").exists(),
        "no journal for a run that never started"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_checks_everything_and_sends_nothing() {
    let emu = emulator().await;
    let dir = scratch("dry");
    let file = dir.join("numbers.csv");
    numbers_csv(&file, 5_000);
    // Add a repeat and an invalid row at the end.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap();
    writeln!(f, "+79020000007,again\n12ab,bad").unwrap();
    drop(f);
    let out = add_phones(
        &emu,
        emu.campaign_token(),
        &[file.to_str().unwrap(), "--dry-run", "-o", "json"],
    )
    .output()
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "a rejected row: {}",
        stderr(&out)
    );
    let s = json(&out);
    assert_eq!(s["dryRun"], true);
    assert_eq!(s["total"], 5_002);
    assert_eq!(s["wouldSend"], 5_000);
    assert_eq!(s["duplicated"], 1);
    assert_eq!(s["duplicateSamples"][0]["firstLine"], 9);
    assert_eq!(s["rejected"], 1);
    assert_eq!(s["rejectedSamples"][0]["line"], 5_003);
    assert_eq!(s["created"], 0);
    let counters = emu.state().counters();
    assert_eq!(counters.requests_for("addPhones"), 0, "{counters:?}");
    assert_eq!(counters.jobs_created, 0);
    assert_eq!(
        counters.requests.values().sum::<u64>(),
        0,
        "no request at all"
    );

    // Without a host or a token, a dry run still works: it needs neither.
    let out = jaicp()
        .args(["calls", "add-phones", file.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).starts_with("dry run: 5,002 rows checked: 5,000 would be sent"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("emulator"),
        "no target: {}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_stops_after_the_first_chunk_with_one_message() {
    let emu = emulator().await;
    let dir = scratch("token");
    let file = dir.join("numbers.csv");
    numbers_csv(&file, 50_000);
    let out = add_phones(&emu, "9.9.not-a-campaign", &[file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "credentials: {}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one message: {err}");
    assert!(lines[0].contains("stopped after the first chunk"), "{err}");
    assert!(lines[0].contains("invalid.token"), "{err}");
    assert!(
        lines[0].contains("JAICP_CAMPAIGN_TOKEN"),
        "says what to do: {err}"
    );
    assert!(
        !err.contains("9.9.not-a-campaign"),
        "the token is not printed"
    );
    assert_eq!(add_phones_requests(&emu), 1, "exactly one chunk was sent");

    let out = add_phones(
        &emu,
        "9.9.not-a-campaign",
        &[file.to_str().unwrap(), "-o", "json"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let s = json(&out);
    assert_eq!(s["stopped"]["code"], "invalid.token");
    assert_eq!(s["stopped"]["kind"], "credentials");
    assert_eq!(s["stopped"]["status"], 404);
    assert_eq!(s["stopped"]["firstChunk"], true);
    assert!(s["stopped"]["hint"].as_str().unwrap().contains("token"));
    assert_eq!(s["pending"], 50_000);
    assert_eq!(s["created"], 0);
    assert_eq!(add_phones_requests(&emu), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_campaign_stops_the_run_with_its_state() {
    let emu = emulator().await;
    let dir = scratch("stopped");
    let file = dir.join("numbers.csv");
    numbers_csv(&file, 3_000);
    let out = jaicp()
        .args(["calls", "control", "stop"])
        .env("JAICP_HOST", emu.base_url())
        .env("JAICP_CAMPAIGN_TOKEN", emu.campaign_token())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = add_phones_requests(&emu);
    let out = add_phones(
        &emu,
        emu.campaign_token(),
        &[file.to_str().unwrap(), "-o", "json"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(s["stopped"]["code"], "invalid.call.task.state", "{s}");
    assert_eq!(s["stopped"]["kind"], "campaignState");
    assert!(stderr(&out).contains("resume"), "{}", stderr(&out));
    assert_eq!(add_phones_requests(&emu) - before, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn stdin_and_json_lines_stream_in() {
    let emu = emulator().await;
    let mut child = add_phones(&emu, emu.campaign_token(), &["-", "-o", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for i in 0..2_500 {
            writeln!(
                stdin,
                "{{\"phone\": \"+7903{i:07}\", \"maxAttempts\": 2, \"payload\": {{\"n\": {i}}}}}"
            )
            .unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = json(&out);
    assert_eq!(
        (s["total"].as_u64(), s["created"].as_u64()),
        (Some(2_500), Some(2_500))
    );
    assert_eq!(
        s["journal"],
        serde_json::Value::Null,
        "stdin keeps no journal"
    );
    assert_eq!(
        emu.state().campaign_job_count(emu.campaign_token()),
        Some(2_500)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_rows_are_echoed_with_escapes_made_visible() {
    let emu = emulator().await;
    let dir = scratch("escapes");
    let file = dir.join("numbers.json");
    std::fs::write(
        &file,
        "[\"+79004445566\", \"\\u001b[2J\\u001b]0;owned\\u0007\", {\"phone\": \"79004445567\", \"dialerPriority\": 9}]",
    )
    .unwrap();
    let out = add_phones(&emu, emu.campaign_token(), &[file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "partial: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("added 1 of 3 numbers"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}[2J"), "{text}");
    assert!(
        text.contains("rejected line 1: 79004445567: dialerPriority"),
        "{text}"
    );
}
