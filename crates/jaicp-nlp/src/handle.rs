//! The NLP Direct API handle: a client bound to one project's NLP Direct key.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, NlpKey};

/// Where NLP Direct lives under the host on the cloud (`https://app.jaicp.com/cailapub`).
/// On-premise installs may mount it elsewhere: use [`Nlp::with_prefix`].
pub const DEFAULT_PREFIX: &str = "/cailapub";

/// The NLP Direct API of one project (one classifier). Cheap to clone.
///
/// Every operation of the API is a method returning a request builder (see [`crate::operations`]);
/// the helpers (training with [`Nlp::train`], file export/import, validation) are built on them.
#[derive(Clone, Debug)]
pub struct Nlp {
    ctx: ApiContext,
}

impl Nlp {
    /// The NLP Direct API of the project whose key is given, under [`DEFAULT_PREFIX`]. The key
    /// travels in the URL path and is redacted from every log line, error and `Debug` output.
    pub fn new(client: &Client, key: &NlpKey) -> Self {
        Self::with_prefix(client, key, DEFAULT_PREFIX)
    }

    /// Like [`Nlp::new`] with another base path (`""` when the API sits at the host's root).
    pub fn with_prefix(client: &Client, key: &NlpKey, prefix: &str) -> Self {
        Nlp {
            ctx: client
                .api(Auth::path_token("accessToken", key))
                .with_prefix(prefix),
        }
    }

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}
