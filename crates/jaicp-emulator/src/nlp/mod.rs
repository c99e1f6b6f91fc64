//! The NLP Direct API (CAILA direct): projects addressed by their NLP key, intents and entities,
//! import/export, a spelling dictionary, training that completes, and inference by a
//! deterministic matcher ([`matcher`]) or by an external Model API service ([`external`]).
//!
//! Training snapshots the data into a model; the status reads `TRAINING` once, then `READY`
//! (so a poller sees both states). Until then the previous model keeps answering, as on JAICP.

pub(crate) mod external;
pub(crate) mod matcher;
pub(crate) mod model;
pub(crate) mod routes;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::clock::Millis;
use matcher::{EntityRules, Pattern};
use model::{Entity, EntityWithRecords, Intent, ProjectData, Record};

/// Key of the NLP project every emulator starts with.
pub const DEFAULT_NLP_KEY: &str = "emulator-nlp-key";

/// All NLP Direct data, guarded by one mutex in [`crate::state`].
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct NlpState {
    pub(crate) projects: HashMap<String, Project>,
    /// Configuration of the run (builder), not data: never saved.
    #[serde(skip)]
    pub(crate) external: Option<external::ExternalNlu>,
}

/// The trained state of a project. A state file keeps what it was trained from; the matchers
/// are rebuilt when it is read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(into = "ModelData", from = "ModelData")]
pub(crate) struct Model {
    intents: Vec<ModelIntent>,
    entities: Vec<(String, Vec<Record>)>,
}

#[derive(Debug, Clone)]
struct ModelIntent {
    intent: Intent,
    phrases: Vec<Vec<String>>,
    patterns: Vec<Pattern>,
}

/// A [`Model`] as kept in a state file.
#[derive(Serialize, Deserialize)]
struct ModelData {
    intents: Vec<Intent>,
    entities: Vec<(String, Vec<Record>)>,
}

impl From<Model> for ModelData {
    fn from(model: Model) -> Self {
        Self {
            intents: model.intents.into_iter().map(|mi| mi.intent).collect(),
            entities: model.entities,
        }
    }
}

impl From<ModelData> for Model {
    fn from(data: ModelData) -> Self {
        Self {
            intents: data.intents.iter().map(ModelIntent::new).collect(),
            entities: data.entities,
        }
    }
}

impl ModelIntent {
    /// Compiles an intent's phrases and patterns for matching.
    fn new(intent: &Intent) -> Self {
        ModelIntent {
            intent: intent.clone(),
            phrases: intent
                .phrases
                .iter()
                .filter_map(|p| p.text.as_deref().map(matcher::words))
                .collect(),
            patterns: intent.patterns.iter().map(|p| Pattern::parse(p)).collect(),
        }
    }
}

struct Rules<'a> {
    entities: &'a [(String, Vec<Record>)],
    client: Option<&'a str>,
}

impl EntityRules for Rules<'_> {
    fn rules(&self, entity: &str) -> Vec<Vec<String>> {
        self.entities
            .iter()
            .filter(|(name, _)| name == entity)
            .flat_map(|(_, records)| records.iter())
            .filter(|r| r.client_id.is_none() || r.client_id.as_deref() == self.client)
            .flat_map(|r| {
                r.rule
                    .iter()
                    .map(|x| matcher::words(x))
                    .chain(std::iter::once(matcher::words(&r.value)))
            })
            .collect()
    }
}

impl Model {
    /// The best `n` intents for the text, best first.
    pub(crate) fn classify(
        &self,
        text: &str,
        client: Option<&str>,
        n: usize,
    ) -> Vec<(Intent, f64)> {
        let words = matcher::words(text);
        let rules = Rules {
            entities: &self.entities,
            client,
        };
        let mut scored: Vec<(&ModelIntent, f64)> = self
            .intents
            .iter()
            .filter_map(|mi| {
                let by_pattern = mi
                    .patterns
                    .iter()
                    .any(|p| p.matches(&words, &rules))
                    .then_some(1.0_f64);
                let by_phrase = mi
                    .phrases
                    .iter()
                    .map(|p| matcher::phrase_score(&words, p))
                    .fold(0.0_f64, f64::max);
                let score = by_pattern.unwrap_or(0.0).max(by_phrase);
                (score >= matcher::MIN_SCORE).then_some((mi, score))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| a.0.intent.path().cmp(b.0.intent.path()))
        });
        scored
            .into_iter()
            .take(n.max(1))
            .map(|(mi, s)| (mi.intent.clone(), s))
            .collect()
    }

    /// Intent by path (or by id written as text), for classes named by an external service.
    pub(crate) fn intent_for_class(&self, class: &str) -> Option<Intent> {
        self.intents
            .iter()
            .find(|mi| {
                mi.intent.path() == class || mi.intent.id.is_some_and(|id| id.to_string() == class)
            })
            .map(|mi| mi.intent.clone())
    }
}

/// Status of training.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Training {
    #[serde(with = "crate::persist::serde_helpers::interned")]
    pub(crate) status: crate::persist::serde_helpers::Code,
    pub(crate) last_error: Option<String>,
    pub(crate) last_train_start: Option<Millis>,
    pub(crate) last_train_time: Option<Millis>,
    pending: Option<Model>,
    reads_left: u32,
    /// Set by [`crate::EmulatorState::fail_next_nlp_training`]: the next training fails with it.
    pub(crate) fail_next: Option<String>,
}

/// One emulated NLP project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Project {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) intents: BTreeMap<i64, Intent>,
    pub(crate) entities: BTreeMap<i64, EntityWithRecords>,
    pub(crate) system_entities: Vec<String>,
    pub(crate) settings: Map<String, Value>,
    pub(crate) speller: String,
    next_id: i64,
    pub(crate) changed_intents: Millis,
    pub(crate) changed_entities: Millis,
    pub(crate) training: Training,
    pub(crate) model: Model,
}

fn default_settings() -> Map<String, Value> {
    match json!({
        "language": "en",
        "spellingCorrection": false,
        "classificationAlgorithm": "sts",
        "timezone": "UTC",
    }) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

impl Project {
    pub(crate) fn new(id: &str, name: &str, now: Millis) -> Self {
        Project {
            id: id.to_owned(),
            name: name.to_owned(),
            intents: BTreeMap::new(),
            entities: BTreeMap::new(),
            system_entities: Vec::new(),
            settings: default_settings(),
            speller: String::new(),
            next_id: 1,
            changed_intents: now,
            changed_entities: now,
            training: Training {
                status: "NONE",
                last_error: None,
                last_train_start: None,
                last_train_time: None,
                pending: None,
                reads_left: 0,
                fail_next: None,
            },
            model: Model::default(),
        }
    }

    pub(crate) fn next_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Stores a new intent (already checked); returns it with its id.
    pub(crate) fn add_intent(&mut self, mut intent: Intent, now: Millis) -> Intent {
        let id = self.next_id();
        intent.id = Some(id);
        self.intents.insert(id, intent.clone());
        self.changed_intents = now;
        intent
    }

    pub(crate) fn intent_by_path(&self, path: &str) -> Option<i64> {
        self.intents
            .iter()
            .find(|(_, i)| i.path() == path)
            .map(|(id, _)| *id)
    }

    /// Stores a new entity (already checked).
    pub(crate) fn add_entity(
        &mut self,
        mut entity: Entity,
        records: Vec<Record>,
        now: Millis,
    ) -> Entity {
        let id = self.next_id();
        entity.id = Some(id);
        if entity.enabled.is_none() {
            entity.enabled = Some(true);
        }
        let records = records
            .into_iter()
            .map(|mut r| {
                r.id = Some(self.next_id());
                r
            })
            .collect();
        self.entities.insert(
            id,
            EntityWithRecords {
                entity: entity.clone(),
                records,
            },
        );
        self.changed_entities = now;
        entity
    }

    pub(crate) fn entity_by_name(&self, name: &str) -> Option<i64> {
        self.entities
            .iter()
            .find(|(_, e)| e.entity.name == name)
            .map(|(id, _)| *id)
    }

    /// The whole data (`ProjectExportImportData`).
    pub(crate) fn export(&self) -> ProjectData {
        let mut project = Map::new();
        // Never the key: exports end up in files and repositories.
        project.insert("id".into(), Value::String(self.id.clone()));
        project.insert("name".into(), Value::String(self.name.clone()));
        ProjectData {
            project: Some(project),
            settings: Some(self.settings.clone()),
            intents: self.intents.values().cloned().collect(),
            entities: self.entities.values().cloned().collect(),
            enabled_system_entities: self.system_entities.clone(),
        }
    }

    /// Replaces everything with `data` (already checked).
    pub(crate) fn replace(&mut self, data: ProjectData, now: Millis) {
        self.intents.clear();
        self.entities.clear();
        for intent in data.intents {
            self.add_intent(intent, now);
        }
        for e in data.entities {
            self.add_entity(e.entity, e.records, now);
        }
        self.system_entities = data.enabled_system_entities;
        if let Some(settings) = data.settings {
            // `null` means "not given": it is never stored, so an export never echoes a null
            // where the document asks for a value (a string `timezone`, say).
            let mut settings = Value::Object(settings);
            crate::extract::drop_nulls(&mut settings);
            if let Value::Object(map) = settings {
                self.settings = map;
            }
        }
        self.changed_intents = now;
        self.changed_entities = now;
    }

    /// Starts training: snapshots the data; status reads `TRAINING` once, then `READY`.
    pub(crate) fn start_training(&mut self, now: Millis) {
        let intents = self
            .intents
            .values()
            .filter(|i| i.is_enabled())
            .map(ModelIntent::new)
            .collect();
        let entities = self
            .entities
            .values()
            .filter(|e| e.entity.enabled != Some(false))
            .map(|e| (e.entity.name.clone(), e.records.clone()))
            .collect();
        self.training.status = "TRAINING";
        self.training.last_train_start = Some(now);
        self.training.pending = Some(Model { intents, entities });
        self.training.reads_left = 1;
    }

    /// Status read: moves a pending training on.
    pub(crate) fn read_status(&mut self, now: Millis) {
        if self.training.status != "TRAINING" {
            return;
        }
        if self.training.reads_left > 0 {
            self.training.reads_left -= 1;
            return;
        }
        self.finish_training(now);
    }

    /// Finishes a pending training at once. A failure keeps the previous model, as on JAICP.
    pub(crate) fn finish_training(&mut self, now: Millis) {
        if let Some(reason) = self.training.fail_next.take() {
            self.training.pending = None;
            self.training.status = "FAILED";
            self.training.last_error = Some(reason);
            return;
        }
        if let Some(model) = self.training.pending.take() {
            self.model = model;
            self.training.status = "READY";
            self.training.last_error = None;
            self.training.last_train_time = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_settings_never_keep_nulls() {
        let mut project = Project::new("p", "P", 0);
        let data: ProjectData = serde_json::from_value(json!({
            "settings": {"language": "ru", "timezone": null, "extendedSettings": {"x": null, "y": 1}}
        }))
        .unwrap();
        project.replace(data, 1);
        assert_eq!(
            Value::Object(project.settings.clone()),
            json!({"language": "ru", "extendedSettings": {"y": 1}})
        );
    }
}
