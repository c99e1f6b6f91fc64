//! Server bounds: half-open and idle connections are closed, slow bodies get 408, and the
//! Imputer refuses to render unbounded audio (D6 of issue 12).

use std::time::{Duration, Instant};

use jaicp_emulator::{DEFAULT_IMPUTER_TOKEN, Emulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn emulator() -> Emulator {
    Emulator::builder()
        .header_read_timeout(Duration::from_millis(300))
        .body_read_timeout(Duration::from_millis(300))
        .dial_interval(Duration::ZERO)
        .start()
        .await
        .expect("starts")
}

/// Reads until the server closes the connection; returns what it sent and how long it took.
async fn read_to_close(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the server closed the connection");
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn half_open_requests_are_closed() {
    let emu = emulator().await;
    let mut held = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(emu.addr()).await.expect("connects");
        // A request head that never ends.
        stream
            .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: emulator\r\n")
            .await
            .expect("writes");
        held.push(stream);
    }
    for stream in &mut held {
        let (_, waited) = read_to_close(stream).await;
        assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
    }
    // The server still answers.
    let health = reqwest::get(format!("{}/_emulator/health", emu.base_url()))
        .await
        .expect("health");
    assert!(health.status().is_success());
    emu.shutdown().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let emu = emulator().await;
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connects");
    stream
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: emulator\r\n\r\n")
        .await
        .expect("writes");
    let (answer, _) = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    emu.shutdown().await;
}

#[tokio::test]
async fn a_body_that_never_arrives_gets_408() {
    let emu = emulator().await;
    let mut stream = TcpStream::connect(emu.addr()).await.expect("connects");
    stream
        .write_all(
            b"POST /_emulator/campaigns HTTP/1.1\r\nHost: emulator\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na",
        )
        .await
        .expect("writes");
    let (answer, waited) = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(waited < Duration::from_secs(5));
    emu.shutdown().await;
}

#[tokio::test]
async fn imputer_audio_is_bounded() {
    let emu = emulator().await;
    let url = format!(
        "{}/api/imputer/p/{DEFAULT_IMPUTER_TOKEN}/imputing/generate-audio",
        emu.base_url()
    );
    // D6: a 60 kB variable at half speed asked for 76.8 MB of audio.
    let long = "a".repeat(60_000);
    let response = reqwest::Client::new()
        .get(&url)
        .query(&[
            ("replicaTemplateId", "greeting"),
            ("voiceSpeed", "0.5"),
            ("name", long.as_str()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("at most 120 s")),
        "{body}"
    );
    // A normal replica is still rendered, in proportion to its input.
    let short = reqwest::Client::new()
        .get(&url)
        .query(&[("replicaTemplateId", "greeting"), ("name", "Ann")])
        .send()
        .await
        .expect("sent");
    assert!(short.status().is_success());
    assert!(short.bytes().await.expect("wav").len() < 16_000);
    emu.shutdown().await;
}
