//! The streaming engine of `jaicp calls add-phones`: any size of input with flat memory.
//!
//! Two passes over the input, both streaming:
//!
//! 1. [`check`] reads every row once: validation with line numbers, the SHA-256 of the input
//!    (the journal and the idempotence keys belong to it), the row count (the progress bar's
//!    total) and the candidates for repeated numbers ([`dedup`]). Stdin is copied to a spool file
//!    on the way, since it cannot be read twice. A problem with the file itself (an unknown or
//!    misspelled column) stops here, before anything is sent.
//! 2. [`send`] reads the rows again and feeds the valid, first-seen numbers lazily to the SDK's
//!    bulk add (`add_phones_iter` + `summary_only`), so only the chunks in flight are in memory.
//!    The first chunk goes alone: a failure no retry can fix (invalid token, stopped campaign,
//!    401/403) stops the run after it, with one message. [`dry_run`] does this pass without
//!    sending.

pub mod command;
pub mod dedup;
pub mod header;
mod journal;
pub mod reader;
pub mod summary;
pub mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use jaicp_calls::models::CallJobParameters;
use jaicp_calls::{Calls, ChunkOutcome, RejectReason};
use sha2::{Digest, Sha256};

use dedup::{RepeatFinder, Repeats, pack_phone};
use journal::{Entry, Journal, Resumed};
use reader::{Format, InputError, Rows, Tap};
use summary::{Failed, Repeat, Sample, Stop, Summary, failure_reason, keep};

/// Why a run could not start or go on (no summary).
#[derive(Debug)]
pub enum Failure {
    /// The input's shape or the options are wrong: a usage error.
    Usage(String),
    /// The input cannot be read.
    Input(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Input(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Failure {}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        match e {
            InputError::Usage(m) => Failure::Usage(m),
            InputError::Io(m) => Failure::Input(m),
        }
    }
}

/// What to read.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The input file; `-` is stdin.
    pub input: PathBuf,
    /// The format; by default from the extension, else from the first bytes.
    pub format: Option<Format>,
    /// `--payload-columns` values (comma-separated names).
    pub payload_columns: Vec<String>,
    /// Show progress bars (on a terminal).
    pub progress: bool,
}

/// How to send.
#[derive(Clone, Debug)]
pub struct Sending {
    /// Numbers per request.
    pub chunk_size: usize,
    /// Requests in flight.
    pub concurrency: usize,
    /// The journal to resume from and append to, if any.
    pub journal: Option<PathBuf>,
    /// The fingerprint of the campaign and host (`journal::campaign_fingerprint`), so a journal
    /// is never resumed against another campaign.
    pub campaign: Option<String>,
    /// `--quiet`: no notes or warnings on stderr (errors still).
    pub quiet: bool,
    /// Ignore an existing journal.
    pub restart: bool,
    /// Keep the created job ids (for `--report`; grows with the input).
    pub keep_job_ids: bool,
    /// Show a progress bar.
    pub progress: bool,
}

/// Removes the spool file of stdin when the run ends.
#[derive(Debug)]
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What the first pass found.
#[derive(Debug)]
pub struct Checked {
    source: PathBuf,
    _spool: Option<Spool>,
    format: Format,
    declared: Arc<HashSet<String>>,
    repeats: Repeats,
    started: Instant,
    /// SHA-256 of the input, hex.
    pub sha256: String,
    /// Rows read.
    pub rows: u64,
    /// Rows refused by validation.
    pub invalid: u64,
    /// Refusals by field.
    pub invalid_by_field: BTreeMap<String, u64>,
    /// The first refusals.
    pub invalid_samples: Vec<Sample>,
}

impl std::fmt::Debug for Repeats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repeats")
            .field("candidates", &self.candidates())
            .finish()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn spool_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "jaicp-add-phones-{}-{nanos}.stdin",
        std::process::id()
    ))
}

fn bar(show: bool, len: Option<u64>, template: &str) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if !show {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&text::human_rate(state.per_sec()));
            },
        )
        .with_key(
            "count",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&text::human_count(state.pos() as f64));
            },
        )
        .with_key(
            "total",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&text::human_count(state.len().unwrap_or(0) as f64));
            },
        )
        .progress_chars("=> ");
    bar.set_style(style);
    // Drawn from a timer thread: the bar is on screen within a fraction of a second, whatever
    // the first row or the first answer takes.
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The first pass (blocking: run it off the async threads).
pub fn check(plan: &Plan) -> Result<Checked, Failure> {
    let started = Instant::now();
    let declared = Arc::new(header::declared_payload(&plan.payload_columns));
    let bytes = Arc::new(AtomicU64::new(0));
    let hasher = Arc::new(Mutex::new(Sha256::new()));
    let (reader, source, spool, len): (Box<dyn Read + Send>, PathBuf, Option<Spool>, Option<u64>) =
        if is_stdin(&plan.input) {
            if plan.progress && std::io::stdin().is_terminal() {
                eprintln!("jaicp: reading numbers from stdin (end with Ctrl-D)");
            }
            let path = spool_path();
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| {
                    Failure::Input(format!("cannot spool stdin to {}: {e}", path.display()))
                })?;
            let tap = Tap::new(std::io::stdin(), bytes.clone())
                .hashing(hasher.clone())
                .copying(file);
            (Box::new(tap), path.clone(), Some(Spool(path)), None)
        } else {
            let file = std::fs::File::open(&plan.input).map_err(|e| {
                Failure::Input(format!("cannot read {}: {e}", plan.input.display()))
            })?;
            let len = file.metadata().ok().map(|m| m.len());
            let tap = Tap::new(file, bytes.clone()).hashing(hasher.clone());
            (Box::new(tap), plan.input.clone(), None, len)
        };
    let mut reader = std::io::BufReader::with_capacity(1 << 16, reader);
    let format = match plan.format {
        Some(f) => f,
        None => {
            let head = std::io::BufRead::fill_buf(&mut reader)
                .map_err(|e| Failure::Input(format!("cannot read the input: {e}")))?;
            Format::detect(
                (!is_stdin(&plan.input)).then_some(plan.input.as_path()),
                head,
            )
        }
    };
    let progress = match len {
        Some(_) => bar(
            plan.progress,
            len,
            "checking {bar:30} {bytes}/{total_bytes} {msg}",
        ),
        None => bar(plan.progress, None, "checking {spinner} {bytes} {msg}"),
    };
    let rows = reader::rows(reader, format, declared.clone());
    let mut checked = Checked {
        source,
        _spool: spool,
        format,
        declared,
        repeats: Repeats::default(),
        started,
        sha256: String::new(),
        rows: 0,
        invalid: 0,
        invalid_by_field: BTreeMap::new(),
        invalid_samples: Vec::new(),
    };
    let mut finder = RepeatFinder::default();
    let result = rows.map_err(Failure::from).and_then(|rows| {
        for row in rows {
            let row = row?;
            checked.rows += 1;
            match row.job {
                Ok(job) => finder.insert(pack_phone(&job.phone)),
                Err(e) => {
                    checked.invalid += 1;
                    *checked.invalid_by_field.entry(e.field.clone()).or_default() += 1;
                    keep(
                        &mut checked.invalid_samples,
                        Sample {
                            line: row.line,
                            phone: e.phone,
                            reason: e.field,
                            message: e.reason,
                        },
                    );
                }
            }
            if checked.rows.is_multiple_of(65_536) {
                progress.set_position(bytes.load(Ordering::Relaxed));
                progress.set_message(format!("{} rows", text::human_count(checked.rows as f64)));
            }
        }
        Ok(())
    });
    progress.finish_and_clear();
    result?;
    checked.repeats = finder.finish();
    let digest = hasher
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .finalize();
    checked.sha256 = hex::encode(digest);
    Ok(checked)
}

/// State of one reading of the input for sending, shared with the SDK's callbacks.
#[derive(Default)]
struct Pass {
    /// Rows read that are not sent in this pass (refused, repeated, in skipped chunks).
    not_fed: AtomicU64,
    /// Rows of this pass's chunks that have an outcome.
    acked: AtomicU64,
    /// Rows repeating an earlier number.
    duplicates: AtomicU64,
    duplicate_samples: Mutex<Vec<Repeat>>,
    /// Line numbers of the rows of each chunk in flight, by chunk number.
    lines: Mutex<HashMap<usize, Vec<u64>>>,
    /// The input ended (rather than the pass being cut short).
    exhausted: AtomicBool,
    /// The input could not be read again.
    error: Mutex<Option<InputError>>,
}

/// Feeds the valid, first-seen numbers of the input to the SDK, lazily.
struct Feeder {
    rows: Rows,
    repeats: Repeats,
    fed: usize,
    limit: Option<usize>,
    chunk_size: usize,
    skip: Arc<HashSet<usize>>,
    stop: Arc<AtomicBool>,
    pass: Arc<Pass>,
    /// Line numbers are kept only while a chunk is in flight, for its outcome to name them; a
    /// dry run has no outcomes.
    record_lines: bool,
    lines: Vec<u64>,
}

impl Feeder {
    fn flush(&mut self) {
        if self.lines.is_empty() || self.fed == 0 {
            return;
        }
        let chunk = (self.fed - 1) / self.chunk_size;
        let lines = std::mem::take(&mut self.lines);
        self.pass
            .lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(chunk, lines);
    }

    fn end(&mut self) -> Option<CallJobParameters> {
        self.flush();
        None
    }
}

impl Iterator for Feeder {
    type Item = CallJobParameters;

    fn next(&mut self) -> Option<CallJobParameters> {
        loop {
            if self.stop.load(Ordering::Relaxed) || self.limit == Some(self.fed) {
                return self.end();
            }
            let row = match self.rows.next() {
                None => {
                    self.pass.exhausted.store(true, Ordering::Relaxed);
                    return self.end();
                }
                Some(Err(e)) => {
                    *self.pass.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                    return self.end();
                }
                Some(Ok(row)) => row,
            };
            let Ok(job) = row.job else {
                // Counted by the first pass.
                self.pass.not_fed.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            if let Some(first_line) = self.repeats.check(pack_phone(&job.phone), row.line) {
                self.pass.duplicates.fetch_add(1, Ordering::Relaxed);
                self.pass.not_fed.fetch_add(1, Ordering::Relaxed);
                let mut samples = self
                    .pass
                    .duplicate_samples
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                keep(
                    &mut samples,
                    Repeat {
                        line: row.line,
                        first_line,
                        phone: job.phone,
                    },
                );
                continue;
            }
            let chunk = self.fed / self.chunk_size;
            self.fed += 1;
            if self.skip.contains(&chunk) {
                self.pass.not_fed.fetch_add(1, Ordering::Relaxed);
            } else if self.record_lines {
                self.lines.push(row.line);
                if self.fed.is_multiple_of(self.chunk_size) {
                    self.flush();
                }
            }
            return Some(job);
        }
    }
}

impl Checked {
    fn feeder(
        &self,
        chunk_size: usize,
        limit: Option<usize>,
        skip: Arc<HashSet<usize>>,
        stop: Arc<AtomicBool>,
        record_lines: bool,
    ) -> Result<(Feeder, Arc<Pass>), Failure> {
        let file = std::fs::File::open(&self.source)
            .map_err(|e| Failure::Input(format!("cannot read {}: {e}", self.source.display())))?;
        let rows = reader::rows(file, self.format, self.declared.clone())?;
        let pass = Arc::new(Pass::default());
        Ok((
            Feeder {
                rows,
                repeats: self.repeats.fresh(),
                fed: 0,
                limit,
                chunk_size,
                skip,
                stop,
                pass: pass.clone(),
                record_lines,
                lines: Vec::new(),
            },
            pass,
        ))
    }

    fn base_summary(&self) -> Summary {
        Summary {
            total: self.rows,
            invalid: self.invalid,
            rejected: self.invalid,
            rejected_by_reason: self.invalid_by_field.clone(),
            rejected_samples: self.invalid_samples.clone(),
            ..Summary::default()
        }
    }

    fn finish(&self, summary: &mut Summary) {
        summary.seconds = self.started.elapsed().as_secs_f64();
        summary.rows_per_second = if summary.seconds > 0.0 {
            self.rows as f64 / summary.seconds
        } else {
            0.0
        };
    }
}

fn pass_error(pass: &Pass) -> Result<(), Failure> {
    match pass.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
        Some(e) => Err(Failure::Input(format!(
            "the input changed while it was being sent: {e}"
        ))),
        None => Ok(()),
    }
}

/// `--dry-run`: the second pass without sending (blocking).
pub fn dry_run(checked: &Checked, chunk_size: usize) -> Result<Summary, Failure> {
    let (feeder, pass) = checked.feeder(
        chunk_size.max(1),
        None,
        Arc::default(),
        Arc::default(),
        false,
    )?;
    let would_send = feeder.count() as u64;
    pass_error(&pass)?;
    let mut summary = checked.base_summary();
    summary.dry_run = true;
    summary.would_send = Some(would_send);
    summary.duplicated = pass.duplicates.load(Ordering::Relaxed);
    summary.duplicate_samples = std::mem::take(
        &mut *pass
            .duplicate_samples
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    checked.finish(&mut summary);
    Ok(summary)
}

/// Results gathered from chunk outcomes across both SDK runs.
#[derive(Default)]
struct Tally {
    created: AtomicU64,
    server_rejected: AtomicU64,
    inner: Mutex<TallyLists>,
}

#[derive(Default)]
struct TallyLists {
    by_reason: BTreeMap<String, u64>,
    samples: Vec<Sample>,
    failed: Vec<Failed>,
    stop: Option<Stop>,
    job_ids: Vec<String>,
    journal_error: Option<String>,
}

/// Everything the chunk callback needs.
struct Recorder {
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
    journal: Option<Arc<Journal>>,
    keep_ids: bool,
    chunk_size: usize,
    first_chunk: bool,
}

impl Recorder {
    fn record(&self, outcome: &ChunkOutcome, pass: &Pass, bar: &ProgressBar) {
        let t = &self.tally;
        let rows = outcome.created.len() + outcome.rejected.len() + outcome.pending.len();
        pass.acked.fetch_add(rows as u64, Ordering::Relaxed);
        t.created
            .fetch_add(outcome.created.len() as u64, Ordering::Relaxed);
        t.server_rejected
            .fetch_add(outcome.rejected.len() as u64, Ordering::Relaxed);
        let lines = pass
            .lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&outcome.chunk)
            .unwrap_or_default();
        let line_of = |index: usize| {
            index
                .checked_sub(outcome.chunk * self.chunk_size)
                .and_then(|i| lines.get(i))
                .copied()
                .unwrap_or(0)
        };
        let mut lists = t.inner.lock().unwrap_or_else(|e| e.into_inner());
        for r in &outcome.rejected {
            let (reason, message) = match &r.reason {
                RejectReason::Server(e) => (server_code(e), format!("server refused: {e:?}")),
                RejectReason::Invalid { field, reason } => (field.clone(), reason.clone()),
                _ => ("refused".into(), "refused".into()),
            };
            *lists.by_reason.entry(reason.clone()).or_default() += 1;
            keep(
                &mut lists.samples,
                Sample {
                    line: line_of(r.index),
                    phone: r.phone.clone(),
                    reason,
                    message,
                },
            );
        }
        if self.keep_ids {
            lists
                .job_ids
                .extend(outcome.created.iter().map(|c| c.job_id.to_string()));
        }
        match &outcome.error {
            None => {
                if let Some(journal) = &self.journal {
                    let entry = Entry::Chunk {
                        chunk: outcome.chunk,
                        created: outcome.created.len(),
                        rejected: outcome
                            .rejected
                            .iter()
                            .map(|r| {
                                let code = match &r.reason {
                                    RejectReason::Server(e) => server_code(e),
                                    RejectReason::Invalid { field, .. } => {
                                        format!("invalid:{field}")
                                    }
                                    _ => "other".into(),
                                };
                                (r.index, code)
                            })
                            .collect(),
                    };
                    if let Err(e) = journal.record(&entry) {
                        lists.journal_error.get_or_insert(e.to_string());
                    }
                }
            }
            // The SDK's own "not sent: an earlier chunk found the campaign unable to take
            // numbers": these numbers are pending because of the stop, not a reason of their own.
            Some(e) if matches!(**e, jaicp_core::Error::Config(_)) => {}
            Some(e) => {
                if let Some(stop) = Stop::from_error(e, self.first_chunk) {
                    self.stop.store(true, Ordering::Relaxed);
                    lists.stop.get_or_insert(stop);
                } else {
                    let reason = failure_reason(e);
                    match lists.failed.iter_mut().find(|f| f.reason == reason) {
                        Some(f) => {
                            f.chunks += 1;
                            f.numbers += outcome.pending.len() as u64;
                        }
                        None => lists.failed.push(Failed {
                            reason,
                            message: text::visible(&e.to_string()).into_owned(),
                            chunks: 1,
                            numbers: outcome.pending.len() as u64,
                        }),
                    }
                }
            }
        }
        drop(lists);
        bar.set_position(pass.not_fed.load(Ordering::Relaxed) + pass.acked.load(Ordering::Relaxed));
        bar.set_message(format!(
            "{} added",
            text::human_count(t.created.load(Ordering::Relaxed) as f64)
        ));
    }
}

fn server_code(e: &jaicp_calls::CallsError) -> String {
    use jaicp_calls::CallsError as C;
    match e {
        C::PhoneDuplicated { .. } => "phone.duplicated".into(),
        C::PhoneBadFormat { .. } => "phone.bad.format".into(),
        C::BadTimeZone { .. } => "phone.gmtZone.bad.format".into(),
        C::CampaignState { .. } => "invalid.call.task.state".into(),
        C::AllowedTimeOverlap => "invalid.call.allowed.time".into(),
        C::BadPriority => "invalid.dialer_priority".into(),
        C::Other {
            code: Some(code), ..
        } => text::visible(code).into_owned(),
        C::Other { status, .. } => format!("HTTP {status}"),
        other => format!("{other:?}"),
    }
}

/// The second pass: sends the numbers (see the module documentation).
pub async fn send(checked: Checked, calls: Calls, opts: Sending) -> Result<Summary, Failure> {
    let chunk_size = opts.chunk_size.clamp(1, 10_000);
    let (journal, resumed) = match &opts.journal {
        Some(path) => {
            let (j, r) = Journal::open(
                path,
                &checked.sha256,
                chunk_size,
                opts.campaign.as_deref(),
                opts.restart,
            )
            .map_err(|e| Failure::Usage(format!("{e:#}")))?;
            (Some(Arc::new(j)), r)
        }
        None => (None, Resumed::default()),
    };
    if !resumed.chunks.is_empty() && opts.progress {
        eprintln!(
            "jaicp: resuming from {}: {} chunks already done ({} numbers added)",
            journal
                .as_ref()
                .map_or_else(String::new, |j| j.path().display().to_string()),
            resumed.chunks.len(),
            resumed.created
        );
    }
    let checked = Arc::new(checked);
    let bar = bar(
        opts.progress,
        Some(checked.rows),
        "sending  {bar:30} {count}/{total} rows, {rate}, eta {eta} {msg}",
    );
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let done: BTreeSet<usize> = resumed.chunks.iter().copied().collect();
    // The first chunk not done yet goes alone, as a probe.
    let probe = (0..).find(|c| !done.contains(c)).unwrap_or(0);

    let mut last_pass = None;
    for run in 0..2 {
        let first_chunk = run == 0;
        let (limit, skip): (Option<usize>, HashSet<usize>) = if first_chunk {
            (Some((probe + 1) * chunk_size), (0..probe).collect())
        } else {
            let mut skip: HashSet<usize> = done.iter().copied().collect();
            skip.insert(probe);
            (None, skip)
        };
        let skip = Arc::new(skip);
        let c2 = checked.clone();
        let (s2, sk2) = (stop.clone(), skip.clone());
        let (feeder, pass) =
            tokio::task::spawn_blocking(move || c2.feeder(chunk_size, limit, sk2, s2, true))
                .await
                .map_err(|e| Failure::Input(e.to_string()))??;
        let recorder = Recorder {
            tally: tally.clone(),
            stop: stop.clone(),
            journal: journal.clone(),
            keep_ids: opts.keep_job_ids,
            chunk_size,
            first_chunk,
        };
        let (pass_cb, bar_cb) = (pass.clone(), bar.clone());
        let (pass_progress, bar_progress) = (pass.clone(), bar.clone());
        calls
            .add_phones_iter(feeder)
            .chunk_size(chunk_size)
            .concurrency(if first_chunk { 1 } else { opts.concurrency })
            // The key seed is the input's hash: rerunning the same input re-sends the same keys.
            .idempotency_seed(checked.sha256.clone())
            .deduplicate(false)
            .summary_only()
            .skip_chunks(skip.iter().copied())
            .on_chunk(move |outcome| recorder.record(outcome, &pass_cb, &bar_cb))
            .on_progress(move |_| {
                bar_progress.set_position(
                    pass_progress.not_fed.load(Ordering::Relaxed)
                        + pass_progress.acked.load(Ordering::Relaxed),
                );
            })
            .run()
            .await
            .map_err(|e| Failure::Input(text::visible(&e.to_string()).into_owned()))?;
        pass_error(&pass)?;
        let exhausted = pass.exhausted.load(Ordering::Relaxed);
        last_pass = Some(pass);
        if stop.load(Ordering::Relaxed) || exhausted {
            break;
        }
    }
    bar.finish_and_clear();
    if let Some(journal) = &journal {
        journal.sync();
    }

    let mut summary = checked.base_summary();
    let lists = std::mem::take(&mut *tally.inner.lock().unwrap_or_else(|e| e.into_inner()));
    if let (Some(e), false) = (&lists.journal_error, opts.quiet) {
        eprintln!(
            "jaicp: warning: the journal could not be written ({e}); a rerun may resend chunks (the idempotence keys still prevent duplicates within 24 hours)"
        );
    }
    if let Some(pass) = &last_pass {
        summary.duplicated = pass.duplicates.load(Ordering::Relaxed);
        summary.duplicate_samples = std::mem::take(
            &mut *pass
                .duplicate_samples
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
    }
    summary.created = resumed.created as u64 + tally.created.load(Ordering::Relaxed);
    summary.server_rejected =
        resumed.rejected.len() as u64 + tally.server_rejected.load(Ordering::Relaxed);
    for (_, code) in &resumed.rejected {
        *summary.rejected_by_reason.entry(code.clone()).or_default() += 1;
    }
    for (reason, n) in lists.by_reason {
        *summary.rejected_by_reason.entry(reason).or_default() += n;
    }
    for s in lists.samples {
        keep(&mut summary.rejected_samples, s);
    }
    summary.rejected = summary.invalid + summary.server_rejected;
    summary.pending = summary
        .total
        .saturating_sub(summary.created + summary.rejected + summary.duplicated);
    summary.resumed_chunks = resumed.chunks.len();
    summary.journal = journal.as_ref().map(|j| j.path().display().to_string());
    summary.failed_chunks = lists.failed;
    summary.stopped = lists.stop;
    summary.job_ids = lists.job_ids;
    checked.finish(&mut summary);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(name: &str, text: &str) -> Plan {
        let path =
            std::env::temp_dir().join(format!("jaicp-engine-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        Plan {
            input: path,
            format: None,
            payload_columns: vec!["city".into()],
            progress: false,
        }
    }

    #[test]
    fn the_first_pass_counts_hashes_and_refuses_rows_with_their_lines() {
        let text = "phone,city\n+79001112233,Tver\n12ab,Omsk\n79001112233,Tver\n+79001112234,\n";
        let p = plan("check", text);
        let checked = check(&p).unwrap();
        assert_eq!((checked.rows, checked.invalid), (4, 1));
        assert_eq!(checked.invalid_samples[0].line, 3);
        assert_eq!(checked.sha256, hex::encode(Sha256::digest(text.as_bytes())));
        let summary = dry_run(&checked, 2).unwrap();
        assert_eq!(summary.would_send, Some(2));
        assert_eq!(summary.duplicated, 1);
        assert_eq!(
            summary.duplicate_samples,
            vec![Repeat {
                line: 4,
                first_line: 2,
                phone: "79001112233".into()
            }]
        );
        assert!(summary.dry_run && !summary.is_clean());
        let _ = std::fs::remove_file(&p.input);
    }

    #[test]
    fn feeding_keeps_line_numbers_only_for_chunks_in_flight() {
        let mut text = String::from("phone,city\n");
        for i in 0..10 {
            text.push_str(&format!("+7900111{i:04},\n"));
        }
        let p = plan("feed", &text);
        let checked = check(&p).unwrap();
        let (feeder, pass) = checked
            .feeder(4, None, Arc::default(), Arc::default(), false)
            .unwrap();
        assert_eq!(feeder.count(), 10);
        assert!(
            pass.lines.lock().unwrap().is_empty(),
            "a dry run keeps none"
        );
        let skip = Arc::new(HashSet::from([1usize]));
        let (feeder, pass) = checked
            .feeder(4, Some(8), skip, Arc::default(), true)
            .unwrap();
        assert_eq!(feeder.count(), 8, "the limit cuts the pass");
        let lines = pass.lines.lock().unwrap();
        assert_eq!(lines.get(&0), Some(&vec![2, 3, 4, 5]));
        assert!(!lines.contains_key(&1), "a skipped chunk is not recorded");
        assert_eq!(pass.not_fed.load(Ordering::Relaxed), 4);
        assert!(!pass.exhausted.load(Ordering::Relaxed));
        let _ = std::fs::remove_file(&p.input);
    }

    #[test]
    fn a_missing_file_and_a_bad_header_are_told_apart() {
        let missing = Plan {
            input: "/nonexistent/jaicp/numbers.csv".into(),
            format: None,
            payload_columns: vec![],
            progress: false,
        };
        assert!(matches!(check(&missing), Err(Failure::Input(_))));
        let p = plan("header", "phone,Gmt_Zone\n1,2\n");
        match check(&p) {
            Err(Failure::Usage(m)) => assert!(m.contains("`gmtZone`"), "{m}"),
            other => panic!("{other:?}"),
        }
        let _ = std::fs::remove_file(&p.input);
    }
}
