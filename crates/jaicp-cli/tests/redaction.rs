//! The CLI never prints a token: not in `--verbose` logs, not in errors, not in summaries.

use std::process::Command;
use std::time::Duration;

const CANARY: &str = "777.777.CLI-CANARY-token";

fn jaicp(emu: &jaicp_emulator::Emulator, token: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jaicp"))
        .args(args)
        .env("JAICP_HOST", emu.base_url())
        .env("JAICP_CAMPAIGN_TOKEN", token)
        .env("JAICP_LOG", "trace")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_output_and_errors_never_show_the_token() {
    let emu = jaicp_emulator::Emulator::builder()
        .campaign("Canary", CANARY)
        .dial_interval(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("jaicp-cli-canary-{}.csv", std::process::id()));
    std::fs::write(&file, "phone\n+79001112233\n").unwrap();
    let wrong = format!("{CANARY}-wrong");
    let runs = [
        jaicp(&emu, CANARY, &["--verbose", "calls", "status"]),
        jaicp(
            &emu,
            CANARY,
            &[
                "--verbose",
                "calls",
                "add-phones",
                file.to_str().unwrap(),
                "--report",
                "-o",
                "csv",
            ],
        ),
        jaicp(
            &emu,
            CANARY,
            &["--verbose", "calls", "report", "jobs", "-o", "json"],
        ),
        jaicp(&emu, &wrong, &["--verbose", "calls", "status"]),
        jaicp(&emu, &wrong, &["--verbose", "calls", "control", "pause"]),
        jaicp(
            &emu,
            &wrong,
            &["--verbose", "calls", "add-phones", file.to_str().unwrap()],
        ),
    ];
    let _ = std::fs::remove_file(format!("{}.journal", file.display()));
    let _ = std::fs::remove_file(&file);
    assert!(runs[0].status.success() && runs[1].status.success() && runs[2].status.success());
    assert!(!runs[3].status.success());
    let stderr = String::from_utf8_lossy(&runs[3].stderr);
    assert!(
        stderr.contains("invalid.token") && stderr.contains("refused the credential"),
        "{stderr}"
    );
    assert!(
        stderr.contains("jaicp.request"),
        "verbose logging is on: {stderr}"
    );
    for run in &runs {
        for text in [
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr),
        ] {
            assert!(!text.contains("CLI-CANARY"), "token leaked: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_family_keeps_its_credential_out_of_the_output() {
    let emu = jaicp_emulator::Emulator::builder()
        .dial_interval(Duration::ZERO)
        .start()
        .await
        .unwrap();
    // Unknown credentials everywhere: every command takes its error path, verbosely.
    let runs: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "JAICP_NLP_KEY",
            "NLP-CLI-CANARY-key",
            vec!["--verbose", "nlp", "status"],
        ),
        (
            "JAICP_NLP_KEY",
            "NLP-CLI-CANARY-key",
            vec!["--verbose", "nlp", "infer", "hello"],
        ),
        (
            "JAICP_CHAT_TOKEN",
            "CHAT-CLI-CANARY-token",
            vec!["--verbose", "chat", "send", "hello"],
        ),
        (
            "JAICP_TOKEN",
            "UNI-CLI-CANARY-token",
            vec!["--verbose", "project", "list"],
        ),
        (
            "JAICP_TOKEN",
            "UNI-CLI-CANARY-token",
            vec!["--verbose", "reporter", "sessions"],
        ),
        (
            "JAICP_IMPUTER_TOKEN",
            "IMP-CLI-CANARY:token",
            vec![
                "--verbose",
                "imputer",
                "synth",
                "--template",
                "t",
                "--out",
                "/dev/null",
            ],
        ),
    ];
    for (var, canary, args) in runs {
        let output = Command::new(env!("CARGO_BIN_EXE_jaicp"))
            .args(&args)
            .env("JAICP_HOST", emu.base_url())
            .env(var, canary)
            .env("JAICP_LOG", "trace")
            .output()
            .unwrap();
        assert!(
            !output.status.success(),
            "{args:?} must fail with an unknown credential"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("refused the credential") || stderr.contains("HTTP 40"),
            "{args:?}: {stderr}"
        );
        for text in [String::from_utf8_lossy(&output.stdout), stderr] {
            assert!(
                !text.contains("CLI-CANARY"),
                "{args:?} leaked its credential: {text}"
            );
        }
    }
}
