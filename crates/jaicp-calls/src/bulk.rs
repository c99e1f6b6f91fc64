//! Adding any number of phone numbers: validation, de-duplication, chunking, bounded
//! concurrency, one idempotence key per chunk, and per-number results, so that a partial failure
//! loses nothing and a rerun can resume without creating duplicate call jobs.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::StreamExt;
use jaicp_core::{Error, Id};
use sha2::{Digest, Sha256};

use crate::Calls;
use crate::errors::{CallsError, CallsErrorExt};
use crate::models::CallJobParameters;
use crate::seen::{Insert, Seen};
use crate::validate::{normalize_phone, validate_indexed};

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
    /// number it has seen (about 20 bytes each); a caller that already guarantees each number
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
        let intake = Intake {
            items: self.items,
            index: 0,
            seen: Seen::with_capacity(if self.deduplicate {
                lower.min(50_000_000)
            } else {
                0
            }),
            deduplicate: self.deduplicate,
            chunk_size: self.chunk_size,
            next_chunk: 0,
            key_seed: self.key_seed,
            skip: self.skip,
        };
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let calls = self.calls.clone();
        let mut outcomes = futures_util::stream::iter(intake.map(|work| {
            let calls = calls.clone();
            let stop = stop.clone();
            async move {
                // A work item whose numbers were all filtered out sends nothing and is no chunk.
                let sent = if work.skipped {
                    Sent::Skipped
                } else if work.items.is_empty() {
                    Sent::Nothing
                } else {
                    Sent::Outcome(
                        send_chunk(&calls, work.chunk, work.key.clone(), work.items, &stop).await,
                    )
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

/// One chunk ready to send, with what was filtered out of the input while filling it.
struct ChunkWork {
    chunk: usize,
    key: String,
    items: Vec<(usize, CallJobParameters)>,
    rejected: Vec<Rejected>,
    duplicates: Vec<Duplicate>,
    skipped: bool,
    skipped_len: usize,
}

/// Reads the input lazily into chunks: validates, de-duplicates and numbers them. Chunk numbers
/// depend only on the input and the chunk size, so they are stable across runs (resume).
struct Intake {
    items: Box<dyn Iterator<Item = CallJobParameters> + Send>,
    index: usize,
    /// Packed number → first input position, in a compact table (about 14 MiB a million).
    seen: Seen,
    /// When off, `seen` stays empty (the caller guarantees unique numbers).
    deduplicate: bool,
    chunk_size: usize,
    next_chunk: usize,
    key_seed: Option<String>,
    skip: HashSet<usize>,
}

impl Iterator for Intake {
    type Item = ChunkWork;

    fn next(&mut self) -> Option<ChunkWork> {
        let mut items = Vec::with_capacity(self.chunk_size.min(10_000));
        let (mut rejected, mut duplicates) = (Vec::new(), Vec::new());
        let mut read_any = false;
        while items.len() < self.chunk_size {
            let Some(mut item) = self.items.next() else {
                break;
            };
            read_any = true;
            let index = self.index;
            self.index += 1;
            // In place: no allocation per number.
            item.phone
                .retain(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\t'));
            if let Err(Error::InvalidInput { field, reason }) = validate_indexed(index, &item) {
                rejected.push(Rejected {
                    index,
                    phone: item.phone,
                    reason: RejectReason::Invalid { field, reason },
                });
                continue;
            }
            if !self.deduplicate {
                items.push((index, item));
                continue;
            }
            let position = u32::try_from(index).unwrap_or(u32::MAX);
            match self.seen.insert(pack_phone(&item.phone), position) {
                Insert::Repeat(first) => {
                    duplicates.push(Duplicate {
                        index,
                        first_index: first as usize,
                        phone: item.phone,
                    });
                }
                Insert::New => items.push((index, item)),
            }
        }
        if !read_any {
            return None;
        }
        let chunk = self.next_chunk;
        if !items.is_empty() {
            self.next_chunk += 1;
        }
        let skipped = !items.is_empty() && self.skip.contains(&chunk);
        let key = match &self.key_seed {
            Some(seed) if !items.is_empty() => derived_key(seed, chunk, &items),
            _ => uuid_key(),
        };
        let skipped_len = if skipped { items.len() } else { 0 };
        if skipped {
            items.clear();
        }
        Some(ChunkWork {
            chunk,
            key,
            items,
            rejected,
            duplicates,
            skipped,
            skipped_len,
        })
    }
}

/// A validated number (digits with an optional `+`, at most 15 digits) packed into 64 bits:
/// the digit count (so leading zeros count) and the value. `+7...` and `7...` pack the same.
fn pack_phone(phone: &str) -> u64 {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let value = digits.bytes().fold(0u64, |v, b| {
        v.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    });
    // The top bit keeps a packed number from ever being 0 (the free-slot marker of `Seen`).
    (1 << 63) | ((digits.len() as u64) << 50) | (value & ((1 << 50) - 1))
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
        // The body is serialised from references, through the generated operation's spec, so a
        // chunk is never copied; the builder API would need an owned copy for every round.
        let body: Vec<&CallJobParameters> = items.iter().map(|(_, p)| p).collect();
        let sent: jaicp_core::Result<Vec<jaicp_core::Id>> = calls
            .context()
            .request(&crate::operations::ADD_PHONES)
            .idempotency_key(Some(round_key))
            .json(&body)
            .send_json()
            .await;
        drop(body);
        match sent {
            Ok(ids) => {
                // The API answers one id per number, in request order.
                let answered = ids.len();
                let total = items.len();
                let mut rest = items.into_iter();
                for ((index, item), job_id) in rest.by_ref().zip(ids) {
                    outcome.created.push(Created {
                        index,
                        phone: item.phone,
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

#[cfg(test)]
mod tests {
    use super::{Intake, pack_phone};
    use crate::models::CallJobParameters;
    use crate::seen::Seen;
    use std::collections::HashSet;

    fn intake(phones: &[&str], deduplicate: bool) -> Intake {
        let items: Vec<CallJobParameters> = phones
            .iter()
            .map(|p| CallJobParameters {
                phone: (*p).into(),
                ..Default::default()
            })
            .collect();
        Intake {
            items: Box::new(items.into_iter()),
            index: 0,
            seen: Seen::default(),
            deduplicate,
            chunk_size: 10,
            next_chunk: 0,
            key_seed: None,
            skip: HashSet::new(),
        }
    }

    #[test]
    fn deduplication_can_be_left_to_the_caller() {
        let phones = ["+79001112233", "+79001112234", "79001112233"];
        let mut on = intake(&phones, true);
        let work = on.next().unwrap();
        assert_eq!((work.items.len(), work.duplicates.len()), (2, 1));
        assert_eq!(on.seen.len(), 2);
        let mut off = intake(&phones, false);
        let work = off.next().unwrap();
        assert_eq!((work.items.len(), work.duplicates.len()), (3, 0));
        assert!(off.seen.is_empty(), "nothing remembered");
    }

    #[test]
    fn packing_is_exact_for_valid_numbers() {
        assert_eq!(pack_phone("+79001112233"), pack_phone("79001112233"));
        assert_ne!(
            pack_phone("0123456"),
            pack_phone("123456"),
            "leading zeros count"
        );
        assert_ne!(pack_phone("999999999999999"), pack_phone("99999999999999"));
        assert_ne!(pack_phone("100000000000000"), pack_phone("000000000000000"));
    }
}
