//! Client-side checks of NLU data, so bad data is refused before it reaches the server (and the
//! stored data stays as it was).
//!
//! The server's own rules are not documented; these checks catch what is certainly wrong (empty or
//! unbalanced patterns, malformed or repeated intent paths, nameless or repeated entities) and
//! nothing that might be accepted.

use std::collections::HashSet;

use crate::models::{
    IntentData, NamedEntityData, NamedEntityRecordData, NamedEntityRecordType,
    ProjectExportImportData,
};
use jaicp_core::{Error, Result};

/// Largest import the helpers send by default: 16 MiB of JSON (the server's limit is not
/// documented; override it with [`crate::ImportOptions::max_bytes`]).
pub const DEFAULT_MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Checks a pattern: not empty, and its `()`, `[]` and `{}` balanced. Text inside `<...>` (the
/// argument of `$regexp<...>`) is not looked into. `field` names the pattern in the error.
pub fn pattern(field: &str, text: &str) -> Result<()> {
    pattern_problem(text).map_err(|reason| Error::invalid(field, reason))
}

/// What is wrong with a pattern, if anything.
fn pattern_problem(text: &str) -> std::result::Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty pattern".into());
    }
    let mut stack: Vec<char> = Vec::new();
    let mut angle = 0usize;
    for (i, c) in text.char_indices() {
        if angle > 0 {
            match c {
                '<' => angle += 1,
                '>' => angle -= 1,
                _ => {}
            }
            continue;
        }
        match c {
            '<' => angle = 1,
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("unbalanced `{c}` at byte {i}"));
                }
            }
            _ => {}
        }
    }
    if angle > 0 {
        return Err("unclosed `<`".into());
    }
    if let Some(open) = stack.pop() {
        return Err(format!("unclosed `{open}`"));
    }
    Ok(())
}

/// The error for NLU data over the import limit: client-side validation, nothing was sent.
pub(crate) fn too_large(size: u64, limit: u64) -> Error {
    Error::invalid(
        "data",
        format!("NLU data of {size} bytes is over the import limit of {limit} bytes"),
    )
}

/// Checks an intent path: `/` followed by non-empty segments (`/Booking/Cancel`). `field` names
/// the path in the error.
pub fn intent_path(field: &str, path: &str) -> Result<()> {
    path_problem(path).map_err(|reason| Error::invalid(field, reason))
}

/// What is wrong with an intent path, if anything.
fn path_problem(path: &str) -> std::result::Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("must start with `/`");
    }
    if path == "/" {
        return Ok(());
    }
    if path[1..].split('/').any(|s| s.trim().is_empty()) {
        return Err("has an empty segment");
    }
    if path.chars().any(char::is_control) {
        return Err("has a control character");
    }
    Ok(())
}

/// Checks one intent (`field` names it in errors).
pub fn intent(field: &str, intent: &IntentData) -> Result<()> {
    match intent.path.as_deref() {
        None => return Err(Error::invalid(format!("{field}.path"), "missing")),
        Some(p) => intent_path(&format!("{field}.path"), p)?,
    }
    for (i, p) in intent.patterns.iter().flatten().enumerate() {
        pattern(&format!("{field}.patterns[{i}]"), p)?;
    }
    for (i, phrase) in intent.phrases.iter().flatten().enumerate() {
        if phrase.text.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(Error::invalid(
                format!("{field}.phrases[{i}].text"),
                "empty phrase",
            ));
        }
    }
    Ok(())
}

/// Checks one entity.
pub fn entity(field: &str, entity: &NamedEntityData) -> Result<()> {
    if entity.name.trim().is_empty() || entity.name.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            format!("{field}.name"),
            "must be a non-empty name without spaces",
        ));
    }
    Ok(())
}

/// Checks one entity record.
pub fn record(field: &str, record: &NamedEntityRecordData) -> Result<()> {
    if record.rule.is_empty() || record.rule.iter().any(|r| r.trim().is_empty()) {
        return Err(Error::invalid(
            format!("{field}.rule"),
            "needs at least one non-empty rule",
        ));
    }
    if record.r#type == NamedEntityRecordType::Pattern {
        for (i, r) in record.rule.iter().enumerate() {
            pattern(&format!("{field}.rule[{i}]"), r)?;
        }
    }
    Ok(())
}

/// Checks the whole data of a project: every intent, entity and record, and that intent paths
/// and entity names are unique.
pub fn project(data: &ProjectExportImportData) -> Result<()> {
    let mut paths = HashSet::new();
    for (i, it) in data.intents.iter().flatten().enumerate() {
        let field = format!("intents[{i}]");
        intent(&field, it)?;
        if let Some(p) = &it.path
            && !paths.insert(p.as_str())
        {
            return Err(Error::invalid(
                format!("{field}.path"),
                format!("`{p}` appears twice"),
            ));
        }
    }
    let mut names = HashSet::new();
    for (i, e) in data.entities.iter().flatten().enumerate() {
        let field = format!("entities[{i}]");
        if let Some(ent) = &e.entity {
            entity(&format!("{field}.entity"), ent)?;
            if !names.insert(ent.name.as_str()) {
                return Err(Error::invalid(
                    format!("{field}.entity.name"),
                    format!("`{}` appears twice", ent.name),
                ));
            }
        }
        for (j, r) in e.records.iter().flatten().enumerate() {
            record(&format!("{field}.records[{j}]"), r)?;
        }
    }
    Ok(())
}

/// Encodes data for import, refusing it when it is larger than `limit` bytes.
pub fn encoded_within(data: &ProjectExportImportData, limit: u64) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(data).map_err(|e| Error::invalid("data", e.to_string()))?;
    let size = bytes.len() as u64;
    if size > limit {
        return Err(too_large(size, limit));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern_problem("* {book} [a] (table|seat) *").is_ok());
        assert!(pattern_problem("$regexp<(\\d+>").is_ok());
        assert!(pattern_problem("@duckling.number").is_ok());
        assert_eq!(pattern_problem("  ").unwrap_err(), "empty pattern");
        assert!(
            pattern_problem("(a|b")
                .unwrap_err()
                .contains("unclosed `(`")
        );
        assert!(
            pattern_problem("a]")
                .unwrap_err()
                .contains("unbalanced `]`")
        );
        assert!(pattern_problem("{a (b})").is_err());
        assert!(pattern_problem("$regexp<abc").is_err());
    }

    #[test]
    fn paths() {
        assert!(path_problem("/Booking/Cancel").is_ok());
        assert!(path_problem("/").is_ok());
        assert!(path_problem("Booking").is_err());
        assert!(path_problem("/a//b").is_err());
        assert!(path_problem("/a/").is_err());
    }

    #[test]
    fn project_rules() {
        let good = IntentData {
            path: Some("/A".into()),
            patterns: Some(vec!["* hello *".into()]),
            ..Default::default()
        };
        let mut data = ProjectExportImportData {
            intents: Some(vec![good.clone()]),
            ..Default::default()
        };
        assert!(project(&data).is_ok());
        data.intents = Some(vec![good.clone(), good.clone()]);
        let err = project(&data).unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "intents[1].path"));
        let bad = IntentData {
            patterns: Some(vec!["(oops".into()]),
            ..good
        };
        data.intents = Some(vec![bad]);
        let err = project(&data).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, .. } if field == "intents[0].patterns[0]")
        );
    }

    #[test]
    fn size_limit() {
        let data = ProjectExportImportData {
            intents: Some(vec![IntentData {
                path: Some("/A".into()),
                description: Some("x".repeat(100)),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert!(encoded_within(&data, 1000).is_ok());
        let err = encoded_within(&data, 50).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidInput { field, reason } if field == "data" && reason.ends_with("limit of 50 bytes")),
            "{err}"
        );
        assert!(
            matches!(pattern("intents[0].patterns[2]", "(a"), Err(Error::InvalidInput { field, .. }) if field == "intents[0].patterns[2]")
        );
    }
}
