//! Normalisation: the quirk fixes declared in codegen.toml, applied to a bundled document, and a
//! final check that the result is self-contained (every `$ref` resolves, operationIds are unique).
//!
//! Nothing here fixes a document silently: each correction is switched on, or spelled out as a
//! patch, in the document's `[document.fixes]` table.

use std::collections::BTreeMap;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use crate::config::{Fixes, Patch, PatchOp};
use crate::load::{escape, parse_ref, unescape};

/// HTTP methods of a path item, in the order operations are listed.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The marker the `epoch_millis` fix puts on a field so the IR maps it to a timestamp.
pub const TIMESTAMP_MARKER: &str = "x-jaicp-timestamp";

/// Epoch milliseconds of 0001-01-01T00:00:00Z.
pub const MIN_EPOCH_MILLIS: i64 = -62_135_596_800_000;
/// Epoch milliseconds of 9999-12-30T22:00:00Z: the last instant a `Timestamp` (jiff) holds, which
/// keeps a day's margin below the end of year 9999 so that every offset can still write it.
pub const MAX_EPOCH_MILLIS: i64 = 253_402_207_200_000;

/// Applies the fixes, then checks the document.
pub fn normalize(doc: &mut Value, fixes: &Fixes) -> Result<()> {
    for name in &fixes.responses_from_schemas {
        move_schema_to_responses(doc, name)
            .with_context(|| format!("fix responses_from_schemas `{name}`"))?;
    }
    for target in &fixes.epoch_millis {
        epoch_millis(doc, target).with_context(|| format!("fix epoch_millis `{target}`"))?;
    }
    if fixes.response_descriptions {
        response_descriptions(doc);
    }
    if fixes.path_params_required {
        path_params_required(doc);
    }
    if fixes.lowercase_types {
        lowercase_types(doc);
    }
    if fixes.drop_out_of_range_defaults {
        drop_out_of_range_defaults(doc);
    }
    for (i, patch) in fixes.patches.iter().enumerate() {
        apply_patch(doc, patch)
            .with_context(|| format!("fix patch #{} (`{}`)", i + 1, patch.path))?;
    }
    check(doc)
}

fn move_schema_to_responses(doc: &mut Value, name: &str) -> Result<()> {
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("the document has no components/schemas"))?;
    let value = schemas
        .remove(name)
        .ok_or_else(|| anyhow!("components/schemas/{name} does not exist"))?;
    let components = doc["components"]
        .as_object_mut()
        .expect("components exists");
    let responses = components
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| anyhow!("components/responses is not an object"))?;
    if responses.contains_key(name) {
        bail!("components/responses/{name} already exists");
    }
    responses.insert(name.to_owned(), value);
    let from = format!("#/components/schemas/{}", escape(name));
    let to = format!("#/components/responses/{}", escape(name));
    rewrite_refs(doc, &from, &to);
    Ok(())
}

fn rewrite_refs(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if k == "$ref" {
                    if child.as_str() == Some(from) {
                        *child = Value::String(to.to_owned());
                    }
                } else {
                    rewrite_refs(child, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_refs(i, from, to)),
        _ => {}
    }
}

fn epoch_millis(doc: &mut Value, target: &str) -> Result<()> {
    let (schema, field) = target
        .split_once('.')
        .ok_or_else(|| anyhow!("expected `Schema.field`"))?;
    let pointer = format!(
        "/components/schemas/{}/properties/{}",
        escape(schema),
        escape(field)
    );
    let prop = doc
        .pointer_mut(&pointer)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow!("{pointer} does not exist"))?;
    if prop.get("type").and_then(Value::as_str) != Some("string") {
        bail!("{pointer} is not a string field");
    }
    prop.remove("type");
    prop.remove("format");
    // The integer branch is bounded to the years 1 to 9999 (what a `Timestamp` holds and what an
    // RFC 3339 date-time can write), so a contract tool generating from the normalised copy never
    // produces a value no client can represent. The example stays: the official ones are epoch
    // milliseconds, valid for the integer branch.
    prop.insert(
        "oneOf".into(),
        json!([
            {
                "type": "integer",
                "format": "int64",
                "minimum": MIN_EPOCH_MILLIS,
                "maximum": MAX_EPOCH_MILLIS
            },
            { "type": "string", "format": "date-time" }
        ]),
    );
    prop.insert(TIMESTAMP_MARKER.into(), Value::Bool(true));
    Ok(())
}

fn for_each_operation(doc: &mut Value, mut f: impl FnMut(&mut Map<String, Value>)) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for m in METHODS {
                    if let Some(op) = item.get_mut(m).and_then(Value::as_object_mut) {
                        f(op);
                    }
                }
            }
        }
    }
}

fn response_descriptions(doc: &mut Value) {
    fn fill(responses: &mut Map<String, Value>) {
        for r in responses.values_mut() {
            if let Some(r) = r.as_object_mut()
                && !r.contains_key("$ref")
                && !r.contains_key("description")
            {
                r.insert("description".into(), Value::String(String::new()));
            }
        }
    }
    for_each_operation(doc, |op| {
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            fill(responses);
        }
    });
    if let Some(responses) = doc
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        fill(responses);
    }
}

fn path_params_required(doc: &mut Value) {
    fn fix(params: &mut Value) {
        if let Some(list) = params.as_array_mut() {
            for p in list {
                if let Some(p) = p.as_object_mut()
                    && p.get("in").and_then(Value::as_str) == Some("path")
                {
                    p.insert("required".into(), Value::Bool(true));
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(params) = item.get_mut("parameters") {
                fix(params);
            }
            for m in METHODS {
                if let Some(params) = item.get_mut(m).and_then(|op| op.get_mut("parameters")) {
                    fix(params);
                }
            }
        }
    }
    if let Some(params) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for p in params.values_mut() {
            if p.get("in").and_then(Value::as_str) == Some("path") {
                p["required"] = Value::Bool(true);
            }
        }
    }
}

/// Keys whose values are data, not schema: never rewritten by the schema-wide fixes.
const DATA_KEYS: [&str; 5] = ["example", "examples", "enum", "default", "x-example"];

fn lowercase_types(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if DATA_KEYS.contains(&k.as_str()) {
                    continue;
                }
                if k == "type"
                    && let Value::String(s) = child
                {
                    *s = s.to_lowercase();
                } else {
                    lowercase_types(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(lowercase_types),
        _ => {}
    }
}

fn drop_out_of_range_defaults(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let default = map.get("default").and_then(Value::as_f64);
            let min = map.get("minimum").and_then(Value::as_f64);
            let max = map.get("maximum").and_then(Value::as_f64);
            if let Some(d) = default
                && (min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m))
            {
                map.remove("default");
            }
            for (k, child) in map.iter_mut() {
                if !DATA_KEYS.contains(&k.as_str()) {
                    drop_out_of_range_defaults(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_out_of_range_defaults),
        _ => {}
    }
}

/// Where an operation lives: `/paths/<path>/<method>`.
pub fn operation_pointer(doc: &Value, operation: &str) -> Result<String> {
    if let Some((method, path)) = operation.split_once(' ')
        && METHODS.contains(&method.to_ascii_lowercase().as_str())
    {
        let pointer = format!("/paths/{}/{}", escape(path), method.to_ascii_lowercase());
        return match doc.pointer(&pointer) {
            Some(_) => Ok(pointer),
            None => bail!("no operation `{operation}`"),
        };
    }
    let mut found = Vec::new();
    for (path, method, op) in operations(doc) {
        if op.get("operationId").and_then(Value::as_str) == Some(operation) {
            found.push(format!("/paths/{}/{method}", escape(path)));
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => bail!("no operation with operationId `{operation}`"),
        _ => bail!("operationId `{operation}` is not unique; address it as `METHOD /path`"),
    }
}

/// Every operation: (path, method, operation object), paths sorted, methods in [`METHODS`] order.
pub fn operations(doc: &Value) -> Vec<(&str, &'static str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        let mut keys: Vec<&String> = paths.keys().collect();
        keys.sort();
        for path in keys {
            for m in METHODS {
                if let Some(op) = paths[path].get(m) {
                    out.push((path.as_str(), m, op));
                }
            }
        }
    }
    out
}

fn apply_patch(doc: &mut Value, patch: &Patch) -> Result<()> {
    let base = match &patch.operation {
        Some(op) => operation_pointer(doc, op)?,
        None => String::new(),
    };
    let pointer = format!("{base}{}", patch.path);
    let value = match &patch.value {
        Some(v) => Some(serde_json::to_value(v)?),
        None => None,
    };
    let (parent_ptr, last) = pointer
        .rsplit_once('/')
        .ok_or_else(|| anyhow!("`{pointer}` is not a JSON pointer"))?;
    let last = unescape(last);
    let parent = doc
        .pointer_mut(parent_ptr)
        .ok_or_else(|| anyhow!("`{parent_ptr}` does not exist"))?;
    let need_value = || {
        value
            .clone()
            .ok_or_else(|| anyhow!("`{:?}` needs a `value`", patch.op))
    };
    match (parent, patch.op) {
        (Value::Object(map), PatchOp::Add) => {
            map.insert(last, need_value()?);
        }
        (Value::Object(map), PatchOp::Replace) => {
            let slot = map
                .get_mut(&last)
                .ok_or_else(|| anyhow!("`{pointer}` does not exist"))?;
            *slot = need_value()?;
        }
        (Value::Object(map), PatchOp::Remove) => {
            map.remove(&last)
                .ok_or_else(|| anyhow!("`{pointer}` does not exist"))?;
        }
        (Value::Array(items), op) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| anyhow!("`{last}` is not an array index"))?
            };
            match op {
                PatchOp::Add if index <= items.len() => items.insert(index, need_value()?),
                PatchOp::Replace if index < items.len() => items[index] = need_value()?,
                PatchOp::Remove if index < items.len() => {
                    items.remove(index);
                }
                _ => bail!("index {last} is out of range in `{parent_ptr}`"),
            }
        }
        _ => bail!("`{parent_ptr}` is neither an object nor an array"),
    }
    Ok(())
}

/// Checks that every `$ref` is local and resolves, and that operationIds are present and unique.
pub fn check(doc: &Value) -> Result<()> {
    let mut problems = Vec::new();
    check_refs(doc, doc, &mut String::new(), &mut problems);
    let mut ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, method, op) in operations(doc) {
        match op.get("operationId").and_then(Value::as_str) {
            Some(id) => ids
                .entry(id)
                .or_default()
                .push(format!("{} {path}", method.to_uppercase())),
            None => problems.push(format!(
                "{} {path} has no operationId (add one with a patch in codegen.toml)",
                method.to_uppercase()
            )),
        }
    }
    for (id, spots) in ids {
        if spots.len() > 1 {
            problems.push(format!(
                "operationId `{id}` is used by {} (rename all but one with a patch in codegen.toml)",
                spots.join(" and ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{}", problems.join("\n"))
    }
}

fn check_refs(root: &Value, v: &Value, spot: &mut String, problems: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let len = spot.len();
                spot.push('/');
                spot.push_str(&escape(k));
                if k == "$ref"
                    && let Some(s) = child.as_str()
                {
                    match parse_ref(s, false) {
                        Ok(t) if t.file.is_none() => {
                            if root.pointer(&t.pointer).is_none() {
                                problems.push(format!("`$ref: {s}` at {spot} does not resolve"));
                            }
                        }
                        _ => {
                            problems.push(format!("`$ref: {s}` at {spot} is not a local reference"))
                        }
                    }
                } else if !DATA_KEYS.contains(&k.as_str()) {
                    check_refs(root, child, spot, problems);
                }
                spot.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = spot.len();
                spot.push_str(&format!("/{i}"));
                check_refs(root, item, spot, problems);
                spot.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.1",
            "paths": {
                "/a": {
                    "get": { "operationId": "x", "responses": { "200": { "$ref": "#/components/schemas/Ok" } } },
                    "post": { "operationId": "x", "responses": {} }
                }
            },
            "components": { "schemas": { "Ok": { "description": "fine" }, "T": { "type": "String", "example": { "type": "Keep" } } } }
        })
    }

    #[test]
    fn moves_response_objects_and_reports_duplicates() {
        let mut d = doc();
        let fixes = Fixes {
            responses_from_schemas: vec!["Ok".into()],
            lowercase_types: true,
            ..Fixes::default()
        };
        let err = normalize(&mut d, &fixes).unwrap_err().to_string();
        assert!(
            err.contains("operationId `x` is used by GET /a and POST /a"),
            "{err}"
        );
        assert_eq!(
            d.pointer("/paths/~1a/get/responses/200/$ref").unwrap(),
            "#/components/responses/Ok"
        );
        assert_eq!(d.pointer("/components/schemas/T/type").unwrap(), "string");
        assert_eq!(
            d.pointer("/components/schemas/T/example/type").unwrap(),
            "Keep"
        );
    }

    #[test]
    fn patches_by_operation() {
        let mut d = doc();
        let patch = Patch {
            op: PatchOp::Replace,
            operation: Some("POST /a".into()),
            path: "/operationId".into(),
            value: Some(toml::Value::String("y".into())),
            why: None,
        };
        let fixes = Fixes {
            patches: vec![patch],
            ..Fixes::default()
        };
        normalize(&mut d, &fixes).unwrap();
        assert_eq!(d.pointer("/paths/~1a/post/operationId").unwrap(), "y");
        let missing = Patch {
            op: PatchOp::Remove,
            operation: Some("nope".into()),
            path: "/x".into(),
            value: None,
            why: None,
        };
        assert!(apply_patch(&mut d, &missing).is_err());
    }

    #[test]
    fn epoch_millis_fields_take_bounded_integers_or_date_times_and_keep_their_example() {
        let mut d = json!({
            "openapi": "3.0.1",
            "paths": {},
            "components": { "schemas": { "Row": { "properties": {
                "createdAt": { "type": "string", "format": "date-time", "example": 1566570001055_i64 }
            } } } }
        });
        let fixes = Fixes {
            epoch_millis: vec!["Row.createdAt".into()],
            ..Fixes::default()
        };
        normalize(&mut d, &fixes).unwrap();
        let prop = d
            .pointer("/components/schemas/Row/properties/createdAt")
            .unwrap();
        assert_eq!(prop["example"], 1566570001055_i64);
        let int = &prop["oneOf"][0];
        assert_eq!(int["minimum"], MIN_EPOCH_MILLIS);
        assert_eq!(int["maximum"], MAX_EPOCH_MILLIS);
        assert_eq!(prop["oneOf"][1]["format"], "date-time");
        // The bounds are the first and the last millisecond a Timestamp can hold and write.
        let first = jiff::Timestamp::from_millisecond(MIN_EPOCH_MILLIS).unwrap();
        let last = jiff::Timestamp::from_millisecond(MAX_EPOCH_MILLIS).unwrap();
        assert_eq!(first.to_string(), "0001-01-01T00:00:00Z");
        assert_eq!(last.to_string(), "9999-12-30T22:00:00Z");
        assert!(jiff::Timestamp::from_millisecond(MAX_EPOCH_MILLIS + 1).is_err());
    }
}
