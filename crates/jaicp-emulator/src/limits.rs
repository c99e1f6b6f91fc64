//! Caps on what the emulator keeps, so no client (a test gone wrong, a fuzzer) can grow it
//! without bound. An add that would pass a cap is refused with an error that names the cap
//! (the Calls shape `{"type": "emulator.limit", "message"}` for call jobs, an admin error
//! elsewhere); dialog logs, which a conversation appends to on every turn, keep their newest
//! entries instead.

/// The caps of one emulator ([`crate::EmulatorBuilder::limits`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Call jobs one campaign holds (default 5,000,000).
    pub call_jobs_per_campaign: usize,
    /// Calls campaigns (default 10,000).
    pub campaigns: usize,
    /// Entries kept per Chat API client in its history and in its event log; older ones are
    /// dropped (default 1,000).
    pub chat_log_per_client: usize,
    /// Any other collection an admin call adds to: NLP projects, Chat API channels, pushback
    /// links, unified tokens (default 100,000 each).
    pub items_per_collection: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            call_jobs_per_campaign: 5_000_000,
            campaigns: 10_000,
            chat_log_per_client: 1_000,
            items_per_collection: 100_000,
        }
    }
}

impl Limits {
    /// Sets [`Limits::call_jobs_per_campaign`].
    pub fn call_jobs_per_campaign(mut self, n: usize) -> Self {
        self.call_jobs_per_campaign = n;
        self
    }

    /// Sets [`Limits::campaigns`].
    pub fn campaigns(mut self, n: usize) -> Self {
        self.campaigns = n;
        self
    }

    /// Sets [`Limits::chat_log_per_client`] (at least 1).
    pub fn chat_log_per_client(mut self, n: usize) -> Self {
        self.chat_log_per_client = n.max(1);
        self
    }

    /// Sets [`Limits::items_per_collection`].
    pub fn items_per_collection(mut self, n: usize) -> Self {
        self.items_per_collection = n;
        self
    }
}

/// The message of a refused add.
pub(crate) fn full(what: &str, cap: usize) -> String {
    format!(
        "the emulator holds {cap} {what}, its limit (EmulatorBuilder::limits); delete some or \
         start it with a higher limit"
    )
}

/// Drops the oldest entries of a log so that it keeps at most `cap`.
pub(crate) fn keep_newest<T>(log: &mut Vec<T>, cap: usize) {
    if log.len() > cap {
        let excess = log.len() - cap;
        log.drain(..excess);
    }
}
