//! Streaming readers of add-phones input: CSV (a header row), a JSON array, or JSON Lines, one
//! row at a time with its line number, so memory does not grow with the file. Each row becomes a
//! validated call job or a [`RowError`] naming the line, the field and the reason; problems of
//! the file's shape (an unknown column, a broken JSON array) are [`InputError`]s that stop the run
//! before anything is sent.

use std::collections::HashSet;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jaicp_calls::models::{CallJobParameters, DayOfWeek};
use jaicp_calls::validate::{normalize_phone, validate_call_job};
use jaicp_core::Timestamp;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::header::{Column, Columns, Field, classify, map_header};
use super::limit::{MAX_ROW_BYTES, RowLimit, read_error};
use super::text::visible;

/// The input's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CSV with a header row.
    Csv,
    /// One JSON array of numbers (strings or numbers) or call job objects.
    Json,
    /// JSON Lines: one number or call job object per line.
    Jsonl,
}

impl Format {
    /// The format by file extension (`.json`, `.jsonl`/`.ndjson`, `.csv`), else by the first
    /// bytes: `[` is a JSON array, `{` or `"` JSON Lines, anything else CSV.
    pub fn detect(path: Option<&Path>, head: &[u8]) -> Format {
        let ext = path
            .and_then(Path::extension)
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => return Format::Json,
            Some("jsonl" | "ndjson") => return Format::Jsonl,
            Some("csv") => return Format::Csv,
            _ => {}
        }
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::Json,
            Some(b'{' | b'"') => Format::Jsonl,
            _ => Format::Csv,
        }
    }
}

/// A problem with one row: the row is not sent, the rest goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The number as written (may be empty or garbage).
    pub phone: String,
    /// The field at fault (`phone`, `maxAttempts`, `row` for the whole row).
    pub field: String,
    /// Why.
    pub reason: String,
}

/// One row of input.
#[derive(Debug)]
pub struct Row {
    /// Line where the row starts (1-based; the CSV header is line 1).
    pub line: u64,
    /// The call job, validated and with its number normalised, or why the row is refused.
    pub job: Result<CallJobParameters, RowError>,
}

/// A problem with the file itself: nothing is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The file's shape is wrong (header, JSON structure): a usage error.
    Usage(String),
    /// The file cannot be read.
    Io(String),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Usage(m) | InputError::Io(m) => f.write_str(m),
        }
    }
}

/// Rows of an input, lazily.
pub type Rows = Box<dyn Iterator<Item = Result<Row, InputError>> + Send>;

/// A reader that counts the bytes passing through (for progress), and optionally hashes them
/// (the journal and the idempotence keys belong to the input's SHA-256) and copies them to a
/// spool file (stdin, which cannot be read twice).
pub struct Tap<R> {
    inner: R,
    hasher: Option<Arc<std::sync::Mutex<Sha256>>>,
    copy: Option<io::BufWriter<std::fs::File>>,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Tap<R> {
    /// Wraps `inner`, counting into `bytes`.
    pub fn new(inner: R, bytes: Arc<AtomicU64>) -> Self {
        Tap {
            inner,
            hasher: None,
            copy: None,
            bytes,
        }
    }

    /// Also hashes everything read into `hasher`.
    pub fn hashing(mut self, hasher: Arc<std::sync::Mutex<Sha256>>) -> Self {
        self.hasher = Some(hasher);
        self
    }

    /// Also copies everything read to `file`.
    pub fn copying(mut self, file: std::fs::File) -> Self {
        self.copy = Some(io::BufWriter::with_capacity(1 << 16, file));
        self
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = &buf[..n];
        if let Some(h) = &self.hasher {
            h.lock().unwrap_or_else(|e| e.into_inner()).update(data);
        }
        if let Some(copy) = &mut self.copy {
            copy.write_all(data)?;
            if n == 0 {
                copy.flush()?;
            }
        }
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens the rows of `reader` in `format`. A CSV header is read and checked here, so a header
/// problem is known before the first row.
pub fn rows<R: Read + Send + 'static>(
    reader: R,
    format: Format,
    declared: Arc<HashSet<String>>,
) -> Result<Rows, InputError> {
    Ok(match format {
        // Rows are bounded in size: a file without line breaks is refused, not gathered.
        Format::Csv => Box::new(CsvRows::open(RowLimit::new(reader, true), &declared)?),
        Format::Json => Box::new(JsonArrayRows {
            scanner: JsonScanner::new(reader),
            declared,
            failed: false,
        }),
        Format::Jsonl => Box::new(JsonLines {
            reader: io::BufReader::with_capacity(1 << 16, RowLimit::new(reader, false)),
            line: 0,
            buf: Vec::new(),
            declared,
            failed: false,
        }),
    })
}

struct CsvRows<R> {
    reader: csv::Reader<R>,
    columns: Columns,
    record: csv::StringRecord,
    failed: bool,
}

impl<R: Read> CsvRows<R> {
    fn open(reader: R, declared: &HashSet<String>) -> Result<Self, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let headers = reader.headers().map_err(|e| match e.kind() {
            csv::ErrorKind::Io(e) => read_error(e),
            _ => InputError::Usage(format!("cannot read the CSV header: {e}")),
        })?;
        if headers.is_empty() {
            return Err(InputError::Usage(
                "the input is empty: a CSV file needs a header with a `phone` column".into(),
            ));
        }
        let columns = map_header(headers.iter(), declared).map_err(|p| {
            InputError::Usage(format!("the CSV header (line 1) is not usable:\n{p}"))
        })?;
        Ok(CsvRows {
            reader,
            columns,
            record: csv::StringRecord::new(),
            failed: false,
        })
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                Some(Ok(Row {
                    line,
                    job: csv_job(&self.columns, &self.record),
                }))
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                if let csv::ErrorKind::Io(io) = e.kind() {
                    self.failed = true;
                    return Some(Err(read_error(io)));
                }
                // A row that is not UTF-8: refuse the row, keep reading.
                Some(Ok(Row {
                    line,
                    job: Err(RowError {
                        phone: String::new(),
                        field: "row".into(),
                        reason: "is not valid UTF-8 text".into(),
                    }),
                }))
            }
        }
    }
}

fn row_error(phone: &str, field: &str, reason: impl Into<String>) -> RowError {
    // Keep what is echoed short: the number column of a broken file can hold anything.
    let phone: String = phone.chars().take(40).collect();
    RowError {
        phone,
        field: field.into(),
        reason: reason.into(),
    }
}

/// One CSV record to a call job.
fn csv_job(columns: &Columns, record: &csv::StringRecord) -> Result<CallJobParameters, RowError> {
    let phone_cell = columns
        .columns
        .iter()
        .position(|c| *c == Column::Field(Field::Phone))
        .and_then(|i| record.get(i))
        .unwrap_or("");
    if record.len() != columns.columns.len() {
        return Err(row_error(
            phone_cell,
            "row",
            format!(
                "has {} fields, the header has {}",
                record.len(),
                columns.columns.len()
            ),
        ));
    }
    let mut job = CallJobParameters::default();
    let mut payload = Map::new();
    for (column, value) in columns.columns.iter().zip(record.iter()) {
        if value.is_empty() {
            continue;
        }
        let field = match column {
            Column::Payload(key) => {
                payload.insert(key.clone(), Value::String(value.to_owned()));
                continue;
            }
            Column::Field(field) => *field,
        };
        let name = field.name();
        let int = || {
            value
                .parse::<i32>()
                .map_err(|_| row_error(phone_cell, name, "must be a whole number"))
        };
        let time = || {
            Timestamp::parse(value).ok_or_else(|| {
                row_error(
                    phone_cell,
                    name,
                    "must be an RFC 3339 time (2030-01-31T09:00:00Z) or epoch milliseconds",
                )
            })
        };
        let json = |what: &str| {
            serde_json::from_str::<Value>(value)
                .map_err(|_| row_error(phone_cell, name, format!("must be {what} written as JSON")))
        };
        match field {
            Field::Phone => job.phone = value.to_owned(),
            Field::GmtZone => job.gmt_zone = Some(value.to_owned()),
            Field::DialerPriority => job.dialer_priority = Some(int()?),
            Field::MaxAttempts => job.max_attempts = Some(int()?),
            Field::RetryIntervalInMinutes => job.retry_interval_in_minutes = Some(int()?),
            Field::StartDateTime => job.start_date_time = Some(time()?),
            Field::FinishDateTime => job.finish_date_time = Some(time()?),
            Field::LocalTimeFrom => job.local_time_from = Some(value.to_owned()),
            Field::LocalTimeTo => job.local_time_to = Some(value.to_owned()),
            Field::AllowedDays => {
                job.allowed_days = Some(
                    value
                        .split([';', ',', '|', ' '])
                        .filter(|d| !d.is_empty())
                        .map(DayOfWeek::from)
                        .collect(),
                )
            }
            Field::AllowedTime => {
                job.allowed_time = Some(
                    serde_json::from_value(json("an object such as {\"default\":[{\"localTimeFrom\":\"10:00\",\"localTimeTo\":\"18:00\"}]}")?)
                        .map_err(|e| row_error(phone_cell, name, e.to_string()))?,
                )
            }
            Field::ExternalCheck => {
                job.external_check = Some(
                    serde_json::from_value(json("an object such as {\"externalCheckUrl\":\"https://…\"}")?)
                        .map_err(|e| row_error(phone_cell, name, e.to_string()))?,
                )
            }
            Field::Payload => match json("an object")? {
                Value::Object(map) => {
                    for (k, v) in map {
                        payload.entry(k).or_insert(v);
                    }
                }
                _ => return Err(row_error(phone_cell, name, "must be a JSON object")),
            },
        }
    }
    if !payload.is_empty() {
        job.payload = Some(Value::Object(payload));
    }
    finish(job)
}

/// Normalises the number and validates the call policy, as the SDK will: a row that passes here
/// is never refused client-side later, so the rows sent line up with the rows read.
fn finish(mut job: CallJobParameters) -> Result<CallJobParameters, RowError> {
    if let Some(days) = &job.allowed_days
        && let Some(bad) = days.iter().find(|d| matches!(d, DayOfWeek::Unknown(_)))
    {
        return Err(row_error(
            &job.phone,
            "allowedDays",
            format!(
                "`{}` is not a day (mon, tue, wed, thu, fri, sat, sun)",
                visible(bad.as_str())
            ),
        ));
    }
    // Validation normalises the number itself; the row keeps it as written until it passes.
    if let Err(jaicp_core::Error::InvalidInput { field, reason }) = validate_call_job("row", &job) {
        let field = field.strip_prefix("row.").unwrap_or(&field).to_owned();
        return Err(row_error(&job.phone, &field, reason));
    }
    if job
        .phone
        .bytes()
        .any(|b| matches!(b, b' ' | b'-' | b'(' | b')' | b'.' | b'\t'))
    {
        job.phone = normalize_phone(&job.phone);
    }
    Ok(job)
}

/// One JSON value (array element or JSON Lines line) to a call job. Keys of an object follow the
/// same strict rule as CSV columns: a near-miss of a field is an [`InputError::Usage`].
fn json_job(
    value: Value,
    line: u64,
    declared: &HashSet<String>,
) -> Result<Result<CallJobParameters, RowError>, InputError> {
    let map = match value {
        Value::String(phone) => {
            return Ok(finish(CallJobParameters {
                phone,
                ..Default::default()
            }));
        }
        Value::Number(n) => {
            return Ok(finish(CallJobParameters {
                phone: n.to_string(),
                ..Default::default()
            }));
        }
        Value::Object(map) => map,
        _ => {
            return Ok(Err(row_error(
                "",
                "row",
                "must be a number, a string or a call job object",
            )));
        }
    };
    let mut fields = Map::new();
    let mut payload = Map::new();
    for (key, value) in map {
        match classify(&key, declared, "field") {
            Ok(Column::Field(Field::Payload)) => match value {
                Value::Object(inner) => {
                    for (k, v) in inner {
                        payload.entry(k).or_insert(v);
                    }
                }
                Value::Null => {}
                _ => return Ok(Err(row_error("", "payload", "must be a JSON object"))),
            },
            Ok(Column::Field(Field::Phone)) => {
                let phone = match value {
                    Value::Number(n) => Value::String(n.to_string()),
                    other => other,
                };
                fields.insert(key, phone);
            }
            Ok(Column::Field(_)) => {
                fields.insert(key, value);
            }
            Ok(Column::Payload(k)) => {
                payload.insert(k, value);
            }
            Err(problem) => return Err(InputError::Usage(format!("line {line}: {problem}"))),
        }
    }
    let phone = fields
        .get("phone")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !payload.is_empty() {
        fields.insert("payload".into(), Value::Object(payload));
    }
    Ok(
        match serde_json::from_value::<CallJobParameters>(Value::Object(fields)) {
            Ok(job) => finish(job),
            Err(e) => Err(row_error(&phone, "row", e.to_string())),
        },
    )
}

struct JsonLines<R> {
    reader: io::BufReader<R>,
    line: u64,
    buf: Vec<u8>,
    declared: Arc<HashSet<String>>,
    failed: bool,
}

impl<R: Read> Iterator for JsonLines<R> {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.failed = true;
                    return Some(Err(read_error(&e)));
                }
            }
            self.line += 1;
            let text = self.buf.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let line = self.line;
            let job = match serde_json::from_slice::<Value>(text) {
                Ok(value) => match json_job(value, line, &self.declared) {
                    Ok(job) => job,
                    Err(e) => {
                        self.failed = true;
                        return Some(Err(e));
                    }
                },
                Err(e) => Err(row_error("", "row", format!("is not valid JSON: {e}"))),
            };
            return Some(Ok(Row { line, job }));
        }
    }
}

struct JsonArrayRows<R> {
    scanner: JsonScanner<R>,
    declared: Arc<HashSet<String>>,
    failed: bool,
}

impl<R: Read> Iterator for JsonArrayRows<R> {
    type Item = Result<Row, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let (line, element) = match self.scanner.next_element() {
            Ok(Some(found)) => found,
            Ok(None) => return None,
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        };
        let job = match serde_json::from_slice::<Value>(element) {
            Ok(value) => match json_job(value, line, &self.declared) {
                Ok(job) => job,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            },
            Err(e) => Err(row_error("", "row", format!("is not valid JSON: {e}"))),
        };
        Some(Ok(Row { line, job }))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScanState {
    Start,
    Items { first: bool },
    Done,
}

/// Splits a top-level JSON array into its elements without parsing the whole array, tracking
/// line numbers: memory holds one element at a time.
struct JsonScanner<R> {
    reader: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    line: u64,
    state: ScanState,
    element: Vec<u8>,
}

impl<R: Read> JsonScanner<R> {
    fn new(reader: R) -> Self {
        JsonScanner {
            reader,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            len: 0,
            line: 1,
            state: ScanState::Start,
            element: Vec::new(),
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, InputError> {
        if self.pos == self.len {
            self.len = loop {
                match self.reader.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(InputError::Io(format!("cannot read the input: {e}"))),
                }
            };
            self.pos = 0;
            if self.len == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn bump(&mut self, b: u8) {
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
        }
    }

    fn skip_whitespace(&mut self) -> Result<Option<u8>, InputError> {
        loop {
            match self.peek()? {
                Some(b) if b.is_ascii_whitespace() => self.bump(b),
                // A byte-order mark before the array.
                Some(0xef) if self.state == ScanState::Start => {
                    for _ in 0..3 {
                        if let Some(b) = self.peek()? {
                            self.bump(b);
                        }
                    }
                }
                other => return Ok(other),
            }
        }
    }

    fn broken(&self, what: &str) -> InputError {
        InputError::Usage(format!("line {}: the JSON array {what}", self.line))
    }

    /// The next element's first line and bytes, or `None` after the closing `]`.
    fn next_element(&mut self) -> Result<Option<(u64, &[u8])>, InputError> {
        loop {
            match self.state {
                ScanState::Done => return Ok(None),
                ScanState::Start => match self.skip_whitespace()? {
                    Some(b'[') => {
                        self.bump(b'[');
                        self.state = ScanState::Items { first: true };
                    }
                    _ => {
                        return Err(InputError::Usage(
                            "a .json input must hold one JSON array; for one object per line use --input-format jsonl".into(),
                        ));
                    }
                },
                ScanState::Items { first } => {
                    match self.skip_whitespace()? {
                        None => return Err(self.broken("ends before its closing `]`")),
                        Some(b']') => {
                            self.bump(b']');
                            self.state = ScanState::Done;
                            return Ok(None);
                        }
                        Some(b',') if !first => {
                            self.bump(b',');
                            if self.skip_whitespace()? == Some(b']') {
                                return Err(self.broken("has a comma before `]`"));
                            }
                        }
                        Some(_) if !first => return Err(self.broken("misses a comma")),
                        Some(_) => {}
                    }
                    self.state = ScanState::Items { first: false };
                    return self.scan_element().map(Some);
                }
            }
        }
    }

    fn scan_element(&mut self) -> Result<(u64, &[u8]), InputError> {
        self.element.clear();
        let line = self.line;
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        loop {
            let Some(b) = self.peek()? else {
                return Err(self.broken("ends before its closing `]`"));
            };
            if in_string {
                if self.element.len() >= MAX_ROW_BYTES {
                    return Err(InputError::Usage(format!(
                        "line {line}: a string of the JSON array is longer than {} MiB; this is not a list of phone numbers",
                        MAX_ROW_BYTES >> 20
                    )));
                }
                self.element.push(b);
                self.bump(b);
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                    if depth == 0 {
                        break;
                    }
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => {
                    depth -= 1;
                    self.element.push(b);
                    self.bump(b);
                    if depth == 0 {
                        break;
                    }
                    continue;
                }
                b',' if depth == 0 => break,
                b if depth == 0 && b.is_ascii_whitespace() => break,
                _ => {}
            }
            self.element.push(b);
            self.bump(b);
            if self.element.len() > MAX_ROW_BYTES {
                return Err(InputError::Usage(format!(
                    "line {line}: an element of the JSON array is longer than {} MiB; this is not a list of phone numbers",
                    MAX_ROW_BYTES >> 20
                )));
            }
        }
        Ok((line, &self.element))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(format: Format, text: &str, declared: &[&str]) -> Result<Vec<Row>, InputError> {
        let declared = Arc::new(declared.iter().map(|s| s.to_string()).collect());
        rows(io::Cursor::new(text.as_bytes().to_vec()), format, declared)?.collect()
    }

    #[test]
    fn csv_rows_carry_line_numbers_and_policy() {
        let rows = read(
            Format::Csv,
            "phone,gmtZone,dialerPriority,allowedDays,payload.name\n\
             +7 900 111-22-33,Europe/Moscow,2,mon;fri,\"Ann\nSmith\"\n\
             79001112234,,,,Bob\n",
            &[],
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[1].line),
            (2, 4),
            "a quoted line break counts"
        );
        let first = rows[0].job.as_ref().unwrap();
        assert_eq!(first.phone, "+79001112233", "normalised");
        assert_eq!(first.gmt_zone.as_deref(), Some("Europe/Moscow"));
        assert_eq!(first.dialer_priority, Some(2));
        assert_eq!(
            first.allowed_days,
            Some(vec![DayOfWeek::Mon, DayOfWeek::Fri])
        );
        assert_eq!(first.payload.as_ref().unwrap()["name"], "Ann\nSmith");
        assert_eq!(
            rows[1].job.as_ref().unwrap().payload.as_ref().unwrap()["name"],
            "Bob"
        );
    }

    #[test]
    fn bad_rows_are_refused_one_by_one() {
        let rows = read(
            Format::Csv,
            "phone,maxAttempts,dialerPriority,city\n1,x,,\n12ab,,,\n79001112233,,9,\n79001112234\n79001112235,2,1,Tver\n",
            &["city"],
        )
        .unwrap();
        let errors: Vec<_> = rows
            .iter()
            .map(|r| r.job.as_ref().err().map(|e| (r.line, e.field.as_str())))
            .collect();
        assert_eq!(
            errors,
            vec![
                Some((2, "maxAttempts")),
                Some((3, "phone")),
                Some((4, "dialerPriority")),
                Some((5, "row")),
                None
            ]
        );
    }

    #[test]
    fn header_problems_stop_before_any_row() {
        let Err(InputError::Usage(msg)) = read(Format::Csv, "phone,gmtzone\n1,Z\n", &[]) else {
            panic!("a near-miss header is a usage error");
        };
        assert!(msg.contains("`gmtZone`"), "{msg}");
        assert!(matches!(
            read(Format::Csv, "", &[]),
            Err(InputError::Usage(_))
        ));
    }

    #[test]
    fn json_arrays_stream_with_line_numbers() {
        let text = "[\n  \"+79001112233\",\n  79001112234,\n  {\"phone\": \"79001112235\", \"maxAttempts\": 2,\n   \"payload\": {\"a\": \"]\\\"\"}, \"city\": \"Tver\"},\n  {\"phone\": 79001112236}, true\n]\n";
        let rows = read(Format::Json, text, &["city"]).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3, 4, 6, 6]
        );
        let obj = rows[2].job.as_ref().unwrap();
        assert_eq!(obj.max_attempts, Some(2));
        let payload = obj.payload.as_ref().unwrap();
        assert_eq!(
            (payload["a"].as_str(), payload["city"].as_str()),
            (Some("]\""), Some("Tver"))
        );
        assert_eq!(rows[3].job.as_ref().unwrap().phone, "79001112236");
        assert!(rows[4].job.is_err(), "true is no number");
        assert_eq!(read(Format::Json, " [ ] ", &[]).unwrap().len(), 0);
    }

    #[test]
    fn broken_json_arrays_and_near_miss_keys_are_input_errors() {
        for text in ["[\"1\"", "[\"1\" \"2\"]", "{\"phone\":\"1\"}", "[\"1\",]"] {
            let got: Result<Vec<Row>, _> = read(Format::Json, text, &[]);
            assert!(matches!(got, Err(InputError::Usage(_))), "{text}");
        }
        let Err(InputError::Usage(msg)) = read(
            Format::Json,
            "[{\"phone\":\"79001112233\",\"MaxAttempts\":3}]",
            &[],
        ) else {
            panic!("near-miss key");
        };
        assert!(
            msg.contains("`maxAttempts`") && msg.starts_with("line 1"),
            "{msg}"
        );
    }

    #[test]
    fn json_lines_refuse_bad_lines_only() {
        let rows = read(
            Format::Jsonl,
            "{\"phone\":\"79001112233\"}\n\nnot json\n\"79001112234\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].line, 3);
        assert!(rows[1].job.is_err());
        assert_eq!(rows[2].job.as_ref().unwrap().phone, "79001112234");
    }

    #[test]
    fn formats_are_detected() {
        assert_eq!(Format::detect(Some(Path::new("a.JSON")), b""), Format::Json);
        assert_eq!(
            Format::detect(Some(Path::new("a.ndjson")), b"["),
            Format::Jsonl
        );
        assert_eq!(Format::detect(None, b"  [1]"), Format::Json);
        assert_eq!(Format::detect(None, b"\xef\xbb\xbf{}"), Format::Jsonl);
        assert_eq!(Format::detect(None, b"phone\n"), Format::Csv);
        assert_eq!(
            Format::detect(Some(Path::new("x.txt")), b"phone"),
            Format::Csv
        );
    }

    #[test]
    fn the_tap_hashes_and_copies() {
        let bytes = Arc::new(AtomicU64::new(0));
        let hasher = Arc::new(std::sync::Mutex::new(Sha256::new()));
        let spool = std::env::temp_dir().join(format!("jaicp-tap-{}", std::process::id()));
        let mut tap = Tap::new(io::Cursor::new(b"phone\n1\n".to_vec()), bytes.clone())
            .hashing(hasher.clone())
            .copying(std::fs::File::create(&spool).unwrap());
        io::copy(&mut tap, &mut io::sink()).unwrap();
        drop(tap);
        assert_eq!(bytes.load(Ordering::Relaxed), 8);
        assert_eq!(std::fs::read(&spool).unwrap(), b"phone\n1\n");
        let digest = hasher.lock().unwrap().clone().finalize();
        assert_eq!(
            hex::encode(digest),
            hex::encode(Sha256::digest(b"phone\n1\n"))
        );
        let _ = std::fs::remove_file(spool);
    }
}
