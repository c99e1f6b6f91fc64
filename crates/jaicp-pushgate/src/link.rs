//! The handle: one pushback link, split into its host (the client) and its id (the secret).

use jaicp_core::auth::Auth;
use jaicp_core::export::serde_json::Value;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, ClientBuilder, Error, Host, PushbackId, Result};

/// The path prefix of a pushback link; the id follows `push_` in the same segment.
const PREFIX: &str = "/pushgate/push_";

/// One pushback link. `Debug` shows the host only; the id is redacted everywhere.
#[derive(Clone)]
pub struct Pushgate {
    ctx: ApiContext,
}

impl std::fmt::Debug for Pushgate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pushgate")
            .field("host", self.ctx.client().host())
            .field("link", &"[REDACTED]")
            .finish()
    }
}

/// What the pushgate answered to a fire.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Fired {
    /// The HTTP status (2xx).
    pub status: u16,
    /// The body, when it was JSON (its shape is not documented).
    pub body: Option<Value>,
}

impl Pushgate {
    /// Parses and checks a link (`https://host/pushgate/push_<id>`) and makes a client for its
    /// host with default settings. Plain `http` is accepted only for loopback hosts.
    pub fn from_link(link: &str) -> Result<Self> {
        Self::from_link_with(Client::builder(), link)
    }

    /// Like [`Pushgate::from_link`] with your client settings (timeouts, retries, transport);
    /// the host is taken from the link.
    pub fn from_link_with(builder: ClientBuilder, link: &str) -> Result<Self> {
        let (origin, id, loopback) = parse_link(link)?;
        let client = builder
            .host(Host::custom(&origin)?)
            .allow_insecure_loopback(loopback)
            .build()?;
        Ok(Self::new(&client, &PushbackId::new(id)?))
    }

    /// A handle for the pushback `id` on the client's host.
    pub fn new(client: &Client, id: &PushbackId) -> Self {
        Pushgate {
            ctx: client.api(Auth::path_token("pushbackId", id)),
        }
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }

    /// Fires the link (GET): the bot gets the event with the data stored in the link.
    pub async fn fire(&self) -> Result<Fired> {
        let response = self
            .ctx
            .request(&crate::operations::FIRE_PUSHBACK)
            .send_raw()
            .await?;
        Ok(fired(response.status, &response.body))
    }

    /// Fires the link (POST) with a JSON object for the bot.
    pub async fn fire_with(&self, data: &Value) -> Result<Fired> {
        if !data.is_object() {
            return Err(Error::invalid(
                "data",
                "pushback data must be a JSON object",
            ));
        }
        let response = self
            .ctx
            .request(&crate::operations::FIRE_PUSHBACK_WITH_DATA)
            .json(data)
            .send_raw()
            .await?;
        Ok(fired(response.status, &response.body))
    }
}

fn fired(status: u16, body: &[u8]) -> Fired {
    Fired {
        status,
        body: jaicp_core::export::serde_json::from_slice(body).ok(),
    }
}

/// (origin, id, loopback) of a link, or a typed error that never contains the link.
fn parse_link(link: &str) -> Result<(String, String, bool)> {
    let bad = |why: &str| Error::invalid("link", why.to_owned());
    let url = url::Url::parse(link.trim()).map_err(|_| bad("not a URL"))?;
    let host = url.host_str().ok_or_else(|| bad("the link has no host"))?;
    let loopback = matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1");
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("the link must use https")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("the link must not carry user info"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("the link must not have a query or a fragment"));
    }
    let id = url
        .path()
        .strip_prefix(PREFIX)
        .ok_or_else(|| bad("the path must be /pushgate/push_<id>"))?;
    if id.is_empty()
        || id.contains('/')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    {
        return Err(bad("the pushback id must be letters, digits, `-` or `_`"));
    }
    let origin = url.origin().ascii_serialization();
    Ok((origin, id.to_owned(), loopback))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_checked_and_never_echoed() {
        let (origin, id, lo) =
            parse_link("https://app.jaicp.com/pushgate/push_0f3a-9c_77").unwrap();
        assert_eq!(
            (origin.as_str(), id.as_str(), lo),
            ("https://app.jaicp.com", "0f3a-9c_77", false)
        );
        assert!(
            parse_link("http://127.0.0.1:8080/pushgate/push_abc")
                .unwrap()
                .2
        );
        for bad in [
            "http://app.jaicp.com/pushgate/push_SECRETID",
            "ftp://app.jaicp.com/pushgate/push_SECRETID",
            "https://app.jaicp.com/other/push_SECRETID",
            "https://app.jaicp.com/pushgate/push_",
            "https://app.jaicp.com/pushgate/push_SECRETID?x=1",
            "https://u:p@app.jaicp.com/pushgate/push_SECRETID",
            "https://app.jaicp.com/pushgate/push_SECRET%2FID",
            "not a url SECRETID",
        ] {
            let err = parse_link(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidInput { .. }), "{bad}");
            assert!(!err.to_string().contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn debug_shows_no_id() {
        let p = Pushgate::from_link("https://app.jaicp.com/pushgate/push_SECRETID123").unwrap();
        assert!(!format!("{p:?}").contains("SECRETID123"));
    }
}
