//! Waits that outlive a lost connection: `channel deploy --wait`, `nlp train --wait` and
//! `calls add-phones --wait` poll for minutes, and one failed poll (after the SDK's own retries)
//! should not end them. A failure that may pass (connection, timeout, 5xx, 429) shows one status
//! line on stderr and the wait goes on; [`MAX_POLL_FAILURES`] in a row end it with the last cause.
//! The command's deadline (`--timeout`) still bounds the whole wait.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::cli::Globals;

/// Consecutive failed polls after which a wait gives up.
pub const MAX_POLL_FAILURES: u32 = 5;

/// A wait that ran this long before failing made progress: its failure counts as the first.
const PROGRESS: Duration = Duration::from_secs(30);

/// True when a failed poll may succeed if asked again: the SDK's retryable failures (connection,
/// transport, retryable statuses, rate limits) and a timeout of one request, which on a long
/// wait is a hang of that request, not the end of the wait.
pub fn transient(e: &jaicp_core::Error) -> bool {
    e.is_retryable() || matches!(e, jaicp_core::Error::Timeout { .. })
}

/// The pause before polling again after `failures` failures in a row: 2, 4, 8, 16, 16 … s.
pub fn pause(failures: u32) -> Duration {
    Duration::from_secs(1 << failures.clamp(1, 4))
}

/// The status line of a failed poll.
pub fn failed_poll_note(what: &str, e: &jaicp_core::Error, failures: u32) -> String {
    format!(
        "lost contact while waiting for {what} ({e}); polling again in {}s ({failures}/{MAX_POLL_FAILURES})",
        pause(failures).as_secs()
    )
}

/// Runs `wait` until it ends; a transient failure is told on stderr and the wait is started
/// again (it must pick up where it was: poll an existing task, not start a new one).
pub async fn through_failures<T, F, Fut>(
    globals: &Globals,
    what: &str,
    mut wait: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = jaicp_core::Result<T>>,
{
    let mut failures = 0;
    loop {
        let began = Instant::now();
        match wait().await {
            Ok(value) => return Ok(value),
            Err(e) if transient(&e) => {
                failures = if began.elapsed() >= PROGRESS {
                    1
                } else {
                    failures + 1
                };
                if failures >= MAX_POLL_FAILURES {
                    return Err(anyhow::Error::new(e).context(format!(
                        "gave up waiting for {what} after {failures} failed polls in a row"
                    )));
                }
                globals.note(&failed_poll_note(what, &e, failures));
                tokio::time::sleep(pause(failures)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
}
