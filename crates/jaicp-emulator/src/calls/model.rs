//! In-memory data of the Calls API: campaigns, call jobs and call attempts.
//!
//! Jobs are stored compactly, because a campaign may hold millions of them (the target is
//! 1,000,000 jobs in well under 512 MiB): the phone is a boxed `str`, the script payload is
//! boxed, the call policy is shared between the jobs that have the same one (one `Arc` per
//! distinct policy, not a copy per job), and there is no per-job index: jobs are kept in id
//! order, so a lookup by id is a binary search, and a lookup by phone is one scan for a whole
//! request ([`Campaign::jobs_by_phones`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::clock::Millis;
use crate::idempotency::IdempotencyStore;

/// Campaign lifecycle as this emulator models it. The document's enum also
/// has `new`, `planned` and `deleted`, which no public operation reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CampaignStatus {
    InProgress,
    Paused,
    /// Reached through `control/stop`; terminal.
    Finished,
}

impl CampaignStatus {
    /// Value of the `CallTaskStatusType` enum.
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            Self::InProgress => "inProgress",
            Self::Paused => "paused",
            Self::Finished => "finished",
        }
    }

    /// Upper-case form used in the `state` field of `invalid.call.task.state`
    /// (the document's example is `FINISHED`).
    pub(crate) fn state_code(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Paused => "PAUSED",
            Self::Finished => "FINISHED",
        }
    }
}

/// Values of the document's `JobStatus` enum that the emulator produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum JobStatus {
    Planned,
    InProcess,
    OnRetry,
    LongCallWithResult,
    LongCallWithNoResult,
    NoAnswer,
    NonexistentNumber,
    TechnicalError,
    NotDone,
    /// The document lists `cancelledByUser` (the prose docs say `canceled`);
    /// we follow the document because responses are validated against it.
    CancelledByUser,
}

impl JobStatus {
    pub(crate) fn api_name(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProcess => "inProcess",
            Self::OnRetry => "onRetry",
            Self::LongCallWithResult => "longCallWithResult",
            Self::LongCallWithNoResult => "longCallWithNoResult",
            Self::NoAnswer => "noAnswer",
            Self::NonexistentNumber => "nonexistentNumber",
            Self::TechnicalError => "technicalError",
            Self::NotDone => "notDone",
            Self::CancelledByUser => "cancelledByUser",
        }
    }
}

/// Minutes since local midnight, `[from, to)`.
pub(crate) type MinuteRange = (u16, u16);

/// When a job may be dialled, in the customer's local time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CallWindow {
    /// Allowed weekdays, Monday first; `None` = every day.
    pub(crate) days: Option<[bool; 7]>,
    /// Per-weekday intervals (Monday first), sorted and non-overlapping.
    pub(crate) per_day: [Option<Vec<MinuteRange>>; 7],
    /// Intervals for weekdays without their own entry; `None` = whole day.
    pub(crate) default: Option<Vec<MinuteRange>>,
    /// Zone the intervals are expressed in.
    #[serde(with = "crate::persist::serde_helpers::time_zone")]
    pub(crate) zone: TimeZone,
}

/// Per-job dialling policy after defaults have been applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CallPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) retry_interval_minutes: u32,
    /// 1 (highest) to 5 (lowest).
    pub(crate) priority: u8,
    pub(crate) start_ms: Option<Millis>,
    pub(crate) finish_ms: Option<Millis>,
    pub(crate) window: Option<CallWindow>,
}

/// One dialling attempt; all timing is simulated.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Attempt {
    pub(crate) number: u32,
    pub(crate) started_at: Millis,
    pub(crate) finished_at: Millis,
    /// Seconds of conversation (0 when nobody answered).
    pub(crate) talk_secs: i64,
    /// Job status right after this attempt.
    pub(crate) status: JobStatus,
    #[serde(with = "crate::persist::serde_helpers::interned_opt")]
    pub(crate) call_result: Option<crate::persist::serde_helpers::Code>,
    pub(crate) report_data: Option<Map<String, Value>>,
}

/// A phone number queued in a campaign.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub(crate) id: u64,
    /// Digits only (one leading `+` stripped).
    pub(crate) phone: Box<str>,
    /// Script data; kept so the job mirrors what the client sent even though
    /// the simulated script does not read it.
    pub(crate) payload: Option<Box<Value>>,
    /// Shared with every other job of the campaign that has the same policy.
    pub(crate) policy: Arc<CallPolicy>,
    pub(crate) created_at: Millis,
    /// Set once the job reaches a final status. It can lie slightly in the
    /// future (the end of the last simulated call); views hide it until then.
    pub(crate) finished_at: Option<Millis>,
    pub(crate) status: JobStatus,
    pub(crate) attempts: Vec<Attempt>,
    /// When the dialer should look at this job next; `None` once finished.
    /// Queue entries with a different time are stale and skipped.
    pub(crate) next_due: Option<Millis>,
}

impl Job {
    /// True once the job will never be dialled again.
    pub(crate) fn is_closed(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Status as seen at `now`: a job whose last call is still "ringing or
    /// talking" in emulator time shows as `inProcess`.
    pub(crate) fn visible_status(&self, now: Millis) -> JobStatus {
        match self.attempts.last() {
            Some(a) if a.finished_at > now => JobStatus::InProcess,
            _ => self.status,
        }
    }

    /// `finishedAt` as seen at `now`.
    pub(crate) fn visible_finished_at(&self, now: Millis) -> Option<Millis> {
        self.finished_at.filter(|f| *f <= now)
    }
}

/// Due-time queues, one per dialer priority, so a tick can take the most
/// urgent due jobs in O(log n) even with 100,000 queued numbers.
#[derive(Debug, Default)]
pub(crate) struct DialQueue {
    heaps: [BinaryHeap<Reverse<(Millis, u64)>>; 5],
}

impl DialQueue {
    pub(crate) fn push(&mut self, priority: u8, due: Millis, job_id: u64) {
        let slot = usize::from(priority.clamp(1, 5) - 1);
        if let Some(heap) = self.heaps.get_mut(slot) {
            heap.push(Reverse((due, job_id)));
        }
    }

    /// Pops the highest-priority entry that is due at `now`.
    pub(crate) fn pop_due(&mut self, now: Millis) -> Option<(Millis, u64)> {
        for heap in &mut self.heaps {
            if heap.peek().is_some_and(|Reverse((due, _))| *due <= now) {
                return heap.pop().map(|Reverse(entry)| entry);
            }
        }
        None
    }

    /// Earliest due time of any entry (possibly a stale one).
    pub(crate) fn next_due(&self) -> Option<Millis> {
        self.heaps
            .iter()
            .filter_map(|h| h.peek().map(|Reverse((due, _))| *due))
            .min()
    }
}

/// Campaign-wide defaults for fields a job leaves out.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct CampaignDefaults {
    pub(crate) max_attempts: u32,
    pub(crate) retry_interval_minutes: u32,
    pub(crate) priority: u8,
}

impl Default for CampaignDefaults {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            retry_interval_minutes: 60,
            priority: 3,
        }
    }
}

/// A call campaign, addressed by its token.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Campaign {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) project_name: String,
    pub(crate) bot_id: String,
    pub(crate) created_at: Millis,
    pub(crate) ended_at: Option<Millis>,
    pub(crate) status: CampaignStatus,
    pub(crate) max_simultaneous_calls: usize,
    pub(crate) defaults: CampaignDefaults,
    /// Jobs in creation order; ids grow monotonically, so this is also id order.
    #[serde(with = "crate::calls::job_file")]
    pub(crate) jobs: Vec<Job>,
    /// The policy of the last job added, reused while the next ones have the same.
    #[serde(skip)]
    last_policy: Option<Arc<CallPolicy>>,
    /// Number of jobs not yet closed.
    pub(crate) open_jobs: usize,
    #[serde(skip)]
    pub(crate) queue: DialQueue,
    /// CRM duplicate rule: `phone + payload` fingerprint → time it was added.
    pub(crate) crm_recent: HashMap<String, Millis>,
    pub(crate) idempotency: IdempotencyStore,
}

impl Campaign {
    pub(crate) fn new(id: i64, name: String, now: Millis, max_simultaneous_calls: usize) -> Self {
        Self {
            id,
            name,
            project_name: format!("emulator-project-{id}"),
            bot_id: format!("emulator-project-{id}-bot"),
            created_at: now,
            ended_at: None,
            status: CampaignStatus::InProgress,
            max_simultaneous_calls: max_simultaneous_calls.max(1),
            defaults: CampaignDefaults::default(),
            jobs: Vec::new(),
            last_policy: None,
            open_jobs: 0,
            queue: DialQueue::default(),
            crm_recent: HashMap::new(),
            idempotency: IdempotencyStore::default(),
        }
    }

    /// Appends a job and queues it for dialling.
    pub(crate) fn push_job(
        &mut self,
        id: u64,
        phone: String,
        payload: Option<Value>,
        policy: CallPolicy,
        now: Millis,
    ) {
        let due = policy.start_ms.map_or(now, |s| s.max(now));
        self.queue.push(policy.priority, due, id);
        let policy = self.share(policy);
        self.jobs.push(Job {
            id,
            phone: phone.into_boxed_str(),
            payload: payload.map(Box::new),
            policy,
            created_at: now,
            finished_at: None,
            status: JobStatus::Planned,
            attempts: Vec::new(),
            next_due: Some(due),
        });
        self.open_jobs += 1;
    }

    /// Rebuilds the dial queue from `jobs` (after loading a state file).
    pub(crate) fn rebuild_indexes(&mut self) {
        self.queue = DialQueue::default();
        for job in &self.jobs {
            if let Some(due) = job.next_due {
                self.queue.push(job.policy.priority, due, job.id);
            }
        }
    }

    /// Position of the job with this id (jobs are in id order).
    pub(crate) fn job_index(&self, id: u64) -> Option<usize> {
        self.jobs.binary_search_by_key(&id, |j| j.id).ok()
    }

    /// Positions of the jobs of each of `phones` (normalised keys), in one pass over the jobs.
    pub(crate) fn jobs_by_phones<'a>(
        &self,
        phones: impl IntoIterator<Item = &'a str>,
    ) -> HashMap<&'a str, Vec<usize>> {
        let mut found: HashMap<&'a str, Vec<usize>> =
            phones.into_iter().map(|p| (p, Vec::new())).collect();
        if found.is_empty() {
            return found;
        }
        for (i, job) in self.jobs.iter().enumerate() {
            if let Some(slot) = found.get_mut(&*job.phone) {
                slot.push(i);
            }
        }
        found.retain(|_, v| !v.is_empty());
        found
    }

    /// The shared copy of `policy`: the previous job's when equal, else a new one.
    fn share(&mut self, policy: CallPolicy) -> Arc<CallPolicy> {
        match &self.last_policy {
            Some(last) if **last == policy => Arc::clone(last),
            _ => {
                let shared = Arc::new(policy);
                self.last_policy = Some(Arc::clone(&shared));
                shared
            }
        }
    }

    /// Cancels an open job; returns false if it was already closed.
    pub(crate) fn cancel_job(&mut self, idx: usize, now: Millis) -> bool {
        let Some(job) = self.jobs.get_mut(idx) else {
            return false;
        };
        if job.is_closed() {
            return false;
        }
        // A call already in flight is allowed to end; the job closes after it.
        let last_end = job.attempts.last().map_or(now, |a| a.finished_at);
        job.status = JobStatus::CancelledByUser;
        job.finished_at = Some(now.max(last_end));
        job.next_due = None;
        self.open_jobs = self.open_jobs.saturating_sub(1);
        true
    }
}
