//! Reading the input of a bulk add into chunks: each number is normalised, validated,
//! de-duplicated and serialised into its chunk's body as it is read, so that what a chunk holds
//! is its JSON and the numbers' phones, not the input items.

use std::collections::HashSet;

use jaicp_core::Error;

use crate::batch::{Batch, BatchBuilder};
use crate::bulk::{Duplicate, RejectReason, Rejected};
use crate::models::CallJobParameters;
use crate::seen::{Insert, Seen};
use crate::validate::{needs_normalizing, validate_bulk_item};

/// One chunk ready to send, with what was filtered out of the input while filling it.
pub(crate) struct ChunkWork {
    pub(crate) chunk: usize,
    pub(crate) key: String,
    pub(crate) batch: Batch,
    pub(crate) rejected: Vec<Rejected>,
    pub(crate) duplicates: Vec<Duplicate>,
    pub(crate) skipped: bool,
    pub(crate) skipped_len: usize,
}

/// Reads the input lazily into chunks. Chunk numbers depend only on the input and the chunk
/// size, so they are stable across runs (resume).
pub(crate) struct Intake {
    pub(crate) items: Box<dyn Iterator<Item = CallJobParameters> + Send>,
    pub(crate) index: usize,
    /// Packed number → first input position, in a compact table (about 14 MiB a million).
    pub(crate) seen: Seen,
    /// When off, `seen` stays empty (the caller guarantees unique numbers).
    pub(crate) deduplicate: bool,
    pub(crate) chunk_size: usize,
    pub(crate) next_chunk: usize,
    pub(crate) key_seed: Option<String>,
    pub(crate) skip: HashSet<usize>,
    /// Body bytes of the last chunk: the next one starts with room for as much.
    pub(crate) body_hint: usize,
    /// Packed numbers and positions of the numbers read since the last de-duplication (reused).
    pub(crate) keys: Vec<(u64, u32)>,
}

impl Intake {
    /// An intake over `items`, with a de-duplication table sized for `expected` numbers.
    pub(crate) fn new(
        items: Box<dyn Iterator<Item = CallJobParameters> + Send>,
        expected: usize,
        deduplicate: bool,
        chunk_size: usize,
        key_seed: Option<String>,
        skip: HashSet<usize>,
    ) -> Self {
        Intake {
            items,
            index: 0,
            seen: Seen::with_capacity(if deduplicate {
                expected.min(50_000_000)
            } else {
                0
            }),
            deduplicate,
            chunk_size,
            next_chunk: 0,
            key_seed,
            skip,
            body_hint: 0,
            keys: Vec::new(),
        }
    }

    /// Reads numbers until `need` more valid ones are in `batch` or the input ends (then
    /// `false`). Invalid ones go to `rejected`; with de-duplication on, their keys to `keys`.
    fn read(
        &mut self,
        need: usize,
        batch: &mut BatchBuilder,
        rejected: &mut Vec<Rejected>,
    ) -> bool {
        let target = batch.len() + need;
        while batch.len() < target {
            // The item stays where the input put it: it is large (456 bytes), and its JSON and
            // phone are all a chunk keeps of it.
            let mut next = self.items.next();
            let Some(item) = next.as_mut() else {
                return false;
            };
            let index = self.index;
            self.index += 1;
            if needs_normalizing(&item.phone) {
                // In place: no allocation per number.
                item.phone
                    .retain(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\t'));
            }
            let key = match validate_bulk_item(index, item) {
                Ok(key) => key,
                Err(e) => {
                    rejected.push(invalid(index, std::mem::take(&mut item.phone), e));
                    continue;
                }
            };
            match batch.push(index, item) {
                Ok(()) if self.deduplicate => {
                    self.keys
                        .push((key, u32::try_from(index).unwrap_or(u32::MAX)));
                }
                Ok(()) => {}
                Err(e) => rejected.push(invalid(
                    index,
                    std::mem::take(&mut item.phone),
                    Error::invalid(format!("phones[{index}]"), format!("cannot serialise: {e}")),
                )),
            }
        }
        true
    }
}

fn invalid(index: usize, phone: String, error: Error) -> Rejected {
    let reason = match error {
        Error::InvalidInput { field, reason } => RejectReason::Invalid { field, reason },
        other => RejectReason::Invalid {
            field: format!("phones[{index}]"),
            reason: other.to_string(),
        },
    };
    Rejected {
        index,
        phone,
        reason,
    }
}

impl Iterator for Intake {
    type Item = ChunkWork;

    fn next(&mut self) -> Option<ChunkWork> {
        let capacity = self.chunk_size.min(10_000);
        let mut batch = BatchBuilder::with_capacity(capacity, self.body_hint);
        let (mut rejected, mut duplicates) = (Vec::new(), Vec::new());
        let start_index = self.index;
        // Numbers are read, then de-duplicated a round at a time (see `Seen::insert_all`); the
        // duplicates found make room that the next round fills, so a chunk ends up holding the
        // same numbers as when they were checked one by one.
        loop {
            let from = batch.len();
            let more = self.read(self.chunk_size - from, &mut batch, &mut rejected);
            if !self.keys.is_empty() {
                let mut repeats: Vec<(usize, u32)> = Vec::new();
                self.seen.insert_all(&self.keys, |offset, r| {
                    if let Insert::Repeat(first) = r {
                        repeats.push((offset, first));
                    }
                });
                self.keys.clear();
                if !repeats.is_empty() {
                    let mut next = repeats.into_iter().peekable();
                    batch.remove_from(
                        from,
                        |offset| next.next_if(|(o, _)| *o == offset).map(|(_, first)| first),
                        |first, index, phone| {
                            duplicates.push(Duplicate {
                                index,
                                first_index: first as usize,
                                phone,
                            })
                        },
                    );
                }
            }
            if !more || batch.len() == self.chunk_size {
                break;
            }
        }
        if self.index == start_index {
            return None;
        }
        let chunk = self.next_chunk;
        let has_numbers = batch.len() > 0;
        if has_numbers {
            self.next_chunk += 1;
        }
        let skipped = has_numbers && self.skip.contains(&chunk);
        let batch = batch.seal();
        self.body_hint = batch.body().len();
        let key = match &self.key_seed {
            Some(seed) if has_numbers => batch.derived_key(seed, chunk),
            _ => uuid::Uuid::new_v4().to_string(),
        };
        let (batch, skipped_len) = if skipped {
            (BatchBuilder::with_capacity(0, 0).seal(), batch.len())
        } else {
            (batch, 0)
        };
        Some(ChunkWork {
            chunk,
            key,
            batch,
            rejected,
            duplicates,
            skipped,
            skipped_len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Intake;
    use crate::models::CallJobParameters;
    use std::collections::HashSet;

    fn intake(phones: &[&str], deduplicate: bool, chunk_size: usize) -> Intake {
        let items: Vec<CallJobParameters> = phones
            .iter()
            .map(|p| CallJobParameters {
                phone: (*p).into(),
                ..Default::default()
            })
            .collect();
        Intake::new(
            Box::new(items.into_iter()),
            0,
            deduplicate,
            chunk_size,
            None,
            HashSet::new(),
        )
    }

    #[test]
    fn deduplication_can_be_left_to_the_caller() {
        let phones = ["+79001112233", "+79001112234", "79001112233"];
        let mut on = intake(&phones, true, 10);
        let work = on.next().unwrap();
        assert_eq!((work.batch.len(), work.duplicates.len()), (2, 1));
        assert_eq!(on.seen.len(), 2);
        let mut off = intake(&phones, false, 10);
        let work = off.next().unwrap();
        assert_eq!((work.batch.len(), work.duplicates.len()), (3, 0));
        assert!(off.seen.is_empty(), "nothing remembered");
    }

    #[test]
    fn chunks_hold_what_a_number_by_number_check_would_put_in_them() {
        // Duplicates, invalid numbers and separators, across chunk borders.
        let phones = [
            "+7 900 000-00-01",
            "79000000002",
            "+79000000001",
            "12ab",
            "79000000003",
            "79000000002",
            "79000000004",
            "79000000004",
            "79000000005",
            "",
            "79000000001",
            "79000000006",
        ];
        let mut it = intake(&phones, true, 3);
        let mut chunks = Vec::new();
        for work in it.by_ref() {
            let dups: Vec<(usize, usize)> = work
                .duplicates
                .iter()
                .map(|d| (d.index, d.first_index))
                .collect();
            let rejected: Vec<usize> = work.rejected.iter().map(|r| r.index).collect();
            chunks.push((work.chunk, work.batch.indices().to_vec(), dups, rejected));
        }
        assert_eq!(
            chunks,
            [
                (0, vec![0, 1, 4], vec![(2, 0)], vec![3]),
                (1, vec![6, 8, 11], vec![(5, 1), (7, 6), (10, 0)], vec![9]),
            ]
        );
    }
}
