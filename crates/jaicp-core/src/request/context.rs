//! An API handle: a client bound to one credential, with the path prefix and rewrites of its API.

use std::borrow::Cow;
use std::sync::Arc;

use http::Method;

use super::builder::RequestBuilder;
use super::spec::{Idempotency, OperationSpec, RAW};
use crate::auth::Auth;
use crate::client::Client;
use crate::error::Error;

/// A client bound to one credential: what every API handle wraps. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct ApiContext {
    shared: Arc<Shared>,
}

/// A path token encoded as a segment, or why it cannot be one: (field, reason) of the
/// `InvalidInput` error every request with this context reports.
pub(crate) type EncodedToken = Result<Box<str>, (String, String)>;

/// Everything a request needs from its context, computed once per handle.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) client: Client,
    pub(crate) auth: Auth,
    /// The credential's secret values: every error and log line is scrubbed of them.
    pub(crate) secrets: Arc<[String]>,
    /// The path parameter the credential fills, and its value validated and percent-encoded
    /// once (it never changes) — or why it is not a valid path segment (field, reason).
    pub(crate) path_token: Option<(&'static str, EncodedToken)>,
    pub(crate) prefix: Box<str>,
    pub(crate) rewrites: Vec<(String, String)>,
}

impl std::fmt::Debug for ApiContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written by hand: `secrets` must never be printed.
        f.debug_struct("ApiContext")
            .field("client", &self.shared.client)
            .field("auth", &self.shared.auth)
            .field("prefix", &self.shared.prefix)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// An API handle with the given authentication: the base of every typed API crate, and the
    /// way to reach endpoints the SDK does not model yet ([`ApiContext::raw`]).
    pub fn api(&self, auth: Auth) -> ApiContext {
        ApiContext::new(self.clone(), auth)
    }
}

impl ApiContext {
    /// A context with the given authentication and no path prefix.
    pub fn new(client: Client, auth: Auth) -> Self {
        let secrets: Arc<[String]> = auth.secrets().into();
        let path_token = auth.path_param().map(|(param, secret)| {
            let encoded = crate::path::segment(param, secret)
                .map(String::into_boxed_str)
                .map_err(|e| match e {
                    Error::InvalidInput { field, reason } => (field, reason),
                    other => (param.to_owned(), other.to_string()),
                });
            (param, encoded)
        });
        ApiContext {
            shared: Arc::new(Shared {
                client,
                auth,
                secrets,
                path_token,
                prefix: Box::from(""),
                rewrites: Vec::new(),
            }),
        }
    }

    /// Puts `prefix` before every operation path (e.g. `/cailapub` for NLP Direct, or a proxy
    /// mount point). Used where an API's base path differs between installs.
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        Arc::make_mut(&mut self.shared).prefix = Box::from(prefix.trim_end_matches('/'));
        self
    }

    /// Rewrites operation paths that start with `from` to start with `to` instead (checked in the
    /// order added; the first match wins). `to` may hold a `{param}` placeholder that the
    /// context's path token fills — how one API's operations are served under another base path
    /// (e.g. the legacy Reporter's `/reporter/p/{token}` instead of `/api/v1/reporter`).
    pub fn with_path_rewrite(mut self, from: &str, to: &str) -> Self {
        Arc::make_mut(&mut self.shared)
            .rewrites
            .push((from.to_owned(), to.trim_end_matches('/').to_owned()));
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.shared.client
    }

    /// The path prefix.
    pub fn prefix(&self) -> &str {
        &self.shared.prefix
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The credential's secret values, for scrubbing text built outside the pipeline.
    pub(crate) fn secret_values(&self) -> Vec<&str> {
        self.shared.secrets.iter().map(String::as_str).collect()
    }

    /// Starts a request for an operation.
    pub fn request(&self, op: &'static OperationSpec) -> RequestBuilder {
        RequestBuilder::new(
            self.clone(),
            op,
            op.method.clone(),
            Cow::Borrowed(op.path),
            op.idempotency,
        )
    }

    /// Starts a request to an endpoint the SDK does not model. `path` is relative to the host
    /// (absolute URLs are refused, so the credential never goes to another host) and may contain
    /// `{name}` placeholders filled by [`RequestBuilder::path_param`]. GET, HEAD, PUT and DELETE
    /// are retried like other idempotent operations; other methods are retried only with an
    /// idempotence key.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RequestBuilder {
        let path: String = path.into();
        let idempotency = if matches!(
            method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE
        ) {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        let refused = !path.starts_with('/') || path.starts_with("//");
        let mut builder =
            RequestBuilder::new(self.clone(), &RAW, method, Cow::Owned(path), idempotency);
        if refused {
            builder.fail(Error::Config(
                "raw paths must be relative to the host and start with `/`".into(),
            ));
        }
        builder
    }
}
