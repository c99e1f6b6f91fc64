//! The state file: what one run writes the next one serves; corrupt, foreign and newer files are
//! refused with an error naming the file, and left byte for byte as they were. Also the
//! credentials, the banner and the health route that a test in any language relies on.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Api, quiet_builder, strings};
use jaicp_emulator::{DEFAULT_UNIFIED_TOKEN, Emulator};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("jaicp-emu-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn create_project(base: &str, name: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/projects"))
        .bearer_auth(DEFAULT_UNIFIED_TOKEN)
        .json(&json!({"name": name}))
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("json")
}

async fn project_names(base: &str) -> Vec<String> {
    let body = common::json_of(
        reqwest::Client::new()
            .get(format!("{base}/api/v1/projects"))
            .bearer_auth(DEFAULT_UNIFIED_TOKEN),
    )
    .await;
    let list = body["projects"].as_array().cloned().unwrap_or_default();
    list.iter()
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_state_written_by_one_run_is_served_by_the_next() {
    let dir = TempDir::new("roundtrip");
    let file = dir.file("state.json");

    let first = quiet_builder(7)
        .state_file(&file)
        .start()
        .await
        .expect("first run starts");
    let api = Api::new(&first);
    let (status, body) = api
        .add_phones(&json!([
            {"phone": "79001112233", "payload": {"name": "Ann"}, "gmtZone": "Europe/Moscow",
             "allowedTime": {"default": [{"localTimeFrom": "10:00", "localTimeTo": "13:00"}]}},
            {"phone": "79001112234", "maxAttempts": 2}
        ]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = strings(&body);
    // Finish the jobs so attempts (with their call results) are part of the saved state too.
    first
        .state()
        .advance_calls(first.campaign_token())
        .expect("dialer finishes");
    let report_before = api.job_report(&ids).await;
    create_project(&first.base_url(), "Persisted bot").await;
    let now_before = first.state().now();
    let jobs_created = first.state().counters().jobs_created;
    first.shutdown().await;
    assert!(file.exists(), "shutdown writes the state file");

    let second = quiet_builder(7)
        .state_file(&file)
        .start()
        .await
        .expect("second run loads the file");
    let api = Api::new(&second);
    assert_eq!(api.job_report(&ids).await, report_before);
    assert!(
        project_names(&second.base_url())
            .await
            .contains(&"Persisted bot".to_owned())
    );
    assert!(
        second.state().now() >= now_before,
        "the clock never goes back"
    );
    assert_eq!(second.state().counters().jobs_created, jobs_created);
    // New jobs get new ids: the id counters were saved as well.
    let (_, more) = api.add_phones(&json!([{"phone": "79001112299"}])).await;
    let new_id = strings(&more)[0].parse::<u64>().expect("numeric id");
    assert!(ids.iter().all(|id| id.parse::<u64>().expect("id") < new_id));
    second.shutdown().await;
}

#[tokio::test]
async fn changes_reach_the_file_without_a_shutdown() {
    let dir = TempDir::new("debounce");
    let file = dir.file("nested/state.json");
    let emu = quiet_builder(1)
        .state_file(&file)
        .save_interval(Duration::from_millis(20))
        .start()
        .await
        .expect("starts");
    create_project(&emu.base_url(), "Saved while running").await;
    let mut seen = false;
    for _ in 0..250 {
        if std::fs::read_to_string(&file).is_ok_and(|t| t.contains("Saved while running")) {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the saver wrote the change");
    // Only the state file is left in the directory: temp files were renamed, not leaked.
    let names: Vec<_> = std::fs::read_dir(file.parent().expect("parent"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    emu.shutdown().await;
}

async fn refused(file: &std::path::Path, contents: &[u8]) -> String {
    std::fs::write(file, contents).expect("write");
    let err = quiet_builder(1)
        .state_file(file)
        .start()
        .await
        .expect_err("a bad state file is refused");
    assert_eq!(
        std::fs::read(file).expect("still there"),
        contents,
        "the file was left as it was"
    );
    let message = err.to_string();
    assert!(
        message.contains(&file.display().to_string()),
        "names the file: {message}"
    );
    message
}

#[tokio::test]
async fn corrupt_foreign_and_newer_files_are_refused_and_left_unchanged() {
    let dir = TempDir::new("refused");
    let file = dir.file("state.json");

    let message = refused(&file, b"{\"format\": \"jaicp-emulator-state\", \"vers").await;
    assert!(message.contains("not valid JSON"), "{message}");

    let message = refused(&file, br#"{"hello": "world"}"#).await;
    assert!(message.contains("not an emulator state file"), "{message}");

    let message = refused(
        &file,
        br#"{"format": "jaicp-emulator-state", "version": 999, "future": true}"#,
    )
    .await;
    assert!(message.contains("newer emulator"), "{message}");
    assert!(message.contains("version 999"), "{message}");

    // Right header, wrong body: the path of the bad field is part of the message.
    let message = refused(
        &file,
        br#"{"format": "jaicp-emulator-state", "version": 1, "nowMs": "soon"}"#,
    )
    .await;
    assert!(message.contains("corrupt at nowMs"), "{message}");
}

#[tokio::test]
async fn credentials_banner_and_health() {
    let emu = Emulator::builder()
        .campaign("Second", "1.1.second-campaign")
        .start()
        .await
        .expect("starts");
    let creds = emu.credentials();
    assert_eq!(creds.base_url, emu.base_url());
    assert!(creds.loopback);
    let json = serde_json::to_value(&creds).expect("serializes");
    for key in [
        "baseUrl",
        "unifiedToken",
        "campaignToken",
        "nlpKey",
        "chatToken",
        "prompterToken",
        "imputerToken",
        "operatorKey",
        "legacyReporterToken",
        "healthUrl",
    ] {
        assert!(json[key].is_string(), "{key} in {json}");
    }
    let banner = creds.banner();
    for (var, value) in creds.env_vars() {
        assert!(banner.contains(var) && banner.contains(&value), "{var}");
    }
    assert!(banner.contains("1.1.second-campaign"));
    assert!(!banner.contains("WARNING"));
    assert!(banner.contains("state is lost on exit"));

    let health = reqwest::get(&creds.health_url).await.expect("health");
    assert_eq!(health.status(), StatusCode::OK);
    let body: Value = health.json().await.expect("json");
    assert_eq!(body["status"], "ok");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_non_loopback_address_is_flagged() {
    let emu = Emulator::builder()
        .bind("0.0.0.0:0".parse().expect("addr"))
        .start()
        .await
        .expect("starts");
    let creds = emu.credentials();
    assert!(!creds.loopback);
    assert!(
        creds
            .banner()
            .contains("WARNING: 0.0.0.0 is not a loopback address")
    );
    emu.shutdown().await;
}
