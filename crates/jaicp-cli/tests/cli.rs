//! The `jaicp` binary as a user meets it: help, output formats, exit codes, masking, hostile
//! servers, closed pipes, credential files, durations, and state kept between invocations.
//! Every run gets its own data and config directories, so runs never share emulator state.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Stdio;

use assert_cmd::Command;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn jaicp(&self) -> Command {
        let mut cmd = Command::cargo_bin("jaicp").unwrap();
        for var in [
            "JAICP_HOST",
            "JAICP_TOKEN",
            "JAICP_TOKEN_FILE",
            "JAICP_CAMPAIGN_TOKEN",
            "JAICP_CAMPAIGN_TOKEN_FILE",
            "JAICP_CHAT_TOKEN",
            "JAICP_PROFILE",
            "JAICP_CONFIG",
            "NO_COLOR",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"));
        cmd
    }

    fn file(&self, name: &str, content: &str, mode: u32) -> std::path::PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        path
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn top_level_help_explains_host_emulator_profiles_logging_and_exit_codes() {
    let out = Env::new().jaicp().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "JAICP_HOST",
        "embedded emulator",
        "--profile",
        "JAICP_LOG",
        "RUST_LOG",
        "Exit codes",
        "130 interrupted",
    ] {
        assert!(text.contains(needle), "help lacks {needle}:\n{text}");
    }
    let out = Env::new()
        .jaicp()
        .args(["calls", "add-phones", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("Examples:\n  $ jaicp calls add-phones"));
}

#[test]
fn completions_print_a_script() {
    let out = Env::new()
        .jaicp()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let script = stdout(&out);
    assert!(
        script.contains("complete") && script.contains("jaicp"),
        "{script}"
    );
    assert!(script.contains("add-phones"));
}

#[test]
fn every_output_format_of_a_listing() {
    let env = Env::new();
    let run = |format: &str| {
        let out = env
            .jaicp()
            .args(["project", "list", "-o", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let table = run("table");
    assert!(table.starts_with("id  shortName"), "{table}");
    assert!(table.contains("demo-bot-1-emu") && table.trim_end().ends_with("rows)"));
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert!(json.as_array().is_some_and(|a| !a.is_empty()));
    let jsonl = run("jsonl");
    for line in jsonl.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(row.is_object());
    }
    assert_eq!(jsonl.lines().count(), json.as_array().unwrap().len());
    let csv = run("csv");
    assert!(csv.starts_with("id,shortName,name,botChannelsType,lastModificationTime\n"));
    // A single object in every format.
    for (format, probe) in [
        ("json", "\"shortName\""),
        ("jsonl", "\"shortName\""),
        ("table", "shortName "),
        ("csv", "shortName"),
    ] {
        let out = env
            .jaicp()
            .args(["project", "get", "demo-bot-1-emu", "-o", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(probe), "{format}: {}", stdout(&out));
    }
}

#[test]
fn exit_codes_tell_usage_credentials_not_found_and_partial_apart() {
    let env = Env::new();
    let code = |args: &[&str]| env.jaicp().args(args).output().unwrap().status.code();
    assert_eq!(code(&["project", "list", "--no-such-flag"]), Some(2));
    assert_eq!(
        code(&["calls", "report", "--from", "yesterday-ish"]),
        Some(2)
    );
    assert_eq!(code(&["channel", "get", "999999"]), Some(4));
    let wrong = env
        .jaicp()
        .env("JAICP_TOKEN", "wrong-token-for-the-emulator")
        .args(["project", "list"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    let csv = env.file("mixed.csv", "phone\n+79001112201\n12ab\n", 0o600);
    let partial = env
        .jaicp()
        .args(["calls", "add-phones"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(partial.status.code(), Some(5), "{}", stderr(&partial));
    assert!(
        stdout(&partial).contains("1 rejected"),
        "{}",
        stdout(&partial)
    );
}

#[test]
fn secrets_are_masked_in_every_format_unless_asked_for() {
    let env = Env::new();
    for format in ["json", "jsonl", "table", "csv"] {
        let out = env
            .jaicp()
            .args(["channel", "get", "1", "-o", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("accessToken"), "{format}: {text}");
        assert!(
            text.contains("[hidden; --show-secrets shows it]"),
            "{format}: {text}"
        );
        assert!(
            !text.contains(jaicp_emulator::DEFAULT_CHAT_TOKEN),
            "{format}: {text}"
        );
    }
    let shown = env
        .jaicp()
        .args(["channel", "get", "1", "--show-secrets"])
        .output()
        .unwrap();
    assert!(!stdout(&shown).contains("[hidden"), "{}", stdout(&shown));
    let chat = env
        .jaicp()
        .args(["chat", "send", "hello", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(chat.status.code(), Some(0), "{}", stderr(&chat));
    assert!(!stdout(&chat).contains(jaicp_emulator::DEFAULT_CHAT_TOKEN));
}

/// A server that answers every request with `status` and `body`.
fn hostile_server(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let mut length = 0usize;
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut sink = vec![0; length];
            let _ = reader.read_exact(&mut sink);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn escape_sequences_from_a_server_are_made_visible() {
    let host = hostile_server(
        "400 Bad Request",
        "{\"error\":\"bad\",\"message\":\"boom \u{1b}[2J\u{1b}]0;pwned\u{7} done\"}",
    );
    let out = Env::new()
        .jaicp()
        .env("JAICP_HOST", &host)
        .env("JAICP_TOKEN", "some-token-value")
        .args(["project", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("\\x1b[2J"), "{err}");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_jaicp"));
    cmd.args(["completions", "zsh"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Close the reading end before the command writes.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn empty_token_files_are_one_clear_error_everywhere() {
    let env = Env::new();
    let empty = env.file("empty-token", "\n", 0o600);
    let by_flag = env
        .jaicp()
        .args(["project", "list", "--token-file"])
        .arg(&empty)
        .output()
        .unwrap();
    let by_env = env
        .jaicp()
        .env("JAICP_TOKEN_FILE", &empty)
        .args(["project", "list"])
        .output()
        .unwrap();
    let campaign = env
        .jaicp()
        .env("JAICP_CAMPAIGN_TOKEN_FILE", &empty)
        .args(["calls", "status"])
        .output()
        .unwrap();
    for out in [&by_flag, &by_env, &campaign] {
        assert_eq!(out.status.code(), Some(3), "{}", stderr(out));
        assert!(stderr(out).contains("is empty"), "{}", stderr(out));
    }
}

#[test]
fn a_token_file_others_can_read_gets_a_warning() {
    let env = Env::new();
    let loose = env.file("loose-token", jaicp_emulator::DEFAULT_UNIFIED_TOKEN, 0o644);
    let out = env
        .jaicp()
        .args(["project", "list", "--token-file"])
        .arg(&loose)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    if cfg!(unix) {
        assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    }
    let tight = env.file("tight-token", jaicp_emulator::DEFAULT_UNIFIED_TOKEN, 0o600);
    let out = env
        .jaicp()
        .args(["project", "list", "--token-file"])
        .arg(&tight)
        .output()
        .unwrap();
    assert!(!stderr(&out).contains("chmod"), "{}", stderr(&out));
}

#[test]
fn the_duration_that_used_to_panic_saturates() {
    let out = Env::new()
        .jaicp()
        .args([
            "channel",
            "deploy",
            "--project",
            "demo-bot-1-emu",
            "--bot-id",
            "1-demo-bot-1-emu-1",
            "--wait",
            "--timeout",
            "18446744073709551615",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
}

#[test]
fn a_server_that_never_answers_meets_the_deadline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    let started = std::time::Instant::now();
    let out = Env::new()
        .jaicp()
        .env("JAICP_HOST", &host)
        .env("JAICP_TOKEN", "some-token-value")
        .args(["project", "list", "--timeout", "2s"])
        .output()
        .unwrap();
    drop(listener);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(stderr(&out).contains("2s"), "{}", stderr(&out));
}

#[test]
fn create_then_control_across_invocations_and_reset() {
    let env = Env::new();
    let create = env
        .jaicp()
        .args([
            "text-campaigns",
            "create",
            "--project",
            "demo-bot-1-emu",
            "Promo",
        ])
        .output()
        .unwrap();
    assert_eq!(create.status.code(), Some(0), "{}", stderr(&create));
    let id = serde_json::from_slice::<serde_json::Value>(&create.stdout).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let control = env
        .jaicp()
        .args([
            "text-campaigns",
            "control",
            "--project",
            "demo-bot-1-emu",
            &id,
            "stop",
        ])
        .output()
        .unwrap();
    assert_eq!(control.status.code(), Some(0), "{}", stderr(&control));
    let stopped: serde_json::Value = serde_json::from_slice(&control.stdout).unwrap();
    assert_eq!(stopped["status"], "STOPPED");

    let reset = env
        .jaicp()
        .args(["emulator", "reset", "--yes"])
        .output()
        .unwrap();
    assert_eq!(reset.status.code(), Some(0), "{}", stderr(&reset));
    let gone = env
        .jaicp()
        .args([
            "text-campaigns",
            "control",
            "--project",
            "demo-bot-1-emu",
            &id,
            "stop",
        ])
        .output()
        .unwrap();
    assert_eq!(gone.status.code(), Some(4), "{}", stderr(&gone));
}

#[test]
fn profiles_name_sources_and_auth_status_never_prints_a_secret() {
    let env = Env::new();
    let token = env.file("unified", jaicp_emulator::DEFAULT_UNIFIED_TOKEN, 0o600);
    let set = env
        .jaicp()
        .args(["config", "set", "token_file"])
        .arg(&token)
        .args(["--profile", "work"])
        .output()
        .unwrap();
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let refused = env
        .jaicp()
        .args(["config", "set", "token", "abc", "--profile", "work"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        env.jaicp()
            .args(["config", "use", "work"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    let list = env
        .jaicp()
        .args(["config", "list", "-o", "json"])
        .output()
        .unwrap();
    let profiles: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(profiles[0]["name"], "work");
    assert_eq!(profiles[0]["current"], "*");

    let status = env
        .jaicp()
        .args(["auth", "status", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let text = stdout(&status);
    let rows: serde_json::Value = serde_json::from_str(&text).unwrap();
    let unified = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["credential"] == "JAICP_TOKEN")
        .unwrap();
    assert!(
        unified["source"].as_str().unwrap().contains("profile work"),
        "{unified}"
    );
    assert_eq!(unified["check"], "accepted");
    for secret in [
        jaicp_emulator::DEFAULT_UNIFIED_TOKEN,
        jaicp_emulator::DEFAULT_CHAT_TOKEN,
        jaicp_emulator::DEFAULT_NLP_KEY,
    ] {
        assert!(!text.contains(secret) && !stderr(&status).contains(secret));
    }
    let missing = env
        .jaicp()
        .args(["project", "list", "--profile", "nope"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn emulator_serve_binds_first_and_prints_the_real_address() {
    let env = Env::new();
    let out = env
        .jaicp()
        .args([
            "emulator",
            "serve",
            "--port",
            "0",
            "--print-config",
            "json",
            "--timeout",
            "1s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let base = config["baseUrl"].as_str().unwrap();
    assert!(!base.ends_with(":0"), "{base}");
    assert_eq!(config["chatToken"], jaicp_emulator::DEFAULT_CHAT_TOKEN);

    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let out = env
        .jaicp()
        .args(["emulator", "serve", "--port", &port, "--timeout", "1s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("listening"), "{}", stderr(&out));

    let exports = env
        .jaicp()
        .args(["emulator", "env", "--port", "9000"])
        .output()
        .unwrap();
    let text = stdout(&exports);
    assert!(
        text.contains("export JAICP_HOST='http://127.0.0.1:9000'"),
        "{text}"
    );
    assert!(text.contains("export JAICP_CAMPAIGN_TOKEN="));
}

#[test]
fn a_server_that_echoes_the_token_does_not_get_it_printed() {
    let host = hostile_server(
        "200 OK",
        "{\"id\":1,\"name\":\"echo cli-CANARY-0xfeedface\",\"shortName\":\"x\"}",
    );
    for format in ["json", "table", "csv", "jsonl"] {
        let out = Env::new()
            .jaicp()
            .env("JAICP_HOST", &host)
            .env("JAICP_TOKEN", "cli-CANARY-0xfeedface")
            .args(["project", "get", "1", "-o", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("echo"), "{text}");
        assert!(!text.contains("CANARY-0xfeedface"), "{format}: {text}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_with_130() {
    let env = Env::new();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_jaicp"))
        .env("XDG_DATA_HOME", env.dir.path().join("data"))
        .env("XDG_CONFIG_HOME", env.dir.path().join("config"))
        .env_remove("JAICP_HOST")
        .args(["chat", "events", "--client-id", "nobody-writes-to-me"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let it start and begin waiting for events.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"));
}

/// A server stopped by Ctrl-C has stopped normally: it writes its state, says one quiet line
/// and exits 0 (unlike a command cut short, which exits 130 above).
#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_emulator_server_cleanly_and_writes_its_state() {
    let env = Env::new();
    let state = env.dir.path().join("state.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jaicp"))
        .args([
            "emulator",
            "serve",
            "--port",
            "0",
            "--print-config",
            "json",
            "--state",
        ])
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The settings are printed (pretty JSON) once the port is bound.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut text = String::new();
    let config: serde_json::Value = loop {
        text.push_str(&lines.next().expect("settings before exit").unwrap());
        if let Ok(config) = serde_json::from_str(&text) {
            break config;
        }
    };
    // Something the state must keep: a campaign added through the admin API.
    let addr = config["addr"].as_str().unwrap();
    let body = r#"{"name":"kept over Ctrl-C","token":"sigint-campaign-token"}"#;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /_emulator/campaigns HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err.trim(), "jaicp: emulator stopped");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("sigint-campaign-token"), "{saved}");
}
