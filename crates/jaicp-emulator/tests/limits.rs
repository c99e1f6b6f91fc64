//! Caps on stored collections: a full collection refuses more with a clear error and stays as
//! it was; chat logs keep their newest entries.

mod common;

use std::time::Duration;

use common::{Api, quiet_builder, strings};
use jaicp_emulator::{DEFAULT_CHAT_TOKEN, Limits};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_full_campaign_refuses_more_jobs_and_keeps_what_it_has() {
    let emu = quiet_builder(1)
        .limits(Limits::default().call_jobs_per_campaign(3).campaigns(2))
        .start()
        .await
        .expect("starts");
    let api = Api::new(&emu);
    let (status, body) = api
        .add_phones(&json!([{"phone": "79001112233"}, {"phone": "79001112234"}]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(strings(&body).len(), 2);
    let (status, body) = api
        .add_phones(&json!([{"phone": "79001112235"}, {"phone": "79001112236"}]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["type"], "emulator.limit");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("3 call jobs")),
        "{body}"
    );
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(2));

    // Campaigns: the default one plus one more.
    emu.state()
        .add_campaign("Second", "1.1.second")
        .expect("room for one");
    let err = emu
        .state()
        .add_campaign("Third", "1.1.third")
        .expect_err("full");
    assert!(err.to_string().contains("2 campaigns"), "{err}");
    emu.shutdown().await;
}

#[tokio::test]
async fn chat_logs_keep_their_newest_entries() {
    let emu = quiet_builder(1)
        .chat_hold(Duration::from_millis(10))
        .limits(Limits::default().chat_log_per_client(2))
        .start()
        .await
        .expect("starts");
    let client = reqwest::Client::new();
    let url = format!("{}/chatapi/{DEFAULT_CHAT_TOKEN}", emu.base_url());
    for text in ["one", "two", "three"] {
        let response = client
            .post(&url)
            .json(&json!({"clientId": "c1", "query": text}))
            .send()
            .await
            .expect("sent");
        assert!(response.status().is_success());
    }
    let history = common::json_of(
        client
            .get(format!("{url}/history"))
            .query(&[("clientId", "c1")]),
    )
    .await;
    let queries: Vec<&str> = history["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|e| e["query"].as_str())
        .collect();
    assert_eq!(queries, ["two", "three"]);
    emu.shutdown().await;
}
