//! Adding any number of phone numbers: validation, de-duplication, chunking, bounded
//! concurrency, one idempotence key per chunk, and per-number results, so that a partial failure
//! loses nothing and a rerun can resume without creating duplicate call jobs.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::StreamExt;
use jaicp_core::{Error, Id};

use crate::Calls;
use crate::batch::Batch;
use crate::errors::{CallsError, CallsErrorExt};
use crate::intake::Intake;
use crate::models::CallJobParameters;
use crate::validate::normalize_phone;

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
    /// Chunks finished (successfully or not), skipped ones included.
    pub chunks_done: usize,
    /// Numbers accounted for so far (created, rejected, duplicated, pending).
    pub phones_done: usize,
    /// Numbers in the input, when the input knows its length.
    pub phones_total: Option<usize>,
    /// Numbers added so far.
    pub created: usize,
}

/// Counts of a bulk add; they add up to the number of input rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rows read from the input.
    pub input: usize,
    /// Numbers added.
    pub created: usize,
    /// Rows repeating an earlier number.
    pub duplicates: usize,
    /// Numbers refused (client-side or by the server).
    pub rejected: usize,
    /// Numbers not added because their chunk failed.
    pub pending: usize,
    /// Numbers in chunks skipped as already done.
    pub skipped: usize,
}

/// The result of a bulk add. `totals` counts every input row once; the lists say which rows,
/// unless the run was [`AddPhones::summary_only`].
#[derive(Debug, Clone, Default)]
pub struct AddPhonesReport {
    /// Counts.
    pub totals: Totals,
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
        self.totals.pending
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
    items: Box<dyn Iterator<Item = CallJobParameters> + Send>,
    chunk_size: usize,
    keep_lists: bool,
    deduplicate: bool,
    concurrency: usize,
    key_seed: Option<String>,
    skip: HashSet<usize>,
    on_progress: Option<ProgressFn>,
    on_chunk: Option<ChunkFn>,
}

impl std::fmt::Debug for AddPhones {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddPhones")
            .field("items", &self.items.size_hint())
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl AddPhones {
    pub(crate) fn new(
        calls: Calls,
        items: Box<dyn Iterator<Item = CallJobParameters> + Send>,
    ) -> Self {
        AddPhones {
            calls,
            items,
            chunk_size: DEFAULT_CHUNK_SIZE,
            keep_lists: true,
            deduplicate: true,
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

    /// Keeps only [`Totals`] in the report, not one entry per number: for inputs of millions of
    /// numbers, where per-chunk results go to [`AddPhones::on_chunk`] (e.g. a journal) instead.
    /// Memory then stays flat whatever the input size.
    pub fn summary_only(mut self) -> Self {
        self.keep_lists = false;
        self
    }

    /// Whether to drop numbers repeated in the input (default: yes). The check remembers every
    /// number it has seen (about 14 bytes each: 14 MiB for a million); a caller that already guarantees each number
    /// once (the `jaicp` command checks its file in a first pass) turns it off to keep memory
    /// flat for inputs of tens of millions of numbers.
    pub fn deduplicate(mut self, on: bool) -> Self {
        self.deduplicate = on;
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

    /// Runs the bulk add. The input is read lazily: only the chunks in flight are in memory.
    /// It returns `Err` only for a problem before anything was sent; every per-number and
    /// per-chunk failure is in the report.
    pub async fn run(self) -> jaicp_core::Result<AddPhonesReport> {
        let (lower, upper) = self.items.size_hint();
        let phones_total = (Some(lower) == upper).then_some(lower);
        let intake = Intake::new(
            self.items,
            lower,
            self.deduplicate,
            self.chunk_size,
            self.key_seed,
            self.skip,
        );
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let calls = self.calls.clone();
        let mut outcomes = futures_util::stream::iter(intake.map(|work| {
            let calls = calls.clone();
            let stop = stop.clone();
            async move {
                // A work item whose numbers were all filtered out sends nothing and is no chunk.
                let sent = if work.skipped {
                    Sent::Skipped
                } else if work.batch.is_empty() {
                    Sent::Nothing
                } else {
                    Sent::Outcome(send_chunk(&calls, work.chunk, work.key, work.batch, &stop).await)
                };
                (
                    work.chunk,
                    work.skipped_len,
                    work.rejected,
                    work.duplicates,
                    sent,
                )
            }
        }))
        .buffer_unordered(self.concurrency);

        let mut report = AddPhonesReport::default();
        let mut progress = Progress {
            phones_total,
            ..Progress::default()
        };
        while let Some((chunk, skipped_len, rejected, duplicates, sent)) = outcomes.next().await {
            let t = &mut report.totals;
            t.rejected += rejected.len();
            t.duplicates += duplicates.len();
            t.skipped += skipped_len;
            if self.keep_lists {
                report.rejected.extend(rejected);
                report.duplicates.extend(duplicates);
            }
            match sent {
                Sent::Nothing => {}
                Sent::Skipped => report.skipped_chunks.push(chunk),
                Sent::Outcome(outcome) => {
                    let t = &mut report.totals;
                    t.created += outcome.created.len();
                    t.rejected += outcome.rejected.len();
                    t.pending += outcome.pending.len();
                    if let Some(f) = &self.on_chunk {
                        f(&outcome);
                    }
                    if self.keep_lists {
                        report.created.extend(outcome.created.iter().cloned());
                        report.rejected.extend(outcome.rejected.iter().cloned());
                    }
                    if outcome.error.is_some() {
                        report.failed.push(outcome);
                    }
                }
            }
            let t = report.totals;
            progress.chunks_done += 1;
            progress.created = t.created;
            progress.phones_done = t.created + t.duplicates + t.rejected + t.pending + t.skipped;
            if let Some(f) = &self.on_progress {
                f(progress);
            }
        }
        let t = &mut report.totals;
        t.input = t.created + t.duplicates + t.rejected + t.pending + t.skipped;
        report.created.sort_by_key(|c| c.index);
        report.rejected.sort_by_key(|r| r.index);
        report.duplicates.sort_by_key(|d| d.index);
        report.failed.sort_by_key(|c| c.chunk);
        report.skipped_chunks.sort_unstable();
        Ok(report)
    }
}

/// What happened to one work item.
enum Sent {
    /// Every number of it was filtered out: nothing to send.
    Nothing,
    /// The chunk was done in an earlier run.
    Skipped,
    /// The chunk was sent.
    Outcome(ChunkOutcome),
}

/// Sends one chunk. When the server refuses one number, that number is recorded and the rest is
/// re-sent under a key derived from the first, so each retry of the rest is itself idempotent.
async fn send_chunk(
    calls: &Calls,
    chunk: usize,
    key: String,
    mut batch: Batch,
    stop: &std::sync::atomic::AtomicBool,
) -> ChunkOutcome {
    let mut outcome = ChunkOutcome {
        chunk,
        idempotence_key: key,
        created: Vec::new(),
        rejected: Vec::new(),
        error: None,
        pending: Vec::new(),
    };
    let mut round = 0usize;
    loop {
        if batch.is_empty() {
            return outcome;
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            outcome.error = Some(Arc::new(Error::Config(
                "not sent: an earlier chunk found the campaign unable to take numbers".into(),
            )));
            outcome.pending = batch.indices().to_vec();
            return outcome;
        }
        let round_key = if round == 0 {
            outcome.idempotence_key.clone()
        } else {
            format!("{}-r{round}", outcome.idempotence_key)
        };
        // The body was serialised once, when the chunk was read; every round shares it or a cut
        // of it. The generated builder would need the items again, owned, for every round.
        let sent: jaicp_core::Result<Vec<jaicp_core::Id>> = calls
            .context()
            .request(&crate::operations::ADD_PHONES)
            .idempotency_key(Some(round_key))
            .body_bytes(batch.body(), "application/json")
            .send_json()
            .await;
        match sent {
            Ok(ids) => {
                // The API answers one id per number, in request order.
                let answered = ids.len();
                let total = batch.len();
                outcome.created.reserve_exact(answered.min(total));
                let mut rest = batch.into_numbers();
                for ((index, phone), job_id) in rest.by_ref().zip(ids) {
                    outcome.created.push(Created {
                        index,
                        phone,
                        job_id,
                    });
                }
                if answered < total {
                    // Fewer ids than numbers: keep the unanswered ones pending rather than guess.
                    outcome.pending = rest.map(|(i, _)| i).collect();
                    outcome.error = Some(Arc::new(Error::invalid(
                        "addPhones",
                        format!("the server answered {answered} ids for {total} numbers"),
                    )));
                }
                return outcome;
            }
            Err(err) => {
                let calls_error = err.calls_error();
                let offending = calls_error
                    .as_ref()
                    .filter(|e| e.is_per_phone())
                    .and_then(offending_phones);
                match (calls_error, offending) {
                    (Some(ce), Some(phones)) if !phones.is_empty() => {
                        let before = batch.len();
                        batch = batch.without(
                            |phone| phones.contains(phone),
                            |index, phone| {
                                outcome.rejected.push(Rejected {
                                    index,
                                    phone,
                                    reason: RejectReason::Server(ce.clone()),
                                })
                            },
                        );
                        if batch.len() == before {
                            // The server named a number we did not send: stop rather than loop.
                            outcome.error = Some(Arc::new(err));
                            outcome.pending = batch.indices().to_vec();
                            return outcome;
                        }
                        round += 1;
                    }
                    (ce, _) => {
                        if ce.as_ref().is_some_and(CallsError::is_campaign_level) {
                            stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                        outcome.error = Some(Arc::new(err));
                        outcome.pending = batch.indices().to_vec();
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
        AddPhones::new(self.clone(), Box::new(items.into_iter()))
    }

    /// Like [`Calls::add_phones`], reading the numbers lazily from any iterator (a file being
    /// parsed, a database cursor): combined with [`AddPhones::summary_only`], memory stays flat
    /// however many numbers there are.
    pub fn add_phones_iter<I>(&self, items: I) -> AddPhones
    where
        I: IntoIterator<Item = CallJobParameters>,
        I::IntoIter: Send + 'static,
    {
        AddPhones::new(self.clone(), Box::new(items.into_iter()))
    }
}
