//! Facts about a schema for doc comments: type, format, limits, default, enum values. Never the
//! document's prose (`description`, `summary`, `title`).

use serde_json::{Map, Value};

use crate::load::unescape;
use crate::normalize::TIMESTAMP_MARKER;

/// The facts of a schema, e.g. "integer (int32), 1–50".
pub fn facts(schema: &Value) -> String {
    let mut parts = Vec::new();
    let kind = kind_text(schema);
    if !kind.is_empty() {
        parts.push(kind);
    }
    let num = |k: &str| {
        schema
            .get(k)
            .filter(|v| v.is_number())
            .map(|v| v.to_string())
    };
    let range = |lo: Option<String>, hi: Option<String>, unit: &str| match (lo, hi) {
        (Some(lo), Some(hi)) => Some(format!("{lo}–{hi}{unit}")),
        (Some(lo), None) => Some(format!(
            "{}≥ {lo}",
            unit.trim_start().to_owned() + if unit.is_empty() { "" } else { " " }
        )),
        (None, Some(hi)) => Some(format!(
            "{}≤ {hi}",
            unit.trim_start().to_owned() + if unit.is_empty() { "" } else { " " }
        )),
        (None, None) => None,
    };
    let excl = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    match (num("minimum"), num("maximum")) {
        (lo, hi) if excl("exclusiveMinimum") || excl("exclusiveMaximum") => {
            if let Some(lo) = lo {
                parts.push(format!(
                    "{} {lo}",
                    if excl("exclusiveMinimum") { ">" } else { "≥" }
                ));
            }
            if let Some(hi) = hi {
                parts.push(format!(
                    "{} {hi}",
                    if excl("exclusiveMaximum") { "<" } else { "≤" }
                ));
            }
        }
        (lo, hi) => parts.extend(range(lo, hi, "")),
    }
    parts.extend(range(num("minLength"), num("maxLength"), " characters"));
    parts.extend(range(num("minItems"), num("maxItems"), " items"));
    if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        parts.push("unique items".into());
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        parts.push(format!("pattern `{p}`"));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = values.iter().map(value_text).collect();
        parts.push(format!("values {}", list.join(", ")));
    }
    if let Some(d) = schema.get("default") {
        parts.push(format!("default {}", value_text(d)));
    }
    if schema.get("deprecated").and_then(Value::as_bool) == Some(true) {
        parts.push("deprecated".into());
    }
    parts.join(", ")
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn kind_text(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().map(unescape).unwrap_or_default();
        return format!("`{name}`");
    }
    if schema.get(TIMESTAMP_MARKER).is_some() {
        return "timestamp (epoch milliseconds or RFC 3339)".into();
    }
    if schema.get("oneOf").is_some() {
        return "one of several shapes".into();
    }
    if schema.get("anyOf").is_some() {
        return "any of several shapes".into();
    }
    if schema.get("allOf").is_some() {
        return "object".into();
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let format = schema.get("format").and_then(Value::as_str);
    let base = match ty {
        Some("array") => {
            let item = schema
                .get("items")
                .map(kind_text)
                .unwrap_or_else(|| "any".into());
            return format!("array of {item}");
        }
        Some("object") if schema.get("properties").is_none() => {
            match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() && !ap.as_object().is_some_and(Map::is_empty) => {
                    format!("map of {}", kind_text(ap))
                }
                _ => "free-form object".into(),
            }
        }
        Some(t) => t.to_owned(),
        None if schema.get("properties").is_some() => "object".into(),
        None => return String::new(),
    };
    match format {
        Some(f) => format!("{base} ({f})"),
        None => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_types_and_limits() {
        assert_eq!(
            facts(&json!({"type": "integer", "format": "int32", "minimum": 1, "maximum": 50})),
            "integer (int32), 1–50"
        );
        assert_eq!(
            facts(
                &json!({"type": "array", "items": {"$ref": "#/components/schemas/DayOfWeek"}, "minItems": 1, "maxItems": 7})
            ),
            "array of `DayOfWeek`, 1–7 items"
        );
        assert_eq!(
            facts(&json!({"type": "array", "items": {"type": "string"}, "minItems": 1})),
            "array of string, items ≥ 1"
        );
        assert_eq!(
            facts(&json!({"type": "integer", "minimum": 0, "default": 0})),
            "integer, ≥ 0, default `0`"
        );
        assert_eq!(
            facts(&json!({"type": "string", "enum": ["a", "b"], "deprecated": true})),
            "string, values `a`, `b`, deprecated"
        );
    }
}
