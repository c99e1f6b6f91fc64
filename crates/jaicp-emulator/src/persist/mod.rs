//! The state file ([`crate::EmulatorBuilder::state_file`]): every API's data written as one JSON
//! document with a format name and version, replaced atomically (temp file + rename), and read
//! back at the next start.
//!
//! What is saved is data, not configuration: campaigns, jobs, chats, projects, labels, counters,
//! the emulator clock... The seed, the bot's rules, timeouts and caps come from the builder of
//! the run that loads the file.
//!
//! A file that cannot be read, is not an emulator state file, is corrupt, or was written by a
//! newer format version is an error that names the file; the file is then left exactly as it
//! was (the emulator does not start, so nothing can overwrite it).

pub(crate) mod serde_helpers;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::calls::CallsState;
use crate::chat::ChatState;
use crate::clock::Millis;
use crate::counters::Counters;
use crate::nlp::NlpState;
use crate::operator::OperatorState;
use crate::project::ProjectsState;
use crate::pushgate::PushgateState;
use crate::reporter::ReporterState;
use crate::state::EmulatorState;
use crate::text_campaigns::TextCampaignsState;
use crate::unified::events::EventsState;

/// Value of the `format` field of every state file.
pub(crate) const FORMAT: &str = "jaicp-emulator-state";

/// Version of the layout written by this build. Raise it when a change to a state section
/// cannot be read by older builds; a build refuses files with a higher version than its own.
pub const STATE_FORMAT_VERSION: u32 = 1;

/// The first fields of a state file, read before anything else so a file from a newer
/// emulator is refused with a clear message rather than a parse error.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// Everything a state file holds, as read back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Loaded {
    pub(crate) now_ms: Millis,
    pub(crate) counters: Counters,
    pub(crate) unified_tokens: Vec<String>,
    pub(crate) calls: CallsState,
    pub(crate) chat: ChatState,
    pub(crate) pushgate: PushgateState,
    pub(crate) operator: OperatorState,
    pub(crate) nlp: NlpState,
    pub(crate) projects: ProjectsState,
    pub(crate) events: EventsState,
    pub(crate) reporter: ReporterState,
    pub(crate) text_campaigns: TextCampaignsState,
}

/// The live state, written section by section: each section's lock is held only while that
/// section is written, so handlers of other APIs are never blocked by a save.
struct Saving<'a>(&'a EmulatorState);

impl Serialize for Saving<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let state = self.0;
        let shared = &state.shared;
        let mut out = s.serialize_struct("EmulatorState", 14)?;
        out.serialize_field("format", FORMAT)?;
        out.serialize_field("version", &STATE_FORMAT_VERSION)?;
        out.serialize_field("nowMs", &shared.clock.now_ms())?;
        out.serialize_field("counters", &shared.counters.snapshot())?;
        out.serialize_field("unifiedTokens", &*state.unified_tokens())?;
        out.serialize_field("calls", &*state.calls())?;
        out.serialize_field("chat", &*shared.chat.lock())?;
        out.serialize_field("pushgate", &*shared.pushgate.lock())?;
        out.serialize_field("operator", &*shared.operator.lock())?;
        out.serialize_field("nlp", &*state.nlp())?;
        out.serialize_field("projects", &*state.projects())?;
        out.serialize_field("events", &*state.events())?;
        out.serialize_field("reporter", &*state.reporter())?;
        out.serialize_field("textCampaigns", &*state.text_campaigns())?;
        out.end()
    }
}

fn state_error(path: &Path, what: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("emulator state file {}: {what}", path.display()),
    )
}

/// Reads a state file. `Ok(None)` when it does not exist yet (a first run).
pub(crate) fn load(path: &Path) -> io::Result<Option<Loaded>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("emulator state file {}: {e}", path.display()),
            ));
        }
    };
    let header: Header = serde_json::from_slice(&bytes).map_err(|e| {
        state_error(
            path,
            format_args!("not valid JSON ({e}); the file was left unchanged"),
        )
    })?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(state_error(
            path,
            format_args!(
                "not an emulator state file (no \"format\": \"{FORMAT}\"); the file was left unchanged"
            ),
        ));
    }
    match header.version {
        Some(v) if v > u64::from(STATE_FORMAT_VERSION) => {
            return Err(state_error(
                path,
                format_args!(
                    "written by a newer emulator (format version {v}; this one reads up to \
                     {STATE_FORMAT_VERSION}); upgrade jaicp or use another file; the file was left unchanged"
                ),
            ));
        }
        Some(_) => {}
        None => {
            return Err(state_error(
                path,
                "no format version; the file was left unchanged",
            ));
        }
    }
    let mut de = serde_json::Deserializer::from_slice(&bytes);
    let loaded = serde_path_to_error::deserialize::<_, Loaded>(&mut de).map_err(|e| {
        state_error(
            path,
            format_args!(
                "corrupt at {}: {}; the file was left unchanged",
                e.path(),
                e.inner()
            ),
        )
    })?;
    Ok(Some(loaded))
}

/// `state`'s data as if it had been written to a file and read back (for a reset).
pub(crate) fn copy(state: &EmulatorState) -> Result<Loaded, String> {
    let bytes = serde_json::to_vec(&Saving(state)).map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// Distinguishes temp files of saves running at the same time in one process.
static SAVE_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes the whole state to `path` atomically: a temp file in the same directory, flushed to
/// disk, then renamed over the old file. A reader (or a crash) sees the old file or the new one,
/// never half of one.
pub(crate) fn save(state: &EmulatorState, path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    let seq = SAVE_SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{seq}.tmp", std::process::id()));
    let written = (|| {
        let file = fs::File::create(&tmp)?;
        let mut out = io::BufWriter::with_capacity(256 * 1024, file);
        serde_json::to_writer(&mut out, &Saving(state)).map_err(io::Error::other)?;
        out.flush()?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io::Error::new(
            e.kind(),
            format!("cannot write emulator state file {}: {e}", path.display()),
        ));
    }
    Ok(())
}
