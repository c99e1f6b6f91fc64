//! `cargo xtask specs diff A B`: operations and schema fields added, removed or changed between
//! two directories of OpenAPI documents (say, the ones we generate from and a fresh
//! `specs fetch`). Documents are compared as written (references are not resolved), so a change
//! shows where it was made.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every OpenAPI document of a directory, by file name.
pub fn load_dir(dir: &Path) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".json")) {
            continue;
        }
        let value = crate::load::read_value(&path)?;
        if value.get("openapi").is_some() || value.get("swagger").is_some() {
            out.insert(name, value);
        }
    }
    Ok(out)
}

/// A short description of a schema's type: `string`, `string(date-time)`, `array<Ref>`, `Ref`.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = items.iter().map(type_of).collect();
            return format!("{key}[{}]", parts.join(", "));
        }
    }
    let base = schema.get("type").and_then(Value::as_str).unwrap_or("any");
    let mut text = match schema.get("format").and_then(Value::as_str) {
        Some(f) => format!("{base}({f})"),
        None => base.to_owned(),
    };
    if base == "array"
        && let Some(items) = schema.get("items")
    {
        text = format!("array<{}>", type_of(items));
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        text.push('?');
    }
    text
}

fn operations(doc: &Value) -> BTreeMap<String, &Value> {
    let mut out = BTreeMap::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.insert(format!("{} {path}", method.to_uppercase()), op);
                }
            }
        }
    }
    out
}

fn parameters(op: &Value) -> BTreeMap<String, String> {
    op.get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    if let Some(r) = p.get("$ref").and_then(Value::as_str) {
                        return (format!("ref {r}"), String::new());
                    }
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                    let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
                    let required = p.get("required").and_then(Value::as_bool) == Some(true);
                    let ty = p.get("schema").map(type_of).unwrap_or_default();
                    (
                        format!("{name} ({place})"),
                        format!("{ty}{}", if required { ", required" } else { "" }),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn body_types(op: &Value, at: &str) -> BTreeMap<String, String> {
    op.get(at)
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .map(|c| {
            c.iter()
                .map(|(media, m)| {
                    (
                        media.clone(),
                        m.get("schema").map(type_of).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn responses(op: &Value) -> BTreeMap<String, String> {
    op.get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| {
                    let shape = if let Some(rf) = r.get("$ref").and_then(Value::as_str) {
                        rf.rsplit('/').next().unwrap_or(rf).to_owned()
                    } else {
                        let types: Vec<String> = r
                            .get("content")
                            .and_then(Value::as_object)
                            .map(|c| {
                                c.iter()
                                    .map(|(m, v)| {
                                        format!(
                                            "{m}: {}",
                                            v.get("schema").map(type_of).unwrap_or_default()
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        if types.is_empty() {
                            "no body".to_owned()
                        } else {
                            types.join("; ")
                        }
                    };
                    (status.clone(), shape)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn schemas(doc: &Value) -> BTreeMap<String, &Value> {
    doc.pointer("/components/schemas")
        .or_else(|| doc.get("definitions"))
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

/// Property name → "type[, required]" of an object schema (and of the objects in its `allOf`).
fn fields(schema: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut collect = |s: &Value| {
        let required: BTreeSet<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                let req = if required.contains(name.as_str()) {
                    ", required"
                } else {
                    ""
                };
                out.insert(name.clone(), format!("{}{req}", type_of(p)));
            }
        }
    };
    collect(schema);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        parts.iter().for_each(&mut collect);
    }
    out
}

/// Added, removed and changed entries of two maps, as lines under `label`.
fn compare_maps(
    label: &str,
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
    out: &mut Vec<String>,
) {
    for (k, v) in b {
        match a.get(k) {
            None => out.push(format!("+ {label} {k}: {v}")),
            Some(old) if old != v => out.push(format!("~ {label} {k}: {old} -> {v}")),
            Some(_) => {}
        }
    }
    for (k, v) in a {
        if !b.contains_key(k) {
            out.push(format!("- {label} {k}: {v}"));
        }
    }
}

/// The differences between two documents, one line each.
pub fn diff_documents(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (ops_a, ops_b) = (operations(a), operations(b));
    for key in ops_b.keys().filter(|k| !ops_a.contains_key(*k)) {
        out.push(format!("+ operation {key}"));
    }
    for key in ops_a.keys().filter(|k| !ops_b.contains_key(*k)) {
        out.push(format!("- operation {key}"));
    }
    for (key, op_a) in &ops_a {
        let Some(op_b) = ops_b.get(key) else { continue };
        let mut lines = Vec::new();
        compare_maps(
            "parameter",
            &parameters(op_a),
            &parameters(op_b),
            &mut lines,
        );
        compare_maps(
            "request",
            &body_types(op_a, "requestBody"),
            &body_types(op_b, "requestBody"),
            &mut lines,
        );
        compare_maps("response", &responses(op_a), &responses(op_b), &mut lines);
        let id = |op: &Value| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if id(op_a) != id(op_b) {
            lines.push(format!(
                "~ operationId {} -> {}",
                id(op_a).unwrap_or_default(),
                id(op_b).unwrap_or_default()
            ));
        }
        out.extend(lines.into_iter().map(|l| format!("~ operation {key}: {l}")));
    }
    let (sch_a, sch_b) = (schemas(a), schemas(b));
    for key in sch_b.keys().filter(|k| !sch_a.contains_key(*k)) {
        out.push(format!("+ schema {key}"));
    }
    for key in sch_a.keys().filter(|k| !sch_b.contains_key(*k)) {
        out.push(format!("- schema {key}"));
    }
    for (key, s_a) in &sch_a {
        let Some(s_b) = sch_b.get(key) else { continue };
        let mut lines = Vec::new();
        compare_maps("field", &fields(s_a), &fields(s_b), &mut lines);
        let (ta, tb) = (type_of(s_a), type_of(s_b));
        if ta != tb {
            lines.push(format!("~ type {ta} -> {tb}"));
        }
        let enums = |s: &Value| s.get("enum").cloned();
        if enums(s_a) != enums(s_b) {
            lines.push("~ enum values changed".to_owned());
        }
        out.extend(lines.into_iter().map(|l| format!("~ schema {key}: {l}")));
    }
    out
}

/// The differences between two directories: per document, its lines (a document only on one
/// side is one line).
pub fn diff_dirs(a: &Path, b: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let (docs_a, docs_b) = (load_dir(a)?, load_dir(b)?);
    let mut out = BTreeMap::new();
    for (name, doc_b) in &docs_b {
        let lines = match docs_a.get(name) {
            Some(doc_a) => diff_documents(doc_a, doc_b),
            None => vec!["+ document".to_owned()],
        };
        if !lines.is_empty() {
            out.insert(name.clone(), lines);
        }
    }
    for name in docs_a.keys().filter(|n| !docs_b.contains_key(*n)) {
        out.insert(name.clone(), vec!["- document".to_owned()]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_and_fields_added_removed_changed() {
        let a = json!({
            "openapi": "3.0.1",
            "paths": {
                "/a": {"get": {"operationId": "getA", "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "/gone": {"delete": {"responses": {"204": {}}}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}}},
                "Old": {"type": "object"}
            }}
        });
        let b = json!({
            "openapi": "3.0.1",
            "paths": {
                "/a": {"get": {"operationId": "getA", "parameters": [
                    {"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                        "404": {}}}},
                "/new": {"post": {"responses": {"200": {}}}}
            },
            "components": {"schemas": {
                "A": {"type": "object", "properties": {
                    "id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}},
                "New": {"type": "object"}
            }}
        });
        assert_eq!(
            diff_documents(&a, &b),
            vec![
                "+ operation POST /new",
                "- operation DELETE /gone",
                "~ operation GET /a: ~ parameter q (query): string -> string, required",
                "~ operation GET /a: + response 404: no body",
                "+ schema New",
                "- schema Old",
                "~ schema A: ~ field id: integer, required -> string",
                "~ schema A: + field tags: array<string>",
                "~ schema A: - field name: string",
            ]
        );
        assert!(diff_documents(&a, &a).is_empty());
    }
}
