//! Checks: is the committed generated code stale, and does any of our text repeat the official
//! documents' prose.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::Value;

use crate::emit::HEADER;

/// Why a generated file is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stale {
    /// It differs from what the generator makes now.
    Differs,
    /// The generator makes it, but it is not on disk.
    Missing,
    /// It is on disk (with the `@generated` header) but the generator no longer makes it.
    Extra,
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stale::Differs => "differs from the generator's output",
            Stale::Missing => "is missing",
            Stale::Extra => "is no longer generated",
        })
    }
}

/// Compares the expected files with the disk. Directories holding expected files are also
/// searched for generated `.rs` files that are not expected any more.
pub fn stale_files(expected: &BTreeMap<PathBuf, String>) -> Result<Vec<(PathBuf, Stale)>> {
    let mut out = Vec::new();
    let mut dirs = BTreeSet::new();
    for (path, text) in expected {
        if let Some(d) = path.parent() {
            dirs.insert(d.to_path_buf());
        }
        match std::fs::read_to_string(path) {
            Ok(on_disk) if on_disk == *text => {}
            Ok(_) => out.push((path.clone(), Stale::Differs)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push((path.clone(), Stale::Missing))
            }
            Err(e) => return Err(e.into()),
        }
    }
    for dir in dirs {
        for path in generated_files(&dir)? {
            if !expected.contains_key(&path) {
                out.push((path, Stale::Extra));
            }
        }
    }
    Ok(out)
}

/// `.rs` files directly in `dir` that carry the `@generated` header.
pub fn generated_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with(HEADER))
        {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Writes the expected files (only those that changed) and removes generated files that are no
/// longer made. Returns the paths touched.
pub fn write_files(expected: &BTreeMap<PathBuf, String>) -> Result<Vec<(PathBuf, Stale)>> {
    let stale = stale_files(expected)?;
    for (path, why) in &stale {
        match why {
            Stale::Differs | Stale::Missing => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(path, &expected[path])?;
            }
            Stale::Extra => std::fs::remove_file(path)?,
        }
    }
    Ok(stale)
}

/// Words per phrase compared by [`prose_leaks`].
pub const PHRASE_WORDS: usize = 5;

/// The prose of a document: every `description`, `summary` and `title` string.
pub fn prose(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_prose(doc, &mut out);
    out
}

fn collect_prose(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match (k.as_str(), child) {
                    ("description" | "summary" | "title", Value::String(s)) => out.push(s.clone()),
                    // Examples and enum values are data, not prose.
                    ("example" | "examples" | "enum" | "default", _) => {}
                    // `properties` is keyed by field names: a field may be called `description`.
                    _ => collect_prose(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_prose(i, out)),
        _ => {}
    }
}

fn words(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        // Dotted and dashed names (`id.not.found`, `phone.gmtZone.bad.format`) and paths
        // (`/api/api-gateway/static/specs/async-api.html`) stay one word: they are codes and
        // addresses, not prose.
        for w in line.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
        {
            let w = w.trim_matches(|c: char| matches!(c, '.' | '_' | '-' | '/'));
            if !w.is_empty() {
                out.push((w.to_lowercase(), line_no + 1));
            }
        }
    }
    out
}

/// Finds phrases of [`PHRASE_WORDS`] words that appear both in the documents' prose and in one of
/// our texts (`(name, text)`). Returns `name:line: "phrase"` entries.
pub fn prose_leaks(prose: &[String], ours: &[(String, &str)]) -> Vec<String> {
    let mut phrases: HashMap<String, ()> = HashMap::new();
    for p in prose {
        let w: Vec<String> = words(p).into_iter().map(|(w, _)| w).collect();
        for window in w.windows(PHRASE_WORDS) {
            phrases.insert(window.join(" "), ());
        }
    }
    let mut out = BTreeSet::new();
    for (name, text) in ours {
        let w = words(text);
        for window in w.windows(PHRASE_WORDS) {
            let phrase: Vec<&str> = window.iter().map(|(w, _)| w.as_str()).collect();
            let phrase = phrase.join(" ");
            if phrases.contains_key(&phrase) {
                out.insert(format!("{name}:{}: \"{phrase}\"", window[0].1));
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_stale_missing_and_extra_files() {
        let dir = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("fresh.rs");
        let stale = dir.join("stale.rs");
        let missing = dir.join("missing.rs");
        let extra = dir.join("extra.rs");
        let mine = dir.join("handwritten.rs");
        std::fs::write(&fresh, format!("{HEADER}\nA\n")).unwrap();
        std::fs::write(&stale, format!("{HEADER}\nold\n")).unwrap();
        std::fs::write(&extra, format!("{HEADER}\ngone\n")).unwrap();
        std::fs::write(&mine, "// not generated\n").unwrap();
        let mut expected = BTreeMap::new();
        expected.insert(fresh.clone(), format!("{HEADER}\nA\n"));
        expected.insert(stale.clone(), format!("{HEADER}\nnew\n"));
        expected.insert(missing.clone(), format!("{HEADER}\nM\n"));
        let mut found = stale_files(&expected).unwrap();
        found.sort();
        let mut want = vec![
            (stale.clone(), Stale::Differs),
            (missing.clone(), Stale::Missing),
            (extra.clone(), Stale::Extra),
        ];
        want.sort();
        assert_eq!(found, want);
        write_files(&expected).unwrap();
        assert!(stale_files(&expected).unwrap().is_empty());
        assert!(!extra.exists());
        assert!(mine.exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn finds_copied_phrases() {
        let prose = vec!["The dialer will never call the number after this time.".to_owned()];
        let ours = [
            (
                "a.rs".to_owned(),
                "/// x\n/// The dialer will never call the number.\n",
            ),
            ("b.rs".to_owned(), "/// No call after this moment.\n"),
        ];
        let leaks = prose_leaks(&prose, &ours);
        assert_eq!(leaks.len(), 3, "{leaks:?}");
        assert!(leaks[0].starts_with("a.rs:2:"));
    }
}
