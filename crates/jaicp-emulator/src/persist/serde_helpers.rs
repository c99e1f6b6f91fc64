//! `serde` adapters for the few state fields whose types have no file form of their own:
//! `&'static str` codes, `tokio` instants, maps with tuple keys and time zones.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest code a state file may intern, and how many distinct codes it may bring in. Codes are
/// statuses, operation names and the like, so both limits are far above real use; they keep a
/// hostile file from making the process leak memory.
const MAX_INTERNED_LEN: usize = 128;
const MAX_INTERNED: usize = 4096;

/// A status or operation name. The alias (rather than `&'static str` written out in the field)
/// keeps `serde`'s derive from requiring `'de: 'static` of the structs that hold one.
pub(crate) type Code = &'static str;

static INTERNED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

/// The `'static` copy of `code`: the emulator keeps statuses and operation names as
/// `&'static str`, so codes read from a file are stored once for the life of the process.
pub(crate) fn intern(code: &str) -> Result<&'static str, String> {
    let mut table = INTERNED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = table.get(code) {
        return Ok(found);
    }
    if code.len() > MAX_INTERNED_LEN || table.len() >= MAX_INTERNED {
        return Err(format!("unexpected code {:?}", truncate(code)));
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    table.insert(leaked);
    Ok(leaked)
}

fn truncate(s: &str) -> &str {
    s.char_indices().nth(40).map_or(s, |(i, _)| &s[..i])
}

/// `&'static str` fields.
pub(crate) mod interned {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let code = String::deserialize(d)?;
        intern(&code).map_err(D::Error::custom)
    }
}

/// `Option<&'static str>` fields.
pub(crate) mod interned_opt {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<&'static str>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<&'static str>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|code| intern(&code).map_err(D::Error::custom))
            .transpose()
    }
}

/// `tokio::time::Instant` fields (real-time deadlines such as "a deploy finishes at"): written
/// as the milliseconds still to go, read back relative to the moment of loading.
pub(crate) mod instant {
    use super::*;
    use std::time::Duration;
    use tokio::time::Instant;

    pub(crate) fn serialize<S: Serializer>(v: &Instant, s: S) -> Result<S::Ok, S::Error> {
        let left = v.saturating_duration_since(Instant::now());
        s.serialize_u64(u64::try_from(left.as_millis()).unwrap_or(u64::MAX))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Instant, D::Error> {
        // Capped at a day so no stored deadline can overflow the clock.
        let left = u64::deserialize(d)?.min(86_400_000);
        Ok(Instant::now() + Duration::from_millis(left))
    }
}

/// Maps whose keys are not strings (tuples): written as a list of `[key, value]` pairs.
pub(crate) mod pairs {
    use super::*;

    pub(crate) fn serialize<K, V, S>(map: &HashMap<K, V>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Serialize,
        V: Serialize,
        S: Serializer,
    {
        s.collect_seq(map.iter())
    }

    pub(crate) fn deserialize<'de, K, V, D>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// `jiff` time zones: an IANA name as a string, or a fixed offset in seconds as a number.
pub(crate) mod time_zone {
    use super::*;
    use jiff::tz::{Offset, TimeZone};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Form {
        Name(String),
        OffsetSeconds(i32),
    }

    pub(crate) fn serialize<S: Serializer>(zone: &TimeZone, s: S) -> Result<S::Ok, S::Error> {
        let form = match zone.iana_name() {
            Some(name) => Form::Name(name.to_owned()),
            None => match zone.to_fixed_offset() {
                Ok(offset) => Form::OffsetSeconds(offset.seconds()),
                Err(_) => return Err(serde::ser::Error::custom("time zone has no file form")),
            },
        };
        form.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeZone, D::Error> {
        match Form::deserialize(d)? {
            Form::Name(name) => TimeZone::get(&name)
                .map_err(|_| D::Error::custom(format!("unknown time zone {:?}", truncate(&name)))),
            Form::OffsetSeconds(secs) => Offset::from_seconds(secs)
                .map(TimeZone::fixed)
                .map_err(|_| D::Error::custom("time zone offset out of range")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_returns_one_copy_and_refuses_long_codes() {
        let a = intern("inProgress").unwrap();
        let b = intern(&String::from("inProgress")).unwrap();
        assert!(std::ptr::eq(a, b));
        assert!(intern(&"x".repeat(MAX_INTERNED_LEN + 1)).is_err());
    }
}
