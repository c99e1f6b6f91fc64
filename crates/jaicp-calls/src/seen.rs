//! The exact de-duplication set of a bulk add: every number seen so far (packed into 64 bits)
//! with its first input position.
//!
//! Open addressing with linear probing in two flat arrays, filled up to 85 %: twelve bytes a slot,
//! so a million numbers take about 14 MiB — a general-purpose map of `u64 → u32` takes 16 bytes
//! a slot plus control bytes at a power-of-two size, 36 MiB for the same million, and hashes with
//! SipHash, which guards against collision attacks the caller's own input cannot mount.

/// Largest share of slots in use before the table grows (numerator / 100).
const LOAD_PERCENT: usize = 85;

/// Numbers seen, with their first positions.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Packed numbers; 0 marks a free slot (a packed number is never 0: it holds its length).
    keys: Vec<u64>,
    /// First input position of the number in the same slot.
    firsts: Vec<u32>,
    len: usize,
}

/// Where a number went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Insert {
    /// First time: recorded.
    New,
    /// Seen before, first at this position.
    Repeat(u32),
}

impl Seen {
    /// A set sized for `expected` numbers without growing.
    pub(crate) fn with_capacity(expected: usize) -> Self {
        // Rounded up, plus one: `expected` numbers must fit without the growth check firing on
        // the last one (a growth doubles the table, and both copies live during the move).
        let slots = (expected.saturating_mul(100).div_ceil(LOAD_PERCENT) + 1).max(16);
        Seen {
            keys: vec![0; slots],
            firsts: vec![0; slots],
            len: 0,
        }
    }

    /// Numbers recorded.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is recorded.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records `key` at position `index`, or says where it was first seen.
    pub(crate) fn insert(&mut self, key: u64, index: u32) -> Insert {
        debug_assert!(key != 0, "packed numbers are never 0");
        if (self.len + 1) * 100 > self.keys.len() * LOAD_PERCENT {
            self.grow();
        }
        let mut slot = self.home(key);
        loop {
            match self.keys[slot] {
                0 => {
                    self.keys[slot] = key;
                    self.firsts[slot] = index;
                    self.len += 1;
                    return Insert::New;
                }
                k if k == key => return Insert::Repeat(self.firsts[slot]),
                _ => {
                    slot = if slot + 1 == self.keys.len() {
                        0
                    } else {
                        slot + 1
                    }
                }
            }
        }
    }

    /// The first slot to look at: a multiplicative hash mapped onto the table's size.
    fn home(&self, key: u64) -> usize {
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        ((u128::from(h) * self.keys.len() as u128) >> 64) as usize
    }

    fn grow(&mut self) {
        let old_keys = std::mem::take(&mut self.keys);
        let old_firsts = std::mem::take(&mut self.firsts);
        let slots = (old_keys.len() * 2).max(16);
        self.keys = vec![0; slots];
        self.firsts = vec![0; slots];
        self.len = 0;
        for (key, first) in old_keys.into_iter().zip(old_firsts) {
            if key != 0 {
                self.insert(key, first);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_a_hash_map_and_grows() {
        let mut seen = Seen::with_capacity(4);
        let mut reference: HashMap<u64, u32> = HashMap::new();
        for i in 0..20_000u32 {
            // Many repeats, keys spread and clustered.
            let key = 1 + u64::from(i % 7_001) * 1_000_003 + u64::from(i % 3);
            let expected = match reference.get(&key) {
                Some(&first) => Insert::Repeat(first),
                None => {
                    reference.insert(key, i);
                    Insert::New
                }
            };
            assert_eq!(seen.insert(key, i), expected, "key {key} at {i}");
        }
        assert_eq!(seen.len, reference.len());
    }

    #[test]
    fn a_million_numbers_fit_in_about_fourteen_mib_without_growing() {
        for expected in [1, 16, 17, 1000, 999_999, 1_000_000] {
            let mut seen = Seen::with_capacity(expected);
            let slots = seen.keys.len();
            for i in 0..expected as u64 {
                assert_eq!(seen.insert((1 << 63) | i, i as u32), Insert::New);
            }
            assert_eq!(
                seen.keys.len(),
                slots,
                "{expected} numbers made the table grow"
            );
        }
        let seen = Seen::with_capacity(1_000_000);
        let bytes = seen.keys.len() * 8 + seen.firsts.len() * 4;
        assert!(bytes < 15 * 1024 * 1024, "{bytes}");
    }
}
