//! Redaction of secrets in URLs, messages and JSON.
//!
//! JAICP puts most tokens in the URL path (`/chatapi/{token}`, `/api/calls/campaign/{token}`,
//! `/cailapub/api/caila/p/{key}`, ...), so a URL must never be printed as it is. Two layers work
//! together: every known secret of a request is replaced wherever it appears (so a server that
//! echoes a token in its error message is also covered), and path segments that follow a known
//! token marker are replaced even when the secret is not known (for `raw()` calls and links).

use std::fmt;

/// What a redacted secret is replaced with.
pub const REDACTED: &str = "***";

/// Path segments after which the next segment is a secret. When the next segment is itself one
/// of these (`/chatapi/webhook/operatorapi/{key}`), the secret is the segment after the chain.
const SECRET_AFTER: &[&str] = &[
    "chatapi",
    "campaign",
    "p",
    "pushgate",
    "webhook",
    "token",
    "operatorapi",
    "prompter_api",
];

/// Query parameters whose values are secrets.
const SECRET_QUERY: &[&str] = &["token", "access_token", "accesstoken", "key", "secret"];

/// Secrets shorter than this are not searched for (they would match ordinary text).
const MIN_SECRET: usize = 4;

/// How a secret lines up with the text at one position.
#[derive(Debug, PartialEq, Eq)]
enum Match {
    /// Not here.
    No,
    /// The whole secret, ending at this byte offset.
    Full(usize),
    /// The text ends in the middle of the secret (after at least one of its bytes).
    Partial,
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

fn hex_byte(text: &[u8], at: usize) -> Option<u8> {
    Some(hex_value(*text.get(at)?)? * 16 + hex_value(*text.get(at + 1)?)?)
}

/// Matches `secret` against `text` at `at`. Each byte of the secret may appear as itself,
/// percent-encoded in either case (`%3A`, `%3a`), or JSON-escaped (`\/`, `\"`, `\\`,
/// `\u003a`): the shapes a server's echo of a token takes in a URL, a query, a JSON text or a
/// log line. Letters match in either case: servers and proxies that normalise a path
/// (`/API/CALLS/CAMPAIGN/…`, a lower-cased route in a 404 text) still echo the token. Where two shapes fit (a `\` may be a raw backslash or the start of an escape),
/// both are tried.
fn match_at(text: &[u8], at: usize, secret: &[u8]) -> Match {
    match_from(text, at, at, secret)
}

fn match_from(text: &[u8], start: usize, j: usize, secret: &[u8]) -> Match {
    let Some((&b, rest)) = secret.split_first() else {
        return Match::Full(j);
    };
    let Some(&c) = text.get(j) else {
        return if j > start { Match::Partial } else { Match::No };
    };
    // Every way the next text bytes can spell `b`: (bytes used) or "cut short" (the text ends
    // inside an encoding).
    let mut widths = [0usize; 3];
    let mut n = 0;
    let mut cut_short = false;
    if c.eq_ignore_ascii_case(&b) {
        widths[n] = 1;
        n += 1;
    }
    if c == b'%' {
        match hex_byte(text, j + 1) {
            Some(v) if v.eq_ignore_ascii_case(&b) => {
                widths[n] = 3;
                n += 1;
            }
            None if text.len() < j + 3 => cut_short = true,
            _ => {}
        }
    }
    if c == b'\\' {
        match text.get(j + 1) {
            Some(&e) if e == b && matches!(b, b'/' | b'"' | b'\\') => {
                widths[n] = 2;
                n += 1;
            }
            Some(b'u') => match (hex_byte(text, j + 2), hex_byte(text, j + 4)) {
                (Some(0), Some(v)) if v.eq_ignore_ascii_case(&b) => {
                    widths[n] = 6;
                    n += 1;
                }
                _ if text.len() < j + 6 => cut_short = true,
                _ => {}
            },
            None => cut_short = true,
            _ => {}
        }
    }
    let mut partial = cut_short;
    for &w in &widths[..n] {
        match match_from(text, start, j + w, rest) {
            Match::Full(end) => return Match::Full(end),
            Match::Partial => partial = true,
            Match::No => {}
        }
    }
    if partial { Match::Partial } else { Match::No }
}

/// Length of the shortest fragment of a secret that is redacted wherever it appears.
const FRAGMENT: usize = 6;

/// One window of [`FRAGMENT`] bytes with its ASCII letters lower-cased.
fn folded(window: &[u8]) -> [u8; FRAGMENT] {
    let mut gram = [0u8; FRAGMENT];
    gram.copy_from_slice(window);
    gram.make_ascii_lowercase();
    gram
}

/// Redacts every run of `text` that shares [`FRAGMENT`] or more consecutive bytes with a secret
/// (letters in either case): a server that echoes part of a token (cut by itself, escaped twice,
/// or case-folded) shows none of it.
fn scrub_fragments(text: String, secrets: &[&[u8]]) -> String {
    let grams: std::collections::HashSet<[u8; FRAGMENT]> = secrets
        .iter()
        .filter(|s| s.len() >= FRAGMENT)
        .flat_map(|s| s.windows(FRAGMENT).map(folded))
        .collect();
    let bytes = text.as_bytes();
    if grams.is_empty() || bytes.len() < FRAGMENT {
        return text;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    let mut i = 0;
    while i + FRAGMENT <= bytes.len() {
        if !grams.contains(&folded(&bytes[i..i + FRAGMENT])) {
            i += 1;
            continue;
        }
        // Extend over every following window that is also a fragment.
        let mut end = i + FRAGMENT;
        while end < bytes.len() && grams.contains(&folded(&bytes[end + 1 - FRAGMENT..end + 1])) {
            end += 1;
        }
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(REDACTED.as_bytes());
        copied = end;
        i = end;
    }
    if copied == 0 {
        return text;
    }
    out.extend_from_slice(&bytes[copied..]);
    // Fragments of ASCII secrets are ASCII: cuts fall between characters.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Replaces every occurrence of the given secrets in `text`: raw, percent-encoded (either case
/// of hex digits, mixed with raw bytes) or JSON-escaped, with its letters in any case, wherever
/// it stands — then every raw fragment of 6 or more characters of a secret that is left (a
/// partial echo).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    scrub_bytes(text.as_bytes(), secrets)
}

fn scrub_bytes(text: &[u8], secrets: &[&str]) -> String {
    let secrets: Vec<&[u8]> = secrets
        .iter()
        .filter(|s| s.len() >= MIN_SECRET)
        .map(|s| s.as_bytes())
        .collect();
    if secrets.is_empty() {
        return String::from_utf8_lossy(text).into_owned();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let found = secrets.iter().find_map(|s| match match_at(text, i, s) {
            Match::Full(end) => Some(end),
            _ => None,
        });
        match found {
            Some(end) => {
                out.extend_from_slice(REDACTED.as_bytes());
                i = end;
            }
            None => {
                out.push(text[i]);
                i += 1;
            }
        }
    }
    // Secrets are ASCII, so a match never splits a character; stay safe regardless.
    let whole = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    scrub_fragments(whole, &secrets)
}

/// Scrubs a text that was cut off at its end (the first bytes of a larger body): a secret that
/// straddles the cut is dropped together with everything after its first byte, so no fragment
/// of it survives; the rest is scrubbed as usual.
pub(crate) fn scrub_cut(text: &[u8], secrets: &[&str]) -> String {
    let longest = secrets.iter().map(|s| s.len()).max().unwrap_or(0);
    // A fragment spans at most 6 text bytes per secret byte (`\u00XX`).
    let window = longest.saturating_mul(6);
    let mut end = text.len();
    for i in text.len().saturating_sub(window)..text.len() {
        let partial = secrets
            .iter()
            .filter(|s| s.len() >= MIN_SECRET)
            .any(|s| match_at(text, i, s.as_bytes()) == Match::Partial);
        if partial {
            end = i;
            break;
        }
    }
    scrub_bytes(&text[..end], secrets)
}

/// The first `max_chars` characters of `text`, cut at a character boundary.
pub(crate) fn cut_chars(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// Replaces secrets in every string of a JSON value (keys are kept).
pub(crate) fn scrub_json(value: &mut serde_json::Value, secrets: &[&str]) {
    match value {
        serde_json::Value::String(s) => {
            let cleaned = scrub(s, secrets);
            *s = redact_links(&cleaned);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub_json(v, secrets)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| scrub_json(v, secrets)),
        _ => {}
    }
}

/// Redacts a path: the segment after any known token marker becomes `***`.
pub fn redact_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut redact_next = false;
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let marker = SECRET_AFTER.iter().any(|m| segment.eq_ignore_ascii_case(m));
        if redact_next && !segment.is_empty() && !marker {
            out.push_str(REDACTED);
            redact_next = false;
            continue;
        }
        out.push_str(segment);
        redact_next = marker || (redact_next && segment.is_empty());
    }
    out
}

/// Redacts a whole URL: user info, token path segments and secret query values.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return redact_path(url);
    };
    if !parsed.username().is_empty() {
        let _ = parsed.set_username(REDACTED);
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(REDACTED));
    }
    let path = redact_path(parsed.path());
    parsed.set_path(&path);
    if parsed.query().is_some() {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_QUERY.contains(&k.to_ascii_lowercase().as_str());
                (
                    k.into_owned(),
                    if secret {
                        REDACTED.to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    // `set_path` percent-encodes our marker; show it plainly.
    parsed.to_string().replace("%2A%2A%2A", REDACTED)
}

/// Redacts every URL and every token-shaped path that appears inside free text (transport error
/// messages, error bodies), wherever it starts: after a space, a quote, an ellipsis or nothing.
pub(crate) fn redact_links(text: &str) -> String {
    if !text.contains("://") && !text.contains('/') {
        return text.to_owned();
    }
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            let tail = &word[trimmed.len()..];
            if trimmed.contains("://") {
                let start = trimmed.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(0);
                let (lead, rest) = trimmed.split_at(start);
                let end = rest
                    .rfind(|c: char| c.is_ascii_alphanumeric() || c == '/')
                    .map_or(rest.len(), |i| i + 1);
                let (link, trail) = rest.split_at(end);
                format!("{lead}{}{trail}{tail}", redact_url(link))
            } else if trimmed.contains('/') {
                format!("{}{tail}", redact_path(trimmed))
            } else {
                word.to_owned()
            }
        })
        .collect()
}

/// A URL that can be shown: its `Display` and `Debug` never reveal a token.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    /// Redacts `url`, replacing the given secrets as well as token path segments.
    pub fn new(url: &str, secrets: &[&str]) -> Self {
        RedactedUrl(redact_url(&scrub(url, secrets)))
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_tokens_are_redacted() {
        assert_eq!(
            redact_path("/api/calls/campaign/123.456.abc/addPhones"),
            "/api/calls/campaign/***/addPhones"
        );
        assert_eq!(redact_path("/chatapi/tok123"), "/chatapi/***");
        assert_eq!(
            redact_path("/cailapub/api/caila/p/uuid-key/nlu/inference"),
            "/cailapub/api/caila/p/***/nlu/inference"
        );
        assert_eq!(
            redact_path("/reporter/p/legacy/sessions"),
            "/reporter/p/***/sessions"
        );
    }

    #[test]
    fn urls_lose_userinfo_and_secret_query() {
        let shown = redact_url("https://user:pw@host.example/chatapi/secret1?token=abc&x=1");
        assert!(!shown.contains("pw") && !shown.contains("secret1") && !shown.contains("abc"));
        assert!(shown.contains("x=1"), "{shown}");
    }

    #[test]
    fn known_secrets_are_scrubbed_anywhere() {
        let s = scrub("invalid token ABCD.1234 given", &["ABCD.1234"]);
        assert_eq!(s, "invalid token *** given");
        let mut v = serde_json::json!({"message": "bad ABCD.1234", "nested": ["x ABCD.1234"]});
        scrub_json(&mut v, &["ABCD.1234"]);
        assert!(!v.to_string().contains("ABCD.1234"));
    }

    #[test]
    fn links_inside_text_are_redacted() {
        let s = redact_links("error sending request for url (https://h.example/chatapi/tok9)");
        assert!(!s.contains("tok9"), "{s}");
    }
}
