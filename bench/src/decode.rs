//! `jaicp-bench decode`: what lossless decoding costs. The same bytes are decoded, in this process,
//! into the generated models (which keep unknown fields in a flattened `extra` map for the APIs
//! we describe ourselves), into hand-written mirrors of those models that drop unknown fields
//! (what the generator emits for the official documents), and into `serde_json::Value` (what a
//! user pays for the raw JSON of an answer). The official Calls model is also measured against a
//! mirror *with* an `extra` map, to show what keeping unknown fields would cost there.
//!
//! Prints one JSON line per case: `{"case", "ns_per_decode", "mib_per_s", "bytes"}`.

use std::hint::black_box;
use std::time::Instant;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// A Chat API turn as a real server sends it: the documented fields plus some we do not model
/// (made-up names standing for the unknown ones), at the top, in `data` and in the replies.
fn chat_turn() -> Vec<u8> {
    let text = |t: &str| {
        json!({"type": "text", "text": t, "markup": "plain", "state": "/Order/Confirm",
               "transition": "/Order/Done", "tts": t, "x-render-hint": {"bubble": "left"}})
    };
    let turn = json!({
        "token": "AbCdEfGh:0123456789abcdef0123456789abcdef01234567",
        "clientId": "user-42", "userId": "u-7c9e", "questionId": "q-0b1f2e",
        "timestamp": "2025-01-31T23:59:59.123",
        "files": [{"fileName": "invoice.pdf", "fileUrl": "https://files.example.com/invoice.pdf"}],
        "x-channel-meta": {"botId": "4711-support", "channelType": "CHAT_API", "isTest": false},
        "data": {
            "replies": [
                text("Your order 1042 is confirmed."),
                text("It ships tomorrow between 9:00 and 13:00."),
                {"type": "buttons", "state": "/Order/Confirm", "buttons": [
                    {"text": "Track", "transition": "/Track"},
                    {"text": "Change address", "transition": "/Address"},
                    {"text": "Talk to an agent"}
                ]},
                text("Anything else?"),
            ],
            "answer": "Your order 1042 is confirmed.\n\nIt ships tomorrow.\n\nAnything else?",
            "nlpClass": "/Order/Confirm", "confidence": 0.93,
            "newSessionStarted": false, "endSession": false, "debugData": [],
            "x-analytics": {"sessionId": "s-77", "labels": ["vip"]}
        }
    });
    serde_json::to_vec(&turn).expect("JSON")
}

/// 100 Calls report rows, as the documented fields only.
fn calls_rows() -> Vec<u8> {
    let rows: Vec<Value> = (0..100)
        .map(|i| {
            json!({
                "callJobId": 100_000 + i, "phone": format!("7900{i:07}"), "redialNumber": null,
                "jobStatus": "completed", "attemptsCount": 2, "createdAt": 1_566_570_001_055_i64,
                "finishedAt": 1_566_570_061_055_i64, "callDuration": 41, "tagName": "end",
                "tagPayload": "{}", "reportData": {"result": "agreed", "score": 4}
            })
        })
        .collect();
    serde_json::to_vec(&rows).expect("JSON")
}

// ------------------------------------------------- mirrors: the same shapes, other choices

/// `ChatResponse` without the `extra` maps (unknown fields dropped).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
#[allow(dead_code)]
struct LeanTurn {
    token: Option<String>,
    client_id: Option<jaicp_core::Id>,
    user_id: Option<String>,
    question_id: Option<String>,
    cid: Option<String>,
    query: Option<String>,
    event: Option<String>,
    timestamp: Option<String>,
    files: Vec<LeanFile>,
    data: Option<LeanData>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
#[allow(dead_code)]
struct LeanFile {
    file_name: Option<String>,
    file_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
#[allow(dead_code)]
struct LeanData {
    replies: Vec<LeanReply>,
    answer: Option<String>,
    nlp_class: Option<String>,
    confidence: Option<f64>,
    new_session_started: Option<bool>,
    end_session: Option<bool>,
    debug_data: Vec<Value>,
}

/// Chosen by `type` through a `Value`, like the generated tagged enums.
#[allow(dead_code)]
enum LeanReply {
    Text(LeanText),
    Buttons(LeanButtons),
    Unknown(Value),
}

impl<'de> Deserialize<'de> for LeanReply {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = Value::deserialize(d)?;
        match value.get("type").and_then(Value::as_str) {
            Some("text") => serde_json::from_value(value)
                .map(LeanReply::Text)
                .map_err(D::Error::custom),
            Some("buttons") => serde_json::from_value(value)
                .map(LeanReply::Buttons)
                .map_err(D::Error::custom),
            _ => Ok(LeanReply::Unknown(value)),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
#[allow(dead_code)]
struct LeanText {
    r#type: Option<String>,
    text: Option<String>,
    markup: Option<String>,
    tts: Option<String>,
    state: Option<String>,
    transition: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
#[allow(dead_code)]
struct LeanButtons {
    r#type: Option<String>,
    buttons: Vec<LeanButton>,
    state: Option<String>,
    transition: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
#[allow(dead_code)]
struct LeanButton {
    text: Option<String>,
    transition: Option<String>,
}

/// `CallJobReport` with an `extra` map (what keeping unknown fields would cost there).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
#[allow(dead_code)]
struct KeepingRow {
    call_job_id: Option<jaicp_core::Id>,
    phone: Option<String>,
    redial_number: Option<i64>,
    job_status: Option<String>,
    attempts_count: Option<i64>,
    created_at: Option<jaicp_core::Timestamp>,
    finished_at: Option<jaicp_core::Timestamp>,
    call_duration: Option<i64>,
    tag_name: Option<String>,
    tag_payload: Option<String>,
    report_data: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

// ---------------------------------------------------------------------------- measuring

/// Median of 7 runs of `iterations` decodes, in nanoseconds per decode.
fn measure<T: DeserializeOwned>(bytes: &[u8], iterations: u32) -> f64 {
    let decode = || {
        let value: T = serde_json::from_slice(black_box(bytes)).expect("decodes");
        black_box(value);
    };
    for _ in 0..iterations / 10 {
        decode();
    }
    let mut runs: Vec<f64> = (0..7)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..iterations {
                decode();
            }
            started.elapsed().as_nanos() as f64 / f64::from(iterations)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn line(case: &str, bytes: &[u8], ns: f64) {
    let mib_per_s = bytes.len() as f64 / (ns / 1e9) / 1_048_576.0;
    println!(
        "{}",
        json!({"case": case, "ns_per_decode": ns.round(), "mib_per_s": (mib_per_s * 10.0).round() / 10.0, "bytes": bytes.len()})
    );
}

/// Entry point.
pub fn run() -> Result<(), String> {
    let turn = chat_turn();
    let rows = calls_rows();
    // The generated model really keeps what the mirror drops.
    let kept: jaicp_chat::models::ChatResponse =
        serde_json::from_slice(&turn).map_err(|e| e.to_string())?;
    if !kept.extra.contains_key("x-channel-meta") {
        return Err("the generated chat model lost an unknown field".into());
    }
    line(
        "chat turn → ChatResponse (keeps unknown fields)",
        &turn,
        measure::<jaicp_chat::models::ChatResponse>(&turn, 20_000),
    );
    line(
        "chat turn → mirror without extra maps (drops them)",
        &turn,
        measure::<LeanTurn>(&turn, 20_000),
    );
    line(
        "chat turn → serde_json::Value (the raw JSON)",
        &turn,
        measure::<Value>(&turn, 20_000),
    );
    line(
        "100 Calls rows → Vec<CallJobReport> (official model, no extra map)",
        &rows,
        measure::<Vec<jaicp_calls::models::CallJobReport>>(&rows, 2_000),
    );
    line(
        "100 Calls rows → mirror with an extra map",
        &rows,
        measure::<Vec<KeepingRow>>(&rows, 2_000),
    );
    Ok(())
}
