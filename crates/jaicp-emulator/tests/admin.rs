//! The admin API a test in any language drives over HTTP: faults, seeding, reset, save.

mod common;

use std::time::{Duration, Instant};

use common::{Api, quiet};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn admin(
    api: &Api,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = api
        .client
        .request(method, format!("{}/_emulator{path}", api.base));
    common::send(common::with_json(request, body.as_ref())).await
}

/// Arms `fault` (`POST /_emulator/faults`).
async fn add_fault(api: &Api, fault: Value) -> (StatusCode, Value) {
    admin(api, reqwest::Method::POST, "/faults", Some(fault)).await
}

/// The campaign status route the fault tests aim at.
async fn campaign_status(api: &Api) -> reqwest::Response {
    api.client
        .get(api.calls("/status"))
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn the_next_n_requests_on_a_route_fail_then_it_answers_again() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (status, fault) = add_fault(
        &api,
        json!({"method": "get", "path": "/api/calls/campaign/*/status", "count": 2, "status": 503}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{fault}");
    assert_eq!(fault["remaining"], 2);

    for _ in 0..2 {
        let response = campaign_status(&api).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["x-emulator-fault"], "injected");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["type"], "emulator.fault");
    }
    let response = campaign_status(&api).await;
    assert_eq!(response.status(), StatusCode::OK, "the fault is used up");
    // The handler never saw the faulted requests; they are counted apart, so a test can tell
    // that the client made three attempts.
    let counters = emu.state().counters();
    assert_eq!(counters.requests_for("getCallTaskStatus"), 1);
    assert_eq!(counters.faults_injected, 2);
    let (_, over_http) = admin(&api, reqwest::Method::GET, "/counters", None).await;
    assert_eq!(over_http["faultsInjected"], 2, "{over_http}");
    let (_, listed) = admin(&api, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(listed["faults"], json!([]));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_delay_fault_holds_the_request_and_then_serves_it() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (status, _) = add_fault(&api, json!({"path": "/api/calls/**", "delayMs": 300})).await;
    assert_eq!(status, StatusCode::CREATED);
    let started = Instant::now();
    let response = campaign_status(&api).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_can_be_listed_and_disarmed_and_never_hit_the_admin_api() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (_, first) = add_fault(&api, json!({"path": "/**", "status": 500, "count": 5})).await;
    // "/**" covers every route, but the admin API still answers.
    let (status, listed) = admin(&api, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["faults"][0]["id"], first["id"]);
    let (status, _) = admin(
        &api,
        reqwest::Method::DELETE,
        &format!("/faults/{}", first["id"]),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let response = campaign_status(&api).await;
    assert_eq!(response.status(), StatusCode::OK);

    for bad in [
        json!({"path": "no-slash", "status": 500}),
        json!({"path": "/x"}),
        json!({"path": "/x", "status": 99}),
        json!({"path": "/x", "status": 500, "count": 0}),
        json!({"path": "/x", "status": 500, "colour": "red"}),
    ] {
        let (status, body) = add_fault(&api, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} -> {body}");
        assert!(body["message"].is_string(), "{body}");
    }
    let (status, _) = admin(&api, reqwest::Method::DELETE, "/faults", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    emu.shutdown().await;
}

#[tokio::test]
async fn seed_adds_credentials_once_and_reset_goes_back_to_a_fresh_start() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let seed = json!({
        "campaigns": [{"name": "Seeded", "token": "1.1.seeded"}],
        "nlpProjects": [{"name": "Seeded NLP", "key": "seeded-nlp"}],
        "unifiedTokens": ["seeded-unified"],
        "chatChannels": ["seeded-chat"],
    });
    let (status, body) = admin(&api, reqwest::Method::POST, "/seed", Some(seed.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["added"].as_array().map(Vec::len), Some(4));
    let (_, again) = admin(&api, reqwest::Method::POST, "/seed", Some(seed)).await;
    assert_eq!(again["added"], json!([]));
    assert_eq!(again["existing"].as_array().map(Vec::len), Some(4));
    assert_eq!(emu.state().campaign_job_count("1.1.seeded"), Some(0));

    let (status, _) = api.add_phones(&json!([{"phone": "79001112233"}])).await;
    assert_eq!(status, StatusCode::OK);
    add_fault(&api, json!({"path": "/x", "status": 500})).await;
    let clock_before = emu.state().now();
    let (status, _) = admin(&api, reqwest::Method::POST, "/reset", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(0));
    assert_eq!(emu.state().campaign_job_count("1.1.seeded"), None);
    assert_eq!(emu.state().counters().jobs_created, 0);
    assert!(emu.state().now() >= clock_before);
    let (_, faults) = admin(&api, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]));

    // Without a state file there is nothing to save to.
    let (status, body) = admin(&api, reqwest::Method::POST, "/state/save", None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["type"], "emulator.state.none");
    emu.shutdown().await;
}
