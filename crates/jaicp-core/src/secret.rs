//! Secrets that travel inside bodies (a channel token echoed in a webhook payload, a link): kept
//! as text so they round-trip through JSON, never shown by `Debug`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A secret string from or for a JSON body. `Debug` prints `[REDACTED]`; there is no `Display`.
/// Compare it with [`SecretText::matches`], which takes the same time wherever the first
/// difference is.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        SecretText(value.into())
    }

    /// The secret itself (keep it out of logs).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret equals `other`, compared in constant time for equal lengths.
    pub fn matches(&self, other: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), other.as_bytes())
    }
}

/// Compares two byte strings without stopping at the first difference (the length is not
/// hidden).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // `subtle` keeps the comparison branch-free through the optimiser; different lengths are
    // unequal without looking at the contents (the length is not a secret worth hiding here).
    bool::from(subtle::ConstantTimeEq::ct_eq(a, b))
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SecretText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_value_and_json_keeps_it() {
        let s = SecretText::new("tok-12345");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok-12345\"");
        let back: SecretText = serde_json::from_str("\"tok-12345\"").unwrap();
        assert!(back.matches("tok-12345"));
        assert!(!back.matches("tok-12346"));
        assert!(!back.matches("tok-1234"));
    }

    #[test]
    fn constant_time_eq_agrees_with_eq() {
        for (a, b) in [
            ("", ""),
            ("a", "a"),
            ("a", "b"),
            ("ab", "a"),
            ("xyz", "xyz"),
        ] {
            assert_eq!(constant_time_eq(a.as_bytes(), b.as_bytes()), a == b);
        }
    }
}
