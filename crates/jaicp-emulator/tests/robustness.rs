//! Unknown tokens, malformed input, oversized bodies, admin endpoints and bulk load.

mod common;

use std::time::{Duration, Instant};

use common::{Api, quiet, read, strings};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn unknown_token_is_404_on_every_operation() {
    let emu = quiet(5).await;
    let mut api = Api::new(&emu);
    api.token = "9.9.nobody".into();
    let ops: [(Method, String); 13] = [
        (Method::POST, api.calls("/addPhones")),
        (Method::GET, api.crm("/addPhone?phone=79001112233")),
        (Method::POST, api.crm("/addPhone")),
        (Method::GET, api.crm("/test/addPhone?phone=79001112233")),
        (Method::POST, api.calls("/callJob/cancel")),
        (Method::POST, api.calls("/callJob/getReport")),
        (Method::POST, api.calls("/callJob/getReportByDate")),
        (Method::POST, api.calls("/callJob/getUnfinished")),
        (Method::POST, api.calls("/callAttempt/getReport")),
        (Method::POST, api.calls("/callAttempt/getReportByDate")),
        (Method::GET, api.calls("")),
        (Method::GET, api.calls("/status")),
        (Method::POST, api.calls("/control/pause")),
    ];
    for (method, url) in ops {
        let response = api
            .client
            .request(method.clone(), &url)
            .header("content-type", "application/json")
            .body("[]")
            .send()
            .await
            .unwrap();
        let (status, body) = read(response).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {url}");
        assert_eq!(body["type"], json!("invalid.token"), "{method} {url}");
        assert!(body["message"].is_string());
    }
    assert_eq!(emu.state().counters().requests.values().sum::<u64>(), 13);
}

#[tokio::test]
async fn malformed_json_is_400_with_reason() {
    let emu = quiet(5).await;
    let api = Api::new(&emu);
    let cases = [
        ("/addPhones", "[{\"phone\": "),
        ("/addPhones", "{\"phone\": \"79001112233\"}"),
        (
            "/addPhones",
            "[{\"phone\": \"79001112233\", \"maxAttempts\": }]",
        ),
        ("/callJob/getReport", "{\"ids\": 5}"),
        ("/callJob/cancel", "not json"),
        ("/callJob/getReportByDate", "[1,2]"),
        ("/callJob/getUnfinished", "{\"page\": \"x\"}"),
    ];
    for (path, body) in cases {
        let response = api
            .client
            .post(api.calls(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, reply) = read(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}");
        assert_eq!(reply["type"], json!("invalid.request"), "{path} {body}");
        let message = reply["message"].as_str().unwrap();
        assert!(message.len() > 10, "a reason is given: {message}");
    }
    let response = api
        .client
        .post(api.calls("/addPhones"))
        .body("[{\"phone\": ")
        .send()
        .await
        .unwrap();
    let (_, reply) = read(response).await;
    assert!(
        reply["message"].as_str().unwrap().contains("EOF"),
        "{reply}"
    );
    assert_eq!(emu.state().counters().jobs_created, 0);
}

#[tokio::test]
async fn oversized_body_is_413() {
    let emu = quiet(5).await;
    let api = Api::new(&emu);
    let body = vec![b' '; 33 * 1024 * 1024];
    let response = api
        .client
        .post(api.calls("/addPhones"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn admin_endpoints() {
    let emu = quiet(5).await;
    let api = Api::new(&emu);
    let base = &api.base;

    let (status, created) = api
        .post_json(
            &format!("{base}/_emulator/campaigns"),
            &json!({"name": "Second", "token": "2.2.second"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created, json!({"name": "Second", "token": "2.2.second"}));
    let (status, _) = api
        .post_json(
            &format!("{base}/_emulator/campaigns"),
            &json!({"name": "Again", "token": "2.2.second"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = api
        .post_json(
            &format!("{base}/_emulator/campaigns"),
            &json!({"name": "Bad", "token": "a/b"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, minted) = api
        .post_json(
            &format!("{base}/_emulator/campaigns"),
            &json!({"name": "Minted"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(minted["token"].as_str().unwrap().starts_with("1.1."));

    let mut second = Api::new(&emu);
    second.token = "2.2.second".into();
    let (status, info) = second.get(&second.calls("")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["name"], json!("Second"));
    let (_, ids) = second.add_phones(&json!([{"phone": "79009990001"}])).await;
    // Job ids are unique across campaigns; the default campaign does not see this one.
    let (status, err) = api
        .post_json(
            &api.calls("/callJob/getReport"),
            &json!({"ids": strings(&ids)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("id.not.found"));
    assert_eq!(emu.state().campaign_job_count("2.2.second"), Some(1));
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(0));
    assert_eq!(emu.state().campaign_job_count("nope"), None);

    let (status, counters) = api.get(&format!("{base}/_emulator/counters")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(counters["jobsCreated"], json!(1));
    assert_eq!(counters["requests"]["addPhones"], json!(1));
    assert_eq!(counters["requests"]["getCallTask"], json!(1));
    assert_eq!(counters["idempotentReplays"], json!(0));

    let (_, clock) = api.get(&format!("{base}/_emulator/clock")).await;
    assert_eq!(clock["now"], json!(1_740_992_400_000_i64));
    let (status, clock) = api
        .post_json(
            &format!("{base}/_emulator/clock/advance"),
            &json!({"seconds": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(clock["iso"], json!("2025-03-03T09:01:00Z"));

    let (status, body) = api
        .post_json(
            &format!("{base}/_emulator/calls/nope/advance"),
            &Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["type"], json!("invalid.token"));
}

/// 100,000 numbers in 100 keyed batches of 1,000, then a full dialer run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_load_is_fast() {
    let emu = quiet(6).await;
    let api = Api::new(&emu);
    let url = api.calls("/addPhones");
    let started = Instant::now();
    let mut first_batch = Value::Null;
    for batch in 0..100u64 {
        let body = Value::Array(
            (0..1000u64)
                .map(|i| json!({"phone": format!("7{:010}", batch * 1000 + i)}))
                .collect(),
        );
        let (status, ids) = api
            .post_json_keyed(&url, &format!("bulk-{batch}"), &body)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids.as_array().unwrap().len(), 1000);
        if batch == 0 {
            first_batch = ids;
        }
    }
    let added = started.elapsed();
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(100_000));

    // A retried batch is answered from the store.
    let body = Value::Array(
        (0..1000u64)
            .map(|i| json!({"phone": format!("7{:010}", i)}))
            .collect(),
    );
    let (_, replay) = api.post_json_keyed(&url, "bulk-0", &body).await;
    assert_eq!(replay, first_batch);
    assert_eq!(emu.state().counters().jobs_created, 100_000);

    let dial_started = Instant::now();
    let summary = api.advance().await;
    let dialled = dial_started.elapsed();
    assert!(summary["attempts"].as_u64().unwrap() >= 100_000);
    let (_, unfinished) = api
        .post_json(&api.calls("/callJob/getUnfinished"), &json!({}))
        .await;
    assert_eq!(unfinished["items"], json!([]));
    assert!(
        added < Duration::from_secs(30) && dialled < Duration::from_secs(30),
        "add {added:?}, dial {dialled:?}"
    );
    eprintln!("bulk: add {added:?}, dial {dialled:?}");
}
