//! The URL of a request: the host's base, the context's prefix, the operation's path with its
//! parameters validated and encoded, and the query — written once into one buffer sized up
//! front, then parsed once, relative to the host's origin (parsed with the client), so that the
//! host is not parsed again for every request.

use std::fmt;

use url::Url;

use super::builder::RequestBuilder;
use crate::error::{Error, Result};
use crate::redact::{REDACTED, redact_path};

/// Builds the URL of a request.
pub(crate) fn build(request: &RequestBuilder) -> Result<Url> {
    let shared = request.ctx.shared();
    // The path and query only: the origin is joined by the parse below.
    let base = shared.client.base_path();
    let rewritten = shared.rewrites.iter().find_map(|(from, to)| {
        let tail = request.path.strip_prefix(from.as_str())?;
        (tail.is_empty() || tail.starts_with('/')).then(|| format!("{to}{tail}"))
    });
    let template: &str = rewritten.as_deref().unwrap_or(&request.path);
    let query_len: usize = request
        .query
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum();
    let params_len: usize = request.path_params.iter().map(|(_, v)| v.len()).sum();
    let mut buf = String::with_capacity(
        base.len() + shared.prefix.len() + template.len() + params_len * 3 + 64 + query_len * 3,
    );
    buf.push_str(base);
    buf.push_str(&shared.prefix);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        buf.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .ok_or_else(|| Error::Config(format!("unclosed placeholder in {}", request.path)))?;
        let name = &rest[open + 1..close];
        match &shared.path_token {
            Some((param, encoded)) if *param == name => match encoded {
                Ok(encoded) => buf.push_str(encoded),
                // Validation errors name the parameter, never its value (it is a token).
                Err((field, reason)) => return Err(Error::invalid(field.clone(), reason.clone())),
            },
            _ => {
                let value = request
                    .path_params
                    .iter()
                    .rev()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.as_str())
                    .ok_or_else(|| Error::invalid(name, "path parameter is missing"))?;
                buf.push_str(&crate::path::segment(name, value)?);
            }
        }
        rest = &rest[close + 1..];
    }
    buf.push_str(rest);
    if !request.query.is_empty() {
        buf.push('?');
        let start = buf.len();
        let mut query = url::form_urlencoded::Serializer::for_suffix(buf, start);
        query.extend_pairs(request.query.iter());
        buf = query.finish();
    }
    parse(shared.client.origin(), &buf)
        .map_err(|e| Error::Config(format!("cannot build the request URL: {e}")))
}

/// Parses a path and query (`/a/b?q=1`) as `Url::parse` would parse it after the origin, but
/// without parsing the origin again: a path-absolute reference resolved against the parsed
/// origin gives the same URL (`same_url_as_a_full_parse` checks it for arbitrary paths). Input
/// for which a relative parse could differ — one that does not start with a single `/` (`//x` is
/// a new host when relative), or holds a backslash, tab or line break (the parser skips or
/// reads them as `/`) — takes the full parse of the origin's text followed by it.
fn parse(origin: &Url, path_and_query: &str) -> Result<Url, url::ParseError> {
    let bytes = path_and_query.as_bytes();
    let relative_is_safe = bytes.first() == Some(&b'/')
        && bytes.get(1) != Some(&b'/')
        && !bytes
            .iter()
            .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'));
    if relative_is_safe {
        return Url::options().base_url(Some(origin)).parse(path_and_query);
    }
    Url::parse(&format!(
        "{}{path_and_query}",
        &origin[..url::Position::BeforePath]
    ))
}

/// The path of a request as it may be shown in logs: the credential's segment replaced, and for
/// `raw()` requests every segment that looks like a token too. Computed only when formatted, so
/// a disabled log level costs nothing.
pub(crate) struct ShownPath<'a> {
    pub(crate) path: &'a str,
    pub(crate) token: Option<&'a str>,
    pub(crate) raw: bool,
}

impl fmt::Display for ShownPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = String::with_capacity(self.path.len());
        match self.token {
            // The token may fill only part of a segment (`/pushgate/push_{id}`).
            Some(token) if token.len() >= 4 => shown.push_str(&self.path.replace(token, REDACTED)),
            token => {
                for (i, segment) in self.path.split('/').enumerate() {
                    if i > 0 {
                        shown.push('/');
                    }
                    shown.push_str(if Some(segment) == token {
                        REDACTED
                    } else {
                        segment
                    });
                }
            }
        }
        if self.raw {
            shown = redact_path(&shown);
        }
        f.write_str(&shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(
        origin: &str,
        path_and_query: &str,
    ) -> (Result<Url, url::ParseError>, Result<Url, url::ParseError>) {
        let parsed_origin = Url::parse(origin).unwrap();
        (
            parse(&parsed_origin, path_and_query),
            Url::parse(&format!("{origin}{path_and_query}")),
        )
    }

    #[test]
    fn same_url_for_the_edge_cases() {
        for path in [
            "/api/calls/campaign/1.1.abc",
            "/a/../b/./c?x=1&y=%20#frag",
            "/a b/c ",
            "/a?b?c",
            "//evil.example/x",
            "/\\evil.example/x",
            "/\t/evil.example",
            "/%2e%2e/x",
            "",
            "?q=1",
            "/caf\u{e9}/\u{1F600}",
        ] {
            for origin in [
                "http://127.0.0.1:8080",
                "https://app.jaicp.com",
                "https://[::1]:9",
            ] {
                let (fast, full) = both(origin, path);
                assert_eq!(
                    fast.map(String::from),
                    full.map(String::from),
                    "{origin} + {path:?}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn same_url_as_a_full_parse(path in "/[a-zA-Z0-9/._~%?#&=+ \\\\\t\u{e9}\u{1F600}:@!$'()*,;\\[\\]-]{0,40}") {
            let (fast, full) = both("https://app.jaicp.com", &path);
            prop_assert_eq!(fast.map(String::from), full.map(String::from));
        }
    }
}
