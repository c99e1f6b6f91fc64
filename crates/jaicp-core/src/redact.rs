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

/// Path segments after which the next segment is a secret.
const SECRET_AFTER: &[&str] = &["chatapi", "campaign", "p", "pushgate", "webhook", "token"];

/// Query parameters whose values are secrets.
const SECRET_QUERY: &[&str] = &["token", "access_token", "accesstoken", "key", "secret"];

/// Replaces every occurrence of the given secrets in `text`.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if secret.len() >= 4 && out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
        // Path tokens may also appear percent-encoded (`:` in Imputer tokens).
        let encoded = crate::path::encode_segment(secret);
        if encoded != *secret && encoded.len() >= 4 && out.contains(encoded.as_str()) {
            out = out.replace(encoded.as_str(), REDACTED);
        }
    }
    out
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
        if redact_next && !segment.is_empty() {
            out.push_str(REDACTED);
            redact_next = false;
            continue;
        }
        out.push_str(segment);
        let lower = segment.to_ascii_lowercase();
        redact_next = SECRET_AFTER.contains(&lower.as_str());
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

/// Redacts every URL that appears inside free text (for transport error messages).
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
            } else if trimmed.starts_with('/') {
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
