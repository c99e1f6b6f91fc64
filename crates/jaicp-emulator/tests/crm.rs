//! CRM single-number methods and their 24-hour duplicate rule.

mod common;

use std::time::Duration;

use common::{Api, quiet, read};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn crm_get(api: &Api, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = api
        .client
        .get(api.crm(path))
        .query(query)
        .send()
        .await
        .expect("request sent");
    read(response).await
}

async fn crm_post(api: &Api, form: &[(&str, &str)], key: Option<&str>) -> (StatusCode, Value) {
    let mut request = api.client.post(api.crm("/addPhone")).form(form);
    if let Some(key) = key {
        request = request.header("Idempotence-Key", key);
    }
    read(request.send().await.expect("request sent")).await
}

#[tokio::test]
async fn duplicate_rule_without_key() {
    let emu = quiet(2).await;
    let api = Api::new(&emu);
    let q = [("phone", "79007770001"), ("name", "Ann")];

    let (status, id) = crm_get(&api, "/addPhone", &q).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        id.as_str().is_some_and(|s| s.parse::<u64>().is_ok()),
        "{id}"
    );

    let (status, err) = crm_get(&api, "/addPhone", &q).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("phone.duplicated"));
    assert_eq!(err["phone"], json!("79007770001"));
    assert_eq!(err["phonesDuplicates"], json!(["79007770001"]));
    assert!(err["message"].is_string());

    // The POST form variant shares the rule, and payload order does not matter.
    let (status, _) = crm_post(&api, &[("name", "Ann"), ("phone", "+79007770001")], None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Another payload is another call job.
    let (status, _) = crm_get(
        &api,
        "/addPhone",
        &[("phone", "79007770001"), ("name", "Bob")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // So is "no payload".
    let (status, _) = crm_get(&api, "/addPhone", &[("phone", "79007770001")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = crm_get(&api, "/addPhone", &[("phone", "79007770001")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The test endpoint ignores the rule.
    for _ in 0..2 {
        let (status, _) = crm_get(&api, "/test/addPhone", &q).await;
        assert_eq!(status, StatusCode::OK);
    }

    // After 24 hours the same number and payload may be added again.
    emu.state().advance_clock(Duration::from_secs(24 * 3600));
    let (status, _) = crm_get(&api, "/addPhone", &q).await;
    assert_eq!(status, StatusCode::OK);

    let counters = emu.state().counters();
    assert_eq!(counters.jobs_created, 6);
    assert_eq!(counters.requests_for("addPhoneGet"), 6);
    assert_eq!(counters.requests_for("addPhonePost"), 1);
    assert_eq!(counters.requests_for("addPhoneGetTest"), 2);
}

#[tokio::test]
async fn duplicate_with_same_key_returns_original_id() {
    let emu = quiet(2).await;
    let api = Api::new(&emu);
    let q = [
        ("phone", "79007770002"),
        ("gmtZone", "+03:00"),
        ("Idempotence-Key", "lead-42"),
    ];
    let (status, first) = crm_get(&api, "/addPhone", &q).await;
    assert_eq!(status, StatusCode::OK);
    let (status, second) = crm_get(&api, "/addPhone", &q).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first, second);
    assert_eq!(emu.state().counters().jobs_created, 1);
    assert_eq!(emu.state().counters().idempotent_replays, 1);

    // The header works for GET as well.
    let response = api
        .client
        .get(api.crm("/addPhone"))
        .query(&[("phone", "79007770002"), ("gmtZone", "+03:00")])
        .header("Idempotence-Key", "lead-42")
        .send()
        .await
        .unwrap();
    assert_eq!(read(response).await, (StatusCode::OK, first.clone()));

    // POST uses the header.
    let (s1, p1) = crm_post(&api, &[("phone", "79007770003")], Some("lead-43")).await;
    let (s2, p2) = crm_post(&api, &[("phone", "79007770003")], Some("lead-43")).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(p1, p2);
    assert_eq!(emu.state().counters().jobs_created, 2);
    assert_eq!(emu.state().counters().idempotent_replays, 3);
}

#[tokio::test]
async fn crm_validation() {
    let emu = quiet(2).await;
    let api = Api::new(&emu);
    let (status, err) = crm_get(&api, "/addPhone", &[("phone", "abc")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("phone.bad.format"));
    assert_eq!(err["phone"], json!("abc"));

    let (status, err) = crm_get(
        &api,
        "/addPhone",
        &[("phone", "79007770004"), ("gmtZone", "Mars")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("phone.gmtZone.bad.format"));
    assert_eq!(err["gmtZone"], json!("Mars"));

    // No number at all: `PhoneErrorResponse`, the document's 400 shape, with an empty `phone`.
    let (status, err) = crm_get(&api, "/addPhone", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("phone.bad.format"));
    assert_eq!(err["phone"], json!(""));

    // The payload reaches the job: the job exists and is reported by phone.
    let (status, id) = crm_get(&api, "/addPhone", &[("phone", "79007770005"), ("x", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, report) = api
        .post_json(
            &api.calls("/callJob/getReport"),
            &json!({"phones": ["79007770005"]}),
        )
        .await;
    assert_eq!(report[0]["callJobId"], id);

    // A stopped campaign refuses new numbers.
    assert_eq!(api.control("stop").await.0, StatusCode::OK);
    let (status, err) = crm_get(&api, "/test/addPhone", &[("phone", "79007770006")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["type"], json!("invalid.call.task.state"));
    assert_eq!(err["state"], json!("FINISHED"));
}
