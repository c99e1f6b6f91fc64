//! Timestamps that JAICP sends either as epoch milliseconds or as RFC 3339 strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An instant in time. Deserialises from epoch milliseconds (number or numeric string) or an
/// RFC 3339 string; serialises as RFC 3339 (use [`EpochMillis`] where an API wants numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub jiff::Timestamp);

impl Timestamp {
    /// From epoch milliseconds; `None` when out of range.
    pub fn from_millis(ms: i64) -> Option<Self> {
        jiff::Timestamp::from_millisecond(ms).ok().map(Timestamp)
    }

    /// Epoch milliseconds.
    pub fn as_millis(&self) -> i64 {
        self.0.as_millisecond()
    }

    /// The current time.
    pub fn now() -> Self {
        Timestamp(jiff::Timestamp::now())
    }

    /// Parses RFC 3339 or epoch milliseconds.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(ms) = text.parse::<i64>() {
            return Self::from_millis(ms);
        }
        text.parse::<jiff::Timestamp>().ok().map(Timestamp)
    }
}

impl From<jiff::Timestamp> for Timestamp {
    fn from(t: jiff::Timestamp) -> Self {
        Timestamp(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// Always with milliseconds (`2025-01-31T23:59:59.000Z`): the servers are written against the
/// `yyyy-MM-ddTHH:mm:ss.SSSZ` pattern (the Reporter documents it), which a whole-second
/// `…:59Z` does not match. Finer digits are dropped; JAICP keeps milliseconds.
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:.3}", self.0))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than an untagged enum: no buffering of the value, no second parse.
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch milliseconds or an RFC 3339 timestamp")
            }
            fn visit_i64<E: serde::de::Error>(self, ms: i64) -> Result<Timestamp, E> {
                Timestamp::from_millis(ms).ok_or_else(|| E::custom("timestamp out of range"))
            }
            fn visit_u64<E: serde::de::Error>(self, ms: u64) -> Result<Timestamp, E> {
                i64::try_from(ms)
                    .map_err(|_| E::custom("timestamp out of range"))
                    .and_then(|ms| self.visit_i64(ms))
            }
            fn visit_f64<E: serde::de::Error>(self, ms: f64) -> Result<Timestamp, E> {
                if ms.is_finite() && ms.abs() < 9.0e15 {
                    self.visit_i64(ms as i64)
                } else {
                    Err(E::custom("timestamp out of range"))
                }
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).ok_or_else(|| {
                    E::custom("expected epoch milliseconds or an RFC 3339 timestamp")
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A timestamp that serialises as epoch milliseconds (and parses like [`Timestamp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EpochMillis(pub Timestamp);

impl Serialize for EpochMillis {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0.as_millis())
    }
}

impl<'de> Deserialize<'de> for EpochMillis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Timestamp::deserialize(d).map(EpochMillis)
    }
}

/// An identifier that servers send as a string or as a number; kept as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Id(pub String);

impl Id {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id(s)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id as a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Id, E> {
                Ok(Id(s.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Id, E> {
                Ok(Id(s))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_both_forms() {
        let a: Timestamp = serde_json::from_str("1566570001055").unwrap();
        let b: Timestamp = serde_json::from_str("\"2019-08-23T14:20:01.055Z\"").unwrap();
        assert_eq!(a, b);
        let c: Timestamp = serde_json::from_str("\"1566570001055\"").unwrap();
        assert_eq!(a, c);
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        let id: Id = serde_json::from_str("42").unwrap();
        // Milliseconds are always written, also for a whole second.
        let whole = Timestamp::parse("2025-01-31T23:59:59Z").unwrap();
        assert_eq!(
            serde_json::to_string(&whole).unwrap(),
            "\"2025-01-31T23:59:59.000Z\""
        );
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            "\"2019-08-23T14:20:01.055Z\""
        );
        assert_eq!(id.as_str(), "42");
    }

    proptest! {
        #[test]
        fn millis_round_trip(ms in -8_000_000_000_000i64..8_000_000_000_000i64) {
            let t = Timestamp::from_millis(ms).unwrap();
            let json = serde_json::to_string(&t).unwrap();
            let back: Timestamp = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.as_millis(), ms);
            let e = serde_json::to_string(&EpochMillis(t)).unwrap();
            prop_assert_eq!(e, ms.to_string());
        }

        #[test]
        fn never_panics_on_text(s in "\\PC{0,40}") {
            let _ = Timestamp::parse(&s);
            let _ = serde_json::from_str::<Timestamp>(&s);
        }
    }
}
