//! Retry rules: which operations may be repeated, how long to wait, and how much retrying a client
//! may do in total.
//!
//! The rules follow the AWS standard retry mode and Stripe's idempotency keys:
//! full-jitter exponential back-off, `Retry-After` honoured up to a limit, a token-bucket budget
//! shared by the whole client, and retries only where a repeat cannot do a second side effect.
//! Only the policy is public; the budget and the header parsing are the pipeline's business.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Statuses a retry could cure.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Statuses that mean "slow down": their back-off starts from the throttled base.
pub(crate) fn is_throttling_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The retry policy. `Default` gives the SDK's documented defaults.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Back-off base for transient failures. Default 250 ms.
    pub base: Duration,
    /// Back-off base after throttling (429, 503). Default 1 s.
    pub throttled_base: Duration,
    /// Largest back-off. Default 20 s.
    pub cap: Duration,
    /// Longest `Retry-After` the SDK sleeps through; longer ones end in `RateLimited`. Default 60 s.
    pub max_retry_after: Duration,
    /// Whether to randomise back-off (full jitter). Turn off only in tests. Default true.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base: Duration::from_millis(250),
            throttled_base: Duration::from_secs(1),
            cap: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the back-off bases (transient and throttled) and the cap.
    pub fn with_backoff(mut self, base: Duration, throttled_base: Duration, cap: Duration) -> Self {
        self.base = base;
        self.throttled_base = throttled_base;
        self.cap = cap;
        self
    }

    /// Sets the longest `Retry-After` the SDK sleeps through.
    pub fn with_max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// The back-off before attempt `attempt + 1`, after `attempt` failed attempts (1-based):
    /// `U[0,1) * min(cap, base * 2^(attempt-1))`.
    pub fn backoff(&self, attempt: u32, throttled: bool) -> Duration {
        self.backoff_with(attempt, throttled, fastrand::f64())
    }

    /// [`RetryPolicy::backoff`] with the jitter sample given (`U[0,1)`), so that the retry
    /// decision stays a pure function. Saturates: no base or cap can overflow it.
    pub(crate) fn backoff_with(&self, attempt: u32, throttled: bool, jitter: f64) -> Duration {
        let base = if throttled {
            self.throttled_base
        } else {
            self.base
        };
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = base.saturating_mul(1u32 << exp).min(self.cap);
        if self.jitter {
            // `mul_f64` panics on a product past `Duration::MAX`; the factor is below 1.
            ceiling.mul_f64(jitter.clamp(0.0, 1.0))
        } else {
            ceiling
        }
    }
}

/// A token bucket that bounds how much a client retries, so that an outage does not turn into a
/// retry storm. Retries spend tokens; successful first attempts give one back. Lock-free: every
/// successful request touches it, from every thread.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

/// Cost of a retry after a transient failure (timeout, connection, 5xx).
pub(crate) const RETRY_COST: u32 = 5;
/// Cost of a retry after a timeout (AWS charges more: a timeout often means overload).
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;

impl RetryBudget {
    /// A full bucket of `capacity` tokens (the default client uses 500).
    pub(crate) fn new(capacity: u32) -> Self {
        RetryBudget {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub(crate) fn try_acquire(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Returns `amount` tokens, up to the capacity.
    pub(crate) fn refund(&self, amount: u32) {
        // A full bucket (the common case) costs one load and no write.
        if self.tokens.load(Ordering::Relaxed) >= self.capacity {
            return;
        }
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then(|| t.saturating_add(amount).min(self.capacity))
            });
    }

    /// Tokens left.
    pub(crate) fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

/// Parses a `Retry-After` value: delay seconds or an HTTP date (relative to `now`).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
        return None;
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::SystemTime;

    #[test]
    fn backoff_without_jitter_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1, false), Duration::from_millis(250));
        assert_eq!(p.backoff(2, false), Duration::from_millis(500));
        assert_eq!(p.backoff(1, true), Duration::from_secs(1));
        assert_eq!(p.backoff(20, false), Duration::from_secs(20));
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = now + Duration::from_secs(30);
        let date = httpdate::fmt_http_date(later);
        let parsed = parse_retry_after(&date, now).unwrap();
        assert!(parsed <= Duration::from_secs(30) && parsed >= Duration::from_secs(28));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn budget_runs_dry_and_refills() {
        let b = RetryBudget::new(10);
        assert!(b.try_acquire(5));
        assert!(b.try_acquire(5));
        assert!(!b.try_acquire(5));
        b.refund(100);
        assert_eq!(b.available(), 10);
    }

    proptest! {
        #[test]
        fn backoff_is_within_bounds(attempt in 1u32..100, throttled: bool) {
            let p = RetryPolicy::default();
            let d = p.backoff(attempt, throttled);
            prop_assert!(d <= p.cap);
            let base = if throttled { p.throttled_base } else { p.base };
            let ceiling = base.saturating_mul(1u32 << (attempt - 1).min(30)).min(p.cap);
            prop_assert!(d <= ceiling);
        }

        #[test]
        fn retry_after_never_panics(s in "\\PC{0,40}") {
            let _ = parse_retry_after(&s, SystemTime::now());
        }
    }
}
