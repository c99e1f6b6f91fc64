//! The Prompter API handle: a client bound to one Prompter channel token.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, Error, PrompterToken, Result};

use crate::models::{ClientInfo, PrompterRequest, PrompterResult};

/// The Prompter API of one channel. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Prompter {
    ctx: ApiContext,
}

impl Prompter {
    /// The Prompter API of the channel whose token is given (in the path, redacted).
    pub fn new(client: &Client, token: &PrompterToken) -> Self {
        Prompter {
            ctx: client.api(Auth::path_token("token", token)),
        }
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }

    /// Proposals for the customer's `text` in the desk chat `chat_id`. A read as far as retries
    /// are concerned.
    pub async fn suggest(
        &self,
        chat_id: &str,
        customer_id: &str,
        text: &str,
    ) -> Result<PrompterResult> {
        for (field, value) in [
            ("chatId", chat_id),
            ("clientInfo.id", customer_id),
            ("text", text),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid(field, "cannot be empty"));
            }
        }
        let body = PrompterRequest {
            chat_id: chat_id.to_owned(),
            client_info: ClientInfo {
                id: customer_id.to_owned(),
                ..Default::default()
            },
            text: text.to_owned(),
            ..Default::default()
        };
        self.get_suggestions(body).send().await
    }
}
