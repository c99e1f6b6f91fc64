//! A request being described: path parameters, query, headers, body, key and options. Data only;
//! the `send_*` methods (in the pipeline) hand it over for sending.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;

use super::context::ApiContext;
use super::options::CallOptions;
use super::spec::{IDEMPOTENCE_KEY, Idempotency, OperationSpec, RAW};
use crate::error::{Error, OpName};

/// A request being built. Made by [`ApiContext::request`] (generated operations) or
/// [`ApiContext::raw`]; sent by its `send_*` methods.
#[derive(Debug)]
pub struct RequestBuilder {
    pub(crate) ctx: ApiContext,
    pub(crate) op: &'static OperationSpec,
    pub(crate) method: Method,
    pub(crate) path: Cow<'static, str>,
    pub(crate) idempotency: Idempotency,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) options: CallOptions,
    /// The first problem met while building; `send` returns it without sending anything.
    pub(crate) error: Option<Error>,
}

impl RequestBuilder {
    pub(crate) fn new(
        ctx: ApiContext,
        op: &'static OperationSpec,
        method: Method,
        path: Cow<'static, str>,
        idempotency: Idempotency,
    ) -> Self {
        RequestBuilder {
            ctx,
            op,
            method,
            path,
            idempotency,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            idempotency_key: None,
            options: CallOptions::default(),
            error: None,
        }
    }

    pub(crate) fn fail(&mut self, error: Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Whether this is a `raw()` request (its path may carry tokens the SDK does not know).
    pub(crate) fn is_raw(&self) -> bool {
        std::ptr::eq(self.op, &RAW)
    }

    /// The operation's name for errors and logs.
    pub(crate) fn op_name(&self) -> OpName {
        self.op.name()
    }

    /// Fills the `{name}` placeholder of the path. The value is validated and percent-encoded
    /// when the request is sent.
    pub fn path_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter when the value is present.
    pub fn query_opt<V: ToString>(self, name: impl Into<String>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds a repeated query parameter (`form` style, exploded: `a=1&a=2`).
    pub fn query_many<V: ToString>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for v in values {
            self.query.push((name.to_owned(), v.to_string()));
        }
        self
    }

    /// Adds a header. An invalid name or value makes `send` fail with `InvalidInput`.
    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.as_ref()),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            _ => self.fail(Error::invalid(name, "not a valid HTTP header")),
        }
        self
    }

    /// Adds a header when the value is present.
    pub fn header_opt(self, name: &str, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sends `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body_bytes(bytes, "application/json"),
            Err(e) => {
                self.fail(Error::invalid("body", format!("cannot serialise: {e}")));
                self
            }
        }
    }

    /// Sends `pairs` as an `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            encoder.append_pair(k.as_ref(), v.as_ref());
        }
        let body = encoder.finish();
        self.body_bytes(body, "application/x-www-form-urlencoded")
    }

    /// Sends raw bytes with a content type (multipart bodies, files).
    pub fn body_bytes(mut self, body: impl Into<Bytes>, content_type: &str) -> Self {
        self.body = body.into();
        match HeaderValue::from_str(content_type) {
            Ok(v) => {
                self.headers.insert(CONTENT_TYPE, v);
            }
            Err(_) => self.fail(Error::invalid("content-type", "not a valid header value")),
        }
        self
    }

    /// The idempotence key for a keyed write. Without one, a fresh UUID is made once per logical
    /// call and reused on every attempt. Pass your own to make a call safe across process restarts.
    pub fn idempotency_key(mut self, key: Option<String>) -> Self {
        if let Some(k) = &key
            && (k.is_empty() || k.len() > 255 || !k.bytes().all(|b| b.is_ascii_graphic()))
        {
            self.fail(Error::invalid(
                IDEMPOTENCE_KEY,
                "must be 1-255 visible ASCII characters",
            ));
        }
        self.idempotency_key = key;
        self
    }

    /// Per-call overrides.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}
