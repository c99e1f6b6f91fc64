//! Reading and decoding bodies: size caps enforced while streaming, decode errors with a JSON path,
//! and error bodies turned into redacted [`ApiError`]s.

use bytes::{Bytes, BytesMut};
use http::HeaderMap;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, OpName, Result};
use crate::redact::{cut_chars, redact_links, scrub, scrub_cut, scrub_json};
use crate::transport::{Body, TransportError};

pub(crate) enum CollectError {
    TooLarge,
    Transport(TransportError),
}

/// Reads a body into memory, stopping as soon as it grows past `cap`.
pub(crate) async fn collect_capped(
    mut body: Body,
    cap: u64,
) -> std::result::Result<Bytes, CollectError> {
    // Most JSON answers arrive in one chunk: keep it as it is and copy only when a second comes.
    let mut first: Option<Bytes> = None;
    let mut buf = BytesMut::new();
    let mut total: u64 = 0;
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(CollectError::Transport)?;
        total += chunk.len() as u64;
        if total > cap {
            return Err(CollectError::TooLarge);
        }
        match first.take() {
            None if buf.is_empty() => first = Some(chunk),
            None => buf.extend_from_slice(&chunk),
            Some(earlier) => {
                buf.extend_from_slice(&earlier);
                buf.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| buf.freeze()))
}

/// Reads at most `limit` bytes of a body and drops the rest unread. Also says whether the body
/// ended within the limit (`false`: the prefix is cut, and may end inside a secret).
pub(crate) async fn collect_prefix(
    mut body: Body,
    limit: usize,
) -> std::result::Result<(Bytes, bool), TransportError> {
    let mut buf = BytesMut::new();
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk?;
        let room = limit.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if chunk.len() > room || buf.len() >= limit {
            return Ok((buf.freeze(), false));
        }
    }
    Ok((buf.freeze(), true))
}

/// Characters of a body shown in an error message.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The first characters of a body, for error messages: scrubbed first (every known secret, and
/// token-shaped paths), then cut at a character boundary, so a cut never leaves a fragment of a
/// secret. `complete` is false when `body` is itself the first bytes of a longer body.
pub(crate) fn snippet(body: &[u8], complete: bool, secrets: &[&str]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let scrubbed = if complete {
        scrub(&String::from_utf8_lossy(body), secrets)
    } else {
        scrub_cut(body, secrets)
    };
    let shown = redact_links(&scrubbed);
    let cut = cut_chars(&shown, SNIPPET_CHARS);
    Some(if cut.len() < shown.len() {
        format!("{cut}…")
    } else {
        shown
    })
}

/// Decodes JSON into `T`, reporting the path of the first bad value.
pub fn decode_json<T: DeserializeOwned>(op: OpName, body: &[u8], secrets: &[String]) -> Result<T> {
    // An empty body decodes as JSON `null` so that `Option<T>` and `()` accept it.
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // The fast path decodes directly; only a failure pays for a second, path-tracking pass.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let path = e.path().to_string();
        Error::Decode {
            op,
            path,
            message: scrub(&e.inner().to_string(), &refs),
            snippet: snippet(body, true, &refs),
        }
    })
}

/// A string answered either JSON-quoted (`"123"`) or bare (`123`).
pub(crate) fn decode_lenient_string(op: OpName, body: &[u8]) -> Result<String> {
    let text = std::str::from_utf8(body).map_err(|e| Error::Decode {
        op,
        path: ".".into(),
        message: format!("body is not UTF-8: {e}"),
        snippet: None,
    })?;
    let trimmed = text.trim();
    if trimmed.starts_with('"') {
        return serde_json::from_str::<String>(trimmed).map_err(|e| Error::Decode {
            op,
            path: ".".into(),
            message: e.to_string(),
            snippet: None,
        });
    }
    Ok(trimmed.to_owned())
}

/// Builds the error for a non-2xx response. JAICP error bodies come in two shapes —
/// `{type, message, ...}` (Calls) and `{error, message, args}` (gateway APIs) — both understood.
pub(crate) fn error_from_response(
    op: OpName,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    complete: bool,
    secrets: &[&str],
) -> Error {
    let request_id = ["z-request-id", "x-request-id"]
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let (mut json, raw_body) = match parsed {
        Some(v) => (v, None),
        None => (serde_json::Value::Null, snippet(body, complete, secrets)),
    };
    scrub_json(&mut json, secrets);
    let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let code = field("type")
        .or_else(|| field("error"))
        .or_else(|| field("code"));
    let message = field("message").or_else(|| field("errorMessage"));
    Error::Api(Box::new(ApiError {
        op,
        status,
        code,
        message,
        body: json,
        raw_body,
        request_id,
    }))
}
