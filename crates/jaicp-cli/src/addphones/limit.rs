//! The size bound of one input row, so that a file with no line breaks (a sparse multi-GB file,
//! a binary dump, a runaway quoted CSV field) is refused early instead of being gathered into
//! memory as one record.

use std::io::{self, Read};

use super::reader::InputError;

/// The longest row accepted, in bytes. A call job row (a number, a few fields, a payload) is a
/// few hundred bytes; a megabyte leaves room for large payloads and is still cheap to hold.
pub const MAX_ROW_BYTES: usize = 1 << 20;

/// The error a read returns when a row is over [`MAX_ROW_BYTES`].
#[derive(Debug)]
pub struct RowTooLong {
    /// 1-based line where the row starts.
    pub line: u64,
    /// Whether an open CSV quote may be the cause.
    pub quoted: bool,
}

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the row starting on line {} is longer than {} MiB; this is not a file of phone numbers{}",
            self.line,
            MAX_ROW_BYTES >> 20,
            if self.quoted {
                " (or a quote is not closed)"
            } else {
                ""
            }
        )
    }
}

impl std::error::Error for RowTooLong {}

/// An input error for a failed read: a too long row is a problem of the file (usage), anything
/// else a read failure.
pub fn read_error(e: &io::Error) -> InputError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<RowTooLong>())
    {
        Some(too_long) => InputError::Usage(too_long.to_string()),
        None => InputError::Io(format!("cannot read the input: {e}")),
    }
}

/// A reader that fails with [`RowTooLong`] once a row grows past [`MAX_ROW_BYTES`]. A row ends
/// at a line break; with `quoted` (CSV), not at one inside double quotes (`""` toggles twice, so
/// an escaped quote keeps the state).
pub struct RowLimit<R> {
    inner: R,
    quoted: bool,
    in_quotes: bool,
    row_bytes: usize,
    line: u64,
    row_line: u64,
}

impl<R> RowLimit<R> {
    /// Bounds the rows of `inner`; `quoted` for CSV.
    pub fn new(inner: R, quoted: bool) -> Self {
        RowLimit {
            inner,
            quoted,
            in_quotes: false,
            row_bytes: 0,
            line: 1,
            row_line: 1,
        }
    }
}

impl<R: Read> Read for RowLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'\n' => {
                    self.line += 1;
                    if !self.in_quotes {
                        self.row_bytes = 0;
                        self.row_line = self.line;
                        continue;
                    }
                }
                b'"' if self.quoted => self.in_quotes = !self.in_quotes,
                _ => {}
            }
            self.row_bytes += 1;
            if self.row_bytes > MAX_ROW_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    RowTooLong {
                        line: self.row_line,
                        quoted: self.quoted,
                    },
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: Vec<u8>, quoted: bool) -> Result<usize, InputError> {
        let mut out = Vec::new();
        RowLimit::new(input.as_slice(), quoted)
            .read_to_end(&mut out)
            .map_err(|e| read_error(&e))
    }

    #[test]
    fn rows_up_to_the_limit_pass_and_a_longer_one_is_a_usage_error() {
        let mut ok = b"phone\n".to_vec();
        ok.extend(std::iter::repeat_n(b'1', MAX_ROW_BYTES));
        ok.extend_from_slice(b"\n+79001112233\n");
        assert_eq!(read_all(ok.clone(), true).unwrap(), ok.len());

        let mut long = b"phone\n+79001112233\n".to_vec();
        long.extend(std::iter::repeat_n(0u8, MAX_ROW_BYTES + 1));
        match read_all(long, true) {
            Err(InputError::Usage(m)) => assert!(m.contains("line 3"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_quoted_csv_field_spans_lines_but_not_without_bound() {
        let mut quoted = b"phone,comment\n+79001112233,\"".to_vec();
        for _ in 0..(MAX_ROW_BYTES / 4 + 1) {
            quoted.extend_from_slice(b"ab\n\n");
        }
        assert!(matches!(
            read_all(quoted.clone(), true),
            Err(InputError::Usage(_))
        ));
        // JSON Lines has no quoting across lines: the same bytes are short lines.
        assert!(read_all(quoted, false).is_ok());
        // An escaped quote ("") keeps the field open, a closing one ends it.
        let escaped = b"phone,c\n+7900,\"a \"\"b\"\" c\"\n+7901,x\n".to_vec();
        assert!(read_all(escaped, true).is_ok());
    }
}
