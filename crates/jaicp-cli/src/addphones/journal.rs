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
        /// Which campaign and host the chunks went to: a fingerprint (see [`campaign_fingerprint`]),
        /// never the token. Absent in journals of older builds, which are then trusted as before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign: Option<String>,
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

/// A fingerprint of where the numbers go: the first 16 hex digits of SHA-256 over the host's
/// base URL and the campaign token. It tells two campaigns apart without the journal holding
/// anything that could be used as the token.
pub fn campaign_fingerprint(base_url: &str, token: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(base_url.as_bytes());
    hasher.update(b"\n");
    hasher.update(token.as_bytes());
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Journal {
    /// Opens (or starts) the journal for this input. An existing journal of another input, chunk
    /// size or campaign is refused unless `restart` is set: resuming it would skip chunks that
    /// never reached this campaign.
    pub fn open(
        path: &Path,
        input_sha256: &str,
        chunk_size: usize,
        campaign: Option<&str>,
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
                        campaign: written,
                    } => {
                        if n == 0 && (h != input_sha256 || c != chunk_size) {
                            bail!(
                                "{} belongs to another input or chunk size; pass --restart or --journal",
                                path.display()
                            );
                        }
                        if n == 0
                            && let (Some(written), Some(now)) = (written.as_deref(), campaign)
                            && written != now
                        {
                            bail!(
                                "{} belongs to another campaign or host; pass --restart or --journal",
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
                campaign: campaign.map(str::to_owned),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "jaicp-journal-{}-{name}.journal",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        path
    }

    fn finish_one_chunk(path: &Path, campaign: Option<&str>) {
        let (journal, _) = Journal::open(path, "abc", 1000, campaign, false).unwrap();
        journal
            .record(&Entry::Chunk {
                chunk: 0,
                created: 1000,
                rejected: Vec::new(),
            })
            .unwrap();
        journal.sync();
    }

    #[test]
    fn the_same_campaign_resumes() {
        let path = scratch("same");
        let a = campaign_fingerprint("https://app.jaicp.com/", "token-a");
        finish_one_chunk(&path, Some(&a));
        let (_, resumed) = Journal::open(&path, "abc", 1000, Some(&a), false).unwrap();
        assert_eq!(resumed.created, 1000);
        assert!(resumed.chunks.contains(&0));
    }

    #[test]
    fn another_campaign_or_host_is_refused_and_the_journal_kept() {
        let path = scratch("other");
        let a = campaign_fingerprint("https://app.jaicp.com/", "token-a");
        finish_one_chunk(&path, Some(&a));
        let before = std::fs::read(&path).unwrap();
        for other in [
            campaign_fingerprint("https://app.jaicp.com/", "token-b"),
            campaign_fingerprint("https://jaicp.example.org/", "token-a"),
        ] {
            let err = Journal::open(&path, "abc", 1000, Some(&other), false)
                .err()
                .expect("a journal of another campaign must not be resumed");
            assert!(err.to_string().contains("another campaign"), "{err}");
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the journal is untouched"
        );
        // --restart starts over.
        let (_, resumed) = Journal::open(&path, "abc", 1000, Some("x"), true).unwrap();
        assert!(resumed.chunks.is_empty());
    }

    #[test]
    fn a_journal_of_an_older_build_without_campaign_still_resumes() {
        let path = scratch("older");
        finish_one_chunk(&path, None);
        let (_, resumed) = Journal::open(&path, "abc", 1000, Some("any"), false).unwrap();
        assert_eq!(resumed.created, 1000);
    }

    #[test]
    fn the_fingerprint_holds_no_part_of_the_token() {
        let token = "CANARY-0123456789abcdef";
        let fp = campaign_fingerprint("https://app.jaicp.com/", token);
        assert_eq!(fp.len(), 16);
        for window in token.as_bytes().windows(6) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(!fp.contains(piece), "{piece} in {fp}");
        }
    }
}
