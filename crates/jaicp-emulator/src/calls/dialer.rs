//! The simulated dialer.
//!
//! Call outcomes are a pure function of `(seed, phone, attempt number)` so a
//! run can be reproduced exactly; only *when* calls happen depends on the
//! emulator clock. A call attempt is processed in one step and given a
//! simulated duration: its end may lie a little in the future, and views show
//! the job as `inProcess` until the clock passes it.

use jiff::Timestamp;
use jiff::civil::{DateTime, Time};
use serde_json::{Map, Value};

use super::model::{Attempt, CallWindow, Campaign, CampaignStatus, Job, JobStatus};
use crate::clock::{Clock, Millis};

/// What happened on one simulated attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    NoAnswer {
        ring_secs: i64,
    },
    Nonexistent,
    TechnicalError,
    Answered {
        ring_secs: i64,
        talk_secs: i64,
        result: Option<&'static str>,
    },
}

/// SplitMix64 finaliser: spreads FNV's weak low bits over the whole word.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stable hash of (seed, phone, attempt); does not depend on Rust's
/// randomised `HashMap` hasher, so results survive process restarts.
fn mix(seed: u64, phone: &str, attempt: u32) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325 ^ splitmix(seed);
    for b in phone.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    splitmix(h ^ u64::from(attempt).rotate_left(32))
}

/// Outcome of attempt `attempt` (1-based) on `phone`.
pub(crate) fn outcome(seed: u64, phone: &str, attempt: u32) -> Outcome {
    // Whether a number exists is a property of the number, not the attempt.
    if mix(seed, phone, 0) % 100 < 5 {
        return Outcome::Nonexistent;
    }
    let h = mix(seed, phone, attempt);
    let roll = h % 100;
    // Convert through `u32` so the value is always non-negative and small.
    let extra = i64::from((h >> 32) as u32);
    match roll {
        0..40 => Outcome::NoAnswer {
            ring_secs: 20 + extra % 25,
        },
        40..43 => Outcome::TechnicalError,
        43..58 => Outcome::Answered {
            ring_secs: 3 + extra % 10,
            talk_secs: 5 + extra % 25,
            result: None,
        },
        _ => Outcome::Answered {
            ring_secs: 3 + extra % 10,
            talk_secs: 30 + extra % 150,
            result: Some(if extra % 3 == 0 { "declined" } else { "agreed" }),
        },
    }
}

/// Local-time instant `minutes` after midnight of `date` in the window's zone.
fn local_instant(window: &CallWindow, date: jiff::civil::Date, minutes: u16) -> Option<Millis> {
    let h = i8::try_from(minutes / 60).ok()?;
    let m = i8::try_from(minutes % 60).ok()?;
    let time = Time::new(h, m, 0, 0).ok()?;
    window
        .zone
        .to_timestamp(DateTime::from_parts(date, time))
        .ok()
        .map(Timestamp::as_millisecond)
}

/// Earliest instant `>= now` at which the window allows a call.
pub(crate) fn next_allowed(window: &CallWindow, now: Millis) -> Millis {
    let Ok(ts) = Timestamp::from_millisecond(now) else {
        return now;
    };
    let local = window.zone.to_datetime(ts);
    let minute_now =
        u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
    let mut date = local.date();
    // A week plus a day always contains an allowed day (allowedDays is
    // non-empty and every allowed day has at least one interval).
    for day_offset in 0..8 {
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        let day_allowed = window
            .days
            .is_none_or(|days| days.get(weekday).copied().unwrap_or(false));
        if day_allowed {
            let ranges = window
                .per_day
                .get(weekday)
                .and_then(Option::as_ref)
                .or(window.default.as_ref());
            let candidate = match ranges {
                None if day_offset == 0 => return now,
                None => local_instant(window, date, 0),
                Some(ranges) => ranges.iter().find_map(|&(from, to)| {
                    if day_offset > 0 || from > minute_now {
                        local_instant(window, date, from)
                    } else if minute_now < to {
                        Some(now)
                    } else {
                        None
                    }
                }),
            };
            if let Some(t) = candidate {
                return t.max(now);
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    now
}

/// What the dialer did with one due job.
enum Step {
    /// An attempt was made; `retry_at` is set if another one will follow.
    Called { retry_at: Option<Millis> },
    /// Not allowed to call yet; look again at this time.
    Wait(Millis),
    /// The job closed without a further call (its finishDateTime passed).
    Expired,
}

fn step(job: &mut Job, now: Millis, seed: u64) -> Step {
    if job.policy.finish_ms.is_some_and(|f| now >= f) {
        // Nothing was reached in time: never dialled, or only unanswered.
        job.status = if job.attempts.is_empty() {
            JobStatus::NotDone
        } else {
            JobStatus::NoAnswer
        };
        job.finished_at = Some(now);
        return Step::Expired;
    }
    let mut allowed_at = job.policy.start_ms.map_or(now, |s| s.max(now));
    if let Some(window) = &job.policy.window {
        allowed_at = next_allowed(window, allowed_at);
    }
    if allowed_at > now {
        // Wake up at the finish time instead if the window opens too late.
        let wake = job
            .policy
            .finish_ms
            .map_or(allowed_at, |f| allowed_at.min(f));
        return Step::Wait(wake);
    }

    let number = u32::try_from(job.attempts.len()).unwrap_or(u32::MAX - 1) + 1;
    let last_try = number >= job.policy.max_attempts;
    let (secs, talk_secs, status, call_result) = match outcome(seed, &job.phone, number) {
        Outcome::Nonexistent => (2, 0, JobStatus::NonexistentNumber, None),
        Outcome::NoAnswer { ring_secs } if last_try => (ring_secs, 0, JobStatus::NoAnswer, None),
        Outcome::NoAnswer { ring_secs } => (ring_secs, 0, JobStatus::OnRetry, None),
        Outcome::TechnicalError if last_try => (1, 0, JobStatus::TechnicalError, None),
        Outcome::TechnicalError => (1, 0, JobStatus::OnRetry, None),
        Outcome::Answered {
            ring_secs,
            talk_secs,
            result,
        } => {
            let status = if result.is_some() {
                JobStatus::LongCallWithResult
            } else {
                JobStatus::LongCallWithNoResult
            };
            (ring_secs + talk_secs, talk_secs, status, result)
        }
    };
    let report_data = call_result.map(|result| {
        let mut data = Map::new();
        data.insert("answer".into(), Value::from(result));
        data.insert("answeredOnAttempt".into(), Value::from(number));
        data
    });
    let finished_at = now.saturating_add(secs.saturating_mul(1000));
    job.attempts.push(Attempt {
        number,
        started_at: now,
        finished_at,
        talk_secs,
        status,
        call_result,
        report_data,
    });
    job.status = status;
    if status == JobStatus::OnRetry {
        let interval = i64::from(job.policy.retry_interval_minutes) * 60_000;
        Step::Called {
            retry_at: Some(finished_at.saturating_add(interval)),
        }
    } else {
        job.finished_at = Some(finished_at);
        Step::Called { retry_at: None }
    }
}

/// Counts from one dialer tick.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TickStats {
    pub(crate) attempts: usize,
}

/// One dialer tick at `now`: makes up to `maxSimultaneousCalls` attempts on
/// due jobs, most urgent priority first. Paused or stopped campaigns rest.
pub(crate) fn tick(campaign: &mut Campaign, now: Millis, seed: u64) -> TickStats {
    let mut stats = TickStats::default();
    if campaign.status != CampaignStatus::InProgress {
        return stats;
    }
    while stats.attempts < campaign.max_simultaneous_calls {
        let Some((due, id)) = campaign.queue.pop_due(now) else {
            break;
        };
        let Some(idx) = campaign.job_index(id) else {
            continue;
        };
        let Some(job) = campaign.jobs.get_mut(idx) else {
            continue;
        };
        if job.next_due != Some(due) {
            continue; // stale entry left by a cancel or reschedule
        }
        job.next_due = None;
        let reschedule = match step(job, now, seed) {
            Step::Called { retry_at } => {
                stats.attempts += 1;
                retry_at
            }
            Step::Wait(at) => Some(at),
            Step::Expired => None,
        };
        match reschedule {
            Some(at) => {
                job.next_due = Some(at);
                campaign.queue.push(job.policy.priority, at, id);
            }
            None => campaign.open_jobs = campaign.open_jobs.saturating_sub(1),
        }
    }
    stats
}

/// Result of [`run_to_completion`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RunStats {
    pub(crate) attempts: u64,
    pub(crate) ticks: u64,
}

/// Upper bound on loop iterations; far above what any real test needs, it
/// only protects the server from a logic error turning into a hang.
const MAX_RUN_TICKS: u64 = 50_000_000;

/// Runs the dialer on one campaign until no job is open, moving the clock as
/// a real dialer's time would pass: `tick_ms` between busy ticks, straight to
/// the next due time when idle. Returns `None` if the safety bound was hit.
pub(crate) fn run_to_completion(
    campaign: &mut Campaign,
    clock: &Clock,
    seed: u64,
    tick_ms: Millis,
) -> Option<RunStats> {
    let mut stats = RunStats::default();
    if campaign.status != CampaignStatus::InProgress {
        return Some(stats);
    }
    while campaign.open_jobs > 0 {
        if stats.ticks >= MAX_RUN_TICKS {
            return None;
        }
        let now = clock.now_ms();
        stats.attempts += tick(campaign, now, seed).attempts as u64;
        stats.ticks += 1;
        if campaign.open_jobs == 0 {
            break;
        }
        match campaign.queue.next_due() {
            Some(due) if due <= now => {
                clock.advance(tick_ms.max(1));
            }
            Some(due) => {
                clock.advance_to(due);
            }
            // Open jobs without a queue entry cannot be dialled; stop rather
            // than spin (this indicates an internal inconsistency).
            None => return None,
        }
    }
    // Let the last simulated calls end in emulator time so every job reads
    // as finished right after the run.
    if let Some(last) = campaign.jobs.iter().filter_map(|j| j.finished_at).max() {
        clock.advance_to(last);
    }
    Some(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::model::MinuteRange;
    use jiff::tz::TimeZone;

    #[test]
    fn outcomes_are_reproducible_and_varied() {
        let a: Vec<_> = (1..=3).map(|n| outcome(7, "79001112233", n)).collect();
        let b: Vec<_> = (1..=3).map(|n| outcome(7, "79001112233", n)).collect();
        assert_eq!(a, b);
        let mut kinds = std::collections::HashSet::new();
        for i in 0..500u64 {
            let phone = format!("7900{:07}", i);
            kinds.insert(std::mem::discriminant(&outcome(1, &phone, 1)));
        }
        assert_eq!(kinds.len(), 4, "all outcome kinds show up");
    }

    fn window(default: Option<Vec<MinuteRange>>, days: Option<[bool; 7]>) -> CallWindow {
        CallWindow {
            days,
            per_day: Default::default(),
            default,
            zone: TimeZone::UTC,
        }
    }

    fn ms(s: &str) -> Millis {
        s.parse::<Timestamp>()
            .map(Timestamp::as_millisecond)
            .unwrap_or(0)
    }

    #[test]
    fn window_waits_for_next_interval() {
        let w = window(Some(vec![(600, 780), (840, 1140)]), None);
        // Monday 2024-01-01.
        assert_eq!(
            next_allowed(&w, ms("2024-01-01T08:00:00Z")),
            ms("2024-01-01T10:00:00Z")
        );
        assert_eq!(
            next_allowed(&w, ms("2024-01-01T11:00:00Z")),
            ms("2024-01-01T11:00:00Z")
        );
        assert_eq!(
            next_allowed(&w, ms("2024-01-01T13:30:00Z")),
            ms("2024-01-01T14:00:00Z")
        );
        assert_eq!(
            next_allowed(&w, ms("2024-01-01T20:00:00Z")),
            ms("2024-01-02T10:00:00Z")
        );
    }

    #[test]
    fn window_skips_disallowed_days() {
        let mut days = [false; 7];
        days[5] = true; // saturday
        let w = window(None, Some(days));
        assert_eq!(
            next_allowed(&w, ms("2024-01-01T08:00:00Z")),
            ms("2024-01-06T00:00:00Z")
        );
    }
}
