//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use jaicp_emulator::{Emulator, EmulatorBuilder};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// Emulator with a manual clock at a fixed instant and no background
/// dialer: nothing moves unless the test says so.
pub fn quiet_builder(seed: u64) -> EmulatorBuilder {
    Emulator::builder()
        .seed(seed)
        .dial_interval(Duration::ZERO)
        .manual_clock(true)
        .start_time("2025-03-03T09:00:00Z".parse().expect("valid timestamp"))
}

pub async fn quiet(seed: u64) -> Emulator {
    quiet_builder(seed).start().await.expect("emulator starts")
}

pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(emulator: &Emulator) -> Self {
        Self {
            client: Client::new(),
            base: emulator.base_url(),
            token: emulator.campaign_token().to_owned(),
        }
    }

    /// URL of a Calls operation under `/api/calls/campaign/{token}`.
    pub fn calls(&self, suffix: &str) -> String {
        format!("{}/api/calls/campaign/{}{}", self.base, self.token, suffix)
    }

    /// URL of a CRM operation under `/api/crmCalls/campaign/{token}`.
    pub fn crm(&self, suffix: &str) -> String {
        format!(
            "{}/api/crmCalls/campaign/{}{}",
            self.base, self.token, suffix
        )
    }

    pub async fn post_json(&self, url: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(url)
            .json(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn post_json_keyed(&self, url: &str, key: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(url)
            .header("Idempotence-Key", key)
            .json(body)
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn get(&self, url: &str) -> (StatusCode, Value) {
        read(self.client.get(url).send().await.expect("request sent")).await
    }

    pub async fn add_phones(&self, body: &Value) -> (StatusCode, Value) {
        self.post_json(&self.calls("/addPhones"), body).await
    }

    pub async fn job_report(&self, ids: &[String]) -> Vec<Value> {
        let (status, body) = self
            .post_json(
                &self.calls("/callJob/getReport"),
                &serde_json::json!({ "ids": ids }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array().cloned().expect("array")
    }

    pub async fn control(&self, action: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.calls(&format!("/control/{action}")))
            .send()
            .await
            .expect("request sent");
        read(response).await
    }

    pub async fn advance(&self) -> Value {
        let url = format!("{}/_emulator/calls/{}/advance", self.base, self.token);
        let (status, body) = self.post_json(&url, &Value::Null).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

/// Sends `request`: status plus JSON body (`Null` when the body is empty or not JSON).
pub async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let text = response.text().await.expect("body read");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends `request` and reads its JSON body (which must be JSON).
pub async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

/// `request` with `body` as its JSON body, when there is one.
pub fn with_json(
    request: reqwest::RequestBuilder,
    body: Option<&Value>,
) -> reqwest::RequestBuilder {
    match body {
        Some(b) => request.json(b),
        None => request,
    }
}

/// Status plus JSON body (`Null` when the body is empty).
pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body read");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("non-JSON body: {}", String::from_utf8_lossy(&bytes)))
    };
    (status, value)
}

pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}
