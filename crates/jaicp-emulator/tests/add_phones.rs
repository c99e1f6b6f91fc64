//! addPhones, idempotence, cancel and the report round trip.

mod common;

use common::{Api, quiet, strings};
use reqwest::StatusCode;
use serde_json::{Value, json};

const START_MS: i64 = 1_740_992_400_000; // 2025-03-03T09:00:00Z

#[tokio::test]
async fn add_then_report_round_trip() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (status, body) = api
        .add_phones(&json!([
            {"phone": "79001112233", "payload": {"name": "Ann"}, "gmtZone": "Europe/Moscow"},
            {"phone": 79001112234_u64, "dialerPriority": 1, "maxAttempts": 2},
            {"phone": "+79001112235", "allowedTime": {"default": [
                {"localTimeFrom": "10:00", "localTimeTo": "13:00"},
                {"localTimeFrom": "14:00", "localTimeTo": "19:00"}]}}
        ]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = strings(&body);
    assert_eq!(ids.len(), 3);
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(3));

    let report = api.job_report(&ids).await;
    assert_eq!(report.len(), 3);
    let phones: Vec<&str> = report
        .iter()
        .map(|r| r["phone"].as_str().unwrap())
        .collect();
    assert_eq!(phones, ["79001112233", "79001112234", "79001112235"]);
    for (row, id) in report.iter().zip(&ids) {
        assert_eq!(row["callJobId"], json!(id));
        assert_eq!(row["attemptsCount"], json!(0));
        assert_eq!(row["jobStatus"], json!("planned"));
        assert_eq!(row["createdAt"], json!(START_MS));
        assert_eq!(row["reportData"], json!({}));
        assert!(row.get("finishedAt").is_none(), "no null finishedAt: {row}");
        assert!(row.get("redialNumber").is_none());
    }

    // Selecting by phone (with or without '+') finds the same job.
    let (status, by_phone) = api
        .post_json(
            &api.calls("/callJob/getReport"),
            &json!({"phones": ["+79001112233"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_phone[0]["callJobId"], json!(ids[0]));

    // No attempts yet.
    let (status, attempts) = api
        .post_json(&api.calls("/callAttempt/getReport"), &json!({"ids": ids}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attempts, json!([]));

    let (status, body) = api.add_phones(&json!([])).await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    assert_eq!(emu.state().counters().requests_for("addPhones"), 2);
    assert_eq!(emu.state().counters().jobs_created, 3);
}

#[tokio::test]
async fn duplicates_inside_one_request_are_rejected_with_exact_body() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (status, body) = api
        .add_phones(&json!([
            {"phone": "79000000001"},
            {"phone": "79000000002"},
            {"phone": "+79000000001"},
            {"phone": "79000000003"},
            {"phone": "79000000002"},
            {"phone": "79000000001"}
        ]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["message"].as_str().expect("message").to_owned();
    assert!(!message.is_empty());
    assert_eq!(
        body,
        json!({
            "type": "phone.duplicated",
            "phone": "79000000001",
            "phonesDuplicates": ["79000000001", "79000000002"],
            "message": message,
        })
    );
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(0));
    assert_eq!(emu.state().counters().jobs_created, 0);
}

async fn expect_error(api: &Api, body: Value, kind: &str) -> Value {
    let (status, reply) = api.add_phones(&body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {reply}");
    assert_eq!(reply["type"], json!(kind), "{body} -> {reply}");
    assert!(reply["message"].is_string());
    reply
}

#[tokio::test]
async fn validation_errors_create_nothing() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let good = json!({"phone": "79001234567"});

    let r = expect_error(&api, json!([good, {"phone": "12345"}]), "phone.bad.format").await;
    assert_eq!(r["phone"], json!("12345"));
    expect_error(&api, json!([{"phone": "7900123456x"}]), "phone.bad.format").await;
    expect_error(&api, json!([{"phone": 1.5}]), "phone.bad.format").await;

    let r = expect_error(
        &api,
        json!([{"phone": "79001234568", "gmtZone": "+19:00"}]),
        "phone.gmtZone.bad.format",
    )
    .await;
    assert_eq!(r["phone"], json!("79001234568"));
    assert_eq!(r["gmtZone"], json!("+19:00"));
    for zone in ["+03:30", "GMT-5", "UTC", "Z", "-0330", "America/New_York"] {
        let (status, body) = api
            .add_phones(&json!([{"phone": "79001230000", "gmtZone": zone}]))
            .await;
        assert_eq!(status, StatusCode::OK, "{zone}: {body}");
        let id = strings(&body).remove(0);
        let (_, _) = api
            .post_json(&api.calls("/callJob/cancel"), &json!({"ids": [id]}))
            .await;
    }

    expect_error(
        &api,
        json!([{"phone": "79001234567", "dialerPriority": 6}]),
        "invalid.dialer_priority",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "dialerPriority": "high"}]),
        "invalid.dialer_priority",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "allowedTime": {"mon": [
            {"localTimeFrom": "10:00", "localTimeTo": "13:00"},
            {"localTimeFrom": "12:59", "localTimeTo": "14:00"}]}}]),
        "invalid.call.allowed.time",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "allowedTime": {"default": [
            {"localTimeFrom": "14:00", "localTimeTo": "10:00"}]}}]),
        "invalid.call.allowed.time",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "allowedTime": {"default": [
            {"localTimeFrom": "9:00", "localTimeTo": "10:00"}]}}]),
        "invalid.call.allowed.time",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "maxAttempts": 51}]),
        "invalid.request",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "maxAttempts": 0}]),
        "invalid.request",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567", "retryIntervalInMinutes": 2881}]),
        "invalid.request",
    )
    .await;
    expect_error(
        &api,
        json!([{"phone": "79001234567",
                "startDateTime": "2025-03-04T00:00:00Z",
                "finishDateTime": "2025-03-03T00:00:00Z"}]),
        "invalid.request",
    )
    .await;
    let r = expect_error(&api, json!([{"payload": {}}]), "invalid.request").await;
    assert!(r["message"].as_str().unwrap().contains("phone"), "{r}");

    // First failure wins: the duplicate check runs over the whole array
    // before any per-element check.
    expect_error(
        &api,
        json!([{"phone": "123"}, {"phone": "79001234567"}, {"phone": "79001234567"}]),
        "phone.duplicated",
    )
    .await;
    // ...and elements are checked in order.
    expect_error(
        &api,
        json!([{"phone": "79001234567", "dialerPriority": 9}, {"phone": "1"}]),
        "invalid.dialer_priority",
    )
    .await;

    // Only the six zone probes (each cancelled) were ever created.
    assert_eq!(emu.state().counters().jobs_created, 6);
}

#[tokio::test]
async fn idempotence_key_replays_and_creates_nothing() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let body = json!([{"phone": "79005550001"}, {"phone": "79005550002"}]);
    let url = api.calls("/addPhones");

    let (s1, first) = api.post_json_keyed(&url, "key-1", &body).await;
    assert_eq!(s1, StatusCode::OK);
    let created = emu.state().counters().jobs_created;
    assert_eq!(created, 2);

    let (s2, second) = api.post_json_keyed(&url, "key-1", &body).await;
    assert_eq!(s2, StatusCode::OK);
    assert_eq!(first, second);
    let counters = emu.state().counters();
    assert_eq!(counters.jobs_created, created);
    assert_eq!(counters.idempotent_replays, 1);
    assert_eq!(counters.requests_for("addPhones"), 2);
    assert_eq!(emu.state().campaign_job_count(&api.token), Some(2));

    // A different key is a different request.
    let (s3, third) = api.post_json_keyed(&url, "key-2", &body).await;
    assert_eq!(s3, StatusCode::OK);
    assert_ne!(first, third);
    assert_eq!(emu.state().counters().jobs_created, 4);

    // Failures are stored too: the same request with the same key replays the error, and a
    // corrected request under that key is refused (the key is bound to its first request).
    let bad_body = json!([{"phone": "1"}]);
    let (s4, bad) = api.post_json_keyed(&url, "key-3", &bad_body).await;
    assert_eq!(s4, StatusCode::BAD_REQUEST);
    let (s5, replay) = api.post_json_keyed(&url, "key-3", &bad_body).await;
    assert_eq!((s5, replay), (StatusCode::BAD_REQUEST, bad));
    let (s5, reused) = api.post_json_keyed(&url, "key-3", &body).await;
    assert_eq!(s5, StatusCode::BAD_REQUEST);
    assert_eq!(reused["type"], json!("idempotence.key.reused"));

    // After 24 hours of emulator time the key is forgotten.
    emu.state()
        .advance_clock(std::time::Duration::from_secs(24 * 3600));
    let (s6, fresh) = api.post_json_keyed(&url, "key-1", &body).await;
    assert_eq!(s6, StatusCode::OK);
    assert_ne!(fresh, first);
    assert_eq!(emu.state().counters().idempotent_replays, 2);
}

#[tokio::test]
async fn cancel_by_id_and_phone() {
    let emu = quiet(1).await;
    let api = Api::new(&emu);
    let (_, body) = api
        .add_phones(&json!([
            {"phone": "79006660001"}, {"phone": "79006660002"}, {"phone": "79006660003"}
        ]))
        .await;
    let ids = strings(&body);
    let url = api.calls("/callJob/cancel");

    let (status, err) = api.post_json(&url, &json!({"ids": ["999999"]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("id.not.found"));
    assert_eq!(err["id"], json!("999999"));

    let (status, err) = api
        .post_json(&url, &json!({"ids": [ids[0]], "phones": ["79990000000"]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("phone.not.found"));
    assert_eq!(err["phone"], json!("79990000000"));

    let (status, cancelled) = api
        .post_json_keyed(
            &url,
            "cancel-1",
            &json!({"ids": [ids[0]], "phones": ["+79006660002"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(strings(&cancelled), ids[..2].to_vec());

    // Replayed with the same key: same answer, even though nothing is left to cancel.
    let (_, again) = api
        .post_json_keyed(
            &url,
            "cancel-1",
            &json!({"ids": [ids[0]], "phones": ["+79006660002"]}),
        )
        .await;
    assert_eq!(again, cancelled);
    // The same key with another selection is refused.
    let (status, reused) = api
        .post_json_keyed(&url, "cancel-1", &json!({"ids": [ids[0]]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reused["type"], json!("idempotence.key.reused"));
    // Without a key, already-cancelled jobs are simply not listed.
    let (_, none) = api.post_json(&url, &json!({"ids": [ids[0]]})).await;
    assert_eq!(none, json!([]));

    let report = api.job_report(&ids).await;
    let statuses: Vec<&str> = report
        .iter()
        .map(|r| r["jobStatus"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelledByUser", "cancelledByUser", "planned"]);
    assert_eq!(report[0]["finishedAt"], json!(START_MS));

    // Cancelled jobs are never dialled.
    api.advance().await;
    let report = api.job_report(&ids).await;
    assert_eq!(report[0]["attemptsCount"], json!(0));
    assert_ne!(report[2]["attemptsCount"], json!(0));
}
