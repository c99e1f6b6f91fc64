//! The desk → JAICP client, built from the webhook address JAICP gave the desk.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, ClientBuilder, Error, Host, OperatorApiKey, Result};

/// The path prefix of the JAICP webhook address; the key follows it.
const PREFIX: &str = "/chatapi/webhook/operatorapi/";

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
    /// A client for the JAICP webhook address (`https://host/chatapi/webhook/operatorapi/<key>`)
    /// received in `setWebhook`. Plain `http` only for loopback hosts.
    pub fn from_webhook_url(url: &str) -> Result<Self> {
        Self::from_webhook_url_with(Client::builder(), url)
    }

    /// Like [`OperatorClient::from_webhook_url`] with your client settings.
    pub fn from_webhook_url_with(builder: ClientBuilder, url: &str) -> Result<Self> {
        let bad = |why: &str| Error::invalid("webhookUrl", why.to_owned());
        let parsed = url::Url::parse(url.trim()).map_err(|_| bad("not a URL"))?;
        let host = parsed.host_str().ok_or_else(|| bad("no host"))?;
        let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
        if !(parsed.scheme() == "https" || (parsed.scheme() == "http" && loopback)) {
            return Err(bad("the address must use https"));
        }
        let key = parsed
            .path()
            .strip_prefix(PREFIX)
            .filter(|k| !k.is_empty() && !k.contains('/'))
            .ok_or_else(|| bad("the path must be /chatapi/webhook/operatorapi/<key>"))?;
        let client = builder
            .host(Host::custom(&parsed.origin().ascii_serialization())?)
            .allow_insecure_loopback(loopback)
            .build()?;
        Ok(Self::new(&client, &OperatorApiKey::new(key)?))
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

    /// An agent's file (by link) for the client `user_id`.
    pub async fn send_file(
        &self,
        user_id: &str,
        employee: &Employee,
        url: &str,
        name: Option<&str>,
    ) -> Result<()> {
        check_user(user_id)?;
        self.post(OperatorEvent::FileMessage(FileMessageEvent {
            id: event_id(),
            user_id: user_id.to_owned(),
            employee: employee.clone(),
            url: url.to_owned(),
            name: name.map(str::to_owned),
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
