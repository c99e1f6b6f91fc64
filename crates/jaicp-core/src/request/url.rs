//! The URL of a request: the host's base, the context's prefix, the operation's path with its
//! parameters validated and encoded, and the query — written once into one buffer sized up
//! front, then parsed once.

use std::fmt;

use url::Url;

use super::builder::RequestBuilder;
use crate::error::{Error, Result};
use crate::redact::{REDACTED, redact_path};

/// Builds the URL of a request.
pub(crate) fn build(request: &RequestBuilder) -> Result<Url> {
    let shared = request.ctx.shared();
    let base = shared.client.base_prefix();
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
    Url::parse(&buf).map_err(|e| Error::Config(format!("cannot build the request URL: {e}")))
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
