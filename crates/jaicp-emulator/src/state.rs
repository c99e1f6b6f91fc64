//! Shared emulator state: clock, seed, counters and one section per API.
//!
//! Every API the emulator serves (Calls, Chat, Operator, Pushgate, Prompter, Imputer, NLP Direct,
//! Project and Channel, Reporter, Text campaigns, async events) has its own section (a
//! `Mutex<…State>` field of [`Shared`]) and its routes in [`crate::router`]; sections have
//! separate locks so APIs never contend with each other.
//! Every section serializes, which is what the state file ([`crate::persist`]) writes.
//! A request (any request: even reads move counters) or a dialer step bumps
//! [`Persistence::generation`], which tells the background saver there is something to write.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::Timestamp;

use crate::calls::{CallsState, dialer};
use crate::clock::{Clock, Millis};
use crate::counters::{CounterStore, Counters};
use crate::nlp::NlpState;
use crate::project::ProjectsState;
use crate::reporter::ReporterState;
use crate::text_campaigns::TextCampaignsState;
use crate::unified::DEFAULT_UNIFIED_TOKEN;
use crate::unified::events::EventsState;

/// How timestamps appear in Calls API responses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimestampFormat {
    /// Integer Unix milliseconds, as the live platform sends them.
    #[default]
    EpochMillis,
    /// RFC 3339 strings, which is what the OpenAPI document's
    /// `format: date-time` literally asks for. Use this behind a validating
    /// proxy such as Prism.
    Rfc3339,
}

/// Fixed settings chosen at start-up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    /// Caps on stored collections.
    pub(crate) limits: crate::limits::Limits,
    /// How long a request body may take to arrive.
    pub(crate) body_read_timeout: Duration,
    pub(crate) timestamps: TimestampFormat,
    /// Spelling of fields an official document requires but does not declare.
    pub(crate) spelling: crate::spelling::FieldSpelling,
    /// Emulator time between two dialer ticks during [`EmulatorState::advance_calls`].
    pub(crate) tick_ms: Millis,
    /// Whether the background dialer jumps the clock to the next event when idle.
    pub(crate) fast_forward: bool,
    /// Whether an `Idempotence-Key` only replays for the request it first came with.
    pub(crate) idempotency_bound: bool,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) seed: u64,
    pub(crate) counters: CounterStore,
    pub(crate) config: Config,
    pub(crate) calls: Mutex<CallsState>,
    pub(crate) chat: crate::chat::ChatSection,
    pub(crate) pushgate: crate::pushgate::PushgateSection,
    pub(crate) operator: crate::operator::OperatorSection,
    pub(crate) nlp: Mutex<NlpState>,
    pub(crate) projects: Mutex<ProjectsState>,
    pub(crate) events: Mutex<EventsState>,
    pub(crate) reporter: Mutex<ReporterState>,
    pub(crate) text_campaigns: Mutex<TextCampaignsState>,
    /// Unified tokens the gateway APIs accept.
    pub(crate) unified_tokens: Mutex<Vec<String>>,
    pub(crate) persistence: Persistence,
    /// Armed faults (`/_emulator/faults`); test controls, never saved.
    pub(crate) faults: Mutex<crate::admin::faults::Faults>,
    /// The configuration a reset returns to (set by the builder).
    pub(crate) reset_to: std::sync::OnceLock<crate::server::EmulatorBuilder>,
    /// Which variant of each unconfirmed fact is served.
    pub(crate) variants: crate::variants::VariantCell,
    /// Where the OpenAPI documents served for `cargo xtask specs fetch` are.
    pub(crate) documents: crate::documents::DocumentsDir,
}

/// Where and when the state is saved.
#[derive(Debug, Default)]
pub(crate) struct Persistence {
    /// The state file, if any.
    pub(crate) path: Option<PathBuf>,
    /// Bumped by every change (request, dialer step).
    pub(crate) generation: AtomicU64,
    /// The generation the file last received.
    pub(crate) saved: AtomicU64,
    /// Held for a whole save, so a later save always renames last.
    pub(crate) writing: Mutex<()>,
}

/// Handle to the emulator's state; cloning is cheap (an `Arc`).
///
/// Tests use it to inspect counters and to drive the simulated dialer and
/// clock without going through HTTP.
#[derive(Clone)]
pub struct EmulatorState {
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for EmulatorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Deliberately terse: the state holds campaign tokens and phone numbers.
        f.debug_struct("EmulatorState")
            .field("seed", &self.shared.seed)
            .finish_non_exhaustive()
    }
}

/// Summary of a completed [`EmulatorState::advance_calls`] run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdvanceSummary {
    /// Call attempts made during the run.
    pub attempts: u64,
    /// Dialer ticks simulated.
    pub ticks: u64,
    /// Jobs in the campaign (all of them finished now).
    pub jobs: usize,
    /// Emulator time after the run.
    pub now: Timestamp,
}

/// Errors from the inspection/administration methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminError {
    /// No campaign has this token.
    UnknownToken,
    /// The campaign is paused, so its dialer cannot make progress.
    CampaignPaused,
    /// A campaign with this token already exists.
    TokenTaken,
    /// The token or name cannot be used (the reason is given).
    InvalidCampaign(String),
    /// The dialer stopped making progress (an emulator bug).
    DialerStuck,
    /// A collection is at its cap ([`crate::Limits`]); the reason says which.
    Full(String),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownToken => f.write_str("no campaign has this token"),
            Self::CampaignPaused => f.write_str("the campaign is paused; resume it first"),
            Self::TokenTaken => f.write_str("a campaign with this token already exists"),
            Self::InvalidCampaign(reason) => write!(f, "invalid campaign: {reason}"),
            Self::DialerStuck => f.write_str("the simulated dialer stopped making progress"),
            Self::Full(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for AdminError {}

/// Tokens travel as one URL path segment; keep them to characters that
/// need no escaping so any client can address them.
fn check_token(token: &str) -> Result<(), AdminError> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "._~-:".contains(c);
    if token.is_empty() || token.len() > 256 || !token.chars().all(ok_char) {
        return Err(AdminError::InvalidCampaign(
            "token must be 1-256 characters from A-Z a-z 0-9 . _ ~ - :".into(),
        ));
    }
    Ok(())
}

impl EmulatorState {
    pub(crate) fn new(
        seed: u64,
        start_ms: Millis,
        manual_clock: bool,
        max_simultaneous_calls: usize,
        config: Config,
        chat: crate::chat::ChatSection,
        state_file: Option<PathBuf>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                clock: Clock::new(start_ms, manual_clock),
                seed,
                counters: CounterStore::default(),
                config,
                calls: Mutex::new(CallsState::new(max_simultaneous_calls)),
                chat,
                pushgate: crate::pushgate::PushgateSection::default(),
                operator: crate::operator::OperatorSection::default(),
                nlp: Mutex::new(NlpState::default()),
                projects: Mutex::new(ProjectsState::new(start_ms)),
                events: Mutex::new(EventsState::default()),
                reporter: Mutex::new(ReporterState::new(seed, start_ms)),
                text_campaigns: Mutex::new(TextCampaignsState::default()),
                unified_tokens: Mutex::new(vec![DEFAULT_UNIFIED_TOKEN.to_owned()]),
                persistence: Persistence {
                    path: state_file,
                    ..Persistence::default()
                },
                faults: Mutex::default(),
                reset_to: std::sync::OnceLock::new(),
                variants: Default::default(),
                documents: Default::default(),
            }),
        }
    }

    /// Locks the Calls section. Never hold the guard across an `.await`.
    pub(crate) fn calls(&self) -> MutexGuard<'_, CallsState> {
        // Handlers do not panic while holding the lock, and even if one did
        // the data stays structurally valid, so poisoning is ignored.
        self.shared
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the NLP section. Never hold the guard across an `.await`.
    pub(crate) fn nlp(&self) -> MutexGuard<'_, NlpState> {
        self.shared
            .nlp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the Project/Channel section. Never hold the guard across an `.await`.
    pub(crate) fn projects(&self) -> MutexGuard<'_, ProjectsState> {
        self.shared
            .projects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds an NLP Direct project that answers to `key` (empty data, never trained).
    pub fn add_nlp_project(&self, name: &str, key: &str) -> Result<(), AdminError> {
        check_token(key)?;
        let now = self.shared.clock.now_ms();
        let mut nlp = self.nlp();
        if nlp.projects.contains_key(key) {
            return Err(AdminError::TokenTaken);
        }
        self.room(nlp.projects.len(), "NLP projects")?;
        let id = format!("emulator-project-{}", nlp.projects.len() + 1);
        nlp.projects
            .insert(key.to_owned(), crate::nlp::Project::new(&id, name, now));
        Ok(())
    }

    /// Sends NLU work (classification, markup, entities) of every NLP project to an external
    /// service that speaks the Model API, with optional HTTP Basic credentials.
    pub fn set_external_nlu(&self, url: &str, basic: Option<(String, String)>) {
        self.nlp().external = Some(crate::nlp::external::ExternalNlu::new(url, basic));
    }

    /// Finishes a pending NLP training at once (as if the status had been polled).
    pub fn finish_nlp_training(&self, key: &str) -> Result<(), AdminError> {
        let now = self.shared.clock.now_ms();
        let mut nlp = self.nlp();
        let project = nlp.projects.get_mut(key).ok_or(AdminError::UnknownToken)?;
        project.finish_training(now);
        Ok(())
    }

    /// Makes the next NLP training of the project fail with `reason` (its status goes
    /// `TRAINING`, then `FAILED` with `lastError`), while the previous model keeps answering.
    pub fn fail_next_nlp_training(&self, key: &str, reason: &str) -> Result<(), AdminError> {
        let mut nlp = self.nlp();
        let project = nlp.projects.get_mut(key).ok_or(AdminError::UnknownToken)?;
        project.training.fail_next = Some(reason.to_owned());
        Ok(())
    }

    /// Number of intents stored in the NLP project, or `None` for an unknown key.
    pub fn nlp_intent_count(&self, key: &str) -> Option<usize> {
        self.nlp().projects.get(key).map(|p| p.intents.len())
    }

    /// Locks the Reporter section. Never hold the guard across an `.await`; take it after
    /// [`Self::reporter_sessions`] (which locks Calls and Reporter in turn), never around it.
    pub(crate) fn reporter(&self) -> MutexGuard<'_, ReporterState> {
        self.shared
            .reporter
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the Text campaigns section. Never hold the guard across an `.await`, nor while
    /// locking the Project section.
    pub(crate) fn text_campaigns(&self) -> MutexGuard<'_, TextCampaignsState> {
        self.shared
            .text_campaigns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the async events store. Never hold the guard across an `.await`.
    pub(crate) fn events(&self) -> MutexGuard<'_, EventsState> {
        self.shared
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn unified_token_ok(&self, token: &str) -> bool {
        self.unified_tokens().iter().any(|t| t == token)
    }

    /// Locks the list of accepted unified tokens.
    pub(crate) fn unified_tokens(&self) -> MutexGuard<'_, Vec<String>> {
        self.shared
            .unified_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the armed faults.
    pub(crate) fn faults(&self) -> MutexGuard<'_, crate::admin::faults::Faults> {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts every API's data back to what a fresh start with this emulator's configuration
    /// has (and disarms every fault). The clock is kept: it never goes back.
    pub fn reset(&self) -> std::io::Result<()> {
        let Some(builder) = self.shared.reset_to.get() else {
            return Err(std::io::Error::other(
                "this state was not built by an EmulatorBuilder",
            ));
        };
        let fresh = builder.build_state()?;
        let loaded = crate::persist::copy(&fresh).map_err(std::io::Error::other)?;
        self.apply_loaded(loaded).map_err(std::io::Error::other)?;
        *self.faults() = crate::admin::faults::Faults::default();
        self.note_change();
        Ok(())
    }

    /// Notes that the state changed, so the saver writes it at its next turn.
    pub(crate) fn note_change(&self) {
        self.shared
            .persistence
            .generation
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Replaces every section with what a state file held, keeping this run's configuration
    /// (bot rules, external NLU, deploy time, default concurrency). The clock moves forward to
    /// the saved time if that is later.
    pub(crate) fn apply_loaded(&self, loaded: crate::persist::Loaded) -> Result<(), String> {
        let shared = &self.shared;
        shared.counters.restore(&loaded.counters)?;
        shared.clock.advance_to(loaded.now_ms);
        *self.unified_tokens() = loaded.unified_tokens;
        {
            let mut calls = self.calls();
            let mut fresh = loaded.calls;
            fresh.max_simultaneous_calls = calls.max_simultaneous_calls;
            fresh.rebuild_indexes();
            *calls = fresh;
        }
        {
            let mut chat = shared.chat.lock();
            let mut fresh = loaded.chat;
            std::mem::swap(&mut fresh.rules, &mut chat.rules);
            fresh.log_cap = chat.log_cap;
            *chat = fresh;
        }
        *shared.pushgate.lock() = loaded.pushgate;
        *shared.operator.lock() = loaded.operator;
        {
            let mut nlp = self.nlp();
            let mut fresh = loaded.nlp;
            fresh.external = nlp.external.take();
            *nlp = fresh;
        }
        {
            let mut projects = self.projects();
            let mut fresh = loaded.projects;
            fresh.deploy_time = projects.deploy_time;
            *projects = fresh;
        }
        *self.events() = loaded.events;
        *self.reporter() = loaded.reporter;
        *self.text_campaigns() = loaded.text_campaigns;
        Ok(())
    }

    /// `Full` when a collection of `len` items is at [`crate::Limits::items_per_collection`].
    pub(crate) fn room(&self, len: usize, what: &str) -> Result<(), AdminError> {
        let cap = self.shared.config.limits.items_per_collection;
        if len >= cap {
            Err(AdminError::Full(crate::limits::full(what, cap)))
        } else {
            Ok(())
        }
    }

    /// Accepts one more unified token (the default one stays valid).
    pub fn add_unified_token(&self, token: &str) {
        self.shared
            .unified_tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(token.to_owned());
    }

    /// Makes the next deploy finish with `isOk: false` and this error code and message.
    pub fn fail_next_deploy(&self, code: &str, message: &str) {
        self.projects().fail_next_deploy = Some((code.to_owned(), message.to_owned()));
    }

    /// Snapshot of the request and side-effect counters.
    pub fn counters(&self) -> Counters {
        self.shared.counters.snapshot()
    }

    /// Number of call jobs in the campaign, or `None` for an unknown token.
    pub fn campaign_job_count(&self, token: &str) -> Option<usize> {
        self.calls().campaigns.get(token).map(|c| c.jobs.len())
    }

    /// Token of the Chat API channel the emulator's bot answers on.
    pub fn chat_token(&self) -> &'static str {
        crate::chat::DEFAULT_CHAT_TOKEN
    }

    /// Adds another Chat API channel served by the same bot.
    pub fn add_chat_channel(&self, token: &str) -> Result<(), AdminError> {
        check_token(token)?;
        let mut chat = self.shared.chat.lock();
        if chat.tokens.contains(token) {
            return Err(AdminError::TokenTaken);
        }
        self.room(chat.tokens.len(), "Chat API channels")?;
        chat.tokens.insert(token.to_owned());
        Ok(())
    }

    /// Registers (or with `None` removes) the webhook address async answers of a Chat API
    /// channel are POSTed to.
    pub fn set_chat_webhook(&self, token: &str, url: Option<&str>) -> Result<(), AdminError> {
        let mut chat = self.shared.chat.lock();
        if !chat.knows(token) {
            return Err(AdminError::UnknownToken);
        }
        match url {
            Some(u) => chat.webhooks.insert(token.to_owned(), u.to_owned()),
            None => chat.webhooks.remove(token),
        };
        Ok(())
    }

    /// Webhook deliveries so far: (delivered, failed after every retry).
    pub fn chat_webhook_deliveries(&self) -> (u64, u64) {
        let chat = self.shared.chat.lock();
        (chat.delivered, chat.failed)
    }

    /// Makes a pushback link that raises `event` for `client_id` of the Chat API channel
    /// `token` (what a bot script does with `$pushgate.createPushback`); returns its id. The
    /// link is `{base_url}/pushgate/push_{id}`.
    pub fn create_pushback(
        &self,
        token: &str,
        client_id: &str,
        event: &str,
    ) -> Result<String, AdminError> {
        if !self.shared.chat.lock().knows(token) {
            return Err(AdminError::UnknownToken);
        }
        if client_id.trim().is_empty() || event.trim().is_empty() {
            return Err(AdminError::InvalidCampaign(
                "clientId and event must not be empty".into(),
            ));
        }
        let mut pushgate = self.shared.pushgate.lock();
        self.room(pushgate.pushbacks.len(), "pushback links")?;
        Ok(pushgate.create(token, client_id, event))
    }

    /// How many times the pushback was fired (`None` for an unknown id).
    pub fn pushback_fired(&self, id: &str) -> Option<u64> {
        self.shared
            .pushgate
            .lock()
            .pushbacks
            .get(id)
            .map(|p| p.fired)
    }

    /// Whether an agent holds the dialog of `client_id` on the Chat API channel `token`.
    pub fn with_agent(&self, token: &str, client_id: &str) -> bool {
        crate::operator::with_agent(self, token, client_id)
    }

    /// The seed that drives simulated call outcomes.
    pub fn seed(&self) -> u64 {
        self.shared.seed
    }

    /// Current emulator time.
    pub fn now(&self) -> Timestamp {
        millis_to_timestamp(self.shared.clock.now_ms())
    }

    /// Moves the emulator clock forward (e.g. past the 24-hour idempotence
    /// window). Jobs that become due are dialled by the next tick.
    pub fn advance_clock(&self, by: Duration) -> Timestamp {
        let ms = Millis::try_from(by.as_millis()).unwrap_or(Millis::MAX / 4);
        millis_to_timestamp(self.shared.clock.advance(ms))
    }

    /// The state file this emulator saves to, if any.
    pub fn state_file(&self) -> Option<&std::path::Path> {
        self.shared.persistence.path.as_deref()
    }

    /// Writes the whole state to the state file now (atomically). Does nothing without a state
    /// file. Blocking file I/O: from async code call it through `spawn_blocking`.
    pub fn save_state(&self) -> std::io::Result<()> {
        let persistence = &self.shared.persistence;
        let Some(path) = &persistence.path else {
            return Ok(());
        };
        let _writing = persistence
            .writing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let generation = persistence.generation.load(Ordering::Relaxed);
        crate::persist::save(self, path)?;
        persistence.saved.store(generation, Ordering::Relaxed);
        Ok(())
    }

    /// True when something changed since the state file was last written.
    pub(crate) fn unsaved_changes(&self) -> bool {
        let p = &self.shared.persistence;
        p.generation.load(Ordering::Relaxed) != p.saved.load(Ordering::Relaxed)
    }

    /// Adds a campaign that answers to `token`.
    pub fn add_campaign(&self, name: &str, token: &str) -> Result<(), AdminError> {
        check_token(token)?;
        if name.trim().is_empty() {
            return Err(AdminError::InvalidCampaign("name must not be empty".into()));
        }
        let now = self.shared.clock.now_ms();
        let mut calls = self.calls();
        let cap = self.shared.config.limits.campaigns;
        if calls.campaigns.len() >= cap && !calls.campaigns.contains_key(token) {
            return Err(AdminError::Full(crate::limits::full("campaigns", cap)));
        }
        calls
            .add_campaign(name.to_owned(), token.to_owned(), now)
            .map(|_| ())
            .ok_or(AdminError::TokenTaken)
    }

    /// Runs the dialer on one campaign until every job is finished, moving
    /// the emulator clock forward as needed. Deterministic for a given seed
    /// when the clock is manual and no background dialer runs.
    ///
    /// This is CPU-bound and holds the Calls lock; from async code call it
    /// through `tokio::task::spawn_blocking` for very large campaigns.
    pub fn advance_calls(&self, token: &str) -> Result<AdvanceSummary, AdminError> {
        let shared = &self.shared;
        let mut calls = self.calls();
        let campaign = calls
            .campaigns
            .get_mut(token)
            .ok_or(AdminError::UnknownToken)?;
        if campaign.status == crate::calls::model::CampaignStatus::Paused {
            return Err(AdminError::CampaignPaused);
        }
        let stats =
            dialer::run_to_completion(campaign, &shared.clock, shared.seed, shared.config.tick_ms)
                .ok_or(AdminError::DialerStuck)?;
        Ok(AdvanceSummary {
            attempts: stats.attempts,
            ticks: stats.ticks,
            jobs: campaign.jobs.len(),
            now: millis_to_timestamp(shared.clock.now_ms()),
        })
    }

    /// One dialer tick over all campaigns at the current emulator time;
    /// returns the number of call attempts made.
    pub fn dial_once(&self) -> usize {
        let now = self.shared.clock.now_ms();
        self.calls().dial_all(now, self.shared.seed)
    }

    /// Background dialer: one [`dial_once`](Self::dial_once) every
    /// `interval`, forever. Returns at once if `interval` is zero. Spawn it
    /// next to [`crate::router`] when mounting the emulator yourself.
    pub async fn run_dialer(self, interval: Duration) {
        if interval.is_zero() {
            return;
        }
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let attempts = self.dial_once();
            if attempts > 0 {
                self.note_change();
                tracing::trace!(attempts, "dialer tick");
            } else if self.shared.config.fast_forward {
                // Nothing due now: jump to the next retry or call end instead of waiting for
                // it in real time (retries are minutes or hours apart).
                let now = self.shared.clock.now_ms();
                let next = self.calls().next_event(now);
                if let Some(next) = next {
                    self.shared.clock.advance_to(next);
                    self.note_change();
                }
            }
        }
    }

    /// Emulator time in milliseconds.
    pub(crate) fn now_ms(&self) -> Millis {
        self.shared.clock.now_ms()
    }
}

pub(crate) fn millis_to_timestamp(ms: Millis) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::MAX)
}
