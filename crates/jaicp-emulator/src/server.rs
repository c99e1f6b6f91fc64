//! Starting and stopping the emulator's HTTP server.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::state::{Config, EmulatorState, TimestampFormat};

/// Token of the campaign every emulator starts with.
pub const DEFAULT_CAMPAIGN_TOKEN: &str = "1.1.emulator-demo-campaign";

/// Name of the campaign every emulator starts with.
pub const DEFAULT_CAMPAIGN_NAME: &str = "Demo campaign";

/// Seed used when none is given, so that default runs are reproducible too.
pub const DEFAULT_SEED: u64 = 0x00A1_CA11_5EED;

/// Configures an emulator before it starts.
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    seed: u64,
    bind: SocketAddr,
    campaigns: Vec<(String, String)>,
    dial_interval: Duration,
    timestamps: TimestampFormat,
    start_time: Option<Timestamp>,
    manual_clock: bool,
    max_simultaneous_calls: usize,
    fast_forward: bool,
    chat_rules: Option<String>,
    chat_hold: Duration,
    nlp_projects: Vec<(String, String)>,
    external_nlu: Option<(String, Option<(String, String)>)>,
    variants: crate::Variants,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            campaigns: Vec::new(),
            dial_interval: Duration::from_millis(200),
            timestamps: TimestampFormat::default(),
            start_time: None,
            manual_clock: false,
            max_simultaneous_calls: 10,
            fast_forward: true,
            chat_rules: None,
            chat_hold: Duration::from_secs(2),
            nlp_projects: Vec::new(),
            external_nlu: None,
            variants: crate::Variants::default(),
        }
    }
}

impl EmulatorBuilder {
    /// Seed for simulated call outcomes (same seed, same outcomes).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Adds a campaign. The default campaign ("Demo campaign",
    /// [`DEFAULT_CAMPAIGN_TOKEN`]) always exists; passing its token here
    /// renames it.
    pub fn campaign(mut self, name: impl Into<String>, token: impl Into<String>) -> Self {
        self.campaigns.push((name.into(), token.into()));
        self
    }

    /// Real-time period of the background dialer (default 200 ms).
    /// `Duration::ZERO` disables background dialing; jobs then only move
    /// through [`EmulatorState::advance_calls`] or [`EmulatorState::dial_once`].
    pub fn dial_interval(mut self, interval: Duration) -> Self {
        self.dial_interval = interval;
        self
    }

    /// Wire format of timestamps in responses (default epoch milliseconds).
    pub fn timestamps(mut self, format: TimestampFormat) -> Self {
        self.timestamps = format;
        self
    }

    /// Emulator time at start-up (default: the real current time).
    pub fn start_time(mut self, start: Timestamp) -> Self {
        self.start_time = Some(start);
        self
    }

    /// With `true`, the emulator clock stands still unless moved explicitly
    /// (advance, `/_emulator/clock/advance`), which makes every timestamp
    /// reproducible. Default `false`: the clock follows real time.
    pub fn manual_clock(mut self, manual: bool) -> Self {
        self.manual_clock = manual;
        self
    }

    /// With `true` (the default), the background dialer moves the emulator clock straight to
    /// the next retry or call end when nothing is due, so that campaigns whose retries are hours
    /// apart finish in seconds. With `false`, emulator time follows real time.
    pub fn fast_forward(mut self, on: bool) -> Self {
        self.fast_forward = on;
        self
    }

    /// Attempts per dialer tick and per campaign (default 10; reported as
    /// `maxSimultaneousCalls`).
    pub fn max_simultaneous_calls(mut self, calls: usize) -> Self {
        self.max_simultaneous_calls = calls.max(1);
        self
    }

    /// Rules of the Chat API bot, as the text of a rules file (the format of
    /// [`crate::DEFAULT_CHAT_RULES`], which is used when none is given).
    pub fn chat_rules(mut self, rules: impl Into<String>) -> Self {
        self.chat_rules = Some(rules.into());
        self
    }

    /// How long the Chat API `/events` long poll waits when nothing is pending (default 2 s).
    pub fn chat_hold(mut self, hold: Duration) -> Self {
        self.chat_hold = hold;
        self
    }

    /// Adds an NLP Direct project answering to `key`. The default project
    /// ([`crate::DEFAULT_NLP_KEY`]) always exists.
    pub fn nlp_project(mut self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.nlp_projects.push((name.into(), key.into()));
        self
    }

    /// Sends the NLU work of NLP Direct (inference, markup, entity lookup) to an external
    /// service that speaks the Model API at `url` (as JAICP does for a project whose NLU is
    /// `external`), with optional HTTP Basic credentials `(login, password)`. Classes the service
    /// returns are matched to intents by path (or id). Lets you test your own `jaicp-model`
    /// service end to end.
    pub fn external_nlu(mut self, url: impl Into<String>, basic: Option<(String, String)>) -> Self {
        self.external_nlu = Some((url.into(), basic));
        self
    }

    /// Serves the other variant of the unconfirmed facts switched on in `variants` (default: every
    /// fact as our documents assume). Also switchable at run time: `PUT /_emulator/variants`.
    pub fn variants(mut self, variants: crate::Variants) -> Self {
        self.variants = variants;
        self
    }

    /// The configured listen address.
    pub fn bind_addr(&self) -> SocketAddr {
        self.bind
    }

    /// Builds the state (with its campaigns) without starting any server,
    /// for use with [`crate::router`].
    ///
    /// Fails if a campaign added with [`campaign`](Self::campaign) has an
    /// unusable token or name.
    pub fn build_state(&self) -> std::io::Result<EmulatorState> {
        let start_ms = self
            .start_time
            .unwrap_or_else(Timestamp::now)
            .as_millisecond();
        // The dialer's notional tick length during `advance`, so fast-forward
        // and real-time dialing pace jobs the same way.
        let tick = if self.dial_interval.is_zero() {
            Duration::from_millis(200)
        } else {
            self.dial_interval
        };
        let config = Config {
            timestamps: self.timestamps,
            tick_ms: i64::try_from(tick.as_millis()).unwrap_or(200),
            fast_forward: self.fast_forward,
        };
        let rules = match &self.chat_rules {
            Some(text) => crate::chat::bot::Rules::parse(text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
            None => crate::chat::bot::Rules::default_rules(),
        };
        let state = EmulatorState::new(
            self.seed,
            start_ms,
            self.manual_clock,
            self.max_simultaneous_calls,
            config,
            crate::chat::ChatSection::new(rules, self.chat_hold),
        );
        // Later entries for the same token win, so the user can rename the
        // default campaign.
        let mut campaigns: Vec<(String, String)> = vec![(
            DEFAULT_CAMPAIGN_NAME.to_owned(),
            DEFAULT_CAMPAIGN_TOKEN.to_owned(),
        )];
        for (name, token) in &self.campaigns {
            campaigns.retain(|(_, t)| t != token);
            campaigns.push((name.clone(), token.clone()));
        }
        for (name, token) in campaigns {
            state
                .add_campaign(&name, &token)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        }
        let mut nlp = vec![(
            "Demo NLP project".to_owned(),
            crate::DEFAULT_NLP_KEY.to_owned(),
        )];
        for (name, key) in &self.nlp_projects {
            nlp.retain(|(_, k)| k != key);
            nlp.push((name.clone(), key.clone()));
        }
        for (name, key) in nlp {
            state
                .add_nlp_project(&name, &key)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        }
        if let Some((url, basic)) = &self.external_nlu {
            state.set_external_nlu(url, basic.clone());
        }
        state.set_variants(self.variants);
        Ok(state)
    }

    /// Starts the emulator in the background of the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let state = self.build_state()?;
        let listener = TcpListener::bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app = crate::router(state.clone());
        let server = tokio::spawn(async move {
            let shutdown = async {
                // Either an explicit shutdown or the handle being dropped.
                let _ = stop_rx.await;
            };
            if let Err(err) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::warn!(error = %err, "emulator server stopped with an error");
            }
        });
        let dialer = (!self.dial_interval.is_zero())
            .then(|| tokio::spawn(state.clone().run_dialer(self.dial_interval)));
        tracing::info!(%addr, "JAICP emulator listening");
        Ok(Emulator {
            addr,
            state,
            stop: Some(stop_tx),
            server: Some(server),
            dialer,
        })
    }
}

/// A running emulator. Dropping it shuts the server down.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    state: EmulatorState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    dialer: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` with an ephemeral port and defaults.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::builder().start().await
    }

    /// A builder with default settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Base URL to point an SDK at, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Token of the default campaign.
    pub fn campaign_token(&self) -> &str {
        DEFAULT_CAMPAIGN_TOKEN
    }

    /// Token of the Chat API channel of the emulator's bot.
    pub fn chat_token(&self) -> &str {
        crate::chat::DEFAULT_CHAT_TOKEN
    }

    /// Connects an agent desk (an Operator API server at `api_url`) to the bot's Chat API
    /// channel: its `setWebhook` is called at once with this emulator's webhook address, and
    /// dialogs the bot hands over (`switch` replies) go to it.
    pub async fn connect_operator_desk(&self, api_url: &str) {
        crate::operator::connect(
            &self.state,
            api_url,
            crate::chat::DEFAULT_CHAT_TOKEN,
            &self.base_url(),
        )
        .await;
    }

    /// Handle for inspecting and driving the emulator from tests.
    pub fn state(&self) -> EmulatorState {
        self.state.clone()
    }

    /// Stops the server and waits until it has shut down.
    pub async fn shutdown(mut self) {
        self.stop_background();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn stop_background(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(dialer) = self.dialer.take() {
            dialer.abort();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_background();
    }
}

/// Runs an emulator until `shutdown` completes; meant for the CLI
/// (`jaicp emulator serve --port N`).
pub async fn serve(
    builder: EmulatorBuilder,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = builder.build_state()?;
    let listener = TcpListener::bind(builder.bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "JAICP emulator listening");
    let dialer = (!builder.dial_interval.is_zero())
        .then(|| tokio::spawn(state.clone().run_dialer(builder.dial_interval)));
    let result = axum::serve(listener, crate::router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    if let Some(dialer) = dialer {
        dialer.abort();
    }
    result
}
