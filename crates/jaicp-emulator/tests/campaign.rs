//! Campaign info, control transitions, the simulated dialer and pagination.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{Api, quiet, quiet_builder, strings};
use jaicp_emulator::{Emulator, TimestampFormat};
use reqwest::StatusCode;
use serde_json::{Value, json};

const JOB_STATUSES: [&str; 11] = [
    "longCallWithNoResult",
    "noAnswer",
    "planned",
    "notDone",
    "longCallWithResult",
    "inProcess",
    "onRetry",
    "cancelledByUser",
    "technicalError",
    "nonexistentNumber",
    "unknown",
];

fn phones(prefix: &str, n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| json!({"phone": format!("{prefix}{i:04}")}))
            .collect(),
    )
}

#[tokio::test]
async fn control_transitions_and_errors() {
    let emu = quiet(3).await;
    let api = Api::new(&emu);
    let status = || async { api.get(&api.calls("/status")).await };

    assert_eq!(status().await, (StatusCode::OK, json!("inProgress")));

    let (code, body) = api.control("resume").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("invalid.call.task.state"));
    assert!(body["message"].is_string());
    assert_eq!(
        body["args"],
        json!({"action": "resume", "status": "inProgress"})
    );

    assert_eq!(api.control("pause").await, (StatusCode::OK, Value::Null));
    assert_eq!(status().await, (StatusCode::OK, json!("paused")));
    assert_eq!(api.control("pause").await.0, StatusCode::BAD_REQUEST);

    // A paused campaign accepts numbers but does not dial them.
    let (code, body) = api.add_phones(&phones("7901000", 3)).await;
    assert_eq!(code, StatusCode::OK);
    let ids = strings(&body);
    assert_eq!(emu.state().dial_once(), 0);
    let url = format!("{}/_emulator/calls/{}/advance", api.base, api.token);
    let (code, body) = api.post_json(&url, &Value::Null).await;
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["type"], json!("invalid.call.task.state"));

    assert_eq!(api.control("resume").await, (StatusCode::OK, Value::Null));
    assert_eq!(status().await, (StatusCode::OK, json!("inProgress")));
    assert_eq!(emu.state().dial_once(), 3);

    // Stop is terminal and cancels whatever is still open.
    assert_eq!(api.control("stop").await, (StatusCode::OK, Value::Null));
    assert_eq!(status().await, (StatusCode::OK, json!("finished")));
    for action in ["pause", "resume", "stop"] {
        let (code, body) = api.control(action).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{action}");
        assert_eq!(body["args"]["status"], json!("finished"));
    }
    let (code, body) = api.control("restart").await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("invalid.campaign.control.action"));

    let (code, body) = api.add_phones(&phones("7901001", 1)).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(body["type"], json!("invalid.call.task.state"));
    assert_eq!(body["state"], json!("FINISHED"));

    // Let any in-flight call end, then every job must be closed.
    emu.state().advance_clock(Duration::from_secs(3600));
    for row in api.job_report(&ids).await {
        assert!(row["finishedAt"].is_i64(), "{row}");
        let s = row["jobStatus"].as_str().unwrap();
        assert!(JOB_STATUSES.contains(&s));
        assert_ne!(s, "onRetry");
    }
    let (_, info) = api.get(&api.calls("")).await;
    assert_eq!(info["status"], json!("finished"));
    assert!(info["endTime"].is_i64());
}

#[tokio::test]
async fn control_honours_idempotence_key() {
    let emu = quiet(3).await;
    let api = Api::new(&emu);
    let send = |key: &'static str, action: &'static str| {
        api.client
            .post(api.calls(&format!("/control/{action}")))
            .header("Idempotence-Key", key)
            .send()
    };
    assert_eq!(send("k1", "pause").await.unwrap().status(), StatusCode::OK);
    // The retry is replayed (200), not re-executed (which would be 400).
    assert_eq!(send("k1", "pause").await.unwrap().status(), StatusCode::OK);
    assert_eq!(emu.state().counters().idempotent_replays, 1);
    assert_eq!(
        send("k2", "pause").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
}

async fn finished_reports(seed: u64) -> (Value, Value, Value) {
    let emu = quiet(seed).await;
    let api = Api::new(&emu);
    let (code, body) = api
        .add_phones(&json!([
            {"phone": "79020000001", "maxAttempts": 5, "retryIntervalInMinutes": 30},
            {"phone": "79020000002", "dialerPriority": 1}
        ]))
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, _) = api.add_phones(&phones("7902100", 60)).await;
    assert_eq!(code, StatusCode::OK);
    let summary = api.advance().await;
    assert!(summary["attempts"].as_u64().unwrap() >= 62, "{summary}");

    let all: Vec<String> = (0..62).map(|i| (i + 1).to_string()).collect();
    let jobs = Value::Array(api.job_report(&all).await);
    let (_, attempts) = api
        .post_json(&api.calls("/callAttempt/getReport"), &json!({"ids": all}))
        .await;
    let (_, info) = api.get(&api.calls("")).await;
    emu.shutdown().await;
    (jobs, attempts, info)
}

#[tokio::test]
async fn advance_finishes_everything_deterministically() {
    let (jobs, attempts, info) = finished_reports(42).await;
    let rows = jobs.as_array().unwrap();
    assert_eq!(rows.len(), 62);
    let mut seen = BTreeSet::new();
    for row in rows {
        let status = row["jobStatus"].as_str().unwrap();
        assert!(
            [
                "longCallWithResult",
                "longCallWithNoResult",
                "noAnswer",
                "nonexistentNumber",
                "technicalError"
            ]
            .contains(&status),
            "{row}"
        );
        seen.insert(status.to_owned());
        assert!(row["finishedAt"].as_i64().unwrap() >= row["createdAt"].as_i64().unwrap());
        let n = row["attemptsCount"].as_u64().unwrap();
        assert!((1..=5).contains(&n), "{row}");
        if status == "longCallWithResult" {
            let answer = &row["reportData"]["answer"];
            assert!(answer == "agreed" || answer == "declined", "{row}");
        }
    }
    assert!(seen.len() >= 3, "outcomes vary: {seen:?}");
    for a in attempts.as_array().unwrap() {
        assert!(a["attemptNumber"].as_u64().unwrap() >= 1);
        assert!(a["startedAt"].as_i64().unwrap() <= a["finishedAt"].as_i64().unwrap());
        assert!(JOB_STATUSES.contains(&a["jobStatus"].as_str().unwrap()));
    }
    let short = &info["shortReport"];
    assert_eq!(short["totalNumbers"], json!(62));
    assert_eq!(short["processedNumbers"], json!(62));
    assert_eq!(short["inProcessCalls"], json!(0));
    assert_eq!(short["usedTalkingTime"], short["usedAsrSeconds"]);

    // Same seed, same everything (timestamps included: the clock is manual).
    let (jobs2, attempts2, info2) = finished_reports(42).await;
    assert_eq!(jobs, jobs2);
    assert_eq!(attempts, attempts2);
    assert_eq!(info, info2);

    // Another seed gives another run.
    let (jobs3, _, _) = finished_reports(43).await;
    assert_ne!(jobs, jobs3);
}

#[tokio::test]
async fn campaign_info_shape() {
    let emu = quiet(3).await;
    let api = Api::new(&emu);
    let (code, info) = api.get(&api.calls("")).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(info["name"], json!("Demo campaign"));
    assert!(info["id"].is_i64());
    assert!(info["projectName"].is_string());
    assert!(info["botId"].is_string());
    assert_eq!(info["creationDate"], json!(1_740_992_400_000_i64));
    assert_eq!(info["status"], json!("inProgress"));
    assert_eq!(info["maxSimultaneousCalls"], json!(10));
    assert!(info.get("endTime").is_none());
    for key in [
        "totalNumbers",
        "processedNumbers",
        "usedTalkingTime",
        "usedAsrSeconds",
        "inProcessCalls",
        "retryCalls",
    ] {
        assert_eq!(info["shortReport"][key], json!(0), "{key}");
    }
}

#[tokio::test]
async fn rfc3339_timestamps_on_request() {
    let emu = quiet_builder(3)
        .timestamps(TimestampFormat::Rfc3339)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let (_, ids) = api.add_phones(&phones("7903000", 1)).await;
    let report = api.job_report(&strings(&ids)).await;
    assert_eq!(report[0]["createdAt"], json!("2025-03-03T09:00:00Z"));
    let (_, info) = api.get(&api.calls("")).await;
    assert_eq!(info["creationDate"], json!("2025-03-03T09:00:00Z"));
}

#[tokio::test]
async fn pagination_and_date_filters() {
    let emu = quiet(4).await;
    let api = Api::new(&emu);
    let (_, first) = api.add_phones(&phones("7904000", 25)).await;
    emu.state().advance_clock(Duration::from_secs(3600));
    let (_, second) = api.add_phones(&phones("7904001", 20)).await;
    let first = strings(&first);
    let second = strings(&second);
    let by_date = api.calls("/callJob/getReportByDate");

    let page = |p: u64, size: u64| json!({"pagination": {"page": p, "pageSize": size}});
    let mut collected = Vec::new();
    for p in 0..3 {
        let (code, body) = api.post_json(&by_date, &page(p, 20)).await;
        assert_eq!(code, StatusCode::OK, "{body}");
        assert_eq!(body["pagination"], json!({"page": p, "pageSize": 20}));
        collected.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["callJobId"].as_str().unwrap().to_owned()),
        );
    }
    let all: Vec<String> = first.iter().chain(&second).cloned().collect();
    assert_eq!(collected, all, "stable id order, no gaps or repeats");

    // Defaults: page 0, 20 items.
    let (_, body) = api.post_json(&by_date, &json!({})).await;
    assert_eq!(body["pagination"], json!({"page": 0, "pageSize": 20}));
    assert_eq!(body["items"].as_array().unwrap().len(), 20);

    // Out-of-range pagination.
    for bad in [
        page(200, 10),
        page(0, 0),
        page(0, 201),
        json!({"pagination": {"page": -1}}),
    ] {
        let (code, body) = api.post_json(&by_date, &bad).await;
        assert_eq!(code, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["type"], json!("invalid.request"));
    }

    // createdAt filter, as ISO-8601 and as epoch milliseconds.
    let (_, body) = api
        .post_json(
            &by_date,
            &json!({"filter": {"createdAtFrom": "2025-03-03T09:30:00Z"},
                    "pagination": {"pageSize": 200}}),
        )
        .await;
    let ids: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["callJobId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, second);
    let (_, body) = api
        .post_json(
            &by_date,
            &json!({"filter": {"createdAtTo": 1_740_994_200_000_i64},
                    "pagination": {"pageSize": 200}}),
        )
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 25);
    let (code, _) = api
        .post_json(&by_date, &json!({"filter": {"createdAtFrom": "soon"}}))
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    // Unfinished: everything now, nothing after the dialer has run.
    let unfinished = api.calls("/callJob/getUnfinished");
    let (_, body) = api
        .post_json(&unfinished, &json!({"page": 2, "pageSize": 20}))
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 5);
    assert_eq!(body["pagination"], json!({"page": 2, "pageSize": 20}));
    let (code, _) = api.post_json(&unfinished, &json!({"pageSize": 500})).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    api.advance().await;
    let (_, body) = api.post_json(&unfinished, &json!({})).await;
    assert_eq!(body["items"], json!([]));

    // Nothing finished before the run; everything finished is found by finishedAt.
    let (_, body) = api
        .post_json(
            &by_date,
            &json!({"filter": {"finishedAtTo": "2025-03-03T10:00:00Z"}}),
        )
        .await;
    assert_eq!(body["items"], json!([]));
    let (_, body) = api
        .post_json(
            &by_date,
            &json!({"filter": {"finishedAtFrom": "2025-03-03T10:00:00Z"},
                    "pagination": {"pageSize": 200}}),
        )
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 45);

    // Attempts by date: every attempt started after the second batch was added.
    let attempts = api.calls("/callAttempt/getReportByDate");
    let (code, body) = api
        .post_json(
            &attempts,
            &json!({"filter": {"startedAtFrom": "2025-03-03T10:00:00Z"},
                    "pagination": {"page": 0, "pageSize": 200}}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let items = body["items"].as_array().unwrap();
    assert!(items.len() >= 45);
    let mut keys: Vec<(u64, u64)> = items
        .iter()
        .map(|a| {
            (
                a["callJobId"].as_str().unwrap().parse().unwrap(),
                a["attemptNumber"].as_u64().unwrap(),
            )
        })
        .collect();
    let sorted = {
        let mut k = keys.clone();
        k.sort_unstable();
        k
    };
    assert_eq!(keys, sorted, "ordered by job id, then attempt");
    keys.dedup();
    assert_eq!(keys.len(), items.len());
}

#[tokio::test]
async fn background_dialer_makes_progress_in_real_time() {
    let emu = Emulator::builder()
        .dial_interval(Duration::from_millis(10))
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let (_, ids) = api.add_phones(&phones("7905000", 30)).await;
    let ids = strings(&ids);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let report = api.job_report(&ids).await;
        if report
            .iter()
            .all(|r| r["attemptsCount"].as_u64() >= Some(1))
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "dialer stalled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn tick_respects_priority_and_simultaneous_calls() {
    let emu = quiet_builder(7)
        .max_simultaneous_calls(4)
        .start()
        .await
        .unwrap();
    let api = Api::new(&emu);
    let (_, low) = api
        .add_phones(&Value::Array(
            (0..6)
                .map(|i| json!({"phone": format!("7906000{i:04}"), "dialerPriority": 5}))
                .collect(),
        ))
        .await;
    let (_, high) = api
        .add_phones(&json!([
            {"phone": "79061110001", "dialerPriority": 1},
            {"phone": "79061110002", "dialerPriority": 2}
        ]))
        .await;
    assert_eq!(emu.state().dial_once(), 4);
    let dialled = |rows: &[Value]| {
        rows.iter()
            .filter(|r| r["attemptsCount"].as_u64() == Some(1))
            .count()
    };
    // Both urgent jobs go first even though they were added last.
    assert_eq!(dialled(&api.job_report(&strings(&high)).await), 2);
    assert_eq!(dialled(&api.job_report(&strings(&low)).await), 2);
    let (_, info) = api.get(&api.calls("")).await;
    assert_eq!(info["maxSimultaneousCalls"], json!(4));
    // Calls started at this instant are still in progress on a frozen clock.
    assert_eq!(info["shortReport"]["inProcessCalls"], json!(4));

    // A job whose window opens later is not dialled before it.
    let (_, later) = api
        .add_phones(&json!([{"phone": "79061110003", "dialerPriority": 1,
            "startDateTime": "2025-03-03T12:00:00Z"}]))
        .await;
    emu.state().advance_clock(Duration::from_secs(3600));
    emu.state().dial_once();
    let row = &api.job_report(&strings(&later)).await[0];
    assert_eq!(row["attemptsCount"], json!(0));
    api.advance().await;
    let (_, attempts) = api
        .post_json(
            &api.calls("/callAttempt/getReport"),
            &json!({"ids": strings(&later)}),
        )
        .await;
    assert!(attempts[0]["startedAt"].as_i64().unwrap() >= 1_741_003_200_000);
}

#[tokio::test]
async fn calls_wait_for_the_allowed_window_in_local_time() {
    let emu = quiet(8).await;
    let api = Api::new(&emu);
    let (code, ids) = api
        .add_phones(&json!([{
            "phone": "79062220001",
            "gmtZone": "+03:00",
            "allowedDays": ["sat"],
            "allowedTime": {
                "sat": [{"localTimeFrom": "10:00", "localTimeTo": "12:00"}],
                "mon": [{"localTimeFrom": "08:00", "localTimeTo": "20:00"}]
            }
        }]))
        .await;
    assert_eq!(code, StatusCode::OK, "{ids}");
    api.advance().await;
    let (_, attempts) = api
        .post_json(
            &api.calls("/callAttempt/getReport"),
            &json!({"ids": strings(&ids)}),
        )
        .await;
    // Monday is listed in allowedTime but not in allowedDays, so the first
    // call waits for Saturday 10:00 at +03:00.
    let first = attempts[0]["startedAt"].as_i64().unwrap();
    assert_eq!(first, 1_741_417_200_000, "2025-03-08T07:00:00Z");
}

#[tokio::test]
async fn background_dialer_fast_forwards_through_hour_long_retries() {
    let emulator = jaicp_emulator::Emulator::builder()
        .seed(3)
        .dial_interval(std::time::Duration::from_millis(10))
        .start()
        .await
        .expect("emulator starts");
    let api = common::Api::new(&emulator);
    let numbers: Vec<serde_json::Value> = (0..30)
        .map(|i| serde_json::json!({"phone": format!("7900555{i:04}"), "maxAttempts": 5, "retryIntervalInMinutes": 120}))
        .collect();
    let (status, _) = api
        .post_json(&api.calls("/addPhones"), &serde_json::Value::Array(numbers))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    let started = std::time::Instant::now();
    loop {
        let (_, page) = api
            .post_json(
                &api.calls("/callJob/getUnfinished"),
                &serde_json::json!({"page": 0, "pageSize": 200}),
            )
            .await;
        if page["items"].as_array().is_some_and(|a| a.is_empty()) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "retries did not fast-forward"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
