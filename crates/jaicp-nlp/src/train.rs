//! Training with a wait: start it, then poll the status until `READY` or `FAILED`.

use std::time::Duration;

use tokio::time::Instant;

use crate::Nlp;
use jaicp_core::Result;

use crate::errors::{training_failed, training_timed_out};
use crate::models::{NluStatusData, TrainingStatus};

/// How [`Train::wait`] polls. The API documents no polling rate; these defaults are ours.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PollOptions {
    /// First pause between two status reads (default 1 s).
    pub initial_interval: Duration,
    /// Longest pause (default 15 s); pauses grow by half each time up to this.
    pub max_interval: Duration,
    /// Give up after this long (default 10 minutes) with [`NlpError::TrainingTimedOut`](crate::NlpError::TrainingTimedOut)
    /// (read through [`crate::NlpErrorExt`]).
    pub deadline: Duration,
    /// Clock difference tolerated when telling a fresh `READY` from the previous one by its
    /// `lastModelTrainStart` (default 5 s).
    pub clock_skew: Duration,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(15),
            deadline: Duration::from_secs(600),
            clock_skew: Duration::from_secs(5),
        }
    }
}

impl PollOptions {
    /// Sets the first pause.
    pub fn initial_interval(mut self, d: Duration) -> Self {
        self.initial_interval = d;
        self
    }
    /// Sets the longest pause.
    pub fn max_interval(mut self, d: Duration) -> Self {
        self.max_interval = d;
        self
    }
    /// Sets the deadline.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = d;
        self
    }
}

/// A training run to start, made by [`Nlp::train`].
#[derive(Debug, Clone)]
#[must_use = "training starts with `.start()` or `.wait()`"]
pub struct Train {
    nlp: Nlp,
    incremental: Option<bool>,
    poll: PollOptions,
}

impl Nlp {
    /// Training of the classifier: `.start()` only starts it, `.wait()` also waits until it is
    /// `READY` (returning the final status) or `FAILED` ([`NlpError::TrainingFailed`](crate::NlpError::TrainingFailed)).
    pub fn train(&self) -> Train {
        Train {
            nlp: self.clone(),
            incremental: None,
            poll: PollOptions::default(),
        }
    }
}

impl Train {
    /// Retrain only the changed parts (`true`, the server's default) or everything (`false`).
    pub fn incremental(mut self, yes: bool) -> Self {
        self.incremental = Some(yes);
        self
    }

    /// Sets how [`Train::wait`] polls.
    pub fn poll(mut self, options: PollOptions) -> Self {
        self.poll = options;
        self
    }

    /// Starts training and returns at once.
    pub async fn start(&self) -> Result<()> {
        let mut req = self.nlp.train_nlu();
        if let Some(inc) = self.incremental {
            req = req.incremental(inc);
        }
        req.send().await?;
        Ok(())
    }

    /// Starts training and waits for its outcome.
    pub async fn wait(self) -> Result<NluStatusData> {
        let started = jaicp_core::Timestamp::now();
        self.start().await?;
        self.wait_started(started).await
    }

    /// Waits for the outcome of training started at `started` (read the clock just before
    /// [`Train::start`]), without starting it again: to wait after a restart of the process, or
    /// to go on waiting after a failed status read. A `READY` or `FAILED` left from a run
    /// older than `started` (minus the tolerated clock skew) is not taken for this one's.
    pub async fn wait_started(&self, started: jaicp_core::Timestamp) -> Result<NluStatusData> {
        let begun = Instant::now();
        let skew = i64::try_from(self.poll.clock_skew.as_millis()).unwrap_or(i64::MAX);
        let mut pause = self.poll.initial_interval;
        let mut seen_training = false;
        loop {
            let status = self.nlp.nlu_status().send().await?;
            match status.training_status.as_ref() {
                Some(TrainingStatus::Training) => seen_training = true,
                // A READY or FAILED left over from an earlier run is not ours: accept it once we
                // saw this run train, or when its start time is not older than our request.
                Some(TrainingStatus::Failed) if seen_training || fresh(&status, &started, skew) => {
                    return Err(training_failed(status.last_error.clone()));
                }
                Some(TrainingStatus::Ready) if seen_training || fresh(&status, &started, skew) => {
                    return Ok(status);
                }
                _ => {}
            }
            let waited = begun.elapsed();
            if waited.saturating_add(pause) > self.poll.deadline {
                return Err(training_timed_out(waited));
            }
            tokio::time::sleep(pause).await;
            pause = pause.saturating_add(pause / 2).min(self.poll.max_interval);
        }
    }
}

/// True when the status has no train start time (nothing to compare) or one not older than
/// `started` minus the tolerated skew.
fn fresh(status: &NluStatusData, started: &jaicp_core::Timestamp, skew_ms: i64) -> bool {
    match &status.last_model_train_start {
        None => true,
        Some(t) => t.as_millis() >= started.as_millis().saturating_sub(skew_ms),
    }
}
