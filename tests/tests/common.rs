//! Shared set-up: an emulator and an SDK client pointed at it.

#![allow(dead_code)]

use jaicp_calls::Calls;
use jaicp_core::{CampaignToken, Client, Host};
use jaicp_emulator::Emulator;

/// A running emulator with no background dialer (tests drive calls with `advance_calls`).
pub async fn emulator() -> Emulator {
    Emulator::builder()
        .seed(7)
        .dial_interval(std::time::Duration::ZERO)
        .start()
        .await
        .expect("emulator starts")
}

/// A client for the emulator.
pub fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .host(Host::custom(&emulator.base_url()).expect("emulator URL"))
        .allow_insecure_loopback(true)
        .build()
        .expect("client builds")
}

/// The Calls API of the emulator's demo campaign.
pub fn calls(emulator: &Emulator) -> Calls {
    Calls::new(
        &client(emulator),
        &CampaignToken::new(emulator.campaign_token()),
    )
}

/// `n` distinct valid numbers starting at `start`.
pub fn numbers(start: u64, n: u64) -> Vec<jaicp_calls::models::CallJobParameters> {
    (start..start + n)
        .map(|i| jaicp_calls::models::CallJobParameters {
            phone: format!("+7900{i:07}"),
            ..Default::default()
        })
        .collect()
}

/// Captures everything logged on this thread at TRACE level until it is dropped: the redaction
/// canaries read it to prove no token reaches a log line.
pub struct LogCapture {
    buffer: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// Starts capturing.
    pub fn start() -> LogCapture {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = Sink(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        LogCapture {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}
