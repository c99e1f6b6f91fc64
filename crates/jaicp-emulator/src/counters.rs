//! Request and side-effect counters that tests use to prove what happened
//! (for example that an idempotent retry created nothing).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

/// A snapshot of the emulator's counters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Requests received, keyed by the OpenAPI `operationId` (e.g. `"addPhones"`).
    /// Every request counts, including ones that failed or were replayed.
    pub requests: BTreeMap<String, u64>,
    /// Call jobs created over the emulator's lifetime, across all campaigns.
    pub jobs_created: u64,
    /// Requests answered from a stored `Idempotence-Key` response.
    pub idempotent_replays: u64,
    /// Requests answered by an injected fault (`/_emulator/faults`). They are answered before
    /// routing, so they are not in `requests`: a client's attempts at an operation are
    /// `requests_for(op)` plus the faults it met.
    #[serde(default)]
    pub faults_injected: u64,
}

impl Counters {
    /// Number of requests received for `operation_id` (0 if none).
    pub fn requests_for(&self, operation_id: &str) -> u64 {
        self.requests.get(operation_id).copied().unwrap_or(0)
    }
}

/// Live counters; cheap to bump from any handler.
#[derive(Debug, Default)]
pub(crate) struct CounterStore {
    requests: Mutex<BTreeMap<&'static str, u64>>,
    jobs_created: AtomicU64,
    idempotent_replays: AtomicU64,
    faults_injected: AtomicU64,
}

impl CounterStore {
    pub(crate) fn request(&self, operation_id: &'static str) {
        let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        *map.entry(operation_id).or_insert(0) += 1;
    }

    pub(crate) fn jobs_created(&self, n: u64) {
        self.jobs_created.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn idempotent_replay(&self) {
        self.idempotent_replays.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn fault_injected(&self) {
        self.faults_injected.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets every counter to the values of `saved` (a state file being loaded). Operation names
    /// are interned; one the emulator cannot keep is an error.
    pub(crate) fn restore(&self, saved: &Counters) -> Result<(), String> {
        let mut requests = BTreeMap::new();
        for (op, n) in &saved.requests {
            requests.insert(crate::persist::serde_helpers::intern(op)?, *n);
        }
        *self.requests.lock().unwrap_or_else(PoisonError::into_inner) = requests;
        self.jobs_created
            .store(saved.jobs_created, Ordering::Relaxed);
        self.idempotent_replays
            .store(saved.idempotent_replays, Ordering::Relaxed);
        self.faults_injected
            .store(saved.faults_injected, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) fn snapshot(&self) -> Counters {
        let requests = self
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(k, v)| ((*k).to_owned(), *v))
            .collect();
        Counters {
            requests,
            jobs_created: self.jobs_created.load(Ordering::Relaxed),
            idempotent_replays: self.idempotent_replays.load(Ordering::Relaxed),
            faults_injected: self.faults_injected.load(Ordering::Relaxed),
        }
    }
}
