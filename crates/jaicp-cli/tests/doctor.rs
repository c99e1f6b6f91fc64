//! `jaicp doctor` against the embedded emulator: every check confirmed when writes are allowed,
//! the report files written, and no credential of the emulator in anything printed.

use std::process::Command;

fn jaicp() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    // The embedded emulator keeps its state under XDG_DATA_HOME: one of our own per run.
    let data = std::env::temp_dir().join(format!("jaicp-doctor-data-{}", std::process::id()));
    cmd.env("XDG_DATA_HOME", data);
    cmd.env_remove("JAICP_PROFILE");
    cmd.env(
        "JAICP_CONFIG",
        std::env::temp_dir().join("jaicp-doctor-no-config.toml"),
    );
    for var in [
        "JAICP_HOST",
        "JAICP_CHAT_TOKEN",
        "JAICP_CHAT_TOKEN_FILE",
        "JAICP_PROMPTER_TOKEN",
        "JAICP_PROMPTER_TOKEN_FILE",
        "JAICP_IMPUTER_TOKEN",
        "JAICP_IMPUTER_TOKEN_FILE",
        "JAICP_PUSHBACK_LINK",
        "JAICP_OPERATOR_WEBHOOK",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn doctor_against_the_embedded_emulator() {
    let out = std::env::temp_dir().join(format!("jaicp-doctor-cli-{}", std::process::id()));
    let output = jaicp()
        .args([
            "doctor", "--allow", "chat", "--allow", "prompter", "--allow", "pushgate", "--allow",
            "imputer", "-o", "json", "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    for check in checks {
        // Not exercised against the emulator: host checks (it is not Tovie), the webhook body
        // (nothing captured) and the Operator writes (no webhook given).
        let id = check["id"].as_str().unwrap();
        let expected = if id.ends_with(".host")
            || id == "chat.webhook-payload"
            || (id.starts_with("operator.") && id != "operator.bad-key")
        {
            "not-exercised"
        } else {
            "confirmed"
        };
        assert_eq!(check["outcome"], expected, "{check}");
    }
    let markdown = std::fs::read_to_string(out.join("doctor-report.md")).unwrap();
    let json = std::fs::read_to_string(out.join("doctor-report.json")).unwrap();
    assert!(markdown.starts_with("# jaicp doctor report"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        report
    );
    for text in [&*stdout, &*stderr, &markdown] {
        for secret in [
            jaicp_emulator::DEFAULT_CHAT_TOKEN,
            jaicp_emulator::DEFAULT_PROMPTER_TOKEN,
            jaicp_emulator::DEFAULT_IMPUTER_TOKEN,
        ] {
            assert!(!text.contains(secret), "a token was printed");
        }
    }
    assert!(stderr.contains("confirmed"), "{stderr}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn doctor_without_writes_sends_none() {
    let output = jaicp().args(["doctor", "-o", "json"]).output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for id in [
        "chat.send-envelope",
        "chat.send-async",
        "prompter.suggest",
        "pushgate.fire",
        "imputer.generate",
    ] {
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(check["outcome"], "not-exercised", "{check}");
    }
    assert_eq!(report["writesAllowed"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_config_saves_the_variant_found() {
    let emulator = jaicp_emulator::EmulatorBuilder::default()
        .variants(jaicp_emulator::Variants::other())
        .start()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("jaicp-doctor-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    let base = emulator.base_url();
    std::fs::write(&config, format!("[profiles.lab]\nhost = \"{base}\"\n")).unwrap();
    let output = tokio::task::spawn_blocking(move || {
        jaicp()
            .args(["doctor", "-o", "json", "--write-config", "--profile", "lab"])
            .env("JAICP_HOST", base)
            .env("JAICP_CONFIG", &config)
            .env("JAICP_CHAT_TOKEN", jaicp_emulator::DEFAULT_CHAT_TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let written = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(written.contains("[profiles.lab]"), "{written}");
    assert!(
        written.contains("calls_route_family = \"older\""),
        "{written}"
    );
    // The Chat API base path is reported, not written: the SDK has no setting for it.
    assert!(!written.contains("chat_base_path"), "{written}");
    assert!(stderr.contains("not written: chat_base_path"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
