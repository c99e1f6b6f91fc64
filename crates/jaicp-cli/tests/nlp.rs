//! `jaicp nlp` against an emulator: import with training, inference, export, and bad data refused
//! with a non-zero exit and nothing stored.

use std::path::PathBuf;
use std::process::Command;

use jaicp_emulator::{DEFAULT_NLP_KEY, Emulator};

fn jaicp(emu: &Emulator) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jaicp"));
    cmd.env("JAICP_HOST", emu.base_url())
        .env("JAICP_NLP_KEY", DEFAULT_NLP_KEY)
        .env_remove("JAICP_NLP_KEY_FILE")
        .env_remove("JAICP_NLP_PREFIX");
    cmd
}

fn scratch(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("jaicp-cli-nlp-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn import_train_infer_export_and_refuse_bad_data() {
    let emu = Emulator::builder()
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await
        .unwrap();
    let good = scratch(
        "good.json",
        r#"{"intents":[{"path":"/Greeting","phrases":[{"text":"hello"}],"patterns":["(hi|hey) *"]},
                       {"path":"/Booking","phrases":[{"text":"book a table"}]}]}"#,
    );
    let out = jaicp(&emu)
        .args(["nlp", "import"])
        .arg(&good)
        .arg("--train")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("training READY"));

    let out = jaicp(&emu)
        .args(["nlp", "infer", "hey you", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["path"], "/Greeting");

    let out = jaicp(&emu).args(["nlp", "export"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.find("/Booking").unwrap() < text.find("/Greeting").unwrap());
    assert!(!text.contains(DEFAULT_NLP_KEY));

    let bad = scratch(
        "bad.json",
        r#"{"intents":[{"path":"/X","patterns":["(oops"]}]}"#,
    );
    let out = jaicp(&emu)
        .args(["nlp", "import"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("intents[0].patterns[0]"));
    assert_eq!(emu.state().nlp_intent_count(DEFAULT_NLP_KEY), Some(2));

    let out = jaicp(&emu)
        .args(["nlp", "intents", "get", "999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "not found");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no intent") && err.contains("999"), "{err}");
    for f in [good, bad] {
        std::fs::remove_file(f).ok();
    }
}
