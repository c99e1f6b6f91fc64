//! Printing results in the format of `--output`: rows as an aligned table, JSON (one array),
//! JSON lines or CSV; single values as JSON (or `key: value` lines with `--output table`).
//!
//! Everything printed passes two filters first:
//! - secrets are masked unless `--show-secrets`: fields named like a credential (`token`,
//!   `accessToken`, `apiKey`, `…Secret`, webhook and pushback URLs), token segments of JAICP links
//!   inside any string, and every credential this process holds wherever it appears (a server that
//!   echoes the request path is covered too);
//! - control characters from servers and files are made visible on a terminal (tables always; CSV
//!   when stdout is a terminal); JSON escapes them itself, and the C1 range it leaves alone is
//!   escaped here.

use std::io::Write;
use std::sync::Mutex;

use clap::ValueEnum;
use serde_json::Value;

use crate::terminal::{stdout_is_terminal, visible, visible_text};

/// `--output`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns (values: `key: value` lines).
    Table,
    /// One JSON document (rows: one array).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header.
    Csv,
}

/// What a masked secret is replaced with.
pub const MASK: &str = "[hidden; --show-secrets shows it]";

/// Credentials this process holds; masked wherever they appear in output.
static KNOWN_SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Registers a credential value so that output never shows it (unless `--show-secrets`).
pub fn remember_secret(secret: &str) {
    if secret.len() >= 4 {
        let mut known = KNOWN_SECRETS.lock().unwrap_or_else(|e| e.into_inner());
        if !known.iter().any(|k| k == secret) {
            known.push(secret.to_owned());
        }
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// `--output`, when given.
    pub format: Option<Format>,
    /// `--show-secrets`.
    pub show_secrets: bool,
}

impl Output {
    /// The format for listings (default table).
    pub fn list_format(&self) -> Format {
        self.format.unwrap_or(Format::Table)
    }

    /// Prints `rows` (JSON objects) with the given columns.
    pub fn rows(&self, columns: &[&str], mut rows: Vec<Value>) -> anyhow::Result<()> {
        for row in &mut rows {
            self.protect(row);
        }
        let out = &mut std::io::stdout().lock();
        match self.list_format() {
            Format::Json => write_json(out, &Value::Array(rows), true)?,
            Format::Jsonl => {
                for row in &rows {
                    write_json(out, row, false)?;
                }
            }
            Format::Csv => {
                let terminal = stdout_is_terminal();
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record(columns)?;
                for row in &rows {
                    w.write_record(columns.iter().map(|c| {
                        let v = raw_cell(row, c);
                        if terminal { visible(&v) } else { v }
                    }))?;
                }
                w.flush()?;
            }
            Format::Table => write_table(out, columns, &rows)?,
        }
        out.flush()?;
        Ok(())
    }

    /// Prints one value: JSON by default, `key: value` lines with `--output table`.
    pub fn value(&self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let mut value = serde_json::to_value(value)?;
        self.protect(&mut value);
        let out = &mut std::io::stdout().lock();
        match self.format.unwrap_or(Format::Json) {
            Format::Json => write_json(out, &value, true)?,
            Format::Jsonl => write_json(out, &value, false)?,
            Format::Csv => {
                let Value::Object(map) = &value else {
                    let mut w = csv::Writer::from_writer(&mut *out);
                    w.write_record([scalar(&value)])?;
                    w.flush()?;
                    return Ok(());
                };
                let terminal = stdout_is_terminal();
                let mut w = csv::Writer::from_writer(&mut *out);
                w.write_record(map.keys())?;
                w.write_record(map.values().map(|v| {
                    let s = scalar(v);
                    if terminal { visible(&s) } else { s }
                }))?;
                w.flush()?;
            }
            Format::Table => match &value {
                Value::Object(map) => {
                    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
                    for (k, v) in map {
                        writeln!(out, "{:<width$}  {}", visible(k), visible(&scalar(v)))?;
                    }
                }
                other => writeln!(out, "{}", visible(&scalar(other)))?,
            },
        }
        out.flush()?;
        Ok(())
    }

    /// Prints a line of human text on stdout (server or file text in it is made visible).
    pub fn line(&self, text: &str) -> anyhow::Result<()> {
        let text = self.protect_text(text);
        let out = &mut std::io::stdout().lock();
        writeln!(out, "{}", visible_text(&text))?;
        out.flush()?;
        Ok(())
    }

    /// Writes raw text on stdout as it is, masked but not escaped: only for text that is the
    /// command's product in a file-like format (an exported document), not for messages.
    pub fn raw(&self, bytes: &[u8]) -> anyhow::Result<()> {
        let out = &mut std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()?;
        Ok(())
    }

    /// Masks secrets in a JSON value (in place), unless `--show-secrets`.
    pub fn protect(&self, value: &mut Value) {
        if !self.show_secrets {
            mask_value(value);
        }
    }

    /// Masks secrets in free text, unless `--show-secrets`.
    pub fn protect_text(&self, text: &str) -> String {
        if self.show_secrets {
            text.to_owned()
        } else {
            mask_text(text)
        }
    }
}

/// Whether a field of this name holds a secret. Names are compared without case and separators.
pub fn is_secret_field(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    n == "token"
        || n == "password"
        || (n.ends_with("token") && !n.ends_with("tokenization"))
        || n.ends_with("secret")
        || (n.ends_with("key") && n.len() > 3 && n != "keyid" && !n.ends_with("experimentkey"))
        || n.contains("webhook")
        || n.contains("pushback")
        || n.ends_with("privatekey")
}

fn mask_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_field(k) {
                    match v {
                        Value::String(s) if !s.is_empty() => *s = MASK.to_owned(),
                        Value::Number(_) => *v = Value::String(MASK.to_owned()),
                        _ => mask_value(v),
                    }
                } else {
                    mask_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_value),
        Value::String(s) => {
            let masked = mask_text(s);
            if masked != *s {
                *s = masked;
            }
        }
        _ => {}
    }
}

/// Known credentials and the token segments of JAICP links, wherever they appear in the text.
fn mask_text(text: &str) -> String {
    let known = KNOWN_SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    let refs: Vec<&str> = known.iter().map(String::as_str).collect();
    // Whole credentials only (as themselves or percent-encoded, as in an echoed URL): the SDK's
    // own scrubber also hides any 6-byte fragment of a secret, which is right for logs but would
    // blank ordinary words of results (the demo chat token starts with "emulator").
    // Letters match in either case: a server that normalises the path it echoes
    // (`/API/CALLS/CAMPAIGN/3.4.ABC…`) still shows the token.
    let mut scrubbed = text.to_owned();
    for secret in refs {
        let encoded = secret.replace(':', "%3A");
        for shape in [secret, encoded.as_str()] {
            if let Some(masked) = replace_ignoring_case(&scrubbed, shape) {
                scrubbed = masked;
            }
        }
    }
    drop(known);
    if !scrubbed.contains("://") {
        return scrubbed;
    }
    // Links inside text (an echoed request URL, a pushback link): their token segments and secret
    // query values go through the SDK's URL redaction.
    scrubbed
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let Some(scheme) = word.find("://") else {
                return word.to_owned();
            };
            let start = word[..scheme]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.'))
                .map_or(0, |i| i + 1);
            let rest = &word[start..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')'))
                .unwrap_or(rest.len());
            format!(
                "{}{}{}",
                &word[..start],
                jaicp_core::redact::redact_url(&rest[..end]),
                &rest[end..]
            )
        })
        .collect()
}

/// `text` with every occurrence of the ASCII `needle`, letters in any case, replaced by the
/// redaction marker; `None` when there is none.
fn replace_ignoring_case(text: &str, needle: &str) -> Option<String> {
    let (hay, pin) = (text.as_bytes(), needle.as_bytes());
    if pin.is_empty() || hay.len() < pin.len() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + pin.len() <= hay.len() {
        if hay[i..i + pin.len()].eq_ignore_ascii_case(pin) {
            // The needle is ASCII, so both ends of a match are character boundaries.
            out.push_str(&text[copied..i]);
            out.push_str(jaicp_core::redact::REDACTED);
            i += pin.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// JSON, with the C1 control characters (U+0080–U+009F, which serde_json leaves as they are and
/// some terminals obey) escaped. They can only occur inside strings, so escaping them in the
/// serialised text keeps it valid JSON.
fn write_json(out: &mut impl Write, value: &Value, pretty: bool) -> anyhow::Result<()> {
    let text = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    let text = if text.chars().any(|c| ('\u{7f}'..='\u{9f}').contains(&c)) {
        text.chars()
            .map(|c| {
                if ('\u{7f}'..='\u{9f}').contains(&c) {
                    format!("\\u{:04x}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        text
    };
    writeln!(out, "{text}")?;
    Ok(())
}

fn write_table(out: &mut impl Write, columns: &[&str], rows: &[Value]) -> anyhow::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| visible(&raw_cell(r, c))).collect())
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
                .max(c.len())
        })
        .collect();
    let line = |values: Vec<&str>| {
        values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(out, "{}", line(columns.to_vec()))?;
    for row in &cells {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    writeln!(out, "({} rows)", rows.len())?;
    Ok(())
}

fn raw_cell(row: &Value, column: &str) -> String {
    row.get(column).map(scalar).unwrap_or_default()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Serialises rows for [`Output::rows`].
pub fn rows<T: serde::Serialize>(items: &[T]) -> anyhow::Result<Vec<Value>> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).map_err(Into::into))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_are_masked_everywhere() {
        let mut v = serde_json::json!({
            "id": 1,
            "accessToken": "abc",
            "nested": [{"token": "t1", "key": "experiment-key", "webhookUrl": "https://x/y?k=1"}],
            "name": "ok"
        });
        mask_value(&mut v);
        assert_eq!(v["accessToken"], MASK);
        assert_eq!(v["nested"][0]["token"], MASK);
        assert_eq!(v["nested"][0]["webhookUrl"], MASK);
        assert_eq!(v["nested"][0]["key"], "experiment-key");
        assert_eq!(v["name"], "ok");
        assert!(!is_secret_field("tokenizerEngine"));
        assert!(is_secret_field("apiKey"));
    }

    #[test]
    fn links_in_text_lose_their_tokens() {
        let masked = mask_text("see https://h.example/chatapi/abc123secret/x?y=1 now");
        assert!(!masked.contains("abc123secret"), "{masked}");
        assert!(masked.ends_with(" now"));
    }

    #[test]
    fn credentials_echoed_in_another_letter_case_are_masked() {
        remember_secret("3.4.Hq8Zt2Vb6Nc1Md");
        remember_secret("imp9:Wy3Fk8Jd5Gs2Pa");
        let masked = mask_text(
            "upper=/API/CALLS/CAMPAIGN/3.4.HQ8ZT2VB6NC1MD/STATUS \
             qq=%2fapi%2fcalls%2fcampaign%2f3.4.hq8zt2vb6nc1md%2fstatus \
             p=/api/imputer/p/imp9%3awy3fk8jd5gs2pa/x é",
        );
        let folded = masked.to_ascii_lowercase();
        assert!(
            !folded.contains("hq8zt2") && !folded.contains("wy3fk8"),
            "{masked}"
        );
        assert!(masked.ends_with("/x é"), "{masked}");
        assert_eq!(
            replace_ignoring_case("nothing here", "3.4.Hq8Zt2Vb6Nc1Md"),
            None
        );
    }

    #[test]
    fn c1_controls_are_escaped_in_json() {
        let mut buf = Vec::new();
        write_json(
            &mut buf,
            &serde_json::json!({"m": "a\u{9b}2J\u{1b}"}),
            false,
        )
        .unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.trim(), r#"{"m":"a\u009b2J\u001b"}"#);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["m"], "a\u{9b}2J\u{1b}");
    }
}
