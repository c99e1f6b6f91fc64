//! The conversation commands against the embedded emulator: an interactive chat from stdin,
//! one-shot sends, events, Imputer synthesis, and pushgate links never taken from argv.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn jaicp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    for var in [
        "JAICP_HOST",
        "JAICP_CHAT_TOKEN",
        "JAICP_CHAT_TOKEN_FILE",
        "JAICP_IMPUTER_TOKEN",
        "JAICP_IMPUTER_TOKEN_FILE",
        "JAICP_PUSHBACK_LINK",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("XDG_DATA_HOME", own_data_dir());
    cmd
}

/// A data directory of its own for each run, so runs of the embedded emulator share no state.
fn own_data_dir() -> std::path::PathBuf {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("jaicp-cli-test-data-{}-{n}", std::process::id()))
}

fn run_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = jaicp()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_interactive_conversation_with_the_bot() {
    let out = run_with_stdin(
        &["chat"],
        "/event /start\nhello\nwhat are the prices?\nbye\n/quit\nnever sent\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("bot: Hello! I am the emulator's demo bot."),
        "{text}"
    );
    assert_eq!(lines[1].trim(), "[Prices] [Delivery] [Agent]");
    assert!(text.contains("bot: Hi there! How can I help?"));
    assert!(text.contains("bot: Our plan costs 10 EUR a month."));
    assert!(text.contains("bot: Goodbye!\n     (the bot closed the session)"));
    assert!(!text.contains("never sent"));
}

#[test]
fn one_shot_send_as_text_and_json() {
    let out = jaicp().args(["chat", "send", "delivery"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("bot: We deliver in 2 days."), "{text}");
    assert!(text.contains("(timeout reply)"));

    let out = jaicp()
        .args([
            "chat",
            "send",
            "--event",
            "/start",
            "-o",
            "json",
            "--client-id",
            "zoe",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["clientId"], "zoe");
    assert_eq!(json["data"]["newSessionStarted"], true);
}

#[test]
fn imputer_synth_writes_a_wav() {
    let path = std::env::temp_dir().join(format!("jaicp-cli-synth-{}.wav", std::process::id()));
    let out = jaicp()
        .args([
            "imputer",
            "synth",
            "--template",
            "greeting",
            "--var",
            "name=Anna",
            "--out",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WAVE");
    let _ = std::fs::remove_file(&path);
    let bad = jaicp()
        .args([
            "imputer",
            "synth",
            "--template",
            "g",
            "--var",
            "novalue",
            "--out",
            "/dev/null",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[test]
fn pushgate_reads_the_link_from_stdin_and_never_echoes_it() {
    let out = run_with_stdin(
        &["pushgate", "fire"],
        "http://example.com/pushgate/push_SECRETlinkID\n",
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("https"), "{err}");
    assert!(!err.contains("SECRETlinkID"), "{err}");
    // There is no argument for the link at all.
    let out = jaicp()
        .args(["pushgate", "fire", "https://app.jaicp.com/pushgate/push_x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
