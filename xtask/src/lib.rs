//! Build tasks of the workspace: `cargo xtask codegen [--check]`, `cargo xtask coverage`,
//! `cargo xtask specs normalize`.
//!
//! Pipeline: [`load`] (YAML → JSON value, external refs bundled) → [`normalize`] (fixes declared in
//! codegen.toml) → [`ir`] → [`emit_models`] / [`emit_operations`] → files, compared by [`check`].

pub mod check;
pub mod config;
pub mod coverage;
pub mod diff;
pub mod emit;
pub mod emit_models;
pub mod emit_operations;
pub mod emit_round_trip;
pub mod facts;
pub mod fetch;
pub mod ir;
pub mod limits;
pub mod load;
pub mod normalize;
pub mod surface;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use quote::quote;
use serde_json::Value;

use crate::config::{Config, DocumentConfig, Source};

/// The name of the idempotence key parameter.
pub const IDEMPOTENCE_KEY: &str = "Idempotence-Key";

/// The error when no official documents directory is known.
pub const NO_SPECS_DIR: &str = "no OpenAPI documents directory: pass `--specs DIR` or set JAICP_SPECS_DIR \
     (CI uses JAICP_SPECS_DIR=../shared/jaicp-specs; relative paths are resolved against the workspace root)";

/// The workspace root, found when xtask runs rather than when it is compiled.
///
/// A path fixed at compile time (`env!("CARGO_MANIFEST_DIR")`) is wrong whenever the binary was
/// built from another checkout sharing the target directory: `release --dry-run` builds xtask in
/// its scratch worktree, cargo then finds that binary fresh for the main tree, and every later
/// command would read the scratch copy. So, in order: the `CARGO_MANIFEST_DIR` that `cargo run`
/// (the `cargo xtask` alias) sets for the running process; the nearest directory at or above the
/// current one whose `Cargo.toml` declares a `[workspace]` with an `xtask/` beside it; and only
/// then the compile-time path.
pub fn workspace_root() -> PathBuf {
    let from_env = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|dir| dir.parent().map(Path::to_path_buf))
        .filter(|dir| is_workspace_root(dir));
    let from_cwd = || {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| find_workspace_root(&cwd))
    };
    from_env.or_else(from_cwd).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives inside the workspace")
            .to_path_buf()
    })
}

/// The nearest directory at or above `start` that is the root of this workspace.
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_workspace_root(dir))
        .map(Path::to_path_buf)
}

fn is_workspace_root(dir: &Path) -> bool {
    dir.join("xtask").join("Cargo.toml").is_file()
        && std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|text| text.lines().any(|l| l.trim() == "[workspace]"))
}

/// Resolves a path given on the command line or in the environment against the workspace root.
pub fn resolve_path(root: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    }
}

/// Everything a task needs: the root, the official documents directory, codegen.toml.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Workspace root.
    pub root: PathBuf,
    /// Official documents directory, when given.
    pub specs_dir: Option<PathBuf>,
    /// codegen.toml.
    pub config: Config,
}

impl Workspace {
    /// Reads `<root>/codegen.toml`.
    pub fn open(root: PathBuf, specs_dir: Option<PathBuf>) -> Result<Workspace> {
        let config = Config::load(&root.join("codegen.toml"))?;
        Ok(Workspace {
            root,
            specs_dir,
            config,
        })
    }

    /// Every API document: the official ones with paths (sorted by file name), then ours in
    /// `specs/`, each with its codegen.toml entry (or a default one).
    pub fn documents(&self) -> Result<Vec<DocumentConfig>> {
        let mut out = Vec::new();
        if let Some(dir) = &self.specs_dir {
            for file in api_files(dir)? {
                out.push(
                    self.config
                        .documents
                        .iter()
                        .find(|d| d.source == Source::Official && d.file == file)
                        .cloned()
                        .unwrap_or_else(|| DocumentConfig::fallback(&file, Source::Official)),
                );
            }
        }
        let ours = self.root.join("specs");
        if ours.is_dir() {
            for file in api_files(&ours)? {
                let rel = format!("specs/{file}");
                out.push(
                    self.config
                        .documents
                        .iter()
                        .find(|d| d.source == Source::Workspace && d.file == rel)
                        .cloned()
                        .unwrap_or_else(|| DocumentConfig::fallback(&rel, Source::Workspace)),
                );
            }
        }
        Ok(out)
    }

    /// Loads, bundles and normalises a document.
    pub fn load(&self, doc: &DocumentConfig) -> Result<Value> {
        let path = doc.path(self.specs_dir.as_deref(), &self.root)?;
        prepare(&path, doc)
    }

    /// The files `cargo xtask codegen` writes: every document with a `module`.
    pub fn codegen_outputs(&self) -> Result<BTreeMap<PathBuf, String>> {
        let mut out = BTreeMap::new();
        for doc in self.config.documents.iter().filter(|d| d.module.is_some()) {
            let value = self
                .load(doc)
                .with_context(|| format!("document `{}`", doc.file))?;
            let dir = self.root.join(doc.module.as_deref().expect("filtered"));
            for (name, text) in generate(&value, doc, &self.root)
                .with_context(|| format!("document `{}`", doc.file))?
            {
                out.insert(dir.join(name), text);
            }
        }
        let config_text = std::fs::read_to_string(self.root.join("codegen.toml"))?;
        let mut ours: Vec<(String, &str)> = vec![("codegen.toml".to_owned(), config_text.as_str())];
        for (path, text) in &out {
            ours.push((self.rel(path), text.as_str()));
        }
        let leaks = check::prose_leaks(&self.all_prose()?, &ours);
        if !leaks.is_empty() {
            bail!(
                "text from the official documents found in our files:\n{}",
                leaks.join("\n")
            );
        }
        Ok(out)
    }

    /// The prose of every document we can see: all YAML/JSON files of the official directory
    /// (shared component files included) and of `specs/`.
    pub fn all_prose(&self) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        let dirs = self
            .specs_dir
            .iter()
            .cloned()
            .chain(std::iter::once(self.root.join("specs")));
        for dir in dirs.filter(|d| d.is_dir()) {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "yml" || e == "yaml" || e == "json")
                })
                .collect();
            files.sort();
            for file in files {
                texts.extend(check::prose(&load::read_value(&file)?));
            }
        }
        Ok(texts)
    }

    /// A path relative to the root, for messages.
    pub fn rel(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .display()
            .to_string()
    }
}

/// Files in `dir` that are OpenAPI documents with at least one path, sorted.
pub fn api_files(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if !(name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json")) {
            continue;
        }
        let value = load::read_value(&path)?;
        if value
            .get("paths")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
        {
            files.push(name);
        }
    }
    files.sort();
    Ok(files)
}

/// Loads, bundles and normalises the document at `path`.
pub fn prepare(path: &Path, doc: &DocumentConfig) -> Result<Value> {
    let mut value = load::load_document(path, doc.fixes.lenient_refs)?;
    normalize::normalize(&mut value, &doc.fixes)
        .with_context(|| format!("normalising {}", path.display()))?;
    Ok(value)
}

/// Generates `mod.rs`, `models.rs` and `operations.rs` for a normalised document.
pub fn generate(value: &Value, doc: &DocumentConfig, root: &Path) -> Result<Vec<(String, String)>> {
    let api = ir::build(value, doc)?;
    let mod_doc = emit::inner_doc(&format!(
        "Generated code of the `{}` API, from `{}`: [`models`] and [`operations`].",
        api.api, api.file
    ));
    let round_trip = emit_round_trip::emit(&api);
    let round_trip_mod = if round_trip.is_some() {
        quote! {
            #[cfg(test)]
            mod round_trip;
        }
    } else {
        quote!()
    };
    let module = quote! {
        #mod_doc
        pub mod models;
        pub mod operations;
        #round_trip_mod
    };
    let mut files = vec![
        ("mod.rs".to_owned(), emit::format_file(module, root)?),
        (
            "models.rs".to_owned(),
            emit::format_file(emit_models::emit(&api), root)?,
        ),
        (
            "operations.rs".to_owned(),
            emit::format_file(emit_operations::emit(&api), root)?,
        ),
    ];
    if let Some(tokens) = round_trip {
        files.push(("round_trip.rs".to_owned(), emit::format_file(tokens, root)?));
    }
    Ok(files)
}

/// Refuses to write into the tracked tree anywhere but under `target/`.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let out = normalize_lexically(out);
    let root = normalize_lexically(root);
    if out.starts_with(&root) && !out.starts_with(root.join("target")) {
        bail!(
            "refusing to write to {}: inside the workspace only `target/` may receive generated copies",
            out.display()
        );
    }
    Ok(())
}

fn normalize_lexically(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod root_tests {
    use super::*;

    #[test]
    fn finds_the_workspace_from_below_and_not_from_a_member() {
        let dir = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        let member = dir.join("crates/a/src");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::create_dir_all(dir.join("xtask")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::write(
            dir.join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\n",
        )
        .unwrap();
        // A member's own manifest (no `[workspace]`) is passed over.
        std::fs::write(dir.join("crates/a/Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(find_workspace_root(&member).as_deref(), Some(dir.as_path()));
        assert_eq!(find_workspace_root(&dir).as_deref(), Some(dir.as_path()));
        assert_eq!(find_workspace_root(&std::env::temp_dir()), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_running_workspace_is_this_one() {
        // `cargo test` sets CARGO_MANIFEST_DIR to xtask/ for the test process, like `cargo run`.
        let root = workspace_root();
        assert!(root.join("codegen.toml").is_file());
        assert!(is_workspace_root(&root));
    }
}
