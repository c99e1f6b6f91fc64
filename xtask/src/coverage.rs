//! `cargo xtask coverage`: per document, how many of its operations have a generated
//! `OperationSpec` (found by reading the generated code, not by trusting codegen.toml).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::normalize::operations;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Document name.
    pub document: String,
    /// Operations with a generated spec.
    pub covered: usize,
    /// Operations in the document.
    pub total: usize,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.document, self.covered, self.total)
    }
}

/// (api, operationId) of every `OperationSpec` static in the generated code of every crate
/// (`crates/*/src/generated/**/*.rs`).
pub fn generated_specs(root: &Path) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    let crates = root.join("crates");
    let Ok(entries) = std::fs::read_dir(&crates) else {
        return Ok(out);
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("src/generated"))
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        scan_dir(&dir, &mut out)?;
    }
    Ok(out)
}

fn scan_dir(dir: &Path, out: &mut BTreeSet<(String, String)>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            scan_dir(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)?;
            let file =
                syn::parse_file(&text).with_context(|| format!("parsing {}", path.display()))?;
            scan_items(&file.items, out);
        }
    }
    Ok(())
}

/// Collects the specs of `items` (and of inline modules).
pub fn scan_items(items: &[syn::Item], out: &mut BTreeSet<(String, String)>) {
    for item in items {
        match item {
            syn::Item::Static(s) => {
                if let syn::Expr::Struct(lit) = &*s.expr
                    && lit
                        .path
                        .segments
                        .last()
                        .is_some_and(|seg| seg.ident == "OperationSpec")
                {
                    let field = |name: &str| {
                        lit.fields.iter().find_map(|f| match (&f.member, &f.expr) {
                            (
                                syn::Member::Named(id),
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }),
                            ) if id == name => Some(s.value()),
                            _ => None,
                        })
                    };
                    if let (Some(api), Some(op)) = (field("api"), field("operation")) {
                        out.insert((api, op));
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    scan_items(items, out);
                }
            }
            _ => {}
        }
    }
}

/// The report line of one normalised document.
pub fn line(document: &str, api: &str, doc: &Value, specs: &BTreeSet<(String, String)>) -> Line {
    let ops = operations(doc);
    let covered = ops
        .iter()
        .filter(|(_, _, op)| {
            op.get("operationId")
                .and_then(Value::as_str)
                .is_some_and(|id| specs.contains(&(api.to_owned(), id.to_owned())))
        })
        .count();
    Line {
        document: document.to_owned(),
        covered,
        total: ops.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_specs_in_generated_code() {
        let file: syn::File = syn::parse_str(
            r#"
            pub static A: OperationSpec = OperationSpec { api: "calls", operation: "addPhones", method: Method::POST, path: "/", idempotency: Idempotency::Idempotent };
            pub static B: jaicp_core::request::OperationSpec = jaicp_core::request::OperationSpec { api: "calls", operation: "getCallTask", method: Method::GET, path: "/", idempotency: Idempotency::Idempotent };
            pub static C: Other = Other { api: "calls", operation: "nope" };
            "#,
        )
        .unwrap();
        let mut out = BTreeSet::new();
        scan_items(&file.items, &mut out);
        assert_eq!(out.len(), 2);
        let doc = serde_json::json!({"paths": {"/a": {"post": {"operationId": "addPhones"}, "get": {"operationId": "other"}}}});
        assert_eq!(
            line("calls.yml", "calls", &doc, &out).to_string(),
            "calls.yml 1/2"
        );
    }
}
