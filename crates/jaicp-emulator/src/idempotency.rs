//! Stored responses for `Idempotence-Key` replays.
//!
//! Kept generic (scope = operation name, key = client string) so any API added
//! beside Calls can reuse it. One store lives inside each campaign, which makes
//! keys campaign-scoped for free.
//!
//! A key is bound to the request it first came with (Stripe's rule): the same operation with
//! the same input gets the stored answer; the same key with other input (another control
//! action, other numbers) is refused instead of answered with the first request's result.
//! Whether JAICP does the same is unconfirmed, so [`crate::EmulatorBuilder::idempotency_bound_to_request`]
//! switches it off (a key then replays whatever it first answered).

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::clock::Millis;
use crate::reply::Reply;

/// How long a key is remembered (24 hours of emulator time).
pub(crate) const IDEMPOTENCE_WINDOW_MS: Millis = 24 * 60 * 60 * 1000;

/// Sweep expired entries after this many inserts, so the store stays bounded
/// without paying for a scan on every request.
const SWEEP_EVERY: usize = 1024;

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    reply: Reply,
    at: Millis,
    /// [`fingerprint`] of the request that stored it; 0 in state files written before keys
    /// were bound to requests (such an entry replays for any request).
    #[serde(default)]
    request: u64,
}

/// A key a client sent with a request: where it applies, the key, and what the request was.
#[derive(Clone, Debug)]
pub(crate) struct Keyed {
    /// The operation family the key is scoped to (e.g. `addPhone` for the CRM GET and POST).
    pub(crate) scope: &'static str,
    /// The client's key.
    pub(crate) key: String,
    /// [`fingerprint`] of the operation and its input.
    pub(crate) request: u64,
}

/// What a lookup found.
#[derive(Debug)]
pub(crate) enum Found {
    /// The stored answer of the same request.
    Replay(Reply),
    /// The key was first used with another request.
    Mismatch,
}

/// A stable hash (FNV-1a, 64 bits) of the parts of a request, so a fingerprint written to a
/// state file means the same after a restart.
pub(crate) fn fingerprint(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // Length first, so ("ab", "c") and ("a", "bc") differ.
        for byte in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash.max(1)
}

/// Responses keyed by (operation, key).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct IdempotencyStore {
    #[serde(serialize_with = "save_entries", deserialize_with = "load_entries")]
    entries: HashMap<(&'static str, String), Stored>,
    #[serde(skip)]
    inserts_since_sweep: usize,
}

/// One stored entry in a state file.
#[derive(Serialize, Deserialize)]
struct Entry<S> {
    scope: String,
    key: String,
    #[serde(flatten)]
    stored: S,
}

fn save_entries<S: Serializer>(
    entries: &HashMap<(&'static str, String), Stored>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(entries.iter().map(|((scope, key), stored)| Entry {
        scope: (*scope).to_owned(),
        key: key.clone(),
        stored,
    }))
}

fn load_entries<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<HashMap<(&'static str, String), Stored>, D::Error> {
    let list = Vec::<Entry<Stored>>::deserialize(d)?;
    list.into_iter()
        .map(|e| {
            let scope = crate::persist::serde_helpers::intern(&e.scope)
                .map_err(serde::de::Error::custom)?;
            Ok(((scope, e.key), e.stored))
        })
        .collect()
}

impl IdempotencyStore {
    /// What is stored for this key inside the window; with `bound`, a key stored by another
    /// request is a [`Found::Mismatch`].
    pub(crate) fn lookup(&self, keyed: &Keyed, now: Millis, bound: bool) -> Option<Found> {
        let stored = self
            .entries
            .get(&(keyed.scope, keyed.key.clone()))
            .filter(|s| now.saturating_sub(s.at) < IDEMPOTENCE_WINDOW_MS)?;
        if bound && stored.request != 0 && stored.request != keyed.request {
            Some(Found::Mismatch)
        } else {
            Some(Found::Replay(stored.reply.clone()))
        }
    }

    /// Remembers `reply` (success or failure) for this key and request.
    pub(crate) fn store(&mut self, keyed: Keyed, reply: &Reply, now: Millis) {
        self.entries.insert(
            (keyed.scope, keyed.key),
            Stored {
                reply: reply.clone(),
                at: now,
                request: keyed.request,
            },
        );
        self.inserts_since_sweep += 1;
        if self.inserts_since_sweep >= SWEEP_EVERY {
            self.inserts_since_sweep = 0;
            self.entries
                .retain(|_, s| now.saturating_sub(s.at) < IDEMPOTENCE_WINDOW_MS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn keyed(scope: &'static str, body: &[u8]) -> Keyed {
        Keyed {
            scope,
            key: "k".into(),
            request: fingerprint(&[scope.as_bytes(), body]),
        }
    }

    #[test]
    fn replays_inside_window_only() {
        let mut store = IdempotencyStore::default();
        store.store(keyed("op", b"a"), &Reply::empty(StatusCode::OK), 0);
        assert!(matches!(
            store.lookup(&keyed("op", b"a"), 1000, true),
            Some(Found::Replay(_))
        ));
        assert!(store.lookup(&keyed("other", b"a"), 1000, true).is_none());
        assert!(
            store
                .lookup(&keyed("op", b"a"), IDEMPOTENCE_WINDOW_MS, true)
                .is_none()
        );
    }

    #[test]
    fn a_key_is_bound_to_its_request_unless_switched_off() {
        let mut store = IdempotencyStore::default();
        store.store(keyed("op", b"a"), &Reply::empty(StatusCode::OK), 0);
        assert!(matches!(
            store.lookup(&keyed("op", b"b"), 1, true),
            Some(Found::Mismatch)
        ));
        assert!(matches!(
            store.lookup(&keyed("op", b"b"), 1, false),
            Some(Found::Replay(_))
        ));
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]), fingerprint(&[b"x"]));
    }
}
