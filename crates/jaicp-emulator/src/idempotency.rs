//! Stored responses for `Idempotence-Key` replays.
//!
//! Kept generic (scope = operation name, key = client string) so any API added
//! beside Calls can reuse it. One store lives inside each campaign, which makes
//! keys campaign-scoped for free.

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
    /// The stored reply for this key if it is still inside the window.
    pub(crate) fn lookup(&self, scope: &'static str, key: &str, now: Millis) -> Option<Reply> {
        self.entries
            .get(&(scope, key.to_owned()))
            .filter(|s| now.saturating_sub(s.at) < IDEMPOTENCE_WINDOW_MS)
            .map(|s| s.reply.clone())
    }

    /// Remembers `reply` (success or failure) for this key.
    pub(crate) fn store(&mut self, scope: &'static str, key: String, reply: &Reply, now: Millis) {
        self.entries.insert(
            (scope, key),
            Stored {
                reply: reply.clone(),
                at: now,
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

    #[test]
    fn replays_inside_window_only() {
        let mut store = IdempotencyStore::default();
        store.store("op", "k".into(), &Reply::empty(StatusCode::OK), 0);
        assert!(store.lookup("op", "k", 1000).is_some());
        assert!(store.lookup("other", "k", 1000).is_none());
        assert!(store.lookup("op", "k", IDEMPOTENCE_WINDOW_MS).is_none());
    }
}
