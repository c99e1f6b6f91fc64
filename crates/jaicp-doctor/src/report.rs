//! The report: one result per check and per marker, in JSON and Markdown, of shapes only.
//!
//! Everything a report holds comes from this crate's own vocabulary (check ids, the fixed
//! descriptions in [`crate::checks`], status codes, sanitised media types, JSON type names and
//! identifier-like field names). No value of an answer, no credential, no client id and no text
//! is ever stored, so the report can be pasted into an issue as it is.

use serde::Serialize;

use crate::checks::{Api, CHECKS, Check, MARKERS};
use crate::shape::Finding;

/// The verdict of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The platform answered as our documents assume.
    Confirmed,
    /// The platform answered otherwise (see the observation).
    Contradicted,
    /// Not run (no credential, writes not allowed, nothing captured, or an earlier step failed).
    NotExercised,
}

impl Outcome {
    /// The word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Confirmed => "confirmed",
            Outcome::Contradicted => "contradicted",
            Outcome::NotExercised => "not exercised",
        }
    }
}

/// A profile setting doctor suggests, from a variant the SDK supports as configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting {
    /// Profile key.
    pub key: &'static str,
    /// Value to write.
    pub value: &'static str,
}

/// The result of one check.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// The check id.
    pub id: &'static str,
    /// Its API.
    pub api: Api,
    /// The verdict.
    pub outcome: Outcome,
    /// What the documents assume.
    pub assumed: &'static str,
    /// What the check sends (placeholders for credentials and values).
    pub sends: &'static str,
    /// What was seen (from a fixed vocabulary), when the check ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    /// Why the check did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// HTTP status of the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Media type of the answer (sanitised; `other` when it is not a plain media type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Differences of the answer's shape from the document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// The profile setting that matches what was seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<Setting>,
}

impl CheckResult {
    /// A result for `check` that did not run.
    pub fn skipped(check: &Check, reason: &'static str) -> Self {
        CheckResult {
            id: check.id,
            api: check.api,
            outcome: Outcome::NotExercised,
            assumed: check.assumed,
            sends: check.sends,
            observed: None,
            reason: Some(reason),
            status: None,
            content_type: None,
            findings: Vec::new(),
            setting: None,
        }
    }
}

/// The verdict on one marker.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerResult {
    /// File in `specs/`.
    pub spec: &'static str,
    /// JSON pointer of the marked node.
    pub pointer: &'static str,
    /// The check that exercises it.
    pub check: &'static str,
    /// The check's verdict.
    pub outcome: Outcome,
}

/// What doctor found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Report format version.
    pub format: u32,
    /// Version of the SDK that wrote it.
    pub sdk_version: &'static str,
    /// The kind of host (`jaicp`, `tovie` or `custom`; an on-premise host name is not shown).
    pub host: &'static str,
    /// APIs whose writes were allowed.
    pub writes_allowed: Vec<Api>,
    /// One result per check, in [`CHECKS`] order.
    pub checks: Vec<CheckResult>,
    /// One verdict per marker, in [`MARKERS`] order.
    pub markers: Vec<MarkerResult>,
}

impl Report {
    pub(crate) fn new(
        host: &'static str,
        writes_allowed: Vec<Api>,
        checks: Vec<CheckResult>,
    ) -> Self {
        let markers = MARKERS
            .iter()
            .map(|m| MarkerResult {
                spec: m.spec,
                pointer: m.pointer,
                check: m.check,
                outcome: checks
                    .iter()
                    .find(|c| c.id == m.check)
                    .map_or(Outcome::NotExercised, |c| c.outcome),
            })
            .collect();
        Report {
            format: 1,
            sdk_version: env!("CARGO_PKG_VERSION"),
            host,
            writes_allowed,
            checks,
            markers,
        }
    }

    /// The result of a check.
    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Settings for the user's profile, one per detected variant the SDK can be configured for.
    pub fn settings(&self) -> Vec<Setting> {
        self.checks
            .iter()
            .filter_map(|c| c.setting.clone())
            .collect()
    }

    /// How many checks ended with each outcome: (confirmed, contradicted, not exercised).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |o| self.checks.iter().filter(|c| c.outcome == o).count();
        (
            n(Outcome::Confirmed),
            n(Outcome::Contradicted),
            n(Outcome::NotExercised),
        )
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        // Only strings, numbers and enums: serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as Markdown, ready to paste into an issue.
    pub fn to_markdown(&self) -> String {
        let (ok, bad, skipped) = self.counts();
        let mut out = String::new();
        out.push_str("# jaicp doctor report\n\n");
        out.push_str(&format!(
            "SDK {} · host: {} · writes allowed: {} · {ok} confirmed, {bad} contradicted, {skipped} not exercised\n\n",
            self.sdk_version,
            self.host,
            if self.writes_allowed.is_empty() {
                "none".to_owned()
            } else {
                self.writes_allowed
                    .iter()
                    .map(|a| a.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        out.push_str("Shapes only: no values, tokens, client ids or texts.\n\n");
        out.push_str("## Checks\n\n| check | outcome | assumed | observed |\n|---|---|---|---|\n");
        for c in &self.checks {
            let observed = match (&c.observed, c.reason) {
                (Some(o), _) => o.clone(),
                (None, Some(r)) => format!("({r})"),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.id,
                c.outcome.word(),
                cell(c.assumed),
                cell(&observed)
            ));
        }
        let details: Vec<&CheckResult> = self
            .checks
            .iter()
            .filter(|c| !c.findings.is_empty() || c.status.is_some())
            .collect();
        if !details.is_empty() {
            out.push_str("\n## Answers\n\n");
            for c in details {
                out.push_str(&format!("- `{}`:", c.id));
                if let Some(s) = c.status {
                    out.push_str(&format!(" status {s}"));
                }
                if let Some(t) = &c.content_type {
                    out.push_str(&format!(", `{t}`"));
                }
                out.push('\n');
                for f in &c.findings {
                    out.push_str(&format!("  - {}\n", describe(f)));
                }
            }
        }
        out.push_str("\n## Requests sent\n\n");
        for c in self
            .checks
            .iter()
            .filter(|c| c.outcome != Outcome::NotExercised)
        {
            out.push_str(&format!("- `{}`: {}\n", c.id, c.sends));
        }
        out.push_str("\n## Markers (`x-unconfirmed` in specs/)\n\n| document | place | check | outcome |\n|---|---|---|---|\n");
        for m in &self.markers {
            out.push_str(&format!(
                "| {} | `{}` | `{}` | {} |\n",
                m.spec,
                m.pointer,
                m.check,
                m.outcome.word()
            ));
        }
        let settings = self.settings();
        if !settings.is_empty() {
            out.push_str("\n## Profile settings for what was seen\n\n");
            for s in settings {
                out.push_str(&format!("- `{} = \"{}\"`\n", s.key, s.value));
            }
        }
        out
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn describe(f: &Finding) -> String {
    match f {
        Finding::Missing { path } => format!("`{path}`: required, absent"),
        Finding::TypeMismatch {
            path,
            documented,
            observed,
        } => format!("`{path}`: {observed}, documented as {documented}"),
        Finding::Undocumented { path, observed } => {
            format!("`{path}`: {observed}, not in the document")
        }
    }
}

/// Every check as "not exercised" with the same reason (no credential for its API, ...).
pub(crate) fn all_skipped(api: Api, reason: &'static str) -> Vec<CheckResult> {
    CHECKS
        .iter()
        .filter(|c| c.api == api)
        .map(|c| CheckResult::skipped(c, reason))
        .collect()
}

impl CheckResult {
    /// The result of a check that ran: confirmed or contradicted, with what was seen.
    pub(crate) fn ran(
        id: &'static str,
        answer: Option<&crate::probe::Answer>,
        confirmed: bool,
        observed: impl Into<String>,
    ) -> Self {
        let check = crate::checks::check(id).expect("ids come from the check table");
        CheckResult {
            id,
            api: check.api,
            outcome: if confirmed {
                Outcome::Confirmed
            } else {
                Outcome::Contradicted
            },
            assumed: check.assumed,
            sends: check.sends,
            observed: Some(observed.into()),
            reason: None,
            status: answer.map(|a| a.status),
            content_type: answer.and_then(|a| a.content_type.clone()),
            findings: Vec::new(),
            setting: None,
        }
    }

    /// A check that did not run, by id.
    pub(crate) fn skip(id: &'static str, reason: &'static str) -> Self {
        Self::skipped(
            crate::checks::check(id).expect("ids come from the check table"),
            reason,
        )
    }

    /// Adds the shape differences; one that contradicts the document makes the check
    /// contradicted.
    pub(crate) fn with_findings(mut self, findings: Vec<Finding>) -> Self {
        if findings.iter().any(Finding::contradicts) {
            self.outcome = Outcome::Contradicted;
        }
        self.findings = findings;
        self
    }

    /// Names the profile setting for what was seen.
    pub(crate) fn with_setting(mut self, key: &'static str, value: &'static str) -> Self {
        self.setting = Some(Setting { key, value });
        self
    }
}
