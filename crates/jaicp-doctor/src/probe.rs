//! One request and what doctor keeps of its answer: status, media type and parsed JSON (which
//! only the shape comparison reads; it never leaves this crate).

use std::time::Duration;

use http::Method;
use jaicp_core::request::ApiContext;
use jaicp_core::retry::RetryPolicy;
use jaicp_core::{CallOptions, Error};
use serde_json::Value;

/// What came back.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// Sanitised media type (no parameters).
    pub(crate) content_type: Option<String>,
    /// The body as JSON, when it was JSON.
    pub(crate) json: Option<Value>,
    /// Whether the body was empty.
    pub(crate) empty: bool,
}

/// A request that got no HTTP answer, described by a fixed word.
pub(crate) type Failure = &'static str;

/// Keeps a media type only when it looks like one; anything else becomes `other`, so a hostile
/// header cannot smuggle text into the report.
pub(crate) fn media_type(header: &str) -> String {
    let main = header
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = main.len() <= 64
        && main.split_once('/').is_some_and(|(a, b)| {
            let part = |s: &str| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.*".contains(c))
            };
            part(a) && part(b)
        });
    if ok { main } else { "other".to_owned() }
}

pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, &'a str)>,
    pub(crate) json: Option<Value>,
    /// Per-attempt timeout (long polls hold the answer).
    pub(crate) timeout: Duration,
}

impl<'a> Request<'a> {
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Request {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            json: None,
            timeout: Duration::from_secs(30),
        }
    }

    pub(crate) fn post(path: impl Into<String>, json: Value) -> Self {
        Request {
            method: Method::POST,
            json: Some(json),
            ..Request::get(path)
        }
    }

    pub(crate) fn query(mut self, name: &'static str, value: &'a str) -> Self {
        self.query.push((name, value));
        self
    }

    pub(crate) fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends once (doctor never repeats a request: a repeat of a write is a second effect, and
    /// a repeat of a read tells nothing new).
    pub(crate) async fn send(self, ctx: &ApiContext) -> Result<Answer, Failure> {
        let mut builder = ctx.raw(self.method, self.path);
        for (name, value) in self.query {
            builder = builder.query(name, value);
        }
        if let Some(json) = &self.json {
            builder = builder.json(json);
        }
        let options = CallOptions::default()
            .retry(RetryPolicy::none())
            .attempt_timeout(self.timeout)
            .deadline(self.timeout + Duration::from_secs(5))
            .body_cap(4 << 20);
        match builder.options(options).send_raw().await {
            Ok(r) => Ok(Answer {
                status: r.status,
                content_type: r.header("content-type").map(media_type),
                json: serde_json::from_slice(&r.body).ok(),
                empty: r.body.is_empty(),
            }),
            Err(Error::Api(e)) => {
                let empty = e.body.is_null() && e.raw_body.as_deref().is_none_or(str::is_empty);
                Ok(Answer {
                    status: e.status,
                    content_type: None,
                    json: (!e.body.is_null()).then_some(e.body),
                    empty,
                })
            }
            Err(Error::UnexpectedRedirect { status, .. }) => Ok(Answer {
                status,
                content_type: None,
                json: None,
                empty: true,
            }),
            Err(Error::RateLimited { status, .. }) => Ok(Answer {
                status,
                content_type: None,
                json: None,
                empty: true,
            }),
            Err(Error::Timeout { .. }) => Err("timed out"),
            Err(Error::Connect { .. }) => Err("could not connect"),
            Err(Error::Transport { .. }) => Err("connection failed"),
            Err(Error::BodyTooLarge { .. }) => Err("answer larger than 4 MiB"),
            Err(Error::InvalidInput { .. }) | Err(Error::Config(_)) => Err("credential unusable"),
            Err(_) => Err("request failed"),
        }
    }
}

/// The verdict on an error answer: the expected status, with a JSON error object shaped as
/// `schema` says.
pub(crate) fn error_answer(
    id: &'static str,
    answer: &Answer,
    expected: u16,
    schema: &crate::documented::Schema,
) -> crate::CheckResult {
    let body = match &answer.json {
        Some(Value::Object(_)) => "a JSON error object".to_owned(),
        Some(v) => format!("a JSON {}", crate::shape::kind(v)),
        None if answer.empty => "no body".to_owned(),
        None => "a body that is not JSON".to_owned(),
    };
    let confirmed = answer.status == expected && matches!(answer.json, Some(Value::Object(_)));
    let result = crate::CheckResult::ran(
        id,
        Some(answer),
        confirmed,
        format!("{} with {body}", answer.status),
    );
    match &answer.json {
        Some(v @ Value::Object(_)) => result.with_findings(crate::shape::compare(&schema.ty, v)),
        _ => result,
    }
}

#[cfg(test)]
mod tests {
    use super::media_type;

    #[test]
    fn media_types_are_kept_only_when_plain() {
        assert_eq!(
            media_type("application/json; charset=UTF-8"),
            "application/json"
        );
        assert_eq!(media_type("audio/WAV"), "audio/wav");
        assert_eq!(media_type("text/html<script>"), "other");
        assert_eq!(media_type("secret value"), "other");
    }
}
