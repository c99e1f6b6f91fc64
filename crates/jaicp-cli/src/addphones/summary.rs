//! The result of an add-phones run: counts that add up to the input's rows, a few examples of
//! each kind of refusal with their line numbers, the reasons of chunks that failed, and — when a
//! failure no retry can fix stopped the run — what stopped it and what to do.

use std::collections::BTreeMap;
use std::io::{self, Write};

use jaicp_calls::{CallsError, CallsErrorExt};
use jaicp_core::Error;
use serde::Serialize;

use super::text::{grouped, human_duration, human_rate, visible};

/// Examples kept per list (rejections, duplicates): enough to fix a file, bounded for any size.
pub const SAMPLES: usize = 20;

/// One refused row.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Sample {
    /// Line of the input (0 when unknown).
    pub line: u64,
    /// The number as written.
    pub phone: String,
    /// The field at fault, or the server's code.
    pub reason: String,
    /// Why, in words.
    pub message: String,
}

/// One repeated number.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Repeat {
    /// Line of the repeat.
    pub line: u64,
    /// Line of the first occurrence.
    pub first_line: u64,
    /// The number.
    pub phone: String,
}

/// Chunks that failed for one reason (retryable: a rerun sends them again).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Failed {
    /// Short reason: the API code, `HTTP 503`, `timeout`, `connect`.
    pub reason: String,
    /// The first error's text.
    pub message: String,
    /// Chunks that failed so.
    pub chunks: u64,
    /// Numbers in them.
    pub numbers: u64,
}

/// Why a run stopped early.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum StopKind {
    /// The credential was refused (`invalid.token`, 401, 403).
    Credentials,
    /// Nothing at that address (404 other than `invalid.token`).
    NotFound,
    /// The campaign cannot take numbers (stopped or finished).
    CampaignState,
}

/// A failure no retry can fix.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Stop {
    /// The kind (it chooses the exit code).
    pub kind: StopKind,
    /// The API code (`invalid.token`, `invalid.call.task.state`).
    pub code: Option<String>,
    /// HTTP status.
    pub status: Option<u16>,
    /// The error as the SDK shows it (redacted, escapes made visible).
    pub message: String,
    /// The cause, in words.
    pub cause: String,
    /// What to do.
    pub hint: String,
    /// True when the first chunk sent found it (nothing else was sent).
    pub first_chunk: bool,
}

impl Stop {
    /// The stop that `error` calls for, if it is one no retry can fix.
    pub fn from_error(error: &Error, first_chunk: bool) -> Option<Stop> {
        Stop::from_parts(
            error.calls_error(),
            error.status(),
            error.code(),
            &error.to_string(),
            first_chunk,
        )
    }

    fn from_parts(
        calls: Option<CallsError>,
        status: Option<u16>,
        code: Option<&str>,
        message: &str,
        first_chunk: bool,
    ) -> Option<Stop> {
        let stop = |kind, cause: String, hint: &str| Stop {
            kind,
            code: code.map(|c| visible(c).into_owned()),
            status,
            message: visible(message).into_owned(),
            cause,
            hint: hint.to_owned(),
            first_chunk,
        };
        let token_hint = "check the campaign token (JAICP_CAMPAIGN_TOKEN, JAICP_CAMPAIGN_TOKEN_FILE or \
                          --token-file; copy it again from the campaign's page) and run the same command again";
        match calls {
            Some(CallsError::InvalidToken) => Some(stop(
                StopKind::Credentials,
                "no campaign has this token".into(),
                token_hint,
            )),
            Some(CallsError::CampaignState { state }) => Some(stop(
                StopKind::CampaignState,
                format!(
                    "the campaign cannot take numbers{}",
                    state
                        .map(|s| format!(" (it is {})", visible(&s)))
                        .unwrap_or_default()
                ),
                "resume the campaign (`jaicp calls control resume`) or use the token of a running \
                 campaign, then run the same command again",
            )),
            _ => match status {
                Some(401 | 403) => Some(stop(
                    StopKind::Credentials,
                    "the server refused the credential".into(),
                    token_hint,
                )),
                Some(404) => Some(stop(
                    StopKind::NotFound,
                    "the server has no Calls API at this address".into(),
                    "check JAICP_HOST and the campaign token",
                )),
                _ => None,
            },
        }
    }
}

/// A short reason for a retryable chunk failure.
pub fn failure_reason(error: &Error) -> String {
    if let Some(code) = error.code() {
        return visible(code).into_owned();
    }
    if let Some(status) = error.status() {
        return format!("HTTP {status}");
    }
    match error {
        Error::Timeout { .. } => "timeout".into(),
        Error::Connect { .. } => "connect".into(),
        Error::RateLimited { .. } => "rate limited".into(),
        Error::Decode { .. } => "bad answer".into(),
        _ => "error".into(),
    }
}

/// The summary of a run (or of a `--dry-run`).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// True for `--dry-run`: nothing was sent.
    pub dry_run: bool,
    /// Rows in the input.
    pub total: u64,
    /// Numbers added (this run and the runs it resumes).
    pub created: u64,
    /// `--dry-run` only: numbers that would be sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_send: Option<u64>,
    /// Rows repeating an earlier number of the file (not sent).
    pub duplicated: u64,
    /// Rows refused: `invalid` + `serverRejected`.
    pub rejected: u64,
    /// Rows refused by validation (not sent).
    pub invalid: u64,
    /// Numbers the server refused.
    pub server_rejected: u64,
    /// Numbers not added that a rerun can still add.
    pub pending: u64,
    /// Chunks skipped because a journal says an earlier run finished them.
    pub resumed_chunks: usize,
    /// The journal, when one is kept.
    pub journal: Option<String>,
    /// Refusals by field or server code.
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// The first refusals.
    pub rejected_samples: Vec<Sample>,
    /// The first repeats.
    pub duplicate_samples: Vec<Repeat>,
    /// Chunks that failed, by reason.
    pub failed_chunks: Vec<Failed>,
    /// Set when a failure no retry can fix stopped the run.
    pub stopped: Option<Stop>,
    /// Wall time of the run, both passes.
    pub seconds: f64,
    /// Input rows per second.
    pub rows_per_second: f64,
    /// Job ids added (kept only for `--report`).
    #[serde(skip)]
    pub job_ids: Vec<String>,
}

impl Summary {
    /// True when every row was added (or, for a dry run, would be sent).
    pub fn is_clean(&self) -> bool {
        self.rejected == 0 && self.pending == 0 && self.stopped.is_none()
    }

    /// Writes the summary for people. Text from the file or the server has its escapes made
    /// visible.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.dry_run {
            writeln!(
                out,
                "dry run: {} rows checked: {} would be sent, {} duplicated in the file, {} rejected; nothing was sent",
                grouped(self.total),
                grouped(self.would_send.unwrap_or(0)),
                grouped(self.duplicated),
                grouped(self.rejected)
            )?;
        } else {
            writeln!(
                out,
                "added {} of {} numbers: {} duplicated in the file, {} rejected, {} pending",
                self.created, self.total, self.duplicated, self.rejected, self.pending
            )?;
        }
        for s in &self.rejected_samples {
            writeln!(
                out,
                "  rejected line {}: {}: {}: {}",
                s.line,
                visible(&s.phone),
                visible(&s.reason),
                visible(&s.message)
            )?;
        }
        if self.rejected > self.rejected_samples.len() as u64 {
            let by_reason: Vec<String> = self
                .rejected_by_reason
                .iter()
                .map(|(r, n)| format!("{} {}", grouped(*n), visible(r)))
                .collect();
            writeln!(
                out,
                "  ... {} rejected in all ({})",
                grouped(self.rejected),
                by_reason.join(", ")
            )?;
        }
        for d in &self.duplicate_samples {
            writeln!(
                out,
                "  duplicated line {}: {} (first on line {})",
                d.line,
                visible(&d.phone),
                d.first_line
            )?;
        }
        for f in &self.failed_chunks {
            writeln!(
                out,
                "  {} chunks not added ({} numbers): {}: {}",
                grouped(f.chunks),
                grouped(f.numbers),
                f.reason,
                f.message
            )?;
        }
        if self.total > 0 && self.seconds > 0.0 {
            writeln!(
                out,
                "  {} rows in {} ({})",
                grouped(self.total),
                human_duration(self.seconds),
                human_rate(self.rows_per_second)
            )?;
        }
        Ok(())
    }

    /// The one message for a stopped run (stderr).
    pub fn stop_message(&self) -> Option<String> {
        let stop = self.stopped.as_ref()?;
        let when = if stop.first_chunk {
            "stopped after the first chunk"
        } else {
            "stopped"
        };
        Some(format!(
            "{when}: {} ({}). Nothing more was sent; {} numbers were not added. To go on, {}.",
            stop.cause,
            stop.message,
            grouped(self.pending),
            stop.hint
        ))
    }

    /// Advice for numbers left pending by retryable failures.
    pub fn pending_message(&self) -> Option<String> {
        (self.stopped.is_none() && self.pending > 0 && !self.dry_run).then(|| {
            format!(
                "{} numbers are pending after retryable failures; run the same command again to send them (no number gets a second job)",
                grouped(self.pending)
            )
        })
    }
}

/// Keeps at most [`SAMPLES`] items.
pub fn keep<T>(list: &mut Vec<T>, item: T) {
    if list.len() < SAMPLES {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_errors_are_told_apart_from_retryable_ones() {
        let stop = Stop::from_parts(
            Some(CallsError::InvalidToken),
            Some(404),
            Some("invalid.token"),
            "HTTP 404 invalid.token: bad \u{1b}[2J token",
            true,
        )
        .unwrap();
        assert_eq!(stop.kind, StopKind::Credentials);
        assert_eq!(stop.code.as_deref(), Some("invalid.token"));
        assert!(!stop.message.contains('\u{1b}'), "{}", stop.message);
        assert!(stop.hint.contains("JAICP_CAMPAIGN_TOKEN"));
        let state = CallsError::CampaignState {
            state: Some("FINISHED".into()),
        };
        let stop = Stop::from_parts(Some(state), Some(400), None, "x", false).unwrap();
        assert_eq!(stop.kind, StopKind::CampaignState);
        assert!(stop.cause.contains("FINISHED"), "{}", stop.cause);
        let other = |status| Stop::from_parts(None, Some(status), None, "x", true).map(|s| s.kind);
        assert_eq!(other(403), Some(StopKind::Credentials));
        assert_eq!(other(401), Some(StopKind::Credentials));
        assert_eq!(other(404), Some(StopKind::NotFound));
        assert_eq!(other(503), None);
        assert_eq!(other(500), None);
        let bad_number = CallsError::PhoneBadFormat { phone: None };
        assert!(Stop::from_parts(Some(bad_number), Some(400), None, "x", true).is_none());
    }

    #[test]
    fn the_text_summary_escapes_what_came_from_outside() {
        let mut s = Summary {
            total: 3,
            created: 1,
            rejected: 2,
            invalid: 2,
            ..Summary::default()
        };
        s.rejected_samples.push(Sample {
            line: 3,
            phone: "\u{1b}[2J".into(),
            reason: "phone".into(),
            message: "bad".into(),
        });
        let mut out = Vec::new();
        s.write_text(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(
                "added 1 of 3 numbers: 0 duplicated in the file, 2 rejected, 0 pending"
            )
        );
        assert!(
            text.contains("rejected line 3: \\u{1b}[2J: phone: bad"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'));
        assert!(!s.is_clean());
    }
}
