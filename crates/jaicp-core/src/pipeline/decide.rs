//! The retry decision, as a pure function of what happened: no clock, no randomness, no shared
//! state — the pipeline passes the time left, a jitter sample and the budget's balance in, and
//! acts on the [`Decision`]. Every rule of the retry policy lives here, in one place.

use std::time::Duration;

use crate::retry::{
    RETRY_COST, RetryPolicy, TIMEOUT_RETRY_COST, is_retryable_status, is_throttling_status,
};

/// What a failed attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The connection was never opened: the request provably did not leave.
    Connect,
    /// The transport failed after the request may have been written.
    Io,
    /// The transport's own timer fired.
    TransportTimeout,
    /// The pipeline's per-attempt timer fired.
    AttemptTimeout,
    /// The server answered with an error status.
    Status {
        /// The status.
        status: u16,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
}

/// Whether a repeat of the request could cause a second side effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Idempotent, or a keyed write carrying its key: safe to repeat.
    Safe,
    /// May be repeated only when it provably never left.
    Unsafe,
}

/// The circumstances of a decision that are not the attempt itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits<'a> {
    /// The retry policy in force.
    pub(crate) policy: &'a RetryPolicy,
    /// Time left before the operation's deadline.
    pub(crate) remaining: Duration,
    /// A sample of `U[0,1)` for full jitter (ignored when the policy turns jitter off).
    pub(crate) jitter: f64,
}

/// Why the pipeline stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// This failure is never retried for this request.
    NotRetryable,
    /// The policy's attempts are used up.
    OutOfAttempts,
    /// The server asked to wait longer than the policy sleeps through.
    RateLimited {
        /// The status that carried the `Retry-After`.
        status: u16,
        /// How long the server asked to wait.
        wait: Duration,
    },
    /// The wait before the next attempt would reach the deadline.
    PastDeadline,
    /// The client's retry budget cannot pay for another attempt.
    BudgetExhausted,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Decision {
    /// Sleep `after`, pay `cost` budget tokens, try again.
    Retry {
        /// The pause before the next attempt.
        after: Duration,
        /// Budget tokens the retry costs.
        cost: u32,
    },
    /// Give up and report the failure.
    Stop(Stop),
}

/// Decides what follows attempt number `attempt` (1-based) that ended in `outcome`.
pub(crate) fn decide(
    attempt: u32,
    outcome: Outcome,
    class: RetryClass,
    budget: u32,
    limits: Limits<'_>,
) -> Decision {
    let policy = limits.policy;
    let safe = class == RetryClass::Safe;
    let (allowed, throttled, retry_after) = match outcome {
        // The request never left: repeating it cannot cause a second side effect.
        Outcome::Connect => (true, false, None),
        Outcome::Io | Outcome::TransportTimeout | Outcome::AttemptTimeout => (safe, false, None),
        Outcome::Status {
            status,
            retry_after,
        } => (
            safe && is_retryable_status(status),
            is_throttling_status(status),
            retry_after,
        ),
    };
    // A server that asks for a long pause is answered with `RateLimited` whatever the class:
    // the caller learns how long to wait.
    if let (Some(wait), Outcome::Status { status, .. }) = (retry_after, outcome)
        && wait > policy.max_retry_after
    {
        return Decision::Stop(Stop::RateLimited { status, wait });
    }
    if !allowed {
        return Decision::Stop(Stop::NotRetryable);
    }
    if attempt >= policy.max_attempts {
        return Decision::Stop(Stop::OutOfAttempts);
    }
    let backoff = policy.backoff_with(attempt, throttled, limits.jitter);
    let after = backoff.max(retry_after.unwrap_or(Duration::ZERO));
    if after >= limits.remaining {
        return Decision::Stop(Stop::PastDeadline);
    }
    let cost = if outcome == Outcome::AttemptTimeout {
        TIMEOUT_RETRY_COST
    } else {
        RETRY_COST
    };
    if budget < cost {
        return Decision::Stop(Stop::BudgetExhausted);
    }
    Decision::Retry { after, cost }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: RetryClass = RetryClass::Safe;
    const U: RetryClass = RetryClass::Unsafe;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    fn status(status: u16) -> Outcome {
        Outcome::Status {
            status,
            retry_after: None,
        }
    }

    fn after(status: u16, secs: u64) -> Outcome {
        Outcome::Status {
            status,
            retry_after: Some(Duration::from_secs(secs)),
        }
    }

    fn retry(ms: u64, cost: u32) -> Decision {
        Decision::Retry {
            after: Duration::from_millis(ms),
            cost,
        }
    }

    fn stop(s: Stop) -> Decision {
        Decision::Stop(s)
    }

    /// One row per rule: (attempt, outcome, class, budget, remaining seconds) → decision.
    #[test]
    fn the_decision_table() {
        use Stop::*;
        let rl = |status, secs| RateLimited {
            status,
            wait: Duration::from_secs(secs),
        };
        let table: Vec<(u32, Outcome, RetryClass, u32, u64, Decision)> = vec![
            // Connect failures are retried for every class: the request never left.
            (1, Outcome::Connect, S, 500, 120, retry(250, 5)),
            (1, Outcome::Connect, U, 500, 120, retry(250, 5)),
            (2, Outcome::Connect, U, 500, 120, retry(500, 5)),
            // After the request may have left, only safe requests are repeated.
            (1, Outcome::Io, S, 500, 120, retry(250, 5)),
            (1, Outcome::Io, U, 500, 120, stop(NotRetryable)),
            (1, Outcome::TransportTimeout, S, 500, 120, retry(250, 5)),
            (
                1,
                Outcome::TransportTimeout,
                U,
                500,
                120,
                stop(NotRetryable),
            ),
            // The pipeline's own timeout costs more (AWS: a timeout often means overload).
            (1, Outcome::AttemptTimeout, S, 500, 120, retry(250, 10)),
            (1, Outcome::AttemptTimeout, U, 500, 120, stop(NotRetryable)),
            // Statuses: 408/500/502/504 transient, 429/503 throttling (1 s base).
            (1, status(408), S, 500, 120, retry(250, 5)),
            (1, status(500), S, 500, 120, retry(250, 5)),
            (1, status(502), S, 500, 120, retry(250, 5)),
            (1, status(504), S, 500, 120, retry(250, 5)),
            (1, status(429), S, 500, 120, retry(1000, 5)),
            (1, status(503), S, 500, 120, retry(1000, 5)),
            (2, status(503), S, 500, 120, retry(2000, 5)),
            (1, status(503), U, 500, 120, stop(NotRetryable)),
            (1, status(400), S, 500, 120, stop(NotRetryable)),
            (1, status(401), S, 500, 120, stop(NotRetryable)),
            (1, status(404), S, 500, 120, stop(NotRetryable)),
            (1, status(501), S, 500, 120, stop(NotRetryable)),
            // Retry-After is honoured up to the policy's limit (60 s), longer is RateLimited —
            // for unsafe requests and non-retryable statuses too.
            (1, after(429, 7), S, 500, 120, retry(7000, 5)),
            (1, after(503, 0), S, 500, 120, retry(1000, 5)),
            (1, after(429, 60), S, 500, 120, retry(60_000, 5)),
            (1, after(429, 61), S, 500, 120, stop(rl(429, 61))),
            (1, after(503, 3600), U, 500, 120, stop(rl(503, 3600))),
            (1, after(400, 90), S, 500, 120, stop(rl(400, 90))),
            (3, after(429, 61), S, 500, 120, stop(rl(429, 61))),
            (1, after(429, 7), U, 500, 120, stop(NotRetryable)),
            // Attempts: three by default.
            (2, status(500), S, 500, 120, retry(500, 5)),
            (3, status(500), S, 500, 120, stop(OutOfAttempts)),
            (3, Outcome::Connect, U, 500, 120, stop(OutOfAttempts)),
            (9, Outcome::Io, S, 500, 120, stop(OutOfAttempts)),
            // The deadline: a wait that would reach it ends the call now.
            (1, status(500), S, 500, 0, stop(PastDeadline)),
            (1, after(429, 30), S, 500, 30, stop(PastDeadline)),
            (1, after(429, 30), S, 500, 31, retry(30_000, 5)),
            // The budget: a retry needs its cost in tokens.
            (1, status(500), S, 5, 120, retry(250, 5)),
            (1, status(500), S, 4, 120, stop(BudgetExhausted)),
            (1, Outcome::AttemptTimeout, S, 9, 120, stop(BudgetExhausted)),
            (1, Outcome::AttemptTimeout, S, 10, 120, retry(250, 10)),
            (1, Outcome::Connect, U, 0, 120, stop(BudgetExhausted)),
        ];
        let policy = policy();
        for (i, (attempt, outcome, class, budget, remaining, expected)) in
            table.into_iter().enumerate()
        {
            let limits = Limits {
                policy: &policy,
                remaining: Duration::from_secs(remaining),
                jitter: 0.5,
            };
            let got = decide(attempt, outcome, class, budget, limits);
            assert_eq!(
                got, expected,
                "row {i}: {attempt} {outcome:?} {class:?} {budget}"
            );
        }
    }

    /// Every combination of the inputs keeps the invariants of the policy.
    #[test]
    fn every_combination_keeps_the_invariants() {
        let mut outcomes = vec![
            Outcome::Connect,
            Outcome::Io,
            Outcome::TransportTimeout,
            Outcome::AttemptTimeout,
        ];
        for code in [400, 401, 404, 408, 409, 429, 500, 501, 502, 503, 504] {
            for ra in [
                None,
                Some(0),
                Some(5),
                Some(60),
                Some(61),
                Some(u64::MAX / 4),
            ] {
                outcomes.push(Outcome::Status {
                    status: code,
                    retry_after: ra.map(Duration::from_secs),
                });
            }
        }
        for jitter in [false, true] {
            let policy = RetryPolicy {
                jitter,
                ..RetryPolicy::default()
            };
            for &outcome in &outcomes {
                for class in [S, U] {
                    for attempt in [1, 2, 3, 4, u32::MAX] {
                        for budget in [0, 4, 5, 9, 10, 500] {
                            for remaining in
                                [Duration::ZERO, Duration::from_secs(10), Duration::MAX]
                            {
                                let limits = Limits {
                                    policy: &policy,
                                    remaining,
                                    jitter: 0.999,
                                };
                                let d = decide(attempt, outcome, class, budget, limits);
                                if let Decision::Retry { after, cost } = d {
                                    assert!(attempt < policy.max_attempts);
                                    assert!(after < remaining);
                                    assert!(cost <= budget);
                                    if class == U {
                                        assert_eq!(outcome, Outcome::Connect);
                                    }
                                    if let Outcome::Status { retry_after, .. } = outcome {
                                        assert!(after >= retry_after.unwrap_or_default());
                                        assert!(after <= policy.max_retry_after.max(policy.cap));
                                    } else {
                                        assert!(after <= policy.cap);
                                    }
                                }
                                if let Decision::Stop(Stop::RateLimited { wait, .. }) = d {
                                    assert!(wait > policy.max_retry_after);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
