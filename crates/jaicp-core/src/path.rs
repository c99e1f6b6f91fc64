//! Path parameters: validated and percent-encoded as one segment.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::{Error, Result};

/// Everything but RFC 3986 unreserved characters and `:` is encoded, so a value can never add a
/// segment, a query or a fragment. `:` is a `pchar` (RFC 3986 §3.3) and stays raw: Chat API channel
/// tokens look like `AbCdEfGh:0123…`, and every real client sends them that way.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b';')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b',')
    .add(b'$')
    .add(b'!')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// Percent-encodes one path segment without validating it.
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Validates and encodes a path parameter. Empty values, `.`, `..`, `/`, `\` and control characters
/// are refused: they would change which resource the request reaches.
pub fn segment(name: &str, value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(Error::invalid(name, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(name, "must not be `.` or `..`"));
    }
    if value.contains('/') || value.contains('\\') {
        return Err(Error::invalid(name, "must not contain `/` or `\\`"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "must not contain control characters"));
    }
    Ok(encode_segment(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_traversal() {
        assert!(segment("id", "..").is_err());
        assert!(segment("id", "a/b").is_err());
        assert!(segment("id", "a\nb").is_err());
        assert!(segment("id", "").is_err());
        assert_eq!(segment("token", "fGN:6593").unwrap(), "fGN:6593");
        assert!(segment("token", "fGN:65/93").is_err());
        assert!(segment("token", "fGN:\u{7f}").is_err());
        assert_eq!(segment("token", "1.2.abc").unwrap(), "1.2.abc");
    }

    proptest! {
        #[test]
        fn encoded_segments_never_break_the_path(value in "\\PC{1,40}") {
            if let Ok(encoded) = segment("x", &value) {
                prop_assert!(!encoded.contains('/'));
                prop_assert!(!encoded.contains('?'));
                prop_assert!(!encoded.contains('#'));
                prop_assert!(encoded != "." && encoded != "..");
                let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().unwrap();
                prop_assert_eq!(decoded, value);
            }
        }
    }
}
