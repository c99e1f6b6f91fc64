//! The payload JAICP posts to the channel's webhook address: one turn or an array of turns.
//!
//! The decoder is available without the `server` feature so that any web framework can use it.

use jaicp_core::export::serde_json::{self, Value};

use crate::models::ChatResponse;

/// Largest payload [`decode`] accepts by default (1 MiB; a turn is capped at 100 replies and
/// 50 000 characters by JAICP).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Why a webhook payload was refused (the same error as every decoder of what JAICP sends).
pub use jaicp_core::inbound::DecodeError;

/// Decodes a webhook payload into its turns. Accepts a single turn object or a non-empty array
/// of them; fields this SDK does not know are kept in each model's `extra` map, missing ones are
/// `None`. Never panics.
pub fn decode(body: &[u8]) -> Result<Vec<ChatResponse>, DecodeError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| DecodeError::malformed(&e))?;
    let items = match value {
        Value::Array(items) if items.is_empty() => {
            return Err(DecodeError::Shape("an empty array".into()));
        }
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        other => {
            return Err(DecodeError::Shape(format!(
                "expected an object or an array, got {}",
                kind(&other)
            )));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            if !item.is_object() {
                return Err(DecodeError::Shape(format!(
                    "item {i}: expected an object, got {}",
                    kind(&item)
                )));
            }
            serde_json::from_value(item).map_err(|e| DecodeError::shape(&format!("item {i}"), &e))
        })
        .collect()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Reply;

    #[test]
    fn single_object_and_array_are_both_accepted() {
        let one = br#"{"token":"t0k3n","clientId":"u1","questionId":"q1",
            "data":{"replies":[{"type":"text","text":"hi"},{"type":"payment","x":1}]}}"#;
        let turns = decode(one).unwrap();
        assert_eq!(turns.len(), 1);
        assert_eq!(turns[0].question_id.as_deref(), Some("q1"));
        let replies = &turns[0].data.as_ref().unwrap().replies;
        assert!(matches!(&replies[0], Reply::Text(t) if t.text.as_deref() == Some("hi")));
        assert!(matches!(&replies[1], Reply::Unknown(v) if v["type"] == "payment"));
        assert!(!format!("{:?}", turns[0]).contains("t0k3n"));

        let many = br#"[{"questionId":"a"},{"questionId":"b"}]"#;
        let ids: Vec<_> = decode(many)
            .unwrap()
            .into_iter()
            .map(|t| t.question_id.unwrap())
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    /// The turn envelope as JAICP builds it: `userId` beside `clientId`, files of the turn at the
    /// top, `state` and `transition` on replies, and fields we do not model at every level.
    #[test]
    fn the_real_envelope_keeps_every_field() {
        let wire = jaicp_core::export::serde_json::json!([{
            "token": "t0k3n", "clientId": 1_234_567, "userId": "a81f0c7e",
            "questionId": "q-77", "timestamp": "2024-05-01T10:00:00.123",
            "files": [{"fileName": "photo.jpg", "fileUrl": "https://files.example.com/photo.jpg"}],
            "channelType": "chatapi",
            "data": {
                "replies": [{"type": "text", "text": "Done.", "state": "/Order",
                             "transition": "/Order/Done", "tts": "Done"}],
                "nlpClass": "/Order", "answer": "Done.", "sessionId": "s-9"
            }
        }]);
        let turns = decode(&serde_json::to_vec(&wire).unwrap()).unwrap();
        let turn = &turns[0];
        assert_eq!(turn.user_id.as_deref(), Some("a81f0c7e"));
        assert_eq!(turn.client_id.as_ref().unwrap().as_str(), "1234567");
        assert_eq!(turn.files[0].file_name.as_deref(), Some("photo.jpg"));
        assert_eq!(
            turn.files[0].file_url.as_deref(),
            Some("https://files.example.com/photo.jpg")
        );
        assert_eq!(turn.extra["channelType"], "chatapi");
        let data = turn.data.as_ref().unwrap();
        assert_eq!(data.extra["sessionId"], "s-9");
        assert!(matches!(&data.replies[0], Reply::Text(t)
            if t.state.as_deref() == Some("/Order") && t.transition.as_deref() == Some("/Order/Done")));
        // Written back, nothing is lost (the numeric client id comes back as text).
        let mut expected = wire[0].clone();
        expected["clientId"] = "1234567".into();
        assert_eq!(serde_json::to_value(turn).unwrap(), expected);
    }

    #[test]
    fn bad_payloads_are_refused_with_a_reason() {
        assert!(matches!(decode(b"{nope"), Err(DecodeError::Malformed(_))));
        assert!(matches!(decode(b"[]"), Err(DecodeError::Shape(_))));
        assert!(matches!(decode(b"42"), Err(DecodeError::Shape(_))));
        assert!(matches!(decode(b"[1]"), Err(DecodeError::Shape(m)) if m.contains("item 0")));
        // A numeric client id is a real shape (see above); a boolean is not.
        assert!(matches!(
            decode(br#"{"clientId":true}"#),
            Err(DecodeError::Shape(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn never_panics_on_arbitrary_json_text(text in "[\\[\\]{}\":,a-z0-9 ]{0,200}") {
            let _ = decode(text.as_bytes());
        }
    }
}
