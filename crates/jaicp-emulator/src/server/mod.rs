//! Starting and stopping the emulator's HTTP server, with its background tasks: the dialer and
//! the state-file saver.

mod connections;

pub(crate) use connections::BodyReadTimeout;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::credentials::EmulatorCredentials;
use crate::state::{AdminError, Config, EmulatorState, TimestampFormat};

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
    spelling: crate::FieldSpelling,
    start_time: Option<Timestamp>,
    manual_clock: bool,
    max_simultaneous_calls: usize,
    fast_forward: bool,
    chat_rules: Option<String>,
    chat_hold: Duration,
    nlp_projects: Vec<(String, String)>,
    external_nlu: Option<(String, Option<(String, String)>)>,
    state_file: Option<PathBuf>,
    save_interval: Duration,
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    limits: crate::Limits,
    variants: crate::Variants,
    documents_dir: Option<PathBuf>,
    idempotency_bound: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            campaigns: Vec::new(),
            dial_interval: Duration::from_millis(200),
            timestamps: TimestampFormat::default(),
            spelling: crate::FieldSpelling::default(),
            start_time: None,
            manual_clock: false,
            max_simultaneous_calls: 10,
            fast_forward: true,
            chat_rules: None,
            chat_hold: Duration::from_secs(2),
            nlp_projects: Vec::new(),
            external_nlu: None,
            state_file: None,
            save_interval: Duration::from_secs(1),
            header_read_timeout: connections::DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: connections::DEFAULT_BODY_READ_TIMEOUT,
            limits: crate::Limits::default(),
            variants: crate::Variants::default(),
            documents_dir: None,
            idempotency_bound: true,
        }
    }
}

impl EmulatorBuilder {
    /// Seed for simulated call outcomes (same seed, same outcomes).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, an ephemeral port). Any address that is
    /// not a loopback one makes the emulator's data and credentials reachable from other
    /// machines: starting on one logs a warning, and the banner carries it.
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

    /// Which name the answers use for fields an official document requires under one name and
    /// declares under another (default: the required one). See [`crate::FieldSpelling`].
    pub fn field_spelling(mut self, spelling: crate::FieldSpelling) -> Self {
        self.spelling = spelling;
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

    /// Whether an `Idempotence-Key` is bound to the request it first came with (default
    /// `true`): a reused key with another operation or other input is refused with 400
    /// `idempotence.key.reused` instead of answered with the first request's stored result.
    /// Stripe's rule; JAICP's own behaviour is unconfirmed, so `false` restores "replay
    /// whatever the key first answered".
    pub fn idempotency_bound_to_request(mut self, bound: bool) -> Self {
        self.idempotency_bound = bound;
        self
    }

    /// Keeps the state in `path`: loaded at start if the file exists, written atomically (temp
    /// file + rename) after changes (at most once per [`save_interval`](Self::save_interval))
    /// and at shutdown. A file that is corrupt, not an emulator state file, or from a newer
    /// format version makes start-up fail with an error naming the file, and the file is left
    /// as it was.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Shortest time between two saves of the state file after changes (default 1 s).
    pub fn save_interval(mut self, interval: Duration) -> Self {
        self.save_interval = interval.max(Duration::from_millis(10));
        self
    }

    /// How long a client may take to send a request head, counted from opening the connection
    /// or from the previous answer on a kept-alive one (default 10 s); then the connection is
    /// closed. This is also the idle timeout of keep-alive connections, so half-open and idle
    /// connections never pile up.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long a request body may take to arrive once its head is read (default 30 s); a
    /// slower body is answered 408.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Caps on what the emulator stores (call jobs per campaign, campaigns, chat logs, other
    /// collections); see [`crate::Limits`] for the defaults.
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Serves the OpenAPI documents in `dir` where a JAICP host serves them (the API gateway's,
    /// NLP Direct's and the dialer's pages and YAML files), so that `cargo xtask specs fetch`
    /// can be run against the emulator. Files are read at each request.
    pub fn documents_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.documents_dir = Some(dir.into());
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
            limits: self.limits,
            body_read_timeout: self.body_read_timeout,
            timestamps: self.timestamps,
            spelling: self.spelling,
            tick_ms: i64::try_from(tick.as_millis()).unwrap_or(200),
            fast_forward: self.fast_forward,
            idempotency_bound: self.idempotency_bound,
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
            self.state_file.clone(),
        );
        state.shared.chat.lock().log_cap = self.limits.chat_log_per_client;
        // A reset rebuilds from this configuration, without the file.
        let _ = state.shared.reset_to.set(EmulatorBuilder {
            state_file: None,
            ..self.clone()
        });
        let loaded = match &self.state_file {
            Some(path) => match crate::persist::load(path)? {
                Some(saved) => {
                    state.apply_loaded(saved).map_err(|e| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "emulator state file {}: {e}; the file was left unchanged",
                                path.display()
                            ),
                        )
                    })?;
                    true
                }
                None => false,
            },
            None => false,
        };
        // With a loaded state, campaigns and projects it already has keep their data.
        let keep = |r: Result<(), AdminError>| match r {
            Err(AdminError::TokenTaken) if loaded => Ok(()),
            other => other.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e)),
        };
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
            keep(state.add_campaign(&name, &token))?;
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
            keep(state.add_nlp_project(&name, &key))?;
        }
        if let Some((url, basic)) = &self.external_nlu {
            state.set_external_nlu(url, basic.clone());
        }
        state.set_variants(self.variants);
        if let Some(dir) = &self.documents_dir {
            state.set_documents_dir(dir.clone());
        }
        Ok(state)
    }

    /// Starts the emulator in the background of the current Tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let state = self.build_state()?;
        let listener = bind(self.bind).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let app = crate::router(state.clone());
        let header_read_timeout = self.header_read_timeout;
        let server = tokio::spawn(async move {
            // Either an explicit shutdown or the handle being dropped.
            let shutdown = async {
                let _ = stop_rx.await;
            };
            if let Err(err) = connections::serve(listener, app, header_read_timeout, shutdown).await
            {
                tracing::warn!(error = %err, "emulator server stopped with an error");
            }
        });
        let background = Background::spawn(&self, &state);
        Ok(Emulator {
            addr,
            state,
            stop: Some(stop_tx),
            server: Some(server),
            background,
        })
    }
}

/// Binds the listener; a non-loopback address gets a warning in the log.
async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    if !bound.ip().is_loopback() {
        tracing::warn!(
            addr = %bound,
            "the emulator listens on a non-loopback address: anyone who can reach it can use its credentials"
        );
    }
    tracing::info!(addr = %bound, "JAICP emulator listening");
    Ok(listener)
}

/// The dialer and the state-file saver of one running emulator.
#[derive(Debug, Default)]
struct Background {
    dialer: Option<JoinHandle<()>>,
    saver: Option<JoinHandle<()>>,
}

impl Background {
    fn spawn(builder: &EmulatorBuilder, state: &EmulatorState) -> Self {
        let dialer = (!builder.dial_interval.is_zero())
            .then(|| tokio::spawn(state.clone().run_dialer(builder.dial_interval)));
        let saver = state
            .state_file()
            .is_some()
            .then(|| tokio::spawn(run_saver(state.clone(), builder.save_interval)));
        Self { dialer, saver }
    }

    fn stop(&mut self) {
        for task in [self.dialer.take(), self.saver.take()]
            .into_iter()
            .flatten()
        {
            task.abort();
        }
    }
}

/// Writes the state file whenever something changed, at most once per `every`.
async fn run_saver(state: EmulatorState, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if !state.unsaved_changes() {
            continue;
        }
        let worker = state.clone();
        match tokio::task::spawn_blocking(move || worker.save_state()).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => tracing::warn!(error = %err, "saving the emulator state failed"),
            Err(_) => return,
        }
    }
}

/// The last save, at shutdown.
async fn final_save(state: &EmulatorState) -> std::io::Result<()> {
    if state.state_file().is_none() {
        return Ok(());
    }
    let worker = state.clone();
    tokio::task::spawn_blocking(move || worker.save_state())
        .await
        .map_err(std::io::Error::other)?
}

/// A running emulator. Dropping it shuts the server down (and, with a state file, writes the
/// state one last time if it changed).
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    state: EmulatorState,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    background: Background,
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

    /// The base URL and every credential, for a banner (`.banner()`), JSON (it is
    /// `Serialize`) or environment variables (`.env_vars()`).
    pub fn credentials(&self) -> EmulatorCredentials {
        EmulatorCredentials::collect(self.addr, &self.state)
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

    /// Writes the state file now (no-op without one).
    pub async fn save_state(&self) -> std::io::Result<()> {
        final_save(&self.state).await
    }

    /// Stops the server, waits until it has shut down, and writes the state file one last
    /// time (an error writing it is logged; call [`save_state`](Self::save_state) first to
    /// handle it yourself).
    pub async fn shutdown(mut self) {
        self.stop_server();
        self.background.stop();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Err(err) = final_save(&self.state).await {
            tracing::warn!(error = %err, "saving the emulator state failed");
        }
    }

    fn stop_server(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_server();
        self.background.stop();
        // Dropped without `shutdown`: still keep the promise that changes reach the file.
        if self.state.unsaved_changes()
            && let Err(err) = self.state.save_state()
        {
            tracing::warn!(error = %err, "saving the emulator state failed");
        }
    }
}

/// Runs an emulator until `shutdown` completes; meant for the CLI
/// (`jaicp emulator serve --port N`). With a state file, the state is written one last time
/// after the server stopped (an error doing so is returned).
pub async fn serve(
    builder: EmulatorBuilder,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = builder.build_state()?;
    let listener = bind(builder.bind).await?;
    let mut background = Background::spawn(&builder, &state);
    let app = crate::router(state.clone());
    let result = connections::serve(listener, app, builder.header_read_timeout, shutdown).await;
    background.stop();
    let saved = final_save(&state).await;
    result.and(saved)
}
