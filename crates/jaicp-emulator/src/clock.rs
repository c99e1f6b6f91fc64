//! The emulator's own notion of "now".
//!
//! Everything time-based (idempotence windows, the CRM 24-hour duplicate rule,
//! retry schedules, report timestamps) reads this clock instead of the system
//! clock, so tests can jump forward by days without sleeping.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Milliseconds since the Unix epoch, the unit the Calls API reports in.
pub(crate) type Millis = i64;

#[derive(Debug)]
struct ClockInner {
    /// Emulator time at the moment the clock was created.
    start_ms: Millis,
    /// Real instant matching `start_ms`; only consulted when the clock runs.
    started: Instant,
    /// Total time skipped forward by `advance`/`advance_to`.
    skipped_ms: Millis,
    /// A manual clock only moves when told to, which makes every timestamp
    /// reproducible across runs.
    manual: bool,
}

/// Shared, monotonic emulator clock.
#[derive(Debug)]
pub(crate) struct Clock {
    inner: Mutex<ClockInner>,
}

impl Clock {
    pub(crate) fn new(start_ms: Millis, manual: bool) -> Self {
        Self {
            inner: Mutex::new(ClockInner {
                start_ms,
                started: Instant::now(),
                skipped_ms: 0,
                manual,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ClockInner> {
        // The guarded data is plain numbers; a panic elsewhere cannot leave it
        // half-updated, so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now_locked(inner: &ClockInner) -> Millis {
        let running = if inner.manual {
            0
        } else {
            Millis::try_from(inner.started.elapsed().as_millis()).unwrap_or(Millis::MAX / 4)
        };
        inner
            .start_ms
            .saturating_add(running)
            .saturating_add(inner.skipped_ms)
    }

    /// Current emulator time.
    pub(crate) fn now_ms(&self) -> Millis {
        Self::now_locked(&self.lock())
    }

    /// Moves the clock forward by `delta` (negative values are ignored: the
    /// clock never goes back, or stored idempotence keys would misbehave).
    pub(crate) fn advance(&self, delta: Millis) -> Millis {
        let mut inner = self.lock();
        if delta > 0 {
            inner.skipped_ms = inner.skipped_ms.saturating_add(delta);
        }
        Self::now_locked(&inner)
    }

    /// Moves the clock forward to `target` if it is in the future.
    pub(crate) fn advance_to(&self, target: Millis) -> Millis {
        let mut inner = self.lock();
        let now = Self::now_locked(&inner);
        if target > now {
            inner.skipped_ms = inner.skipped_ms.saturating_add(target - now);
        }
        Self::now_locked(&inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_only_moves_when_told() {
        let clock = Clock::new(1_000, true);
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.advance(500), 1_500);
        assert_eq!(clock.advance(-10), 1_500);
        assert_eq!(clock.advance_to(1_200), 1_500);
        assert_eq!(clock.advance_to(9_000), 9_000);
    }

    #[test]
    fn running_clock_is_monotonic() {
        let clock = Clock::new(0, false);
        let a = clock.now_ms();
        let b = clock.advance(60_000);
        assert!(b >= a + 60_000);
    }
}
