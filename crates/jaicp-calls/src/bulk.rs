//! Adding any number of phone numbers: validation, de-duplication, chunking, bounded
//! concurrency, one idempotence key per chunk, and per-number results, so that a partial failure
//! loses nothing and a rerun can resume without creating duplicate call jobs.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::StreamExt;
use jaicp_core::{Error, Id};
use sha2::{Digest, Sha256};

use crate::Calls;
use crate::errors::CallsError;
use crate::models::CallJobParameters;
use crate::validate::{normalize_phone, validate_call_job};

/// Default numbers per request. The API sets no documented maximum; 1,000 keeps each request
/// well under a megabyte and each retry cheap.
pub const DEFAULT_CHUNK_SIZE: usize = 1000;
/// Default chunks in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A number that was not added, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// Position in the input.
    pub index: usize,
    /// The number as given.
    pub phone: String,
    /// The reason: client-side validation or the server's error code.
    pub reason: RejectReason,
}

/// Why a number was rejected.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RejectReason {
    /// Refused by client-side validation (nothing was sent for it).
    Invalid {
        /// The field.
        field: String,
        /// The reason.
        reason: String,
    },
    /// Refused by the server for this number.
    Server(CallsError),
}

/// A number that was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// Position in the input.
    pub index: usize,
    /// The number as sent (normalised).
    pub phone: String,
    /// The call job id.
    pub job_id: Id,
}

/// A number that repeats an earlier one in the input; it was not sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Position in the input.
    pub index: usize,
    /// Position of the first occurrence.
    pub first_index: usize,
    /// The number.
    pub phone: String,
}

/// What happened to one chunk.
#[derive(Debug, Clone)]
pub struct ChunkOutcome {
    /// Chunk number (0-based, in input order).
    pub chunk: usize,
    /// The idempotence key used for the chunk's first request.
    pub idempotence_key: String,
    /// Numbers added.
    pub created: Vec<Created>,
    /// Numbers the server refused.
    pub rejected: Vec<Rejected>,
    /// Set when the chunk could not be completed; its remaining numbers were not added (they can
    /// be resent: with the same keys no duplicate job is created).
    pub error: Option<Arc<Error>>,
    /// Input positions of numbers not added because of `error`.
    pub pending: Vec<usize>,
}

/// Progress of a bulk add.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Chunks finished (successfully or not).
    pub chunks_done: usize,
    /// Chunks in all.
    pub chunks_total: usize,
    /// Numbers accounted for so far (created, rejected, duplicated, failed).
    pub phones_done: usize,
    /// Numbers in the input.
    pub phones_total: usize,
    /// Numbers added so far.
    pub created: usize,
}

/// The result of a bulk add: every input number appears in exactly one list.
#[derive(Debug, Clone, Default)]
pub struct AddPhonesReport {
    /// Numbers added, in input order.
    pub created: Vec<Created>,
    /// Numbers repeated in the input.
    pub duplicates: Vec<Duplicate>,
    /// Numbers refused (client-side or by the server).
    pub rejected: Vec<Rejected>,
    /// Chunks that did not complete, with their error and unsent numbers.
    pub failed: Vec<ChunkOutcome>,
    /// Chunks skipped because the caller said they were done already (resume).
    pub skipped_chunks: Vec<usize>,
}

impl AddPhonesReport {
    /// Numbers not added because a chunk failed (worth resending).
    pub fn pending(&self) -> usize {
        self.failed.iter().map(|c| c.pending.len()).sum()
    }

    /// True when every number was added, rejected for a reason or recognised as a duplicate.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty()
    }
}

type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;
type ChunkFn = Arc<dyn Fn(&ChunkOutcome) + Send + Sync>;

/// A bulk add, configured with setters and run with [`AddPhones::run`].
#[must_use = "nothing is sent until `.run().await`"]
pub struct AddPhones {
    calls: Calls,
    items: Vec<CallJobParameters>,
    chunk_size: usize,
    concurrency: usize,
    key_seed: Option<String>,
    skip: HashSet<usize>,
    on_progress: Option<ProgressFn>,
    on_chunk: Option<ChunkFn>,
}

impl std::fmt::Debug for AddPhones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddPhones")
            .field("items", &self.items.len())
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl AddPhones {
    pub(crate) fn new(calls: Calls, items: Vec<CallJobParameters>) -> Self {
        AddPhones {
            calls,
            items,
            chunk_size: DEFAULT_CHUNK_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            key_seed: None,
            skip: HashSet::new(),
            on_progress: None,
            on_chunk: None,
        }
    }

    /// Numbers per request (1 to 10,000; default 1,000).
    pub fn chunk_size(mut self, n: usize) -> Self {
        self.chunk_size = n.clamp(1, 10_000);
        self
    }

    /// Requests in flight at once (1 to 64; default 4).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.clamp(1, 64);
        self
    }

    /// Derives every chunk's idempotence key from this seed and the chunk's content, instead of a
    /// random key. Rerunning the same input with the same seed within 24 hours then re-sends the
    /// same keys, and the server answers with the original job ids instead of creating new jobs:
    /// this is what makes an interrupted run resumable.
    pub fn idempotency_seed(mut self, seed: impl Into<String>) -> Self {
        self.key_seed = Some(seed.into());
        self
    }

    /// Skips chunks already done in an earlier run (from a journal kept with [`AddPhones::on_chunk`]).
    pub fn skip_chunks(mut self, chunks: impl IntoIterator<Item = usize>) -> Self {
        self.skip.extend(chunks);
        self
    }

    /// Called after each chunk with the overall progress.
    pub fn on_progress(mut self, f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    /// Called after each chunk with its outcome (to keep a journal for resuming).
    pub fn on_chunk(mut self, f: impl Fn(&ChunkOutcome) + Send + Sync + 'static) -> Self {
        self.on_chunk = Some(Arc::new(f));
        self
    }

    /// Runs the bulk add. It returns `Err` only for a problem before anything was sent; every
    /// per-number and per-chunk failure is in the report.
    pub async fn run(self) -> jaicp_core::Result<AddPhonesReport> {
        let mut report = AddPhonesReport::default();
        let total = self.items.len();
        // 1. Validate and de-duplicate: nothing invalid or repeated is sent.
        let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(total);
        let mut to_send: Vec<(usize, CallJobParameters)> = Vec::with_capacity(total);
        for (index, mut item) in self.items.into_iter().enumerate() {
            item.phone = normalize_phone(&item.phone);
            if let Err(Error::InvalidInput { field, reason }) =
                validate_call_job(&format!("phones[{index}]"), &item)
            {
                report.rejected.push(Rejected {
                    index,
                    phone: item.phone,
                    reason: RejectReason::Invalid { field, reason },
                });
                continue;
            }
            match first_seen.get(&item.phone) {
                Some(&first_index) => report.duplicates.push(Duplicate {
                    index,
                    first_index,
                    phone: item.phone,
                }),
                None => {
                    first_seen.insert(item.phone.clone(), index);
                    to_send.push((index, item));
                }
            }
        }
        drop(first_seen);

        // 2. Chunk in input order; chunk numbers are stable across runs of the same input.
        let chunks: Vec<Vec<(usize, CallJobParameters)>> = {
            let mut out = Vec::new();
            let mut it = to_send.into_iter().peekable();
            while it.peek().is_some() {
                out.push(it.by_ref().take(self.chunk_size).collect());
            }
            out
        };
        let chunks_total = chunks.len();
        let mut progress = Progress {
            chunks_total,
            phones_total: total,
            phones_done: report.rejected.len() + report.duplicates.len(),
            ..Progress::default()
        };
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut work = Vec::new();
        for (n, chunk) in chunks.into_iter().enumerate() {
            if self.skip.contains(&n) {
                report.skipped_chunks.push(n);
                progress.chunks_done += 1;
                progress.phones_done += chunk.len();
                continue;
            }
            let key = match &self.key_seed {
                Some(seed) => derived_key(seed, n, &chunk),
                None => uuid_key(),
            };
            work.push((n, key, chunk));
        }

        // 3. Send with bounded concurrency.
        let calls = self.calls.clone();
        let mut outcomes = futures_util::stream::iter(work.into_iter().map(|(n, key, chunk)| {
            let calls = calls.clone();
            let stop = stop.clone();
            async move { send_chunk(&calls, n, key, chunk, &stop).await }
        }))
        .buffer_unordered(self.concurrency);
        while let Some(outcome) = outcomes.next().await {
            progress.chunks_done += 1;
            progress.created += outcome.created.len();
            progress.phones_done +=
                outcome.created.len() + outcome.rejected.len() + outcome.pending.len();
            if let Some(f) = &self.on_chunk {
                f(&outcome);
            }
            if let Some(f) = &self.on_progress {
                f(progress);
            }
            report.created.extend(outcome.created.iter().cloned());
            report.rejected.extend(outcome.rejected.iter().cloned());
            if outcome.error.is_some() {
                report.failed.push(outcome);
            }
        }
        report.created.sort_by_key(|c| c.index);
        report.rejected.sort_by_key(|r| r.index);
        report.failed.sort_by_key(|c| c.chunk);
        report.skipped_chunks.sort_unstable();
        Ok(report)
    }
}

fn uuid_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `sha256(seed, chunk number, numbers)`, hex, 32 characters: the same input gives the same key.
fn derived_key(seed: &str, chunk: usize, items: &[(usize, CallJobParameters)]) -> String {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(chunk.to_le_bytes());
    for (_, item) in items {
        h.update(item.phone.as_bytes());
        h.update([0]);
        if let Ok(json) = serde_json::to_vec(item) {
            h.update(&json);
        }
    }
    let digest = h.finalize();
    format!("jaicp-{}", &hex::encode(digest)[..32])
}

/// Sends one chunk. When the server refuses one number, that number is recorded and the rest is
/// re-sent under a key derived from the first, so each retry of the rest is itself idempotent.
async fn send_chunk(
    calls: &Calls,
    chunk: usize,
    key: String,
    mut items: Vec<(usize, CallJobParameters)>,
    stop: &std::sync::atomic::AtomicBool,
) -> ChunkOutcome {
    let mut outcome = ChunkOutcome {
        chunk,
        idempotence_key: key.clone(),
        created: Vec::new(),
        rejected: Vec::new(),
        error: None,
        pending: Vec::new(),
    };
    let mut round = 0usize;
    loop {
        if items.is_empty() {
            return outcome;
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            outcome.error = Some(Arc::new(Error::Config(
                "not sent: an earlier chunk found the campaign unable to take numbers".into(),
            )));
            outcome.pending = items.iter().map(|(i, _)| *i).collect();
            return outcome;
        }
        let round_key = if round == 0 {
            key.clone()
        } else {
            format!("{key}-r{round}")
        };
        let body: Vec<CallJobParameters> = items.iter().map(|(_, p)| p.clone()).collect();
        match calls
            .add_phones_batch(body)
            .idempotence_key(round_key)
            .send()
            .await
        {
            Ok(ids) => {
                // The API answers one id per number, in request order.
                let answered = ids.len();
                for ((index, item), job_id) in items.iter().zip(ids) {
                    outcome.created.push(Created {
                        index: *index,
                        phone: item.phone.clone(),
                        job_id,
                    });
                }
                if answered < items.len() {
                    // Fewer ids than numbers: keep the unanswered ones pending rather than guess.
                    outcome.pending = items[answered..].iter().map(|(i, _)| *i).collect();
                    outcome.error = Some(Arc::new(Error::invalid(
                        "addPhones",
                        format!(
                            "the server answered {answered} ids for {} numbers",
                            items.len()
                        ),
                    )));
                }
                return outcome;
            }
            Err(err) => {
                let calls_error = CallsError::from_error(&err);
                let offending = calls_error
                    .as_ref()
                    .filter(|e| e.is_per_phone())
                    .and_then(offending_phones);
                match (calls_error, offending) {
                    (Some(ce), Some(phones)) if !phones.is_empty() => {
                        let before = items.len();
                        let mut kept = Vec::with_capacity(items.len());
                        for (index, item) in items.drain(..) {
                            if phones.contains(&item.phone) {
                                outcome.rejected.push(Rejected {
                                    index,
                                    phone: item.phone,
                                    reason: RejectReason::Server(ce.clone()),
                                });
                            } else {
                                kept.push((index, item));
                            }
                        }
                        items = kept;
                        if items.len() == before {
                            // The server named a number we did not send: stop rather than loop.
                            outcome.error = Some(Arc::new(err));
                            outcome.pending = items.iter().map(|(i, _)| *i).collect();
                            return outcome;
                        }
                        round += 1;
                    }
                    (ce, _) => {
                        if ce.as_ref().is_some_and(CallsError::is_campaign_level) {
                            stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        outcome.error = Some(Arc::new(err));
                        outcome.pending = items.iter().map(|(i, _)| *i).collect();
                        return outcome;
                    }
                }
            }
        }
    }
}

fn offending_phones(error: &CallsError) -> Option<HashSet<String>> {
    let set: HashSet<String> = match error {
        CallsError::PhoneDuplicated { phone, duplicates } => duplicates
            .iter()
            .cloned()
            .chain(phone.clone())
            .map(|p| normalize_phone(&p))
            .collect(),
        CallsError::PhoneBadFormat { phone } | CallsError::BadTimeZone { phone, .. } => {
            phone.iter().map(|p| normalize_phone(p)).collect()
        }
        _ => return None,
    };
    Some(set)
}

impl Calls {
    /// Adds any number of phone numbers with their call policies (see [`AddPhones`]):
    /// validated, de-duplicated, sent in chunks with bounded concurrency and one idempotence key
    /// per chunk, with a per-number report.
    pub fn add_phones(&self, items: Vec<CallJobParameters>) -> AddPhones {
        AddPhones::new(self.clone(), items)
    }
}
