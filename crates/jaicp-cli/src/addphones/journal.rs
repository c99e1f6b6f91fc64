//! The resume journal of `add-phones`: one JSON line per finished chunk, appended as soon as the
//! chunk is done, so an interrupted run can skip what is already added. It holds no
//! token; numbers appear only for rejected entries.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// One journal line.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Entry {
    /// First line: what run this journal belongs to.
    Header {
        /// SHA-256 of the input file.
        input_sha256: String,
        /// Chunk size (chunk numbers depend on it).
        chunk_size: usize,
    },
    /// A finished chunk.
    Chunk {
        /// Chunk number.
        chunk: usize,
        /// Numbers added.
        created: usize,
        /// Numbers rejected by the server: (input index, code).
        rejected: Vec<(usize, String)>,
    },
}

/// What an earlier run finished.
#[derive(Debug, Default)]
pub struct Resumed {
    /// Chunks complete.
    pub chunks: BTreeSet<usize>,
    /// Numbers those chunks added.
    pub created: usize,
    /// Numbers those chunks saw rejected.
    pub rejected: Vec<(usize, String)>,
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: Mutex<Synced>,
}

/// The file and when it was last forced to disk.
struct Synced {
    file: File,
    synced: Instant,
}

/// How often finished chunks are forced to disk. Every line is written at once (a killed
/// process loses nothing: the kernel has it); forcing it to the disk, which only matters for a
/// crash of the machine, costs a couple of milliseconds, so it happens at most this often. A
/// chunk lost that way is sent again under the same idempotence key: no duplicate job.
const SYNC_EVERY: Duration = Duration::from_millis(500);

impl Journal {
    /// Opens (or starts) the journal for this input. An existing journal of another input or
    /// chunk size is refused unless `restart` is set.
    pub fn open(
        path: &Path,
        input_sha256: &str,
        chunk_size: usize,
        restart: bool,
    ) -> anyhow::Result<(Journal, Resumed)> {
        let mut resumed = Resumed::default();
        let exists = path.exists() && !restart;
        if exists {
            let reader = BufReader::new(
                File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
            );
            for (n, line) in reader.lines().enumerate() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                // A line cut short by a kill is ignored: its chunk is simply redone (same key).
                let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
                    continue;
                };
                match entry {
                    Entry::Header {
                        input_sha256: h,
                        chunk_size: c,
                    } => {
                        if n == 0 && (h != input_sha256 || c != chunk_size) {
                            bail!(
                                "{} belongs to another input or chunk size; pass --restart or --journal",
                                path.display()
                            );
                        }
                    }
                    Entry::Chunk {
                        chunk,
                        created,
                        rejected,
                    } => {
                        if resumed.chunks.insert(chunk) {
                            resumed.created += created;
                            resumed.rejected.extend(rejected);
                        }
                    }
                }
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(exists)
            .write(true)
            .truncate(!exists)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        if !exists {
            let header = Entry::Header {
                input_sha256: input_sha256.to_owned(),
                chunk_size,
            };
            writeln!(file, "{}", serde_json::to_string(&header)?)?;
            file.sync_data()?;
        }
        Ok((
            Journal {
                path: path.to_owned(),
                file: Mutex::new(Synced {
                    file,
                    synced: Instant::now(),
                }),
            },
            resumed,
        ))
    }

    /// Appends a finished chunk and flushes it to disk.
    pub fn record(&self, entry: &Entry) -> anyhow::Result<()> {
        let line = serde_json::to_string(entry)?;
        let mut synced = self.file.lock().unwrap_or_else(|e| e.into_inner());
        writeln!(synced.file, "{line}")?;
        if synced.synced.elapsed() >= SYNC_EVERY {
            synced.file.sync_data()?;
            synced.synced = Instant::now();
        }
        Ok(())
    }

    /// Forces what is written to disk (at the end of a run).
    pub fn sync(&self) {
        let synced = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let _ = synced.file.sync_data();
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
