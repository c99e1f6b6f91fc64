//! Per-call overrides of the client's settings.

use std::time::Duration;

use crate::retry::RetryPolicy;

/// Per-call overrides of the client's settings.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Per-attempt timeout.
    pub attempt_timeout: Option<Duration>,
    /// Whole-operation deadline.
    pub deadline: Option<Duration>,
    /// Retry policy.
    pub retry: Option<RetryPolicy>,
    /// Largest body read into memory.
    pub body_cap: Option<u64>,
}

impl CallOptions {
    /// Overrides the per-attempt timeout (long polls need the server's hold time plus a margin).
    /// Any length is accepted: a huge one means "no per-attempt limit" (the deadline still holds).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }
    /// Overrides the deadline. Any length is accepted (`Duration::MAX` means none).
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }
    /// Overrides the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
    /// Overrides the body cap.
    pub fn body_cap(mut self, bytes: u64) -> Self {
        self.body_cap = Some(bytes);
        self
    }
}
