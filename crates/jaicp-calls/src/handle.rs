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

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}
