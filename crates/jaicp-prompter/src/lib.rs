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
mod handle;

pub use generated::models;
pub use generated::operations;
pub use handle::Prompter;

use jaicp_core::export::serde_json::{self, Value};
use jaicp_core::{Error, Result};

use crate::models::PrompterResult;

/// Decodes a proposals payload pushed to the integrator (`receivePrompterResult`). Never panics;
/// a bad payload is an [`Error::Decode`] naming `prompter.receivePrompterResult`, like every
/// decoding failure of the SDK.
pub fn decode_result(body: &[u8]) -> Result<PrompterResult> {
    let op = operations::RECEIVE_PROMPTER_RESULT.name();
    let decode_error = |message: String| Error::Decode {
        op,
        path: ".".into(),
        message,
        snippet: None,
    };
    let value: Value =
        serde_json::from_slice(body).map_err(|e| decode_error(format!("malformed JSON: {e}")))?;
    // A struct would also accept a JSON array (as a sequence of fields): refuse it first.
    if !value.is_object() {
        return Err(decode_error("expected a JSON object".into()));
    }
    jaicp_core::request::decode_json(op, body, &[])
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
        assert!(matches!(decode_result(b"{"), Err(Error::Decode { .. })));
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
