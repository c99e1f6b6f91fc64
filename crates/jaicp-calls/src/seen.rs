//! The exact de-duplication set of a bulk add: every number seen so far (packed into 64 bits)
//! with its first input position.
//!
//! Open addressing with linear probing in one flat array, filled up to 85 %: twelve bytes a slot
//! (the key and the position side by side, so a look-up touches one cache line), a million
//! numbers in about 14 MiB — a general-purpose map of `u64 → u32` takes 16 bytes a slot plus
//! control bytes at a power-of-two size, 36 MiB for the same million, and hashes with SipHash,
//! which guards against collision attacks the caller's own input cannot mount.
//!
//! Numbers go in a chunk at a time ([`Seen::insert_all`]). A table of millions of numbers is far
//! larger than the caches, so nearly every look-up misses. One look-up between the other work on
//! each number (parsing, validating, serialising) pays the full memory latency: 0.3 s of CPU for
//! a million numbers on the benchmark machine, half the cost of the whole bulk add. In a tight
//! loop over a chunk's numbers the processor runs ahead and overlaps the misses: 0.04 s.

/// Largest share of slots in use before the table grows (numerator / 100).
const LOAD_PERCENT: usize = 85;

/// One slot: the packed number's low and high halves (0 and 0: free) and its first position.
type Slot = [u32; 3];

/// Numbers seen, with their first positions.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    slots: Vec<Slot>,
    len: usize,
}

/// Where a number went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Insert {
    /// First time: recorded.
    New,
    /// Seen before, first at this position.
    Repeat(u32),
}

fn key_of(slot: &Slot) -> u64 {
    u64::from(slot[0]) | (u64::from(slot[1]) << 32)
}

impl Seen {
    /// A set sized for `expected` numbers without growing.
    pub(crate) fn with_capacity(expected: usize) -> Self {
        Seen {
            slots: vec![[0; 3]; Self::slots_for(expected)],
            len: 0,
        }
    }

    /// Slots that hold `count` numbers within the load limit. Rounded up, plus one: `expected`
    /// numbers must fit without the growth check firing on the last one (a growth doubles the
    /// table, and both copies live during the move).
    fn slots_for(count: usize) -> usize {
        (count.saturating_mul(100).div_ceil(LOAD_PERCENT) + 1).max(16)
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

    /// Records each `(key, position)` in order (a repeat within `entries` counts too) and tells
    /// `seen` what happened to the entry at each offset.
    pub(crate) fn insert_all(
        &mut self,
        entries: &[(u64, u32)],
        mut seen: impl FnMut(usize, Insert),
    ) {
        // (A loop that only touched the slots first, to start their loads early, measured no
        // faster: the loop below already keeps several misses in flight.)
        for (offset, &(key, position)) in entries.iter().enumerate() {
            seen(offset, self.insert(key, position));
        }
    }

    /// Records `key` at position `index`, or says where it was first seen.
    pub(crate) fn insert(&mut self, key: u64, index: u32) -> Insert {
        debug_assert!(key != 0, "packed numbers are never 0");
        if (self.len + 1) * 100 > self.slots.len() * LOAD_PERCENT {
            self.grow();
        }
        let mut slot = self.home(key);
        loop {
            match key_of(&self.slots[slot]) {
                0 => {
                    self.slots[slot] = [key as u32, (key >> 32) as u32, index];
                    self.len += 1;
                    return Insert::New;
                }
                k if k == key => return Insert::Repeat(self.slots[slot][2]),
                _ => {
                    slot = if slot + 1 == self.slots.len() {
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
        ((u128::from(h) * self.slots.len() as u128) >> 64) as usize
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![[0; 3]; (old.len() * 2).max(16)];
        self.len = 0;
        for slot in old {
            let key = key_of(&slot);
            if key != 0 {
                self.insert(key, slot[2]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn key(i: u32) -> u64 {
        // Many repeats, keys spread and clustered, high halves in use.
        (1 << 63) | (u64::from(i % 7_001) * 1_000_003 + u64::from(i % 3))
    }

    #[test]
    fn agrees_with_a_hash_map_and_grows() {
        let mut seen = Seen::with_capacity(4);
        let mut reference: HashMap<u64, u32> = HashMap::new();
        for i in 0..20_000u32 {
            let key = key(i);
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
    fn inserting_a_chunk_at_once_is_inserting_one_by_one() {
        let mut one = Seen::with_capacity(10);
        let mut all = Seen::with_capacity(10);
        let entries: Vec<(u64, u32)> = (0..20_000u32).map(|i| (key(i), i)).collect();
        for chunk in entries.chunks(997) {
            let mut got = Vec::new();
            all.insert_all(chunk, |offset, r| got.push((offset, r)));
            let want: Vec<(usize, Insert)> = chunk
                .iter()
                .enumerate()
                .map(|(offset, &(k, i))| (offset, one.insert(k, i)))
                .collect();
            assert_eq!(got, want);
        }
        assert_eq!(all.len, one.len);
    }

    #[test]
    fn a_million_numbers_fit_in_about_fourteen_mib_without_growing() {
        for expected in [1, 16, 17, 1000, 999_999, 1_000_000] {
            let mut seen = Seen::with_capacity(expected);
            let slots = seen.slots.len();
            let entries: Vec<(u64, u32)> = (0..expected as u32)
                .map(|i| ((1 << 63) | u64::from(i), i))
                .collect();
            for chunk in entries.chunks(1000) {
                seen.insert_all(chunk, |_, r| assert_eq!(r, Insert::New));
            }
            assert_eq!(
                seen.slots.len(),
                slots,
                "{expected} numbers made the table grow"
            );
        }
        let seen = Seen::with_capacity(1_000_000);
        let bytes = seen.slots.len() * std::mem::size_of::<Slot>();
        assert!(bytes < 15 * 1024 * 1024, "{bytes}");
    }
}
