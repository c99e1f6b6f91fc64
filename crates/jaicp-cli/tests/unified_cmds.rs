//! The unified-token commands of the `jaicp` binary against its embedded emulator.

use std::process::Command;

fn jaicp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    cmd.env_remove("JAICP_HOST")
        .env_remove("JAICP_TOKEN")
        .env_remove("JAICP_TOKEN_FILE")
        .env("XDG_DATA_HOME", own_data_dir());
    cmd
}

/// A data directory of its own for each run, so runs of the embedded emulator share no state.
fn own_data_dir() -> std::path::PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("jaicp-cli-test-data-{}-{n}", std::process::id()))
}

#[test]
fn channel_deploy_waits_and_prints_the_result() {
    let out = jaicp()
        .args([
            "channel",
            "deploy",
            "--project",
            "demo-bot-1-emu",
            "--bot-id",
            "1-demo-bot-1-emu-1",
            "--wait",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["payload"]["botId"], "1-demo-bot-1-emu-1");
}

#[test]
fn reporter_sessions_as_csv_and_a_downloaded_report() {
    let out = jaicp()
        .args(["reporter", "sessions", "-o", "csv", "--limit", "5"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("sessionId,startTime,channelType,botId,clientId,questionCount")
    );
    assert_eq!(lines.count(), 5);

    let file = std::env::temp_dir().join(format!("jaicp-cli-report-{}.csv", std::process::id()));
    let out = jaicp()
        .args(["reporter", "report", "sessions", "--download"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(csv.starts_with("sessionId,startTime"));
    assert!(csv.lines().count() > 1);
}

#[test]
fn a_wrong_token_fails_naming_the_api_not_the_token() {
    let out = jaicp()
        .env("JAICP_TOKEN", "cli-CANARY-0xdeadbeef")
        .args(["project", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the project API refused the credential"),
        "{err}"
    );
    assert!(!err.contains("CANARY-0xdeadbeef"), "{err}");
}
