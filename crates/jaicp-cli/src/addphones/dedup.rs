//! Finding numbers repeated in the input without remembering every number. An exact set of ten
//! million numbers costs a few hundred MiB; instead the first pass puts every number into a
//! 16 MiB Bloom filter and keeps, exactly, only the numbers the filter has probably seen before
//! (the real repeats plus a fraction of a percent of false alarms). The second pass needs to
//! remember first occurrences of those candidates only; every other number is known to be unique.
//! Memory grows with the number of distinct repeated numbers, not with the input.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Bits of the Bloom filter: 2^27 bits = 16 MiB. With 5 hashes, 10 million numbers give about
/// 0.3 % false candidates (some 30,000 numbers, well under a MiB); the pages are touched only as
/// bits are set, so a small file costs little.
const BLOOM_BITS_LOG2: u32 = 27;
const HASHES: u64 = 5;

/// A validated number (digits with an optional `+`, at most 15 digits) in 64 bits: the digit
/// count (so leading zeros count) and the value. `+7…` and `7…` are the same number, as in the
/// SDK's own check.
pub fn pack_phone(phone: &str) -> u64 {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let value = digits.bytes().fold(0u64, |v, b| {
        v.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    });
    ((digits.len() as u64) << 50) | (value & ((1 << 50) - 1))
}

/// SplitMix64 finaliser: a cheap, well-mixed hash of a packed number.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The first pass: every number goes in; what comes out is the candidate set.
pub struct RepeatFinder {
    bits: Vec<u64>,
    candidates: HashSet<u64>,
}

impl Default for RepeatFinder {
    fn default() -> Self {
        RepeatFinder {
            // Zeroed allocation: the kernel maps pages on first touch.
            bits: vec![0; 1 << (BLOOM_BITS_LOG2 - 6)],
            candidates: HashSet::new(),
        }
    }
}

impl RepeatFinder {
    /// Notes a number.
    pub fn insert(&mut self, key: u64) {
        let h = mix(key);
        let (h1, h2) = (h, mix(h) | 1);
        let mask = (1u64 << BLOOM_BITS_LOG2) - 1;
        let mut all_set = true;
        for i in 0..HASHES {
            let bit = h1.wrapping_add(i.wrapping_mul(h2)) & mask;
            let (word, shift) = ((bit >> 6) as usize, bit & 63);
            if self.bits[word] & (1 << shift) == 0 {
                all_set = false;
                self.bits[word] |= 1 << shift;
            }
        }
        if all_set {
            self.candidates.insert(key);
        }
    }

    /// The numbers that may repeat (the filter is dropped).
    pub fn finish(self) -> Repeats {
        Repeats {
            candidates: Arc::new(self.candidates),
            first: HashMap::new(),
        }
    }
}

/// The second pass: tells first occurrences from repeats.
#[derive(Default)]
pub struct Repeats {
    candidates: Arc<HashSet<u64>>,
    first: HashMap<u64, u64>,
}

impl Repeats {
    /// `None` for the first occurrence of a number, `Some(line of the first)` for a repeat.
    pub fn check(&mut self, key: u64, line: u64) -> Option<u64> {
        if !self.candidates.contains(&key) {
            return None;
        }
        match self.first.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        }
    }

    /// How many numbers had to be remembered exactly.
    pub fn candidates(&self) -> usize {
        self.candidates.len()
    }

    /// A fresh second pass over the same input (the candidates are shared).
    pub fn fresh(&self) -> Repeats {
        Repeats {
            candidates: self.candidates.clone(),
            first: HashMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_found_exactly() {
        let phones = [
            "+79001112233",
            "79001112234",
            "79001112233",
            "+79001112235",
            "79001112234",
            "79001112234",
        ];
        let mut finder = RepeatFinder::default();
        for p in phones {
            finder.insert(pack_phone(p));
        }
        let mut repeats = finder.finish();
        let got: Vec<Option<u64>> = phones
            .iter()
            .enumerate()
            .map(|(i, p)| repeats.check(pack_phone(p), i as u64 + 2))
            .collect();
        assert_eq!(got, vec![None, None, Some(2), None, Some(3), Some(3)]);
        let mut repeats = repeats.fresh();
        assert_eq!(repeats.check(pack_phone("79001112233"), 9), None);
    }

    #[test]
    fn a_million_unique_numbers_leave_few_candidates() {
        let mut finder = RepeatFinder::default();
        for i in 0..1_000_000u64 {
            finder.insert(pack_phone(&format!("7900{i:07}")));
        }
        let mut repeats = finder.finish();
        assert!(repeats.candidates() < 1_000, "{}", repeats.candidates());
        for i in 0..1_000_000u64 {
            assert_eq!(repeats.check(pack_phone(&format!("7900{i:07}")), i), None);
        }
    }

    #[test]
    fn packing_keeps_leading_zeros() {
        assert_eq!(pack_phone("+79001112233"), pack_phone("79001112233"));
        assert_ne!(pack_phone("0123456"), pack_phone("123456"));
    }
}
