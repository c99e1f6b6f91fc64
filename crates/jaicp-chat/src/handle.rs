//! The Chat API handle: a client bound to one channel token.

use std::sync::Arc;

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{ChatApiToken, Client};

/// Routes of the Chat API operations whose paths JAICP does not document (history, client
/// state). The defaults are our guesses (see `specs/chat.yml`, `x-unconfirmed`); change them
/// here when a live host answers elsewhere. `{token}` is replaced with the channel token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatPaths {
    /// History of one client (default `/chatapi/{token}/history`, GET).
    pub history: String,
    /// Saved client state (default `/chatapi/{token}/state`, GET to load, POST to save).
    pub state: String,
}

impl Default for ChatPaths {
    fn default() -> Self {
        ChatPaths {
            history: crate::operations::GET_CLIENT_HISTORY.path.to_owned(),
            state: crate::operations::LOAD_CLIENT_STATE.path.to_owned(),
        }
    }
}

/// The Chat API of one channel. Cheap to clone.
///
/// Every operation is a method returning a request builder (see [`crate::operations`]); the
/// helpers ([`Chat::send`], [`Chat::send_async`], [`Chat::events`], [`Chat::history`],
/// [`Chat::load_state`], [`Chat::save_state`]) are built on them.
#[derive(Clone, Debug)]
pub struct Chat {
    pub(crate) ctx: ApiContext,
    pub(crate) paths: Arc<ChatPaths>,
}

impl Chat {
    /// The Chat API of the channel whose token is given. The token travels in the URL path and is
    /// redacted from every log line, error and `Debug` output.
    pub fn new(client: &Client, token: &ChatApiToken) -> Self {
        Chat {
            ctx: client.api(Auth::path_token("token", token)),
            paths: Arc::new(ChatPaths::default()),
        }
    }

    /// Uses other routes for the operations whose paths are not documented.
    pub fn with_paths(mut self, paths: ChatPaths) -> Self {
        self.paths = Arc::new(paths);
        self
    }

    /// The routes in use.
    pub fn paths(&self) -> &ChatPaths {
        &self.paths
    }

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}
