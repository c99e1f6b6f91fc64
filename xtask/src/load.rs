//! Loading: a YAML (or JSON) OpenAPI document into a `serde_json::Value`, with every external
//! `$ref` bundled into the document itself.
//!
//! Bundling copies each referenced component (`other.yml#/components/<kind>/<name>`) into the
//! document's own `components/<kind>` — under a prefixed name when the name is already taken by a
//! different definition — and rewrites the reference to the local form. References inside copied
//! components are followed the same way, so the result is self-contained.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

/// Reads a YAML or JSON file into a JSON value (mapping keys become strings, merge keys applied).
pub fn read_value(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse_value(&text, path)
}

/// Parses YAML or JSON text (by the file extension) into a JSON value.
pub fn parse_value(text: &str, path: &Path) -> Result<Value> {
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(text).with_context(|| format!("parsing {}", path.display()));
    }
    let mut yaml: serde_norway::Value =
        serde_norway::from_str(text).with_context(|| format!("parsing {}", path.display()))?;
    yaml.apply_merge()
        .with_context(|| format!("merge keys in {}", path.display()))?;
    yaml_to_json(yaml).with_context(|| format!("converting {}", path.display()))
}

fn yaml_to_json(v: serde_norway::Value) -> Result<Value> {
    use serde_norway::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n
                    .as_f64()
                    .ok_or_else(|| anyhow!("number {n} is not representable"))?;
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            Value::Array(items.into_iter().map(yaml_to_json).collect::<Result<_>>()?)
        }
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => bail!("unsupported mapping key {other:?}"),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
}

/// A parsed `$ref`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefTarget {
    /// The referenced file, for external references.
    pub file: Option<String>,
    /// JSON pointer inside the (referenced) document, starting with `/`.
    pub pointer: String,
}

/// Parses a `$ref` string. `lenient` accepts `file.yml/#/pointer` as `file.yml#/pointer`.
pub fn parse_ref(s: &str, lenient: bool) -> Result<RefTarget> {
    if let Some(ptr) = s.strip_prefix('#') {
        return Ok(RefTarget {
            file: None,
            pointer: ptr.to_owned(),
        });
    }
    if s.starts_with("http://") || s.starts_with("https://") {
        bail!("remote reference `{s}` is not supported");
    }
    let Some((file, ptr)) = s.split_once('#') else {
        bail!("reference `{s}` to a whole document is not supported (expected `file#/pointer`)");
    };
    let file = match file.strip_suffix('/') {
        Some(f) if lenient => f,
        Some(_) => bail!(
            "malformed external reference `{s}` (`file/#/...`); set `fixes.lenient_refs = true` in codegen.toml to read it as `file#/...`"
        ),
        None => file,
    };
    Ok(RefTarget {
        file: Some(file.to_owned()),
        pointer: ptr.to_owned(),
    })
}

/// Reads a document and bundles its external references.
pub fn load_document(path: &Path, lenient_refs: bool) -> Result<Value> {
    let doc = read_value(path)?;
    bundle(path, doc, lenient_refs).with_context(|| format!("bundling {}", path.display()))
}

/// Bundles the external references of `doc` (read from `path`) into it.
pub fn bundle(path: &Path, mut doc: Value, lenient_refs: bool) -> Result<Value> {
    let mut bundler = Bundler {
        root: normalize_path(path),
        lenient: lenient_refs,
        taken: BTreeMap::new(),
        imported: HashMap::new(),
        added: Vec::new(),
        cache: HashMap::new(),
    };
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            if let Some(entries) = entries.as_object() {
                for (name, value) in entries {
                    bundler
                        .taken
                        .insert((kind.clone(), name.clone()), value.clone());
                }
            }
        }
    }
    let root = bundler.root.clone();
    bundler.rewrite(&mut doc, &root, &mut String::new())?;
    if !bundler.added.is_empty() {
        let obj = doc
            .as_object_mut()
            .ok_or_else(|| anyhow!("the document is not an object"))?;
        let components = obj
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let components = components
            .as_object_mut()
            .ok_or_else(|| anyhow!("`components` is not an object"))?;
        for (kind, name, value) in bundler.added {
            let section = components
                .entry(kind)
                .or_insert_with(|| Value::Object(Map::new()));
            section
                .as_object_mut()
                .ok_or_else(|| anyhow!("a components section is not an object"))?
                .insert(name, value);
        }
    }
    Ok(doc)
}

struct Bundler {
    root: PathBuf,
    lenient: bool,
    /// Components present in (or already added to) the document.
    taken: BTreeMap<(String, String), Value>,
    /// (file, pointer) → local reference.
    imported: HashMap<(PathBuf, String), String>,
    /// Components to add: (kind, name, value).
    added: Vec<(String, String, Value)>,
    cache: HashMap<PathBuf, Value>,
}

impl Bundler {
    /// Rewrites every `$ref` in `value`, which comes from `file`.
    fn rewrite(&mut self, value: &mut Value, file: &Path, spot: &mut String) -> Result<()> {
        match value {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let len = spot.len();
                    spot.push('/');
                    spot.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    let child = map.get_mut(&key).expect("key exists");
                    if key == "$ref"
                        && let Value::String(s) = child
                    {
                        let target =
                            parse_ref(s, self.lenient).with_context(|| format!("at {spot}"))?;
                        let target_file = match &target.file {
                            None => file.to_path_buf(),
                            Some(f) => {
                                normalize_path(&file.parent().unwrap_or(Path::new(".")).join(f))
                            }
                        };
                        if target_file != self.root {
                            *s = self
                                .import(&target_file, &target.pointer)
                                .with_context(|| format!("reference `{s}` at {spot}"))?;
                        } else if target.file.is_some() {
                            *s = format!("#{}", target.pointer);
                        }
                    } else {
                        self.rewrite(child, file, spot)?;
                    }
                    spot.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let len = spot.len();
                    spot.push_str(&format!("/{i}"));
                    self.rewrite(item, file, spot)?;
                    spot.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Copies a component of another file into the document; returns its local reference.
    fn import(&mut self, file: &Path, pointer: &str) -> Result<String> {
        let key = (file.to_path_buf(), pointer.to_owned());
        if let Some(local) = self.imported.get(&key) {
            return Ok(local.clone());
        }
        let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
        let [section, kind, name] = parts.as_slice() else {
            bail!(
                "only references to `#/components/<kind>/<name>` can be bundled, not `{pointer}`"
            );
        };
        if *section != "components" {
            bail!(
                "only references to `#/components/<kind>/<name>` can be bundled, not `{pointer}`"
            );
        }
        let (kind, name) = (unescape(kind), unescape(name));
        if !self.cache.contains_key(file) {
            let value = read_value(file)?;
            self.cache.insert(file.to_path_buf(), value);
        }
        let mut value = self.cache[file]
            .pointer(pointer)
            .cloned()
            .ok_or_else(|| anyhow!("`{pointer}` does not exist in {}", file.display()))?;
        // Pick the local name: the same one unless a different definition already has it.
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_upper_camel_case())
            .unwrap_or_default();
        let mut local_name = name.clone();
        let mut n = 1;
        while let Some(existing) = self.taken.get(&(kind.clone(), local_name.clone())) {
            if *existing == value && !contains_ref(&value) {
                let local = format!("#/components/{kind}/{}", escape(&local_name));
                self.imported.insert(key, local.clone());
                return Ok(local);
            }
            local_name = if n == 1 {
                format!("{stem}{name}")
            } else {
                format!("{stem}{name}{n}")
            };
            n += 1;
        }
        let local = format!("#/components/{kind}/{}", escape(&local_name));
        // Register first, so that cycles through this component resolve to it.
        self.imported.insert(key, local.clone());
        self.taken
            .insert((kind.clone(), local_name.clone()), value.clone());
        self.rewrite(
            &mut value,
            file,
            &mut format!("{}#{pointer}", file.display()),
        )?;
        self.taken
            .insert((kind.clone(), local_name.clone()), value.clone());
        self.added.push((kind, local_name, value));
        Ok(local)
    }
}

fn contains_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key("$ref") || m.values().any(contains_ref),
        Value::Array(a) => a.iter().any(contains_ref),
        _ => false,
    }
}

/// Unescapes one JSON pointer token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Escapes one JSON pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Resolves `.` and `..` without touching the file system (the files may not all exist yet).
fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ref_forms() {
        assert_eq!(parse_ref("#/a/b", false).unwrap().file, None);
        let r = parse_ref("common.yml#/components/schemas/X", false).unwrap();
        assert_eq!(r.file.as_deref(), Some("common.yml"));
        assert!(parse_ref("common.yml/#/components/schemas/X", false).is_err());
        let r = parse_ref("common.yml/#/components/schemas/X", true).unwrap();
        assert_eq!(
            (r.file.as_deref(), r.pointer.as_str()),
            (Some("common.yml"), "/components/schemas/X")
        );
        assert!(parse_ref("https://example.com/a.yml#/x", true).is_err());
    }

    #[test]
    fn bundles_with_prefix_on_collision() {
        let dir = std::env::temp_dir().join(format!("xtask-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("lib.yml"),
            "components:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/B'}\n    B: {type: integer}\n",
        )
        .unwrap();
        let main = dir.join("main.yml");
        std::fs::write(
            &main,
            "paths: {}\ncomponents:\n  schemas:\n    B: {type: string}\n    U: {$ref: 'lib.yml#/components/schemas/A'}\n",
        )
        .unwrap();
        let doc = load_document(&main, false).unwrap();
        assert_eq!(
            doc.pointer("/components/schemas/U/$ref").unwrap(),
            "#/components/schemas/A"
        );
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/b/$ref")
                .unwrap(),
            "#/components/schemas/LibB"
        );
        assert_eq!(
            doc.pointer("/components/schemas/LibB/type").unwrap(),
            "integer"
        );
        assert_eq!(doc.pointer("/components/schemas/B/type").unwrap(), "string");
        std::fs::remove_dir_all(&dir).ok();
    }
}
