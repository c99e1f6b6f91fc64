//! The JAICP Prompter API: answer proposals for live agents from a prompter bot.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{Client, PrompterToken};
//! use jaicp_prompter::Prompter;
//!
//! let prompter = Prompter::new(&Client::from_env()?, &PrompterToken::from_env()?);
//! let result = prompter.suggest("desk-chat-5521", "cust-981", "Where are your branches?").await?;
//! for option in &result.answer_options {
//!     println!("{:?}: {:?}", option.intent.as_ref().and_then(|i| i.path.clone()), option.messages);
//! }
//! # Ok(()) }
//! ```
//!
//! Whether JAICP answers in the HTTP response or by a callback is not documented (see
//! `specs/prompter.yml`); the callback payload is decoded by [`decode_result`].
#![forbid(unsafe_code)]

mod generated;

pub use generated::models;
pub use generated::operations;

use jaicp_core::export::serde_json::{self, Value};
use jaicp_core::{ApiContext, Auth, Client, Error, PrompterToken, Result};

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
        };
        self.get_suggestions(body).send().await
    }
}

/// Decodes a proposals payload pushed to the integrator (`receivePrompterResult`). Never panics.
pub fn decode_result(body: &[u8]) -> std::result::Result<PrompterResult, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
    if !value.is_object() {
        return Err("expected a JSON object".into());
    }
    serde_json::from_value(value).map_err(|e| format!("unexpected payload: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_decode_tolerantly() {
        let r = decode_result(
            br#"{"chatId":"c","answerOptions":[{"messages":[{"type":"TEXT","text":"We are in 5 countries."}],
                "intent":{"id":3,"path":"/Branches","confidence":0.9}}],"extra":true}"#,
        )
        .unwrap();
        assert_eq!(
            r.answer_options[0].intent.as_ref().unwrap().path.as_deref(),
            Some("/Branches")
        );
        assert!(decode_result(b"{").is_err());
        assert!(decode_result(b"[1]").is_err());
        assert!(decode_result(br#"{"answerOptions":5}"#).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = decode_result(&bytes);
        }
    }
}
