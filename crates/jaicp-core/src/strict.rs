//! The checks the generated `models::strict` modules of the API crates call (behind this
//! crate's `strict` feature, which every API crate's `strict` feature turns on).
//!
//! A server that reads the SDK's request types (the emulator) must refuse what the OpenAPI
//! documents do not allow, although the models themselves stay lenient (so the SDK can read
//! whatever a server sends). The generated code checks each rule on the JSON value with these
//! helpers; they are written once here rather than copied into every generated crate.

use serde_json::Value;

/// A broken rule: the JSON path of the value (`$.settings.delimiter`) or the query parameter's
/// name, and what is wrong with it.
pub type Violation = (String, String);

/// A bound of a number range: the value, the value as the document writes it (for the
/// message), and whether the bound is exclusive.
pub type Bound = (f64, &'static str, bool);

/// A request type whose rules can be checked in a JSON value that already parses as the type;
/// each API crate's generated `models::strict` module implements it for its request types (and
/// re-exports it as `models::strict::Rules`).
pub trait Rules {
    /// Pushes the JSON path (under `at`) of every required field that `value` lacks or sets to
    /// `null`, in this type and in the request types nested in it.
    fn missing(value: &Value, at: &str, out: &mut Vec<String>);

    /// The first value in `value` (under `at`), here or in the request types nested in it, that
    /// breaks a rule the type cannot hold: a value outside an enum (which the model would keep
    /// as `Unknown`), a string length, a number range or an array size.
    fn invalid(value: &Value, at: &str) -> Option<Violation>;
}

/// `value`, if a string, has `min..=max` characters (JSON Schema counts characters, not
/// bytes); `None` for a value that is not a string.
pub fn length(value: &Value, at: &str, min: usize, max: usize) -> Option<Violation> {
    let n = value.as_str()?.chars().count();
    let reason = if n < min {
        format!("length {n}, at least {min} required")
    } else if n > max {
        format!("length {n}, at most {max} allowed")
    } else {
        return None;
    };
    Some((at.to_owned(), reason))
}

/// `value`, if a number, is within the bounds; `None` for a value that is not a number.
pub fn range(value: &Value, at: &str, min: Option<Bound>, max: Option<Bound>) -> Option<Violation> {
    let n = value.as_f64()?;
    let reason = if let Some((_, text, exclusive)) = min.filter(|&(m, _, x)| n < m || (x && n <= m))
    {
        let kind = if exclusive { "above" } else { "at least" };
        format!("{value} is out of range: must be {kind} {text}")
    } else if let Some((_, text, exclusive)) = max.filter(|&(m, _, x)| n > m || (x && n >= m)) {
        let kind = if exclusive { "below" } else { "at most" };
        format!("{value} is out of range: must be {kind} {text}")
    } else {
        return None;
    };
    Some((at.to_owned(), reason))
}

/// `value`, if an array, has `min..=max` items; `None` for a value that is not an array.
pub fn count(value: &Value, at: &str, min: usize, max: usize) -> Option<Violation> {
    let n = value.as_array()?.len();
    let reason = if n < min {
        format!("{n} items, at least {min} required")
    } else if n > max {
        format!("{n} items, at most {max} allowed")
    } else {
        return None;
    };
    Some((at.to_owned(), reason))
}

/// The first violation `check` finds in the items of an array (at `at[i]`) or the values of a
/// map (at `at.key`); `None` for any other value.
pub fn each(
    value: &Value,
    at: &str,
    check: impl Fn(&Value, &str) -> Option<Violation>,
) -> Option<Violation> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| check(v, &format!("{at}[{i}]"))),
        Value::Object(entries) => entries
            .iter()
            .find_map(|(k, v)| check(v, &format!("{at}.{k}"))),
        _ => None,
    }
}

/// A query value as a JSON number (integers kept exact), if it reads as one.
pub fn number(raw: &str) -> Option<Value> {
    let raw = raw.trim();
    match raw.parse::<i64>() {
        Ok(n) => Some(Value::from(n)),
        Err(_) => raw
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
    }
}

/// The violation of a value outside `values` (long lists are cut short in the message).
pub fn not_one_of(at: &str, values: &[&str]) -> Violation {
    let shown: Vec<String> = values.iter().take(10).map(|v| format!("`{v}`")).collect();
    let more = if values.len() > shown.len() {
        format!(", … ({} values in all)", values.len())
    } else {
        String::new()
    };
    (
        at.to_owned(),
        format!("not one of {}{more}", shown.join(", ")),
    )
}

/// `path` ends with the segments of the operation path `template`; a `{name}` (with any
/// literal text around it in the segment) matches one non-empty segment. Matching at the end
/// lets a server serve an API under a prefix.
pub fn path_matches(path: &str, template: &str) -> bool {
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    let template: Vec<&str> = template.trim_matches('/').split('/').collect();
    let Some(start) = path.len().checked_sub(template.len()) else {
        return false;
    };
    path[start..]
        .iter()
        .zip(&template)
        .all(|(p, t)| match (t.find('{'), t.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (before, after) = (&t[..open], &t[close + 1..]);
                p.len() > before.len() + after.len() && p.starts_with(before) && p.ends_with(after)
            }
            _ => p == t,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reason(v: Option<Violation>) -> String {
        let (at, reason) = v.expect("a violation");
        assert_eq!(at, "$.x");
        reason
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(length(&json!("ёж"), "$.x", 2, 2), None);
        assert_eq!(
            reason(length(&json!("a"), "$.x", 2, 5)),
            "length 1, at least 2 required"
        );
        assert_eq!(
            reason(length(&json!("abcdef"), "$.x", 2, 5)),
            "length 6, at most 5 allowed"
        );
        // Not a string: the type is serde's to refuse.
        assert_eq!(length(&json!(7), "$.x", 2, 5), None);
    }

    #[test]
    fn range_honours_inclusive_and_exclusive_bounds() {
        let min = Some((0.0, "0", false));
        let max = Some((10.0, "10", true));
        assert_eq!(range(&json!(0), "$.x", min, max), None);
        assert_eq!(range(&json!(9.5), "$.x", min, max), None);
        assert_eq!(
            reason(range(&json!(-1), "$.x", min, max)),
            "-1 is out of range: must be at least 0"
        );
        assert_eq!(
            reason(range(&json!(10), "$.x", min, max)),
            "10 is out of range: must be below 10"
        );
        assert_eq!(
            reason(range(&json!(0), "$.x", Some((0.0, "0", true)), None)),
            "0 is out of range: must be above 0"
        );
        assert_eq!(
            reason(range(&json!(11), "$.x", None, Some((10.0, "10", false)))),
            "11 is out of range: must be at most 10"
        );
        assert_eq!(range(&json!("11"), "$.x", min, max), None);
    }

    #[test]
    fn count_checks_array_sizes() {
        assert_eq!(count(&json!([1, 2]), "$.x", 1, 2), None);
        assert_eq!(
            reason(count(&json!([]), "$.x", 1, 2)),
            "0 items, at least 1 required"
        );
        assert_eq!(
            reason(count(&json!([1, 2, 3]), "$.x", 1, 2)),
            "3 items, at most 2 allowed"
        );
        assert_eq!(count(&json!({}), "$.x", 1, 2), None);
    }

    #[test]
    fn each_reports_the_first_item_or_value_that_breaks_a_rule() {
        let short = |v: &Value, at: &str| length(v, at, 0, 1);
        assert_eq!(
            each(&json!(["a", "bc", "de"]), "$.x", short).map(|v| v.0),
            Some("$.x[1]".to_owned())
        );
        assert_eq!(
            each(&json!({"k": "long"}), "$.x", short).map(|v| v.0),
            Some("$.x.k".to_owned())
        );
        assert_eq!(each(&json!(["a", "b"]), "$.x", short), None);
        assert_eq!(each(&json!("long"), "$.x", short), None);
    }

    #[test]
    fn number_reads_integers_exactly_and_floats() {
        assert_eq!(
            number(" 9007199254740993 "),
            Some(json!(9_007_199_254_740_993_i64))
        );
        assert_eq!(number("1.5"), Some(json!(1.5)));
        assert_eq!(number("abc"), None);
        assert_eq!(number("NaN"), None);
    }

    #[test]
    fn not_one_of_lists_at_most_ten_values() {
        assert_eq!(
            reason(Some(not_one_of("$.x", &["a", "b"]))),
            "not one of `a`, `b`"
        );
        let many: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            reason(Some(not_one_of("$.x", &many))),
            "not one of `0`, `1`, `2`, `3`, `4`, `5`, `6`, `7`, `8`, `9`, … (12 values in all)"
        );
    }

    #[test]
    fn path_matches_templates_at_the_end_of_the_path() {
        let t = "/api/p/{token}/items/{id}.json";
        assert!(path_matches("/api/p/abc/items/7.json", t));
        assert!(path_matches("/prefix/api/p/abc/items/7.json", t));
        assert!(!path_matches("/api/p/abc/items/.json", t));
        assert!(!path_matches("/api/p/abc/items/7.xml", t));
        assert!(!path_matches("/p/abc/items/7.json", t));
        assert!(!path_matches("/api/q/abc/items/7.json", t));
    }
}
