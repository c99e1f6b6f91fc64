//! Stored NLU data of one emulated project, in the wire shapes of the NLP Direct document.
//! Incoming JSON is parsed leniently (nulls count as absent); what goes out validates against
//! the document.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Treats `null` like a missing field.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An intent (`IntentData`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Intent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) custom_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) enabled: Option<bool>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) phrases: Vec<Phrase>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) patterns: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) slots: Vec<Map<String, Value>>,
}

impl Intent {
    pub(crate) fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("")
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }

    /// `IntentSummaryData`.
    pub(crate) fn summary(&self) -> Value {
        serde_json::json!({
            "id": self.id.unwrap_or(0),
            "path": self.path(),
            "enabled": self.is_enabled(),
            "itemsCount": self.phrases.len() + self.patterns.len(),
            "stagedPhrases": [],
        })
    }
}

/// A training phrase (`PhraseMarkupData`); its markup is kept as given.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Phrase {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) entities: Option<Vec<Map<String, Value>>>,
}

/// An entity (`NamedEntityData`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Entity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<i64>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) enabled: Option<bool>,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub(crate) kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) no_spelling: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) no_morph: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) phonetic_search: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fuzzy_search: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<bool>,
}

/// An entity record (`NamedEntityRecordData`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Record {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<i64>,
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub(crate) kind: String,
    #[serde(deserialize_with = "null_default")]
    pub(crate) rule: Vec<String>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_id: Option<String>,
}

/// An entity with its records (`NamedEntityWithRecordsData`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct EntityWithRecords {
    pub(crate) entity: Entity,
    #[serde(deserialize_with = "null_default")]
    pub(crate) records: Vec<Record>,
}

/// The whole data of a project (`ProjectExportImportData`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct ProjectData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) project: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) settings: Option<Map<String, Value>>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) intents: Vec<Intent>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) entities: Vec<EntityWithRecords>,
    #[serde(deserialize_with = "null_default")]
    pub(crate) enabled_system_entities: Vec<String>,
}

/// Body of record create/update (`CreateNamedEntityRecordData`, `UpdateNamedEntityRecordData`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RecordBody {
    pub(crate) data: Option<Record>,
    pub(crate) client_id: Option<String>,
}

/// Body of replace-all (`UpdateAllNamedEntityRecordData`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RecordsBody {
    pub(crate) data: Option<Vec<Record>>,
    pub(crate) client_id: Option<String>,
}

/// Checks a pattern: not empty; `()`, `[]`, `{}` balanced; `<...>` skipped.
pub(crate) fn check_pattern(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty pattern".into());
    }
    let mut stack = Vec::new();
    let mut angle = 0usize;
    for c in text.chars() {
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
                    return Err(format!("unbalanced `{c}`"));
                }
            }
            _ => {}
        }
    }
    if angle > 0 || !stack.is_empty() {
        return Err("unclosed bracket".into());
    }
    Ok(())
}

/// Checks an intent before it is stored.
pub(crate) fn check_intent(intent: &Intent) -> Result<(), String> {
    let path = intent.path.as_deref().ok_or("intent path is missing")?;
    if !path.starts_with('/') || (path != "/" && path[1..].split('/').any(|s| s.trim().is_empty()))
    {
        return Err(format!("intent path `{path}` is malformed"));
    }
    for p in &intent.patterns {
        check_pattern(p).map_err(|e| format!("pattern `{p}`: {e}"))?;
    }
    Ok(())
}

/// Checks an entity before it is stored.
pub(crate) fn check_entity(entity: &Entity) -> Result<(), String> {
    if entity.name.trim().is_empty() || entity.name.chars().any(char::is_whitespace) {
        return Err("entity name must be non-empty without spaces".into());
    }
    if !matches!(entity.kind.as_str(), "dictionary" | "annotation") {
        return Err("entity type must be `dictionary` or `annotation`".into());
    }
    Ok(())
}

/// Checks a record before it is stored.
pub(crate) fn check_record(record: &Record) -> Result<(), String> {
    if !matches!(record.kind.as_str(), "pattern" | "synonyms") {
        return Err("record type must be `pattern` or `synonyms`".into());
    }
    if record.rule.is_empty() || record.rule.iter().any(|r| r.trim().is_empty()) {
        return Err("record needs at least one non-empty rule".into());
    }
    if record.kind == "pattern" {
        for r in &record.rule {
            check_pattern(r).map_err(|e| format!("pattern `{r}`: {e}"))?;
        }
    }
    Ok(())
}
