//! `serde_json` messages without the values they quote from the input (`invalid type: string
//! "…"`): the input may be a payload with tokens or personal data, and the message ends up in
//! errors that are printed and logged.

/// The parser's message without any value quoted from the input: `"…"` strings and the
/// backticked name after `unknown variant` become `…`; field names the model expects stay.
pub(crate) fn without_values(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let mut out = String::with_capacity(message.len());
    let mut rest = message.as_str();
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[start];
        let Some(len) = rest[start + 1..].find(quote as char) else {
            break;
        };
        let before = &rest[..start];
        out.push_str(before);
        let quoted = &rest[start..start + len + 2];
        // A backticked name is ours (a field or variant the model declares), except the one
        // right after "unknown variant"/"unknown field", which the payload supplied.
        let from_input = quote == b'"'
            || before.ends_with("unknown variant ")
            || before.ends_with("unknown field ");
        out.push_str(if from_input { "\"…\"" } else { quoted });
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_input_goes_and_declared_names_stay() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            n: u64,
        }
        let e = serde_json::from_str::<T>(r#"{"n":"CANARY-9"}"#).unwrap_err();
        let text = without_values(&e);
        assert!(!text.contains("CANARY"), "{text}");
        assert!(text.contains("invalid type"), "{text}");
        let e = serde_json::from_str::<T>("{}").unwrap_err();
        assert!(without_values(&e).contains("`n`"));
    }
}
