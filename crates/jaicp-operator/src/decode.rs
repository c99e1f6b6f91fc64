//! Decoders of the requests JAICP sends to the desk (available without the `server` feature, so
//! any framework can use them). They never panic; the error says what is wrong, without the body.

use jaicp_core::export::serde::de::DeserializeOwned;
use jaicp_core::export::serde_json::{self, Value};

use crate::models::{
    CloseChatRequest, SelectDestinationRequest, SendFileRequest, SendTextRequest, SetWebhookRequest,
};

/// Why a payload was refused (the same error as every decoder of what JAICP sends).
pub use jaicp_core::inbound::DecodeError;

/// An object payload with the listed fields present as non-empty strings.
fn object<T: DeserializeOwned>(body: &[u8], required: &[&str]) -> Result<T, DecodeError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| DecodeError::malformed(&e))?;
    let Some(map) = value.as_object() else {
        return Err(DecodeError::Shape("expected a JSON object".into()));
    };
    for field in required {
        match map.get(*field) {
            Some(Value::String(s)) if !s.is_empty() => {}
            _ => return Err(DecodeError::field(*field, "must be a non-empty string")),
        }
    }
    serde_json::from_value(value).map_err(|e| DecodeError::shape("", &e))
}

/// `setWebhook`.
pub fn set_webhook(body: &[u8]) -> Result<SetWebhookRequest, DecodeError> {
    let req: SetWebhookRequest = object(body, &["url"])?;
    let url = req
        .url
        .as_ref()
        .map(|u| u.expose().to_owned())
        .unwrap_or_default();
    match url::Url::parse(&url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(req),
        _ => Err(DecodeError::field("url", "must be an http(s) URL")),
    }
}

/// `selectDestination`.
pub fn select_destination(body: &[u8]) -> Result<SelectDestinationRequest, DecodeError> {
    object(body, &["userId", "destinationId"])
}

/// `sendText`.
pub fn send_text(body: &[u8]) -> Result<SendTextRequest, DecodeError> {
    object(body, &["userId"])
}

/// `sendFile`.
pub fn send_file(body: &[u8]) -> Result<SendFileRequest, DecodeError> {
    object(body, &["userId", "url"])
}

/// `closeChat`.
pub fn close_chat(body: &[u8]) -> Result<CloseChatRequest, DecodeError> {
    object(body, &["userId"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_and_bad_payloads() {
        let req = send_text(br#"{"userId":"u1","text":"hi","extra":1}"#).unwrap();
        assert_eq!(req.user_id.as_deref(), Some("u1"));
        assert!(
            send_text(b"{")
                .unwrap_err()
                .to_string()
                .contains("malformed")
        );
        assert!(send_text(b"[]").unwrap_err().to_string().contains("object"));
        assert_eq!(
            send_text(br#"{"text":"x"}"#).unwrap_err(),
            DecodeError::field("userId", "must be a non-empty string")
        );
        assert!(select_destination(br#"{"userId":"u"}"#).is_err());
        assert!(send_file(br#"{"userId":"u","url":"https://f"}"#).is_ok());
        let hook = set_webhook(
            br#"{"url":"https://app.jaicp.com/chatapi/webhook/operatorapi/SECRETKEY"}"#,
        )
        .unwrap();
        assert!(!format!("{hook:?}").contains("SECRETKEY"));
        assert!(set_webhook(br#"{"url":"ftp://x"}"#).is_err());
        assert!(close_chat(br#"{"userId":5}"#).is_err());
    }

    proptest::proptest! {
        #[test]
        fn decoders_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = set_webhook(&bytes);
            let _ = select_destination(&bytes);
            let _ = send_text(&bytes);
            let _ = send_file(&bytes);
            let _ = close_chat(&bytes);
        }
    }
}
