//! The rules of a schema that a typed model cannot hold by itself (string lengths, number
//! ranges, array sizes, patterns), kept so the generated `strict` module can check request
//! input against them. Enum membership is not here: an enum is a model of its own.

use serde_json::Value;

/// A numeric bound as the document writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    /// The value.
    pub value: f64,
    /// The value as written in the document, for messages (`2880`, `0.5`).
    pub text: String,
    /// The bound itself is outside the allowed range.
    pub exclusive: bool,
}

/// The checkable rules of one schema; the default is "no rule".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Limits {
    /// `minLength` (characters).
    pub min_length: Option<u64>,
    /// `maxLength` (characters).
    pub max_length: Option<u64>,
    /// `minimum` / `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` / `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// The rules of an inline `items` schema (a `$ref` carries its own in its model).
    pub items: Option<Box<Limits>>,
    /// The rules of an inline `additionalProperties` schema.
    pub values: Option<Box<Limits>>,
}

impl Limits {
    /// The rules `schema` declares (its own, and those of inline item and value schemas).
    pub fn of(schema: &Value) -> Limits {
        let count = |k: &str| schema.get(k).and_then(Value::as_u64);
        let inline = |k: &str| {
            schema
                .get(k)
                .filter(|s| s.is_object() && s.get("$ref").is_none())
                .map(Limits::of)
                .filter(|l| !l.is_empty())
                .map(Box::new)
        };
        Limits {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            minimum: bound(schema, "minimum", "exclusiveMinimum"),
            maximum: bound(schema, "maximum", "exclusiveMaximum"),
            min_items: count("minItems"),
            max_items: count("maxItems"),
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
            items: inline("items"),
            values: inline("additionalProperties"),
        }
    }

    /// No rule at all.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }

    /// The pattern of these rules or of their item and value rules.
    pub fn any_pattern(&self) -> Option<&str> {
        self.pattern
            .as_deref()
            .or_else(|| self.items.as_ref().and_then(|l| l.any_pattern()))
            .or_else(|| self.values.as_ref().and_then(|l| l.any_pattern()))
    }
}

/// A bound in either spelling: OpenAPI 3.0 (`minimum` plus a boolean `exclusiveMinimum`) or
/// 3.1 / JSON Schema (a numeric `exclusiveMinimum`, the stricter of the two winning).
fn bound(schema: &Value, key: &str, exclusive_key: &str) -> Option<Bound> {
    let make = |v: &Value, exclusive: bool| {
        v.as_f64().map(|value| Bound {
            value,
            text: v.to_string(),
            exclusive,
        })
    };
    let exclusive = schema.get(exclusive_key);
    let plain = schema
        .get(key)
        .and_then(|v| make(v, exclusive.and_then(Value::as_bool) == Some(true)));
    let numeric = exclusive
        .filter(|v| v.is_number())
        .and_then(|v| make(v, true));
    match (plain, numeric) {
        (Some(p), Some(n)) => {
            let lower = key == "minimum";
            // The stricter bound: for a minimum the larger value, for a maximum the smaller.
            let n_stricter = if lower {
                n.value >= p.value
            } else {
                n.value <= p.value
            };
            Some(if n_stricter { n } else { p })
        }
        (p, n) => p.or(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_rule_and_both_bound_spellings() {
        let l = Limits::of(&json!({
            "type": "array", "minItems": 1, "maxItems": 7,
            "items": {"type": "string", "maxLength": 3, "pattern": "^a"}
        }));
        assert_eq!((l.min_items, l.max_items), (Some(1), Some(7)));
        assert_eq!(l.items.as_ref().unwrap().max_length, Some(3));
        assert_eq!(l.any_pattern(), Some("^a"));
        let l = Limits::of(&json!({"minimum": 0, "exclusiveMinimum": true, "maximum": 2.5}));
        let min = l.minimum.unwrap();
        assert!(min.exclusive && min.value == 0.0 && min.text == "0");
        let max = l.maximum.unwrap();
        assert!(!max.exclusive && max.text == "2.5");
        let l = Limits::of(&json!({"exclusiveMaximum": 10}));
        assert!(l.maximum.unwrap().exclusive);
        assert!(Limits::of(&json!({"type": "string"})).is_empty());
        assert!(Limits::of(&json!({"items": {"$ref": "#/x"}})).is_empty());
    }
}
