//! The emulator's NLP Direct API over raw HTTP: keys, training states, bad input refused without
//! changes, multipart uploads, the intents file download and the admin endpoint.

mod common;

use jaicp_emulator::DEFAULT_NLP_KEY;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn url(emu: &jaicp_emulator::Emulator, key: &str, tail: &str) -> String {
    format!("{}/cailapub/api/caila/p/{key}{tail}", emu.base_url())
}

async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.expect("request sent");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn multipart(field: &str, content: &str) -> (String, String) {
    let b = "XyZbOuNdArY";
    (
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"f\"\r\n\r\n{content}\r\n--{b}--\r\n"
        ),
        format!("multipart/form-data; boundary={b}"),
    )
}

#[tokio::test]
async fn unknown_keys_are_refused() {
    let emu = common::quiet(1).await;
    let c = reqwest::Client::new();
    let (s, v) = send(c.get(url(&emu, "nope", "/intents"))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"], "caila.access.denied");
}

#[tokio::test]
async fn training_reads_training_then_ready_and_then_answers() {
    let emu = common::quiet(1).await;
    let c = reqwest::Client::new();
    let k = DEFAULT_NLP_KEY;
    let (s, _) = send(c.post(url(&emu, k, "/intents")).json(&json!({
        "path": "/Hi", "phrases": [{"text": "hello there"}]
    })))
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, v) = send(c.get(url(&emu, k, "/nlu/status"))).await;
    assert_eq!(v["trainingStatus"], "NONE");
    let (_, v) = send(c.get(url(&emu, k, "/nlu/inference?query=hello%20there"))).await;
    assert!(v.get("intent").is_none(), "no model yet: {v}");
    send(c.post(url(&emu, k, "/nlu/train"))).await;
    let (_, v) = send(c.get(url(&emu, k, "/nlu/status"))).await;
    assert_eq!(v["trainingStatus"], "TRAINING");
    let (_, v) = send(c.get(url(&emu, k, "/nlu/status"))).await;
    assert_eq!(v["trainingStatus"], "READY");
    assert!(v["lastModelTrainTime"].is_string());
    let (_, v) = send(c.get(url(&emu, k, "/nlu/inference?query=Hello,%20there!"))).await;
    assert_eq!(v["intent"]["path"], "/Hi");
    assert_eq!(v["confidence"], 1.0);
}

#[tokio::test]
async fn bad_input_changes_nothing() {
    let emu = common::quiet(1).await;
    let c = reqwest::Client::new();
    let k = DEFAULT_NLP_KEY;
    let good = json!({"intents": [{"path": "/A", "phrases": [{"text": "a"}]}]});
    assert_eq!(
        send(c.post(url(&emu, k, "/import")).json(&good)).await.0,
        StatusCode::OK
    );
    let (_, before) = send(c.post(url(&emu, k, "/export"))).await;

    let cases = [
        json!({"intents": [{"path": "/B", "patterns": ["(open"]}]}),
        json!({"intents": [{"path": "no-slash"}]}),
        json!({"intents": [{"path": "/C"}, {"path": "/C"}]}),
        json!({"entities": [{"entity": {"name": "x", "type": "weird"}}]}),
        json!({"entities": [{"entity": {"name": "x", "type": "dictionary"},
                             "records": [{"type": "synonyms", "rule": [], "value": "v"}]}]}),
    ];
    for bad in cases {
        let (s, _) = send(c.post(url(&emu, k, "/import")).json(&bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (s, _) = send(
        c.post(url(&emu, k, "/import"))
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = send(
        c.post(url(&emu, k, "/intents/delete-multiple"))
            .json(&json!([1, 424242])),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "one unknown id: nothing is deleted"
    );
    let (s, _) = send(
        c.post(url(&emu, k, "/intents/99/recursive-update"))
            .json(&json!({"path": "/Z"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = send(c.get(url(&emu, k, "/entities/abc"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "ids are integers");

    let (_, after) = send(c.post(url(&emu, k, "/export"))).await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn multipart_uploads_and_the_intents_file() {
    let emu = common::quiet(1).await;
    let c = reqwest::Client::new();
    let k = DEFAULT_NLP_KEY;
    let (body, ct) = multipart(
        "file",
        r#"[{"path": "/Imported", "phrases": [{"text": "x"}]}]"#,
    );
    let (s, v) = send(
        c.post(url(&emu, k, "/intents/import?strategy=merge"))
            .header("content-type", ct)
            .body(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v[0]["path"], "/Imported");

    let (body, _) = multipart("file", "[]");
    let (s, _) = send(
        c.post(url(&emu, k, "/intents/import?strategy=merge"))
            .header("content-type", "multipart/form-data")
            .body(body),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "no boundary");

    let resp = c
        .get(url(&emu, k, "/intents/export-file"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    let file: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(file[0]["path"], "/Imported");

    let (s, e) = send(
        c.post(url(&emu, k, "/entities"))
            .json(&json!({"name": "fruit", "type": "dictionary"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = e["id"].as_i64().unwrap();
    let (body, ct) = multipart("file", "apple;apples;green apple\npear\n");
    let (s, v) = send(
        c.post(url(
            &emu,
            k,
            &format!("/entities/{id}/records/upload?type=zb-csv"),
        ))
        .header("content-type", ct)
        .body(body),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v[0]["value"], "apple");
    assert_eq!(v[0]["rule"], json!(["apples", "green apple"]));
    assert_eq!(v[1]["rule"], json!(["pear"]));

    let (body, ct) = multipart("file", "dog\tnot-a-number\n");
    let (s, _) = send(
        c.post(url(&emu, k, "/speller"))
            .header("content-type", ct)
            .body(body),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn admin_adds_projects() {
    let emu = common::quiet(1).await;
    let c = reqwest::Client::new();
    let (s, _) = send(
        c.post(format!("{}/_emulator/nlp/projects", emu.base_url()))
            .json(&json!({"name": "Second", "key": "second-key"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        send(c.get(url(&emu, "second-key", "/intents"))).await.0,
        StatusCode::OK
    );
    let (s, _) = send(
        c.post(format!("{}/_emulator/nlp/projects", emu.base_url()))
            .json(&json!({"name": "Again", "key": "second-key"})),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}
