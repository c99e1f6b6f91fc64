//! The desk → JAICP client, built from the webhook address JAICP gave the desk.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, ClientBuilder, Error, Host, OperatorApiKey, Result};

/// The part of the JAICP webhook address that ends the base path; the key follows it.
const MARKER: &str = "/chatapi/webhook/operatorapi/";

/// The base path of the generated operation (the documented form, `/chatadapter/chatapi/...`).
const DOCUMENTED_BASE: &str = "/chatadapter/chatapi/webhook/operatorapi";

/// Posts agent-desk events to JAICP. `Debug` shows the host only.
#[derive(Clone)]
pub struct OperatorClient {
    ctx: ApiContext,
}

impl std::fmt::Debug for OperatorClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorClient")
            .field("host", self.ctx.client().host())
            .field("webhook", &"[REDACTED]")
            .finish()
    }
}

impl OperatorClient {
    /// A client for the JAICP webhook address received in `setWebhook`, such as
    /// `https://host/chatadapter/chatapi/webhook/operatorapi/<key>` (the documented form) or the
    /// same without `/chatadapter`; whatever comes before `/chatapi/` is kept.
    ///
    /// The address must use `https`. The help pages show `http://` addresses; plain HTTP is
    /// accepted only through the same opt-in every host needs: [`Self::from_webhook_url_with`]
    /// and a builder with [`ClientBuilder::allow_insecure_loopback`] (loopback hosts only).
    pub fn from_webhook_url(url: &str) -> Result<Self> {
        Self::from_webhook_url_with(Client::builder(), url)
    }

    /// Like [`OperatorClient::from_webhook_url`] with your client settings.
    pub fn from_webhook_url_with(builder: ClientBuilder, url: &str) -> Result<Self> {
        let bad = |why: &str| Error::invalid("webhookUrl", why.to_owned());
        let parsed = url::Url::parse(url.trim()).map_err(|_| bad("not a URL"))?;
        if parsed.host_str().is_none() {
            return Err(bad("no host"));
        }
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(bad("the address must use https"));
        }
        let path = parsed.path();
        let (base, key) = path
            .find(MARKER)
            .map(|at| (&path[..at], &path[at + MARKER.len()..]))
            .filter(|(base, key)| !key.is_empty() && !key.contains('/') && !base.contains("//"))
            .ok_or_else(|| {
                bad("the path must be [/chatadapter]/chatapi/webhook/operatorapi/<key>")
            })?;
        // The key came percent-encoded in the URL; the path pipeline encodes it again.
        let key = percent_encoding::percent_decode_str(key)
            .decode_utf8()
            .map_err(|_| bad("the key is not UTF-8"))?;
        // The scheme check (plain HTTP only with the loopback opt-in) is the client builder's.
        let client = builder
            .host(Host::custom(&parsed.origin().ascii_serialization())?)
            .build()
            .map_err(|e| match parsed.scheme() {
                "http" => bad(
                    "plain http needs from_webhook_url_with and ClientBuilder::allow_insecure_loopback(true) (loopback hosts only); use the https form of the address",
                ),
                _ => e,
            })?;
        let mut this = Self::new(&client, &OperatorApiKey::new(key.as_ref())?);
        let actual = format!("{base}/chatapi/webhook/operatorapi");
        if actual != DOCUMENTED_BASE {
            this.ctx = this.ctx.with_path_rewrite(DOCUMENTED_BASE, &actual);
        }
        Ok(this)
    }

    /// A client for the key on the client's host.
    pub fn new(client: &Client, key: &OperatorApiKey) -> Self {
        OperatorClient {
            ctx: client.api(Auth::path_token("apiKey", key)),
        }
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

use crate::OperatorFile;
use crate::models::{
    ClosedEvent, Destination, Employee, FileMessageEvent, OperatorEvent, SelectDestinationEvent,
    TextMessageEvent,
};

fn event_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn check_user(user_id: &str) -> Result<()> {
    if user_id.trim().is_empty() {
        return Err(Error::invalid("userId", "the user id cannot be empty"));
    }
    Ok(())
}

impl OperatorClient {
    /// Posts one event (with its own unique `id`). Never re-sent once it may have reached JAICP.
    pub async fn post(&self, event: OperatorEvent) -> Result<()> {
        self.post_operator_event(event).send().await
    }

    /// An agent's text for the client `user_id`.
    pub async fn send_text(&self, user_id: &str, employee: &Employee, text: &str) -> Result<()> {
        check_user(user_id)?;
        self.post(OperatorEvent::TextMessage(TextMessageEvent {
            id: event_id(),
            user_id: user_id.to_owned(),
            employee: employee.clone(),
            text: text.to_owned(),
            ..Default::default()
        }))
        .await
    }

    /// An agent's file (by link, with an optional name, size and caption) for the client
    /// `user_id`: `send_file(user, &bob, OperatorFile::new(url).name("a.pdf").size(1024))`, or
    /// just a link (`send_file(user, &bob, url)`).
    pub async fn send_file(
        &self,
        user_id: &str,
        employee: &Employee,
        file: impl Into<OperatorFile>,
    ) -> Result<()> {
        check_user(user_id)?;
        let file = file.into();
        self.post(OperatorEvent::FileMessage(FileMessageEvent {
            id: event_id(),
            user_id: user_id.to_owned(),
            employee: employee.clone(),
            url: file.url,
            name: file.name,
            size: file.size.map(Into::into),
            comment: file.comment,
            ..Default::default()
        }))
        .await
    }

    /// The agent closed the chat: the client goes back to the bot.
    pub async fn close(&self, user_id: &str, employee: &Employee) -> Result<()> {
        check_user(user_id)?;
        self.post(OperatorEvent::Closed(ClosedEvent {
            id: event_id(),
            user_id: user_id.to_owned(),
            employee: employee.clone(),
            ..Default::default()
        }))
        .await
    }

    /// The desk routes the client to another destination (agent group).
    pub async fn select_destination(&self, user_id: &str, destination: Destination) -> Result<()> {
        check_user(user_id)?;
        self.post(OperatorEvent::SelectDestination(SelectDestinationEvent {
            id: event_id(),
            user_id: user_id.to_owned(),
            destination,
            ..Default::default()
        }))
        .await
    }
}
