//! The client: one per host, cheap to clone, built once.

use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;

use crate::error::{Error, Result};
use crate::host::{Host, is_loopback_url};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::transport::{ReqwestTransport, Transport};

/// The SDK's user agent.
pub const USER_AGENT: &str = concat!("jaicp-rs/", env!("CARGO_PKG_VERSION"));

/// Client-wide settings. `Default` gives the documented defaults; every field can be changed
/// through [`ClientBuilder`] and most per call through [`crate::CallOptions`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Time to open a connection. Default 5 s.
    pub connect_timeout: Duration,
    /// Time for one attempt: request sent and response read. Default 30 s.
    pub attempt_timeout: Duration,
    /// Time for a whole operation, retries included. Default 120 s.
    pub deadline: Duration,
    /// Longest silence inside a streamed body before it fails as stalled. Default 20 s.
    pub stall_timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest JSON/text body read into memory. Default 16 MiB.
    pub body_cap: u64,
    /// Largest error body kept for diagnostics. Default 8 KiB.
    pub error_body_cap: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
            stall_timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            body_cap: 16 * 1024 * 1024,
            error_body_cap: 8 * 1024,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) host: Host,
    /// The host's scheme and authority (`https://host:port`), parsed once: request URLs are
    /// parsed relative to it, so that the host is not parsed again for every request.
    pub(crate) origin: url::Url,
    /// The base URL's own path without a trailing `/` (`/jaicp` in `https://host/jaicp`, mostly
    /// empty): every request path starts with it, and logs leave it out.
    pub(crate) base_path: Box<str>,
    /// The `User-Agent` of every request, whatever the transport.
    pub(crate) user_agent: HeaderValue,
    pub(crate) transport: Sender,
    pub(crate) config: Config,
    pub(crate) budget: RetryBudget,
}

/// What sends a client's requests: the default reqwest transport, which the pipeline calls
/// directly (no boxed future or body stream per request), or any other [`Transport`].
pub(crate) enum Sender {
    /// The default transport, or one over the user's reqwest client.
    Reqwest(ReqwestTransport),
    /// A transport the user supplied.
    Custom(Arc<dyn Transport>),
}

/// A JAICP client for one host. Clone it freely: clones share the connection pool and the retry
/// budget. API handles (`jaicp_calls::Calls`, ...) are made from it with a credential.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.inner.host)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the JAICP cloud with default settings.
    pub fn new() -> Result<Self> {
        Client::builder().build()
    }

    /// A client for the host named by `JAICP_HOST` (`jaicp`, `tovie`, `aimylogic` or a URL;
    /// default `jaicp`). Plain HTTP is allowed only for a loopback host.
    pub fn from_env() -> Result<Self> {
        let host = match std::env::var("JAICP_HOST") {
            Ok(v) if !v.trim().is_empty() => Host::parse(&v)?,
            _ => Host::Jaicp,
        };
        let loopback = host.is_loopback();
        Client::builder()
            .host(host)
            .allow_insecure_loopback(loopback)
            .build()
    }

    /// The host.
    pub fn host(&self) -> &Host {
        &self.inner.host
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Tokens left in the retry budget.
    pub fn retry_budget_available(&self) -> u32 {
        self.inner.budget.available()
    }

    /// The host's scheme and authority, parsed.
    pub(crate) fn origin(&self) -> &url::Url {
        &self.inner.origin
    }

    /// The path of the host's base URL (`/jaicp` in `https://host/jaicp`; empty for most).
    pub(crate) fn base_path(&self) -> &str {
        &self.inner.base_path
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    host: Option<Host>,
    config: Config,
    user_agent: Option<String>,
    transport: Option<Arc<dyn Transport>>,
    reqwest: Option<reqwest::Client>,
    allow_insecure_loopback: bool,
    retry_budget: Option<u32>,
}

impl ClientBuilder {
    /// The host (default [`Host::Jaicp`]).
    pub fn host(mut self, host: Host) -> Self {
        self.host = Some(host);
        self
    }

    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.config.connect_timeout = d;
        self
    }

    /// Per-attempt timeout (default 30 s).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.config.attempt_timeout = d;
        self
    }

    /// Whole-operation deadline, retries included (default 120 s).
    pub fn deadline(mut self, d: Duration) -> Self {
        self.config.deadline = d;
        self
    }

    /// Stall limit for streamed bodies (default 20 s).
    pub fn stall_timeout(mut self, d: Duration) -> Self {
        self.config.stall_timeout = d;
        self
    }

    /// Retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Size of the retry budget in tokens (default 500; a retry costs 5, after a timeout 10).
    pub fn retry_budget(mut self, tokens: u32) -> Self {
        self.retry_budget = Some(tokens);
        self
    }

    /// Largest body read into memory (default 16 MiB).
    pub fn body_cap(mut self, bytes: u64) -> Self {
        self.config.body_cap = bytes;
        self
    }

    /// User agent suffix, added after the SDK's own. Sent on every request, whatever the
    /// transport or reqwest client (unless a request sets its own `User-Agent`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Allows plain HTTP when the host is a loopback address (the emulator, local tests).
    /// A remote host always needs HTTPS.
    pub fn allow_insecure_loopback(mut self, allow: bool) -> Self {
        self.allow_insecure_loopback = allow;
        self
    }

    /// Uses a reqwest client you built (proxies, custom roots).
    ///
    /// The pipeline still applies, per request, the user agent, `Accept`, the credential, the
    /// attempt timeout, the deadline, the stall limit, the body caps and the retry rules. What
    /// your client must not change: it must not follow redirects (`redirect::Policy::none()`;
    /// the SDK treats a 3xx as an error, a client that follows them sends path tokens to
    /// another URL), must not send `Referer`, and must not add default `Authorization` headers.
    /// The connect timeout of [`ClientBuilder::connect_timeout`] cannot be put on a client that
    /// is already built: set it on your builder (the attempt timeout bounds a connect anyway).
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest = Some(client);
        self
    }

    /// Uses another transport entirely (tests, other HTTP stacks).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Builds the client, checking the host's scheme.
    pub fn build(self) -> Result<Client> {
        let host = self.host.unwrap_or_default();
        let base = host.base_url();
        match base.scheme() {
            "https" => {}
            "http" if self.allow_insecure_loopback && is_loopback_url(&base) => {}
            "http" if is_loopback_url(&base) => {
                return Err(Error::Config(
                    "plain HTTP needs allow_insecure_loopback(true) (loopback hosts only)".into(),
                ));
            }
            "http" => {
                return Err(Error::Config(
                    "plain HTTP is refused for a remote host: tokens would travel in clear".into(),
                ));
            }
            other => return Err(Error::Config(format!("unsupported URL scheme `{other}`"))),
        }
        let ua = match &self.user_agent {
            Some(extra) => format!("{USER_AGENT} {extra}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::from_str(&ua)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        let transport = match (self.transport, self.reqwest) {
            (Some(t), _) => Sender::Custom(t),
            (None, Some(c)) => Sender::Reqwest(ReqwestTransport::from_client(c)),
            (None, None) => Sender::Reqwest(ReqwestTransport::new(self.config.connect_timeout)?),
        };
        let base_path = base.path().trim_end_matches('/');
        let origin = url::Url::parse(&base[..url::Position::BeforePath])
            .map_err(|e| Error::Config(format!("cannot parse the host's origin: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                host,
                origin,
                base_path: Box::from(base_path),
                user_agent,
                transport,
                budget: RetryBudget::new(self.retry_budget.unwrap_or(500)),
                config: self.config,
            }),
        })
    }
}
