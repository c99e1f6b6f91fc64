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
        &CampaignToken::new(emulator.campaign_token()).unwrap(),
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

/// Captures everything the process logs at TRACE level: the redaction canaries read it to prove
/// no token reaches a log line. The subscriber is global and installed once: a thread-scoped one
/// (`set_default`) loses events when another test thread caches a callsite's interest first.
pub struct LogCapture {
    buffer: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
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

static LOGS: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> =
    std::sync::OnceLock::new();

impl LogCapture {
    /// Starts capturing (once per test binary; later calls share the same buffer).
    pub fn start() -> LogCapture {
        let buffer = LOGS
            .get_or_init(|| {
                let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
                let sink = Sink(buffer.clone());
                let subscriber = tracing_subscriber::fmt()
                    .with_max_level(tracing::Level::TRACE)
                    .with_writer(move || sink.clone())
                    .with_ansi(false)
                    .finish();
                tracing::subscriber::set_global_default(subscriber)
                    .expect("one global subscriber per test binary");
                buffer
            })
            .clone();
        LogCapture { buffer }
    }

    /// Everything logged so far, by every test of this binary.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().unwrap()).into_owned()
    }
}

/// The NLP Direct API of the emulator's default project.
pub fn nlp(emulator: &Emulator) -> jaicp_nlp::Nlp {
    jaicp_nlp::Nlp::new(
        &client(emulator),
        &jaicp_core::NlpKey::new(jaicp_emulator::DEFAULT_NLP_KEY).unwrap(),
    )
}

/// Polling fast enough for tests.
pub fn fast_poll() -> jaicp_nlp::PollOptions {
    jaicp_nlp::PollOptions::default()
        .initial_interval(std::time::Duration::from_millis(10))
        .max_interval(std::time::Duration::from_millis(20))
        .deadline(std::time::Duration::from_secs(10))
}
