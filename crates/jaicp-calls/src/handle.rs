//! The Calls API handle: a client bound to one campaign token.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{CampaignToken, Client};

/// The Calls API of one outbound call campaign. Cheap to clone.
///
/// Every operation of the API is a method returning a request builder (see [`crate::operations`]);
/// the bulk helpers ([`Calls::add_phones`], report streams) are built on them.
#[derive(Clone, Debug)]
pub struct Calls {
    ctx: ApiContext,
}

impl Calls {
    /// The Calls API of the campaign whose token is given. The token travels in the URL path and
    /// is redacted from every log line, error and `Debug` output.
    pub fn new(client: &Client, token: &CampaignToken) -> Self {
        Calls {
            ctx: client.api(Auth::path_token("token", token)),
        }
    }

    /// The Calls API of the campaign with its own route family (see [`CallsPaths`]).
    pub fn with_paths(client: &Client, token: &CampaignToken, paths: CallsPaths) -> Self {
        let mut ctx = client.api(Auth::path_token("token", token));
        if paths.crm != CRM_BASE {
            ctx = ctx.with_path_rewrite(CRM_BASE, &paths.crm);
        }
        Calls { ctx }
    }

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

/// Base of the CRM-style single-number routes in the official document.
const CRM_BASE: &str = "/api/crmCalls/campaign/{token}";

/// Where the CRM-style single-number operations (`crm_add_phone`, `crm_add_phone_form`,
/// `crm_add_phone_test`) are sent. The official document has them under
/// `/api/crmCalls/campaign/{token}`; older JAICP releases (the 1.10 help pages, the LTS
/// idempotence example) send `GET /api/calls/campaign/{token}/addPhone` instead. Which family a
/// given install serves is not something the SDK can know, so it is a setting.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallsPaths {
    /// Base that replaces `/api/crmCalls/campaign/{token}`; `{token}` is filled with the
    /// campaign token.
    pub crm: String,
}

impl Default for CallsPaths {
    fn default() -> Self {
        CallsPaths {
            crm: CRM_BASE.into(),
        }
    }
}

impl CallsPaths {
    /// The older family: the single-number add under `/api/calls/campaign/{token}`, beside
    /// every other Calls operation.
    pub fn older() -> Self {
        CallsPaths {
            crm: "/api/calls/campaign/{token}".into(),
        }
    }

    /// Sets the base that replaces `/api/crmCalls/campaign/{token}`.
    pub fn crm(mut self, base: impl Into<String>) -> Self {
        self.crm = base.into();
        self
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jaicp_core::testing::{ScriptedTransport, Step};
    use jaicp_core::{CampaignToken, Client, Host};

    use super::*;

    fn client(t: &ScriptedTransport) -> Client {
        Client::builder()
            .host(Host::custom("https://jaicp.test").unwrap())
            .transport(Arc::new(t.clone()))
            .build()
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn the_older_route_family_sends_the_single_add_under_api_calls() {
        // The older form, as in the 1.10 help pages: the number is a query parameter.
        let t = ScriptedTransport::new([Step::json(200, "123"), Step::json(200, "124")]);
        let token = CampaignToken::new("1000001.2000002.a1b2c3:d4").unwrap();
        let older = Calls::with_paths(&client(&t), &token, CallsPaths::older());
        let id = older.crm_add_phone("79001112233").send().await.unwrap();
        assert_eq!(id.as_str(), "123");
        let url = &t.requests()[0].url;
        assert_eq!(
            url.path(),
            "/api/calls/campaign/1000001.2000002.a1b2c3:d4/addPhone"
        );
        // The key makes the add safe to retry on this route too.
        assert!(
            url.query()
                .unwrap()
                .starts_with("phone=79001112233&Idempotence-Key=")
        );
        // Everything else keeps its route.
        let current = Calls::new(&client(&t), &token);
        current.crm_add_phone("79001112233").send().await.unwrap();
        assert_eq!(
            t.requests()[1].url.path(),
            "/api/crmCalls/campaign/1000001.2000002.a1b2c3:d4/addPhone"
        );
        assert_eq!(CallsPaths::default().crm(CRM_BASE), CallsPaths::default());
    }
}
