//! `cargo xtask specs fetch` and `specs diff` against the emulator serving a copy of the official
//! documents from a temporary directory: those of JAICP_SPECS_DIR (CI sets it) or
//! `../shared/jaicp-specs`; on a machine with neither, our own documents of `specs/` stand in
//! under the official file names (with an external reference added to `calls.yml`, as the
//! official one has), so the test runs everywhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use jaicp_emulator::EmulatorBuilder;
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn official_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("JAICP_SPECS_DIR").filter(|v| !v.is_empty()) {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        Some(d) => workspace().join(d),
        None => workspace().join("../shared/jaicp-specs"),
    };
    dir.is_dir().then_some(dir)
}

/// Fills `served` with the documents a host would serve.
fn fill(served: &Path) {
    if let Some(dir) = official_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yml") {
                std::fs::copy(&path, served.join(path.file_name().unwrap())).unwrap();
            }
        }
        return;
    }
    let ours = |name: &str| std::fs::read_to_string(workspace().join("specs").join(name)).unwrap();
    for (file, own) in [
        ("project-api.yml", "chat.yml"),
        ("bot-channel-api.yml", "operator.yml"),
        ("reporter-api.yml", "prompter.yml"),
        ("async-api.yml", "pushgate.yml"),
        ("text-campaign-api.yml", "imputer.yml"),
        ("direct.yml", "chat.yml"),
        ("common.yml", "prompter.yml"),
    ] {
        std::fs::write(served.join(file), ours(own)).unwrap();
    }
    let mut calls: Value = serde_norway::from_str(&ours("operator.yml")).unwrap();
    calls["components"]["schemas"]["Shared"] =
        serde_json::json!({"$ref": "common.yml/#/components/schemas/ErrorBody"});
    std::fs::write(
        served.join("calls.yml"),
        serde_norway::to_string(&calls).unwrap(),
    )
    .unwrap();
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-specs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn xtask(args: Vec<String>) -> (bool, String, String) {
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_from_a_host_and_reports_what_changed() {
    let served = scratch("served");
    fill(&served);
    let emulator = EmulatorBuilder::default()
        .documents_dir(&served)
        .start()
        .await
        .unwrap();
    let host = emulator.base_url();

    // 1. Every listed document, and calls.yml's common.yml, arrive unchanged.
    let first = scratch("first");
    let (ok, stdout, stderr) = xtask(vec![
        "specs".into(),
        "fetch".into(),
        "--host".into(),
        host.clone(),
        "--out".into(),
        s(&first),
    ])
    .await;
    assert!(ok, "{stdout}\n{stderr}");
    let mut fetched: Vec<String> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    fetched.sort();
    assert_eq!(
        fetched,
        [
            "async-api.yml",
            "bot-channel-api.yml",
            "calls.yml",
            "common.yml",
            "direct.yml",
            "project-api.yml",
            "reporter-api.yml",
            "text-campaign-api.yml",
        ]
    );
    for name in &fetched {
        assert_eq!(
            std::fs::read(first.join(name)).unwrap(),
            std::fs::read(served.join(name)).unwrap(),
            "{name}"
        );
    }
    let (ok, stdout, _) = xtask(vec!["specs".into(), "diff".into(), s(&first), s(&first)]).await;
    assert!(ok && stdout.trim() == "no differences", "{stdout}");

    // 2. The host changes one document: an operation goes, a schema loses a field and gains one.
    let path = served.join("project-api.yml");
    let mut doc: Value = serde_norway::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (gone_path, gone_method) = {
        let paths = doc["paths"].as_object_mut().unwrap();
        let (p, item) = paths.iter_mut().next().unwrap();
        let method = item
            .as_object()
            .unwrap()
            .keys()
            .find(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
            .unwrap()
            .clone();
        item.as_object_mut().unwrap().remove(&method);
        (p.clone(), method.to_uppercase())
    };
    let (schema, dropped) = {
        let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
        let (name, schema) = schemas
            .iter_mut()
            .find(|(_, s)| s["properties"].as_object().is_some_and(|p| !p.is_empty()))
            .unwrap();
        let props = schema["properties"].as_object_mut().unwrap();
        let dropped = props.keys().next().unwrap().clone();
        props.remove(&dropped);
        props.insert(
            "driftTestField".into(),
            serde_json::json!({"type": "string"}),
        );
        (name.clone(), dropped)
    };
    std::fs::write(&path, serde_norway::to_string(&doc).unwrap()).unwrap();

    let second = scratch("second");
    let (ok, stdout, stderr) = xtask(vec![
        "specs".into(),
        "fetch".into(),
        "--host".into(),
        host,
        "--out".into(),
        s(&second),
    ])
    .await;
    assert!(ok, "{stdout}\n{stderr}");
    let (ok, stdout, stderr) =
        xtask(vec!["specs".into(), "diff".into(), s(&first), s(&second)]).await;
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "project-api.yml", "{stdout}");
    let mut changes: Vec<&str> = lines[1..lines.len() - 1].iter().map(|l| l.trim()).collect();
    changes.sort();
    assert_eq!(changes.len(), 3, "{stdout}");
    assert_eq!(changes[0], format!("- operation {gone_method} {gone_path}"));
    assert_eq!(
        changes[1],
        format!("~ schema {schema}: + field driftTestField: string")
    );
    assert!(
        changes[2].starts_with(&format!("~ schema {schema}: - field {dropped}: ")),
        "{stdout}"
    );
    assert_eq!(lines[lines.len() - 1], "3 differences in 1 documents");

    // 3. A host that does not serve the documents: every source fails, and the task says so.
    let bare = EmulatorBuilder::default().start().await.unwrap();
    let (ok, _, stderr) = xtask(vec![
        "specs".into(),
        "fetch".into(),
        "--host".into(),
        bare.base_url(),
        "--out".into(),
        s(&scratch("none")),
    ])
    .await;
    assert!(!ok && stderr.contains("project-api.yml: GET "), "{stderr}");
    for dir in [served, first, second, scratch("none")] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
