//! Documented shapes and the comparison of an answer with them: field names and JSON types only.
//!
//! Nothing here looks at a value beyond its JSON type, and nothing found in an answer is copied
//! into a [`Finding`] except field names that look like identifiers (free-form maps, whose keys
//! are data, are never listed).

use serde::Serialize;
use serde_json::Value;

/// A documented JSON type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ty {
    /// Anything (a `oneOf`, or `{}` in the document).
    Any,
    /// `boolean`.
    Bool,
    /// `integer`.
    Integer,
    /// `number` (integers match too).
    Number,
    /// `string`.
    String,
    /// `array` whose items have the given type.
    Array(&'static Ty),
    /// `object` with documented properties (more may come: unknown fields are allowed).
    Object(&'static [Field]),
    /// `object` of free-form content (its keys are data and never listed).
    Map,
}

/// One documented property.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// Property name as sent on the wire.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether the document requires it.
    pub required: bool,
}

impl Field {
    /// An optional property.
    pub const fn opt(name: &'static str, ty: Ty) -> Self {
        Field {
            name,
            ty,
            required: false,
        }
    }

    /// A required property.
    pub const fn req(name: &'static str, ty: Ty) -> Self {
        Field {
            name,
            ty,
            required: true,
        }
    }
}

impl Ty {
    /// The name used in reports (`object`, `array`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Ty::Any => "any",
            Ty::Bool => "boolean",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::String => "string",
            Ty::Array(_) => "array",
            Ty::Object(_) | Ty::Map => "object",
        }
    }
}

/// The JSON type of a value, as named in reports.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// One difference between an answer and the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Finding {
    /// A required field is absent.
    Missing {
        /// Where (`data.replies[]`).
        path: String,
    },
    /// A field has another JSON type than documented.
    TypeMismatch {
        /// Where.
        path: String,
        /// The documented type.
        documented: &'static str,
        /// The type seen.
        observed: &'static str,
    },
    /// A field the document does not name (it is kept by the SDK; the document is incomplete).
    Undocumented {
        /// Where; a key that does not look like an identifier is shown as `<key>`.
        path: String,
        /// The type seen.
        observed: &'static str,
    },
}

impl Finding {
    /// Whether the finding contradicts the document (an undocumented field only extends it).
    pub fn contradicts(&self) -> bool {
        !matches!(self, Finding::Undocumented { .. })
    }
}

/// How many array items are compared (an answer with thousands says nothing more).
const ITEMS_COMPARED: usize = 20;

/// How deep the comparison goes.
const MAX_DEPTH: usize = 8;

/// Compares `value` with `ty` and returns the differences, sorted and without repeats.
pub fn compare(ty: &Ty, value: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(ty, value, "", 0, &mut out);
    out.sort();
    out.dedup();
    out
}

/// A key shown in a report: field names are shape, but a key that does not look like a name may
/// be data (an id, a phone number), so it is replaced.
pub fn safe_key(key: &str) -> &str {
    let mut chars = key.chars();
    let ident = key.len() <= 64
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    // Long runs of digits inside a name look like data too (`user_79990000000`).
    let digits = key.chars().filter(char::is_ascii_digit).count();
    if ident && digits < 5 { key } else { "<key>" }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(ty: &Ty, value: &Value, path: &str, depth: usize, out: &mut Vec<Finding>) {
    // A null is how many servers say "absent"; it never contradicts an optional field.
    if value.is_null() || depth > MAX_DEPTH {
        return;
    }
    let shown = if path.is_empty() { "(body)" } else { path };
    let mismatch = |out: &mut Vec<Finding>| {
        out.push(Finding::TypeMismatch {
            path: shown.to_owned(),
            documented: ty.name(),
            observed: kind(value),
        })
    };
    match ty {
        Ty::Any => {}
        Ty::Bool if !value.is_boolean() => mismatch(out),
        Ty::Integer if !(value.is_i64() || value.is_u64()) => mismatch(out),
        Ty::Number if !value.is_number() => mismatch(out),
        Ty::String if !value.is_string() => mismatch(out),
        Ty::Map if !value.is_object() => mismatch(out),
        Ty::Array(item) => match value.as_array() {
            Some(items) => {
                let inner = format!("{path}[]");
                for v in items.iter().take(ITEMS_COMPARED) {
                    walk(item, v, &inner, depth + 1, out);
                }
            }
            None => mismatch(out),
        },
        Ty::Object(fields) => match value.as_object() {
            Some(map) => {
                for field in *fields {
                    match map.get(field.name) {
                        Some(v) => walk(&field.ty, v, &join(path, field.name), depth + 1, out),
                        None if field.required => out.push(Finding::Missing {
                            path: join(path, field.name),
                        }),
                        None => {}
                    }
                }
                for (key, v) in map {
                    if !fields.iter().any(|f| f.name == key) {
                        out.push(Finding::Undocumented {
                            path: join(path, safe_key(key)),
                            observed: kind(v),
                        });
                    }
                }
            }
            None => mismatch(out),
        },
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const INNER: &[Field] = &[Field::req("type", Ty::String)];
    const OUTER: &[Field] = &[
        Field::req("events", Ty::Array(&Ty::Object(INNER))),
        Field::opt("count", Ty::Integer),
    ];

    #[test]
    fn reports_missing_mismatched_and_undocumented_fields_without_values() {
        let answer = json!({
            "events": [{"type": 1}, {"other": "secret-text"}],
            "count": 1.5,
            "79991234567": "phone-like key",
            "extra": {"nested": true},
        });
        let found = compare(&Ty::Object(OUTER), &answer);
        assert_eq!(
            found,
            vec![
                Finding::Missing {
                    path: "events[].type".into()
                },
                Finding::TypeMismatch {
                    path: "count".into(),
                    documented: "integer",
                    observed: "number"
                },
                Finding::TypeMismatch {
                    path: "events[].type".into(),
                    documented: "string",
                    observed: "integer"
                },
                Finding::Undocumented {
                    path: "<key>".into(),
                    observed: "string"
                },
                Finding::Undocumented {
                    path: "events[].other".into(),
                    observed: "string"
                },
                Finding::Undocumented {
                    path: "extra".into(),
                    observed: "object"
                },
            ]
        );
        let text = serde_json::to_string(&found).unwrap();
        assert!(!text.contains("secret-text") && !text.contains("7999"));
    }

    #[test]
    fn nulls_and_free_form_maps_never_contradict() {
        const FIELDS: &[Field] = &[Field::opt("state", Ty::Map), Field::opt("n", Ty::Integer)];
        let found = compare(
            &Ty::Object(FIELDS),
            &json!({"state": {"anything": 1}, "n": null}),
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(safe_key("user_79990000000"), "<key>");
        assert_eq!(safe_key("questionId"), "questionId");
    }
}
