//! The Projects handle: a client bound to one unified token.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, UnifiedToken};

/// The JAICP Project API (bot projects). Cheap to clone.
///
/// Every operation of the API is a method returning a request builder (see [`crate::operations`]).
#[derive(Clone, Debug)]
pub struct Projects {
    ctx: ApiContext,
}

impl Projects {
    /// The API, authenticated with the unified token (`Authorization: Bearer`).
    pub fn new(client: &Client, token: &UnifiedToken) -> Self {
        Projects {
            ctx: client.api(Auth::bearer(token)),
        }
    }

    /// The API over an existing context (e.g. one with a path prefix for a proxy mount point).
    pub fn from_context(ctx: ApiContext) -> Self {
        Projects { ctx }
    }

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}
