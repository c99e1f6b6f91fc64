//! Waits that outlive a lost connection: a deploy whose status polls fail for a while is still
//! waited for to the end, with a status line on stderr, and not started twice.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use jaicp_emulator::Emulator;

/// Arms an emulator fault through its admin API (plain HTTP, as a test in any language would).
fn arm_fault(emu: &Emulator, body: &str) {
    let mut stream = TcpStream::connect(emu.addr()).unwrap();
    write!(
        stream,
        "POST /_emulator/faults HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deploy_wait_goes_on_after_failed_polls() {
    let emu = Emulator::start().await.unwrap();
    let creds = emu.credentials();
    // Three 503s in a row exhaust the SDK's own attempts for one poll; the command must poll
    // again instead of ending the wait.
    arm_fault(
        &emu,
        r#"{"path":"/api/v1/async/events","method":"GET","count":3,"status":503}"#,
    );
    let data = tempfile::tempdir().unwrap();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_jaicp"))
            .env("XDG_DATA_HOME", data.path())
            .env("XDG_CONFIG_HOME", data.path())
            .env("JAICP_HOST", &creds.base_url)
            .env("JAICP_TOKEN", &creds.unified_token)
            .args([
                "channel",
                "deploy",
                "--project",
                &creds.project_short_name,
                "--bot-id",
                &creds.bot_id,
                "--wait",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("lost contact while waiting for the deploy") && stderr.contains("(1/5)"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    let counters = emu.state().counters();
    assert_eq!(counters.requests_for("channel.deploy"), 1, "started once");
    // (Faulted polls are answered before the emulator counts them.)
    assert!(
        counters.requests_for("getAsyncRequest") >= 1,
        "{counters:?}"
    );
    assert!(
        !stderr.contains(&emu.credentials().unified_token),
        "the token stays out of the status line"
    );
}
