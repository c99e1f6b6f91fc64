//! A diff-friendly form of exported NLU data, so it can live in git: intents sorted by path,
//! phrases and patterns sorted, entities sorted by name, records by value, server-assigned ids
//! dropped (optional), pretty JSON with a trailing newline.

use crate::models::ProjectExportImportData;

/// How [`canonicalize`] treats the data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CanonicalOptions {
    /// Drop the ids the server assigns (intent, entity and record ids, staged-phrase indexes),
    /// which differ between projects and change on every import. Default: true.
    pub strip_ids: bool,
}

impl Default for CanonicalOptions {
    fn default() -> Self {
        CanonicalOptions { strip_ids: true }
    }
}

impl CanonicalOptions {
    /// Sets [`CanonicalOptions::strip_ids`].
    pub fn strip_ids(mut self, yes: bool) -> Self {
        self.strip_ids = yes;
        self
    }
}

/// Puts the data into a stable order (see the module docs). Exporting the same data twice gives
/// the same result, whatever order the server used.
pub fn canonicalize(data: &mut ProjectExportImportData, options: &CanonicalOptions) {
    if let Some(list) = data.enabled_system_entities.as_mut() {
        list.sort();
        list.dedup();
    }
    if let Some(intents) = data.intents.as_mut() {
        for intent in intents.iter_mut() {
            if options.strip_ids {
                intent.id = None;
            }
            if let Some(p) = intent.patterns.as_mut() {
                p.sort();
            }
            if let Some(phrases) = intent.phrases.as_mut() {
                for phrase in phrases.iter_mut() {
                    if options.strip_ids {
                        phrase.staged_phrase_idx = None;
                    }
                    if let Some(entities) = phrase.entities.as_mut() {
                        entities.sort_by_key(|e| (e.start_pos, e.end_pos));
                    }
                }
                phrases.sort_by(|a, b| a.text.cmp(&b.text));
            }
            if let Some(slots) = intent.slots.as_mut() {
                slots.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
        intents.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if let Some(entities) = data.entities.as_mut() {
        for e in entities.iter_mut() {
            if options.strip_ids
                && let Some(ent) = e.entity.as_mut()
            {
                ent.id = None;
            }
            if let Some(records) = e.records.as_mut() {
                for r in records.iter_mut() {
                    if options.strip_ids {
                        r.id = None;
                    }
                }
                records.sort_by(|a, b| {
                    (&a.value, &a.rule, &a.client_id).cmp(&(&b.value, &b.rule, &b.client_id))
                });
            }
        }
        entities.sort_by(|a, b| {
            let name = |x: &crate::models::NamedEntityWithRecordsData| {
                x.entity.as_ref().map(|e| e.name.clone())
            };
            name(a).cmp(&name(b))
        });
    }
}

/// Pretty JSON (two-space indent, trailing newline) of the data in canonical order.
pub fn to_pretty_json(data: &ProjectExportImportData, options: &CanonicalOptions) -> Vec<u8> {
    let mut data = data.clone();
    canonicalize(&mut data, options);
    // Serialising plain data structures cannot fail.
    let mut out = serde_json::to_vec_pretty(&data).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{IntentData, PhraseMarkupData};

    fn phrase(t: &str) -> PhraseMarkupData {
        PhraseMarkupData {
            text: Some(t.into()),
            staged_phrase_idx: Some(3),
            ..Default::default()
        }
    }

    #[test]
    fn order_does_not_matter() {
        let a = IntentData {
            id: Some(1),
            path: Some("/B".into()),
            phrases: Some(vec![phrase("z"), phrase("a")]),
            patterns: Some(vec!["b".into(), "a".into()]),
            ..Default::default()
        };
        let b = IntentData {
            id: Some(2),
            path: Some("/A".into()),
            ..Default::default()
        };
        let one = ProjectExportImportData {
            intents: Some(vec![a.clone(), b.clone()]),
            enabled_system_entities: Some(vec!["z".into(), "a".into()]),
            ..Default::default()
        };
        let two = ProjectExportImportData {
            intents: Some(vec![b, a]),
            enabled_system_entities: Some(vec!["a".into(), "z".into()]),
            ..Default::default()
        };
        let opts = CanonicalOptions::default();
        let text = to_pretty_json(&one, &opts);
        assert_eq!(text, to_pretty_json(&two, &opts));
        let s = String::from_utf8(text).unwrap();
        assert!(s.ends_with("}\n"));
        assert!(!s.contains("\"id\""), "{s}");
        assert!(!s.contains("stagedPhraseIdx"));
        assert!(s.find("\"/A\"").unwrap() < s.find("\"/B\"").unwrap());
        assert!(s.find("\"a\"").unwrap() < s.find("\"z\"").unwrap());
        let kept = String::from_utf8(to_pretty_json(
            &one,
            &CanonicalOptions::default().strip_ids(false),
        ))
        .unwrap();
        assert!(kept.contains("\"id\": 2"));
    }
}
