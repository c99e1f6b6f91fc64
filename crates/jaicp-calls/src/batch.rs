//! The numbers of one chunk of a bulk add, serialised once into the JSON body that is sent.
//!
//! A chunk keeps its body, where each number's JSON ends in it, its input positions and its
//! phones (moved out of the input, no copy) — not the input items themselves, which are large
//! (every optional policy field takes room even when empty) and would be moved and serialised
//! again for every request. When the server refuses some numbers, the body of the rest is cut
//! from the first one, byte for byte.

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::models::CallJobParameters;

/// A chunk being filled. The body is `[` followed by each item's JSON and a `,`; [`Self::seal`]
/// turns the last `,` into the closing `]`.
#[derive(Debug)]
pub(crate) struct BatchBuilder {
    body: Vec<u8>,
    /// Where each item's JSON ends in `body` (it starts after the previous one's `,`).
    ends: Vec<usize>,
    indices: Vec<usize>,
    phones: Vec<String>,
}

impl BatchBuilder {
    /// An empty chunk with room for `items` numbers and `bytes` of JSON.
    pub(crate) fn with_capacity(items: usize, bytes: usize) -> Self {
        let mut body = Vec::with_capacity(bytes.max(2));
        body.push(b'[');
        BatchBuilder {
            body,
            ends: Vec::with_capacity(items),
            indices: Vec::with_capacity(items),
            phones: Vec::with_capacity(items),
        }
    }

    /// Numbers in the chunk.
    pub(crate) fn len(&self) -> usize {
        self.indices.len()
    }

    /// Serialises `item` onto the body and takes its phone (leaving an empty one). On error
    /// (which a model of strings, numbers and JSON values cannot produce) nothing is added and
    /// the item keeps its phone.
    pub(crate) fn push(
        &mut self,
        index: usize,
        item: &mut CallJobParameters,
    ) -> Result<(), serde_json::Error> {
        let start = self.body.len();
        if let Err(e) = write_item(&mut self.body, item) {
            self.body.truncate(start);
            return Err(e);
        }
        self.ends.push(self.body.len());
        self.body.push(b',');
        self.indices.push(index);
        self.phones.push(std::mem::take(&mut item.phone));
        Ok(())
    }

    /// Removes the items from offset `from` on that `pick` picks (it is asked once per item, in
    /// order, with the item's offset counted from `from`), handing what `pick` said, the item's
    /// input position and its phone to `removed`. The rest move up in place.
    pub(crate) fn remove_from<T>(
        &mut self,
        from: usize,
        mut pick: impl FnMut(usize) -> Option<T>,
        mut removed: impl FnMut(T, usize, String),
    ) {
        // Slots from `write` up to `read` hold nothing of value: kept items move down into them.
        let mut write = from;
        let mut body_end = self.item_start(from);
        for read in from..self.indices.len() {
            let index = self.indices[read];
            if let Some(picked) = pick(read - from) {
                removed(picked, index, std::mem::take(&mut self.phones[read]));
                continue;
            }
            // The item's JSON and its `,` move to the write position.
            let (start, end) = (self.item_start(read), self.ends[read]);
            self.body.copy_within(start..=end, body_end);
            body_end += end - start;
            self.ends[write] = body_end;
            body_end += 1;
            self.indices[write] = index;
            self.phones.swap(write, read);
            write += 1;
        }
        self.body.truncate(body_end);
        self.ends.truncate(write);
        self.indices.truncate(write);
        self.phones.truncate(write);
    }

    fn item_start(&self, k: usize) -> usize {
        start_of(&self.ends, k)
    }

    /// The finished chunk.
    pub(crate) fn seal(mut self) -> Batch {
        match self.body.last_mut() {
            Some(last) if *last == b',' => *last = b']',
            _ => self.body.push(b']'),
        }
        Batch {
            body: Bytes::from(self.body),
            ends: self.ends,
            indices: self.indices,
            phones: self.phones,
        }
    }
}

/// Writes `item` as JSON onto `out`. A number with no call policy of its own (the common case of
/// a bulk add: the campaign's settings apply) is written directly, with the bytes the derived
/// serialiser writes (tested), which spends ~450 instructions a number checking the thirteen
/// fields and escaping both strings byte by byte. Anything else goes through serde.
fn write_item(out: &mut Vec<u8>, item: &CallJobParameters) -> Result<(), serde_json::Error> {
    // Every field is named (no `..`): a field added to the model stops this from compiling
    // instead of being left out of the body.
    if let CallJobParameters {
        phone,
        allowed_days: None,
        allowed_time: None,
        dialer_priority: None,
        external_check: None,
        finish_date_time: None,
        gmt_zone: None,
        local_time_from: None,
        local_time_to: None,
        max_attempts: None,
        payload: None,
        retry_interval_in_minutes: None,
        start_date_time: None,
    } = item
        // What JSON would escape (a validated phone holds only digits and `+`).
        && !phone.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        out.extend_from_slice(b"{\"phone\":\"");
        out.extend_from_slice(phone.as_bytes());
        out.extend_from_slice(b"\"}");
        return Ok(());
    }
    serde_json::to_writer(out, item)
}

/// Where item `k`'s JSON starts: after `[` or after the previous item's `,`.
fn start_of(ends: &[usize], k: usize) -> usize {
    match k.checked_sub(1) {
        Some(previous) => ends[previous] + 1,
        None => 1,
    }
}

/// The bytes of item `k`'s JSON.
fn span(ends: &[usize], k: usize) -> std::ops::Range<usize> {
    start_of(ends, k)..ends[k]
}

/// A chunk ready to send: its JSON body and, per number, where its JSON ends, its input position
/// and its phone (normalised).
#[derive(Debug)]
pub(crate) struct Batch {
    body: Bytes,
    ends: Vec<usize>,
    indices: Vec<usize>,
    phones: Vec<String>,
}

impl Batch {
    /// Numbers in the chunk.
    pub(crate) fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether the chunk has no numbers.
    pub(crate) fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// The JSON array of the chunk's numbers (shared, not copied).
    pub(crate) fn body(&self) -> Bytes {
        self.body.clone()
    }

    /// Input positions, in chunk order.
    pub(crate) fn indices(&self) -> &[usize] {
        &self.indices
    }

    fn item(&self, k: usize) -> &[u8] {
        &self.body[span(&self.ends, k)]
    }

    /// Input positions and phones, in chunk order, consuming the chunk.
    pub(crate) fn into_numbers(self) -> impl Iterator<Item = (usize, String)> {
        self.indices.into_iter().zip(self.phones)
    }

    /// The chunk without the numbers whose phone `refused` names; each of those goes to
    /// `removed` with its input position. The body of the rest is cut from this one.
    pub(crate) fn without(
        self,
        mut refused: impl FnMut(&str) -> bool,
        mut removed: impl FnMut(usize, String),
    ) -> Batch {
        let mut kept = BatchBuilder::with_capacity(self.len(), self.body.len());
        let numbers = self.indices.iter().copied().zip(self.phones);
        for (k, (index, phone)) in numbers.enumerate() {
            if refused(&phone) {
                removed(index, phone);
                continue;
            }
            kept.body.extend_from_slice(&self.body[span(&self.ends, k)]);
            kept.ends.push(kept.body.len());
            kept.body.push(b',');
            kept.indices.push(index);
            kept.phones.push(phone);
        }
        kept.seal()
    }

    /// `sha256(seed, chunk number, each number's phone, 0 and JSON)`, hex, 32 characters: the
    /// same input gives the same key (the bytes hashed are those of the earlier per-item
    /// serialisation, so keys stay the same across versions and a resume still matches).
    pub(crate) fn derived_key(&self, seed: &str, chunk: usize) -> String {
        let mut h = Sha256::new();
        h.update(seed.as_bytes());
        h.update(chunk.to_le_bytes());
        for k in 0..self.len() {
            h.update(self.phones[k].as_bytes());
            h.update([0]);
            h.update(self.item(k));
        }
        let digest = h.finalize();
        format!("jaicp-{}", &hex::encode(digest)[..32])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(phone: &str, attempts: Option<i32>) -> CallJobParameters {
        CallJobParameters {
            phone: phone.into(),
            max_attempts: attempts,
            ..Default::default()
        }
    }

    fn build(items: &[CallJobParameters]) -> BatchBuilder {
        let mut b = BatchBuilder::with_capacity(items.len(), 16);
        for (i, it) in items.iter().enumerate() {
            b.push(10 + i, &mut it.clone()).unwrap();
        }
        b
    }

    #[test]
    fn the_body_is_the_json_array_of_the_items() {
        let items = [
            item("+79001112233", None),
            item("79001112234", Some(3)),
            item("79001112235", None),
        ];
        let batch = build(&items).seal();
        assert_eq!(batch.body(), serde_json::to_vec(&items).unwrap());
        assert_eq!(batch.indices(), [10, 11, 12]);
        let empty = BatchBuilder::with_capacity(0, 0).seal();
        assert_eq!(&empty.body()[..], b"[]");
        assert!(empty.is_empty());
    }

    #[test]
    fn numbers_without_a_policy_are_written_as_serde_writes_them() {
        let mut policy = item("+79001112233", Some(2));
        policy.payload = Some(serde_json::json!({"name": "A \"B\""}));
        for it in [
            item("+79001112233", None),
            item("79001112233", None),
            item("a\"b\\c\u{1}é/", None),
            item("", None),
            policy,
        ] {
            let mut out = Vec::new();
            write_item(&mut out, &it).unwrap();
            assert_eq!(out, serde_json::to_vec(&it).unwrap(), "{it:?}");
        }
    }

    #[test]
    fn removing_and_refusing_keep_the_rest_byte_for_byte() {
        let items: Vec<CallJobParameters> = (0..7)
            .map(|i| item(&format!("7900111223{i}"), (i % 2 == 0).then_some(i)))
            .collect();
        let mut b = build(&items);
        let mut removed = Vec::new();
        // Offsets from 2: items 2 and 5 (offsets 0 and 3) go.
        b.remove_from(
            2,
            |offset| (offset % 3 == 0).then_some(()),
            |(), i, p| removed.push((i, p)),
        );
        assert_eq!(
            removed,
            [
                (12, "79001112232".to_owned()),
                (15, "79001112235".to_owned())
            ]
        );
        let kept: Vec<&CallJobParameters> = [0, 1, 3, 4, 6].iter().map(|&i| &items[i]).collect();
        let batch = b.seal();
        assert_eq!(batch.body(), serde_json::to_vec(&kept).unwrap());
        let mut refused = Vec::new();
        let batch = batch.without(
            |p| p.ends_with('0') || p.ends_with('6'),
            |i, p| refused.push((i, p)),
        );
        assert_eq!(refused.len(), 2);
        let kept: Vec<&CallJobParameters> = [1, 3, 4].iter().map(|&i| &items[i]).collect();
        assert_eq!(batch.body(), serde_json::to_vec(&kept).unwrap());
        let numbers: Vec<(usize, String)> = batch.into_numbers().collect();
        assert_eq!(numbers[0], (11, "79001112231".to_owned()));
        assert_eq!(numbers.len(), 3);
    }

    #[test]
    fn derived_keys_are_those_of_the_per_item_serialisation() {
        let items: Vec<CallJobParameters> = (0..5)
            .map(|i| item(&format!("+7900111223{i}"), Some(i + 1)))
            .collect();
        let batch = build(&items).seal();
        // The earlier computation, item by item.
        let mut h = Sha256::new();
        h.update(b"seed");
        h.update(3usize.to_le_bytes());
        for it in &items {
            h.update(it.phone.as_bytes());
            h.update([0]);
            h.update(serde_json::to_vec(it).unwrap());
        }
        let expected = format!("jaicp-{}", &hex::encode(h.finalize())[..32]);
        assert_eq!(batch.derived_key("seed", 3), expected);
    }
}
