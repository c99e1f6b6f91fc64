//! HTTP handlers for the 44 NLP Direct operations, paths exactly as in the official document under
//! the `/cailapub` base path.
//!
//! Every handler takes the [`Nlp`] extractor (the NLP key from the path) and runs its work
//! through [`Nlp::with`], which counts the request, resolves the project by key (401 for an
//! unknown key) and runs the work under the NLP lock; the work checks the input before touching
//! anything (400 and no change on bad data, 404 and no change for unknown ids). Records routes
//! name their entity by id or by name ([`EntityPath`]). Inference copies what it needs under the
//! lock ([`Nlp::snapshot`]), so calls to an external NLU service happen outside it.

// Handlers bail out early with a finished `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Router;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use jaicp_nlp::models::strict::Rules;
use jaicp_nlp::models::{IntentData, NamedEntityData, ProjectExportImportData};

use super::external::ExternalNlu;
use super::matcher;
use super::model::{
    Entity, Intent, ProjectData, Record, RecordBody, RecordsBody, check_entity, check_intent,
    check_record,
};
use super::{Model, Project};
use crate::clock::Millis;
use crate::errors::{nlp as nlp_error, nlp_bad, nlp_not_found};
use crate::extract::{Body, PathParams};
use crate::operation::{Op, op};
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::iso;

const P: &str = "/cailapub/api/caila/p/{accessToken}";

/// Routes of the NLP Direct API.
pub(crate) fn routes() -> Router<EmulatorState> {
    let r = |tail: &str| format!("{P}{tail}");
    Router::new()
        .route(&r("/nlu/markup"), get(initial_markup))
        .route(&r("/nlu/conform"), get(conform))
        .route(&r("/nlu/inflect"), get(inflect))
        .route(&r("/nlu/detectlanguage"), post(detect_language))
        .route(&r("/nlu/inference"), get(simple_inference).post(inference))
        .route(&r("/nlu/inference-multiple"), post(inference_multiple))
        .route(&r("/nlu/entities"), get(entities_lookup))
        .route(&r("/nlu/analyze"), post(analyze))
        .route(&r("/nlu/train"), post(train))
        .route(&r("/nlu/status"), get(status))
        .route(&r("/export"), post(export_project))
        .route(&r("/import"), post(import_project))
        .route(&r("/entities"), get(list_entities).post(create_entity))
        .route(&r("/entities/delete-multiple"), post(delete_entities))
        .route(
            &r("/entities/delete-multiple-by-name"),
            post(delete_entities_by_names),
        )
        .route(&r("/entities/get-by-names"), get(get_entities_by_names))
        .route(
            &r("/entities/{entityId}"),
            get(get_entity).put(update_entity),
        )
        .route(
            &r("/entities/{entityId}/records"),
            op("getEntityRecords", get(get_records))
                .merge(op("createEntityRecord", post(create_record)))
                .merge(op(
                    "updateAllEntityRecords",
                    axum::routing::put(update_all_records),
                )),
        )
        .route(
            &r("/entities/{entityId}/records/delete-multiple"),
            op("deleteRecords", post(delete_records)),
        )
        .route(
            &r("/entities/{entityId}/records/upload"),
            post(upload_records),
        )
        .route(
            &r("/entities/{entityId}/records/{recordId}"),
            op("updateEntityRecord", axum::routing::put(update_record)),
        )
        .route(
            &r("/entities-by-name/{entityName}"),
            get(get_entity_by_name),
        )
        .route(
            &r("/entities-by-name/{entityName}/records"),
            op(
                "updateAllEntityRecordsByEntityName",
                axum::routing::put(update_all_records),
            ),
        )
        .route(
            &r("/entities-by-names/{entityName}/records"),
            op("getEntityRecordsByEntityName", get(get_records))
                .merge(op("createEntityRecordByEntityName", post(create_record))),
        )
        .route(
            &r("/entities-by-names/{entityName}/records/delete-multiple"),
            op("deleteRecordsByEntityName", post(delete_records)),
        )
        .route(
            &r("/entities-by-names/{entityName}/records/{recordId}"),
            op(
                "updateEntityRecordByEntityName",
                axum::routing::put(update_record),
            ),
        )
        .route(&r("/speller"), get(get_speller).post(upload_speller))
        .route(&r("/intents"), get(list_intents).post(create_intent))
        .route(&r("/intents/delete-multiple"), post(delete_intents))
        .route(&r("/intents/get-by-paths"), post(get_intents_by_paths))
        .route(
            &r("/intents/delete-multiple-by-paths"),
            post(delete_intents_by_paths),
        )
        .route(&r("/intents/search"), post(search_intents))
        .route(&r("/intents/import"), post(import_intents))
        .route(&r("/intents/export-file"), get(export_intents))
        .route(&r("/intents/{intentId}"), get(get_intent))
        .route(
            &r("/intents/{intentId}/recursive-update"),
            post(recursive_update),
        )
}

// ---------------------------------------------------------------------------------------------
// Replies and request helpers
// ---------------------------------------------------------------------------------------------

/// Query pairs in order (repeated names kept).
struct Query(Vec<(String, String)>);

impl Query {
    fn new(raw: Option<String>) -> Self {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// All values of a list parameter: repeated and/or comma-separated.
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(',').map(str::to_owned).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect()
    }
    fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).map(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// A request to an NLP Direct operation: the state and the NLP key from the path
/// (`{accessToken}`). The key is checked by [`Nlp::with`] under the NLP lock, where the work
/// runs, so a project removed in between is refused rather than half-changed.
pub(crate) struct Nlp {
    state: EmulatorState,
    key: String,
}

impl axum::extract::FromRequestParts<EmulatorState> for Nlp {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        let PathParams(mut map) =
            PathParams::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            key: map.remove("accessToken").unwrap_or_default(),
        })
    }
}

impl Nlp {
    /// Runs `work` on the project of the key, counting the request as `op`; 401 for a key no
    /// project has.
    fn with(&self, op: &'static str, work: impl FnOnce(&mut Project, Millis) -> Answer) -> Answer {
        self.state.shared.counters.request(op);
        let now = self.state.now_ms();
        let mut nlp = self.state.nlp();
        match nlp.projects.get_mut(&self.key) {
            Some(project) => work(project, now),
            None => Err(nlp_error(
                StatusCode::UNAUTHORIZED,
                "caila.access.denied",
                "no project has this NLP key",
            )),
        }
    }

    /// What inference needs, copied under the lock so that an external NLU is called outside it.
    fn snapshot(&self, op: &'static str) -> Result<Snapshot, Reply> {
        let mut out = None;
        let external = self.state.nlp().external.clone();
        self.with(op, |p, _| {
            out = Some(Snapshot {
                model: p.model.clone(),
                project: p.clone(),
                external,
            });
            Ok(Reply::empty(StatusCode::OK))
        })?;
        out.ok_or_else(|| Reply::empty(StatusCode::INTERNAL_SERVER_ERROR))
    }
}

// ---------------------------------------------------------------------------------------------
// Inference
// ---------------------------------------------------------------------------------------------

/// What inference needs, taken under the lock.
struct Snapshot {
    model: Model,
    project: Project,
    external: Option<ExternalNlu>,
}

impl Snapshot {
    /// Marks an answer with lemmas from the built-in markup, whose lemma is the lower-cased
    /// word (no dictionary), with [`LIMIT_HEADER`] `lemma`; an external NLU's markup is kept.
    fn lemma_limit(&self, reply: Reply) -> Reply {
        if self.external.is_some() {
            reply
        } else {
            reply.with_header(LIMIT_HEADER, "lemma")
        }
    }

    fn language(&self) -> String {
        self.project
            .settings
            .get("language")
            .and_then(Value::as_str)
            .unwrap_or("en")
            .to_owned()
    }

    async fn classify(
        &self,
        texts: &[String],
        client: Option<&str>,
        n: usize,
    ) -> Result<Vec<Vec<(Intent, f64)>>, Reply> {
        match &self.external {
            None => Ok(texts
                .iter()
                .map(|t| self.model.classify(t, client, n))
                .collect()),
            Some(ext) => {
                let classes = ext
                    .predict(texts)
                    .await
                    .map_err(|e| nlp_error(StatusCode::BAD_GATEWAY, "caila.external.nlu", e))?;
                Ok(classes
                    .into_iter()
                    .map(|list| {
                        list.into_iter()
                            .take(n.max(1))
                            .map(|(class, score)| {
                                let intent =
                                    self.model.intent_for_class(&class).unwrap_or(Intent {
                                        path: Some(class),
                                        ..Default::default()
                                    });
                                (intent, score)
                            })
                            .collect()
                    })
                    .collect())
            }
        }
    }

    async fn markup(&self, source: &str) -> Result<Value, Reply> {
        if let Some(ext) = &self.external {
            return ext
                .markup(source, &self.language())
                .await
                .map(|mut m| {
                    // `correctedText` is required by the NLP Direct document.
                    if let Some(obj) = m.as_object_mut()
                        && !obj.contains_key("correctedText")
                    {
                        obj.insert("correctedText".into(), Value::String(source.to_owned()));
                    }
                    m
                })
                .map_err(|e| nlp_error(StatusCode::BAD_GATEWAY, "caila.external.nlu", e));
        }
        let words: Vec<Value> = matcher::tokens(source)
            .into_iter()
            .map(|t| {
                let mut w = json!({
                    "startPos": t.start, "endPos": t.end, "source": t.source, "word": t.word,
                    "punctuation": t.punctuation,
                });
                if !t.punctuation
                    && let Some(obj) = w.as_object_mut()
                {
                    obj.insert("annotations".into(), json!({ "lemma": t.word }));
                }
                w
            })
            .collect();
        Ok(json!({ "source": source, "correctedText": source, "words": words }))
    }

    async fn entities(
        &self,
        source: &str,
        client: Option<&str>,
        show_all: bool,
    ) -> Result<Vec<Value>, Reply> {
        if let Some(ext) = &self.external {
            let items = ext
                .ner(source, &self.language())
                .await
                .map_err(|e| nlp_error(StatusCode::BAD_GATEWAY, "caila.external.nlu", e))?;
            return Ok(items
                .into_iter()
                .map(|i| {
                    json!({
                        "entity": i.get("entity").cloned().unwrap_or(Value::Null),
                        "startPos": i.get("startPos").cloned().unwrap_or(json!(0)),
                        "endPos": i.get("endPos").cloned().unwrap_or(json!(0)),
                        "text": i.get("text").cloned().unwrap_or(json!("")),
                        "value": i.get("value").cloned().unwrap_or(json!("")),
                        "default": true, "system": false,
                    })
                })
                .filter(|v| v["entity"].is_string())
                .collect());
        }
        Ok(lookup(&self.project, source, client, show_all))
    }
}

/// Entity records found in `source` (synonym records and `duckling.number`).
fn lookup(project: &Project, source: &str, client: Option<&str>, show_all: bool) -> Vec<Value> {
    let toks: Vec<matcher::Token> = matcher::tokens(source)
        .into_iter()
        .filter(|t| !t.punctuation)
        .collect();
    let words: Vec<&str> = toks.iter().map(|t| t.word.as_str()).collect();
    let chars: Vec<char> = source.chars().collect();
    let span =
        |a: usize, b: usize| -> String { chars[toks[a].start..toks[b].end].iter().collect() };
    let mut found: Vec<(usize, usize, Value)> = Vec::new();
    for (id, e) in &project.entities {
        if e.entity.enabled == Some(false) {
            continue;
        }
        for r in &e.records {
            if r.kind != "synonyms" || !(r.client_id.is_none() || r.client_id.as_deref() == client)
            {
                continue;
            }
            for rule in r.rule.iter().chain(std::iter::once(&r.value)) {
                let rw = matcher::words(rule);
                if rw.is_empty() || rw.len() > words.len() {
                    continue;
                }
                for i in 0..=words.len() - rw.len() {
                    if words[i..i + rw.len()].iter().zip(&rw).all(|(a, b)| *a == b) {
                        let j = i + rw.len() - 1;
                        found.push((
                            toks[i].start,
                            toks[j].end,
                            json!({
                                "entity": e.entity.name, "entityId": id, "slot": e.entity.name,
                                "startPos": toks[i].start, "endPos": toks[j].end,
                                "text": span(i, j), "value": r.value,
                                "default": true, "system": false,
                            }),
                        ));
                    }
                }
            }
        }
    }
    if project
        .system_entities
        .iter()
        .any(|s| s == "duckling.number")
    {
        for t in &toks {
            if t.word.chars().all(|c| c.is_ascii_digit()) {
                found.push((
                    t.start,
                    t.end,
                    json!({
                        "entity": "duckling.number", "startPos": t.start, "endPos": t.end,
                        "text": t.source, "value": t.word, "default": true, "system": true,
                    }),
                ));
            }
        }
    }
    found.sort_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
    found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2["entity"] == b.2["entity"]);
    let mut out = Vec::new();
    let mut covered = 0usize;
    for (s, e, v) in found {
        if show_all || s >= covered {
            covered = covered.max(e);
            out.push(v);
        }
    }
    out
}

fn intent_result(intent: &Intent) -> Value {
    let mut v = json!({ "path": intent.path(), "slots": intent.slots });
    if let Some(obj) = v.as_object_mut() {
        if let Some(id) = intent.id {
            obj.insert("id".into(), json!(id));
        }
        if let Some(a) = &intent.answer {
            obj.insert("answer".into(), json!(a));
        }
        if let Some(c) = &intent.custom_data {
            obj.insert("customData".into(), json!(c));
        }
    }
    v
}

fn variant(best: &(Intent, f64)) -> Value {
    json!({ "intent": intent_result(&best.0), "confidence": best.1, "slots": [] })
}

fn results(text: &str, entities: Vec<Value>, variants: &[(Intent, f64)]) -> Value {
    json!({
        "phrase": { "text": text, "entities": entities },
        "variants": variants.iter().map(variant).collect::<Vec<_>>(),
    })
}

fn n_best(v: Option<i64>) -> usize {
    usize::try_from(v.unwrap_or(1).clamp(1, 100)).unwrap_or(1)
}

async fn simple_inference(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let q = Query::new(q);
    let snap = nlp.snapshot("simpleInference")?;
    let Some(query) = q.get("query").map(str::to_owned) else {
        return Err(nlp_bad("`query` is required"));
    };
    let lists = snap.classify(&[query], q.get("clientId"), 1).await?;
    Ok(match lists.first().and_then(|l| l.first()) {
        Some(best) => Reply::ok(&variant(best)),
        None => Reply::ok(&json!({ "slots": [] })),
    })
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct InferenceBody {
    phrase: Option<super::model::Phrase>,
    n_best: Option<i64>,
    client_id: Option<String>,
}

async fn inference(nlp: Nlp, body: Body) -> Answer {
    let snap = nlp.snapshot("inference")?;
    let req: InferenceBody = body.json()?;
    let text = req.phrase.and_then(|p| p.text).unwrap_or_default();
    infer_one(&snap, &text, req.client_id.as_deref(), n_best(req.n_best)).await
}

async fn infer_one(snap: &Snapshot, text: &str, client: Option<&str>, n: usize) -> Answer {
    Ok(Reply::ok(&infer_value(snap, text, client, n).await?))
}

async fn infer_value(
    snap: &Snapshot,
    text: &str,
    client: Option<&str>,
    n: usize,
) -> Result<Value, Reply> {
    let lists = snap.classify(&[text.to_owned()], client, n).await?;
    let entities = snap.entities(text, client, false).await?;
    Ok(results(
        text,
        entities,
        lists.first().map(Vec::as_slice).unwrap_or(&[]),
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MultipleBody {
    phrases: Vec<InferenceBody>,
    n_best: Option<i64>,
}

async fn inference_multiple(nlp: Nlp, body: Body) -> Answer {
    let snap = nlp.snapshot("inferenceMultiple")?;
    let req: MultipleBody = body.json()?;
    let n = n_best(req.n_best);
    let mut out = Vec::new();
    for p in req.phrases {
        let text = p.phrase.and_then(|p| p.text).unwrap_or_default();
        match infer_value(&snap, &text, None, n).await {
            Ok(v) => out.push(v),
            Err(r) => return Err(r),
        }
    }
    Ok(Reply::ok(&out))
}

async fn initial_markup(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let q = Query::new(q);
    let snap = nlp.snapshot("initialMarkup")?;
    let Some(query) = q.get("query") else {
        return Err(nlp_bad("`query` is required"));
    };
    let markup = snap.markup(query).await?;
    Ok(snap.lemma_limit(Reply::ok(&markup)))
}

async fn entities_lookup(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let q = Query::new(q);
    let snap = nlp.snapshot("entitiesLookup")?;
    let Some(query) = q.get("query") else {
        return Err(nlp_bad("`query` is required"));
    };
    let show_all = q.flag("showAll").unwrap_or(false);
    let entities = snap.entities(query, q.get("clientId"), show_all).await?;
    Ok(Reply::ok(&json!({ "text": query, "entities": entities })))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AnalyzeBody {
    data: Option<InferenceBody>,
    show_all: Option<bool>,
}

async fn analyze(nlp: Nlp, body: Body) -> Answer {
    let snap = nlp.snapshot("analyze")?;
    let req: AnalyzeBody = body.json()?;
    let data = req.data.unwrap_or_default();
    let text = data.phrase.and_then(|p| p.text).unwrap_or_default();
    let client = data.client_id.as_deref();
    let run = async {
        let markup = snap.markup(&text).await?;
        let entities = snap
            .entities(&text, client, req.show_all.unwrap_or(false))
            .await?;
        let inference = infer_value(&snap, &text, client, n_best(data.n_best)).await?;
        Ok::<Value, Reply>(json!({
            "markup": markup,
            "entitiesLookup": { "text": text, "entities": entities },
            "inference": inference,
        }))
    };
    Ok(snap.lemma_limit(Reply::ok(&run.await?)))
}

async fn conform(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let q = Query::new(q);
    nlp.with("conform", |_, _| {
        let (Some(word), Some(number)) = (q.get("text"), q.get("number")) else {
            return Err(nlp_bad("`text` and `number` are required"));
        };
        if number.parse::<i64>().is_err() {
            return Err(nlp_bad("`number` must be an integer"));
        }
        Ok(unchanged(word))
    })
}

async fn inflect(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let q = Query::new(q);
    nlp.with("inflect", |_, _| match q.get("text") {
        Some(word) => Ok(unchanged(word)),
        None => Err(nlp_bad("`text` is required")),
    })
}

/// The emulator has no morphological dictionary, so it cannot agree or inflect a word the way
/// CAILA does (`рубль` + 5 → `рублей`). It answers the word as given (right only when no change
/// is needed) with [`LIMIT_HEADER`] `morphology`, so a test can tell this answer from JAICP's.
/// A 501 would say so too, but the document declares only 200 for these operations, and the
/// emulator keeps to the documents. `rsmorphy`, the Rust port of pymorphy2, was considered:
/// its last release (0.4, 2018) and its dependencies are unmaintained.
fn unchanged(word: &str) -> Reply {
    Reply::text(word.to_owned()).with_header(LIMIT_HEADER, "morphology")
}

/// Header on emulator answers that are not what JAICP would answer; its value names the limit.
pub(crate) const LIMIT_HEADER: &str = "x-jaicp-emulator-limit";

async fn detect_language(nlp: Nlp, body: Body) -> Answer {
    #[derive(Default, serde::Deserialize)]
    #[serde(default)]
    struct Docs {
        documents: Vec<String>,
    }
    let docs: Docs = body.json_or_default()?;
    nlp.with("detectLanguage", |_, _| {
        let langs: Vec<&str> = docs
            .documents
            .iter()
            .map(|d| {
                let cyr = d
                    .chars()
                    .filter(|c| ('\u{400}'..='\u{4FF}').contains(c))
                    .count();
                let latin = d.chars().filter(char::is_ascii_alphabetic).count();
                if cyr > latin { "ru" } else { "en" }
            })
            .collect();
        Ok(Reply::ok(&langs))
    })
}

// ---------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------

async fn train(nlp: Nlp) -> Answer {
    nlp.with("trainNLU", |p, now| {
        p.start_training(now);
        Ok(Reply::empty(StatusCode::OK))
    })
}

async fn status(nlp: Nlp) -> Answer {
    nlp.with("getNLUStatus", |p, now| {
        p.read_status(now);
        let t = &p.training;
        let mut v = Map::new();
        v.insert("trainingStatus".into(), json!(t.status));
        if let Some(e) = &t.last_error {
            v.insert("lastError".into(), json!(e));
        }
        v.insert("lastChangeInIntents".into(), json!(iso(p.changed_intents)));
        v.insert(
            "lastChangeInEntities".into(),
            json!(iso(p.changed_entities)),
        );
        if let Some(s) = t.last_train_start {
            v.insert("lastModelTrainStart".into(), json!(iso(s)));
            v.insert("cachedModelTrainStart".into(), json!(iso(s)));
        }
        if let Some(s) = t.last_train_time {
            v.insert("lastModelTrainTime".into(), json!(iso(s)));
            v.insert("cachedModelTrainTime".into(), json!(iso(s)));
        }
        Ok(Reply::ok(&Value::Object(v)))
    })
}

// ---------------------------------------------------------------------------------------------
// Import / export
// ---------------------------------------------------------------------------------------------

fn check_project(data: &ProjectData) -> Result<(), String> {
    // Free-form objects of the document, which the generated model reads as any JSON value.
    let extended = data
        .settings
        .as_ref()
        .and_then(|s| s.get("extendedSettings"))
        .and_then(Value::as_object);
    for key in ["mlpsClassifierSettings", "stsSettings"] {
        if extended
            .and_then(|e| e.get(key))
            .is_some_and(|v| !v.is_object() && !v.is_null())
        {
            return Err(format!("settings.extendedSettings.{key} must be an object"));
        }
    }
    let mut paths = BTreeSet::new();
    for (i, intent) in data.intents.iter().enumerate() {
        check_intent(intent).map_err(|e| format!("intents[{i}]: {e}"))?;
        if !paths.insert(intent.path()) {
            return Err(format!(
                "intents[{i}]: path `{}` appears twice",
                intent.path()
            ));
        }
    }
    let mut names = BTreeSet::new();
    for (i, e) in data.entities.iter().enumerate() {
        check_entity(&e.entity).map_err(|m| format!("entities[{i}]: {m}"))?;
        if !names.insert(e.entity.name.as_str()) {
            return Err(format!(
                "entities[{i}]: name `{}` appears twice",
                e.entity.name
            ));
        }
        for (j, r) in e.records.iter().enumerate() {
            check_record(r).map_err(|m| format!("entities[{i}].records[{j}]: {m}"))?;
        }
    }
    Ok(())
}

async fn export_project(nlp: Nlp) -> Answer {
    nlp.with("exportProject", |p, _| Ok(Reply::ok(&p.export())))
}

async fn import_project(nlp: Nlp, body: Body) -> Answer {
    let data: Result<ProjectData, Reply> = body.checked::<ProjectExportImportData, _>(
        ProjectExportImportData::missing,
        ProjectExportImportData::invalid,
    );
    nlp.with("importProject", |p, now| {
        let data = data?;
        if let Err(e) = check_project(&data) {
            return Err(nlp_bad(e));
        }
        p.replace(data, now);
        Ok(Reply::ok(&p.export()))
    })
}

/// The file part of a `multipart/form-data` body (field `file`, or the first part).
fn multipart_file(headers: &HeaderMap, body: &[u8]) -> Result<Vec<u8>, String> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err("expected a multipart/form-data body".into());
    }
    let boundary = ct
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("the multipart content type has no boundary")?;
    let delim = format!("--{boundary}").into_bytes();
    let find = |hay: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut pos = find(body, &delim, 0).ok_or("no multipart boundary in the body")?;
    let mut first = None;
    loop {
        let start = pos + delim.len();
        if body.get(start..start + 2) == Some(b"--") {
            break;
        }
        let Some(next) = find(body, &delim, start) else {
            break;
        };
        let part = &body[start..next];
        if let Some(h_end) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..h_end]).to_ascii_lowercase();
            let mut content = &part[h_end + 4..];
            if content.ends_with(b"\r\n") {
                content = &content[..content.len() - 2];
            }
            if head.contains("name=\"file\"") {
                return Ok(content.to_vec());
            }
            first.get_or_insert_with(|| content.to_vec());
        }
        pos = next;
    }
    first.ok_or_else(|| "the multipart body has no file".into())
}

fn summaries(p: &Project) -> Vec<Value> {
    p.intents.values().map(Intent::summary).collect()
}

async fn import_intents(nlp: Nlp, RawQuery(q): RawQuery, headers: HeaderMap, body: Body) -> Answer {
    let q = Query::new(q);
    let parsed = body
        .bytes()
        .and_then(|b| multipart_file(&headers, &b).map_err(nlp_bad))
        .and_then(|file| {
            let v: Value =
                serde_json::from_slice(&file).map_err(|e| nlp_bad(format!("intents file: {e}")))?;
            let list = match v {
                Value::Object(mut o) => o.remove("intents").unwrap_or(Value::Array(Vec::new())),
                other => other,
            };
            serde_json::from_value::<Vec<Intent>>(list)
                .map_err(|e| nlp_bad(format!("intents file: {e}")))
        });
    nlp.with("importIntents", |p, now| {
        let strategy = q.get("strategy").unwrap_or("");
        if ![
            "overwrite",
            "merge",
            "unresolved",
            "cleanwrite",
            "skipwrite",
        ]
        .contains(&strategy)
        {
            return Err(nlp_bad(
                "`strategy` must be overwrite, merge, unresolved, cleanwrite or skipwrite",
            ));
        }
        let intents = parsed?;
        for (i, intent) in intents.iter().enumerate() {
            if let Err(e) = check_intent(intent) {
                return Err(nlp_bad(format!("intents[{i}]: {e}")));
            }
        }
        if strategy == "cleanwrite" {
            p.intents.clear();
        }
        for mut intent in intents {
            intent.id = None;
            match p.intent_by_path(intent.path()) {
                None => {
                    p.add_intent(intent, now);
                }
                Some(id) => match strategy {
                    "overwrite" => {
                        intent.id = Some(id);
                        p.intents.insert(id, intent);
                    }
                    "merge" | "unresolved" => {
                        if let Some(old) = p.intents.get_mut(&id) {
                            for ph in intent.phrases {
                                if !old.phrases.iter().any(|o| o.text == ph.text) {
                                    old.phrases.push(ph);
                                }
                            }
                            for pat in intent.patterns {
                                if !old.patterns.contains(&pat) {
                                    old.patterns.push(pat);
                                }
                            }
                        }
                    }
                    _ => {}
                },
            }
        }
        p.changed_intents = now;
        Ok(Reply::ok(&summaries(p)))
    })
}

async fn export_intents(nlp: Nlp) -> Answer {
    nlp.with("exportIntents", |p, _| {
        let list: Vec<&Intent> = p.intents.values().collect();
        let bytes = serde_json::to_vec_pretty(&list).unwrap_or_default();
        Ok(
            Reply::bytes(StatusCode::OK, "application/octet-stream", bytes).with_header(
                "content-disposition",
                "attachment; filename=\"intents.json\"",
            ),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Intents
// ---------------------------------------------------------------------------------------------

async fn list_intents(nlp: Nlp) -> Answer {
    nlp.with("listIntents", |p, _| Ok(Reply::ok(&summaries(p))))
}

async fn create_intent(nlp: Nlp, body: Body) -> Answer {
    let intent: Result<Intent, Reply> =
        body.checked::<IntentData, _>(IntentData::missing, IntentData::invalid);
    nlp.with("createIntent", |p, now| {
        let intent = intent?;
        if let Err(e) = check_intent(&intent) {
            return Err(nlp_bad(e));
        }
        if p.intent_by_path(intent.path()).is_some() {
            return Err(nlp_bad(format!(
                "an intent with path `{}` exists",
                intent.path()
            )));
        }
        Ok(Reply::created(&p.add_intent(intent, now)))
    })
}

async fn get_intent(nlp: Nlp, PathParams((_, id)): PathParams<(String, i64)>) -> Answer {
    nlp.with("getIntent", |p, _| match p.intents.get(&id) {
        Some(i) => Ok(Reply::ok(i)),
        None => Err(nlp_not_found("intent", id)),
    })
}

/// Removes every one of `ids` from `items`, or none when one of them is unknown (404 naming it).
fn remove_all<V>(items: &mut BTreeMap<i64, V>, ids: &[i64], what: &str) -> Result<(), Reply> {
    if let Some(missing) = ids.iter().find(|id| !items.contains_key(id)) {
        return Err(nlp_not_found(what, missing));
    }
    for id in ids {
        items.remove(id);
    }
    Ok(())
}

async fn delete_intents(nlp: Nlp, body: Body) -> Answer {
    let ids: Result<Vec<i64>, Reply> = body.json();
    nlp.with("deleteIntents", |p, now| {
        remove_all(&mut p.intents, &ids?, "intent")?;
        p.changed_intents = now;
        Ok(Reply::no_content())
    })
}

async fn get_intents_by_paths(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let paths = Query::new(q).all("paths");
    nlp.with("getIntentsByPaths", |p, _| {
        let found: Vec<&Intent> = p
            .intents
            .values()
            .filter(|i| paths.iter().any(|x| x == i.path()))
            .collect();
        Ok(Reply::ok(&found))
    })
}

fn under(path: &str, root: &str) -> bool {
    path == root || (path.starts_with(root) && path[root.len()..].starts_with('/'))
}

async fn delete_intents_by_paths(nlp: Nlp, body: Body) -> Answer {
    let paths: Result<Vec<String>, Reply> = body.json();
    nlp.with("deleteMultipleByPaths", |p, now| {
        let paths = paths?;
        p.intents
            .retain(|_, i| !paths.iter().any(|root| under(i.path(), root)));
        p.changed_intents = now;
        Ok(Reply::no_content())
    })
}

async fn recursive_update(
    nlp: Nlp,
    PathParams((_, id)): PathParams<(String, i64)>,
    body: Body,
) -> Answer {
    let intent: Result<Intent, Reply> =
        body.checked::<IntentData, _>(IntentData::missing, IntentData::invalid);
    nlp.with("recursiveUpdate", |p, now| {
        let mut intent = intent?;
        let Some(old) = p.intents.get(&id).cloned() else {
            return Err(nlp_not_found("intent", id));
        };
        if intent.path.is_none() {
            intent.path = old.path.clone();
        }
        if let Err(e) = check_intent(&intent) {
            return Err(nlp_bad(e));
        }
        if let Some(other) = p.intent_by_path(intent.path())
            && other != id
        {
            return Err(nlp_bad(format!(
                "an intent with path `{}` exists",
                intent.path()
            )));
        }
        let (old_path, new_path) = (old.path().to_owned(), intent.path().to_owned());
        let mut affected = Vec::new();
        if old_path != new_path {
            for (cid, child) in p.intents.iter_mut() {
                if *cid != id && under(child.path(), &old_path) {
                    let rest = child.path()[old_path.len()..].to_owned();
                    child.path = Some(format!("{new_path}{rest}"));
                    affected.push(child.summary());
                }
            }
        }
        intent.id = Some(id);
        p.intents.insert(id, intent.clone());
        p.changed_intents = now;
        Ok(Reply::ok(
            &json!({ "updatedIntent": intent, "affectedRecords": affected }),
        ))
    })
}

async fn search_intents(nlp: Nlp, body: Body) -> Answer {
    #[derive(Default, serde::Deserialize)]
    #[serde(default)]
    struct Criteria {
        path: Option<String>,
        answer: Option<String>,
        description: Option<String>,
        phrases: Option<String>,
        slots: Option<String>,
    }
    let c: Result<Criteria, Reply> = body.json_or_default();
    nlp.with("searchIntents", |p, _| {
        let c = c?;
        let has = |hay: &str, needle: &Option<String>| {
            needle
                .as_deref()
                .filter(|n| !n.is_empty())
                .is_some_and(|n| hay.to_lowercase().contains(&n.to_lowercase()))
        };
        let any = [&c.path, &c.answer, &c.description, &c.phrases, &c.slots]
            .iter()
            .any(|x| x.as_deref().is_some_and(|v| !v.is_empty()));
        let found: Vec<Value> = p
            .intents
            .values()
            .filter(|i| {
                !any || has(i.path(), &c.path)
                    || has(i.answer.as_deref().unwrap_or(""), &c.answer)
                    || has(i.description.as_deref().unwrap_or(""), &c.description)
                    || i.phrases
                        .iter()
                        .any(|ph| has(ph.text.as_deref().unwrap_or(""), &c.phrases))
                    || i.slots.iter().any(|s| {
                        has(
                            s.get("name").and_then(Value::as_str).unwrap_or(""),
                            &c.slots,
                        )
                    })
            })
            .map(Intent::summary)
            .collect();
        Ok(Reply::ok(&found))
    })
}

// ---------------------------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------------------------

async fn list_entities(nlp: Nlp) -> Answer {
    nlp.with("listEntities", |p, _| {
        let list: Vec<&Entity> = p.entities.values().map(|e| &e.entity).collect();
        Ok(Reply::ok(&list))
    })
}

async fn create_entity(nlp: Nlp, body: Body) -> Answer {
    let entity: Result<Entity, Reply> =
        body.checked::<NamedEntityData, _>(NamedEntityData::missing, NamedEntityData::invalid);
    nlp.with("createEntity", |p, now| {
        let entity = entity?;
        if let Err(e) = check_entity(&entity) {
            return Err(nlp_bad(e));
        }
        if p.entity_by_name(&entity.name).is_some() {
            return Err(nlp_bad(format!("an entity named `{}` exists", entity.name)));
        }
        Ok(Reply::created(&p.add_entity(entity, Vec::new(), now)))
    })
}

async fn delete_entities(nlp: Nlp, body: Body) -> Answer {
    let ids: Result<Vec<i64>, Reply> = body.json();
    nlp.with("deleteEntities", |p, now| {
        remove_all(&mut p.entities, &ids?, "entity")?;
        p.changed_entities = now;
        Ok(Reply::no_content())
    })
}

async fn delete_entities_by_names(nlp: Nlp, body: Body) -> Answer {
    let names: Result<Vec<String>, Reply> = body.json();
    nlp.with("deleteEntitiesByNames", |p, now| {
        let names = names?;
        p.entities.retain(|_, e| !names.contains(&e.entity.name));
        p.changed_entities = now;
        Ok(Reply::no_content())
    })
}

async fn get_entities_by_names(nlp: Nlp, RawQuery(q): RawQuery) -> Answer {
    let names = Query::new(q).all("names");
    nlp.with("getEntitiesByNames", |p, _| {
        let list: Vec<&Entity> = p
            .entities
            .values()
            .filter(|e| names.contains(&e.entity.name))
            .map(|e| &e.entity)
            .collect();
        Ok(Reply::ok(&list))
    })
}

async fn get_entity(nlp: Nlp, PathParams((_, id)): PathParams<(String, i64)>) -> Answer {
    nlp.with("getEntity", |p, _| match p.entities.get(&id) {
        Some(e) => Ok(Reply::ok(&e.entity)),
        None => Err(nlp_not_found("entity", id)),
    })
}

async fn update_entity(
    nlp: Nlp,
    PathParams((_, id)): PathParams<(String, i64)>,
    body: Body,
) -> Answer {
    let entity: Result<Entity, Reply> =
        body.checked::<NamedEntityData, _>(NamedEntityData::missing, NamedEntityData::invalid);
    nlp.with("updateEntity", |p, now| {
        let mut entity = entity?;
        if !p.entities.contains_key(&id) {
            return Err(nlp_not_found("entity", id));
        }
        if let Err(e) = check_entity(&entity) {
            return Err(nlp_bad(e));
        }
        if p.entity_by_name(&entity.name)
            .is_some_and(|other| other != id)
        {
            return Err(nlp_bad(format!("an entity named `{}` exists", entity.name)));
        }
        entity.id = Some(id);
        if let Some(e) = p.entities.get_mut(&id) {
            e.entity = entity.clone();
        }
        p.changed_entities = now;
        Ok(Reply::ok(&entity))
    })
}

/// Which entity a records route is about.
enum EntityRef {
    Id(i64),
    Name(String),
}

impl EntityRef {
    fn resolve(&self, p: &Project) -> Result<i64, Reply> {
        match self {
            EntityRef::Id(id) if p.entities.contains_key(id) => Ok(*id),
            EntityRef::Id(id) => Err(nlp_not_found("entity", id)),
            EntityRef::Name(n) => p
                .entity_by_name(n)
                .ok_or_else(|| nlp_not_found("entity", n)),
        }
    }
}

fn in_scope(r: &Record, client: Option<&str>) -> bool {
    r.client_id.as_deref() == client
}

async fn get_records(
    nlp: Nlp,
    at: EntityPath,
    // Read by the checking extractor: `page` and `size` have the document's lower bounds.
    crate::extract::Query(pairs): crate::extract::Query<Vec<(String, String)>>,
) -> Answer {
    let q = Query(pairs);
    at.with(&nlp, |p, id, _| {
        let page = q
            .get("page")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let size = q
            .get("size")
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(20)
            .min(10_000);
        let search = q.get("searchQuery").unwrap_or("").to_lowercase();
        let client = q.get("clientId");
        let all: Vec<&Record> = p.entities[&id]
            .records
            .iter()
            .filter(|r| in_scope(r, client))
            .filter(|r| {
                search.is_empty()
                    || r.value.to_lowercase().contains(&search)
                    || r.rule.iter().any(|x| x.to_lowercase().contains(&search))
            })
            .collect();
        let records: Vec<&Record> = all
            .iter()
            .skip(page.saturating_mul(size))
            .take(size)
            .copied()
            .collect();
        Ok(Reply::ok(&json!({
            "paging": { "pageNum": page, "pageSize": size, "totalCount": all.len() },
            "records": records,
        })))
    })
}

/// The `data` record of a single-record body, checked.
fn record_of(body: Result<RecordBody, Reply>) -> Result<(Record, Option<String>), Reply> {
    let body = body?;
    let Some(record) = body.data else {
        return Err(nlp_bad("`data` is required"));
    };
    check_record(&record).map_err(nlp_bad)?;
    Ok((record, body.client_id))
}

async fn create_record(nlp: Nlp, at: EntityPath, body: Body) -> Answer {
    let body = body.json();
    at.with(&nlp, |p, id, now| {
        let (mut record, client) = record_of(body)?;
        record.client_id = client.or(record.client_id);
        record.id = Some(p.next_id());
        if let Some(e) = p.entities.get_mut(&id) {
            e.records.push(record.clone());
        }
        p.changed_entities = now;
        Ok(Reply::created(&record))
    })
}

async fn update_all_records(nlp: Nlp, at: EntityPath, body: Body) -> Answer {
    let body: Result<RecordsBody, Reply> = body.json();
    at.with(&nlp, |p, id, now| {
        let body = body?;
        let records = body.data.unwrap_or_default();
        for (i, r) in records.iter().enumerate() {
            check_record(r).map_err(|e| nlp_bad(format!("data[{i}]: {e}")))?;
        }
        let client = body.client_id;
        let mut fresh = Vec::new();
        for mut r in records {
            r.id = Some(p.next_id());
            r.client_id = client.clone();
            fresh.push(r);
        }
        if let Some(e) = p.entities.get_mut(&id) {
            e.records.retain(|r| !in_scope(r, client.as_deref()));
            e.records.extend(fresh.iter().cloned());
        }
        p.changed_entities = now;
        Ok(Reply::ok(&fresh))
    })
}

async fn delete_records(nlp: Nlp, at: EntityPath, RawQuery(q): RawQuery, body: Body) -> Answer {
    let q = Query::new(q);
    let ids: Result<Vec<i64>, Reply> = body.json();
    at.with(&nlp, |p, id, now| {
        let ids = ids?;
        let client = q.get("clientId");
        let Some(e) = p.entities.get_mut(&id) else {
            return Err(nlp_not_found("entity", id));
        };
        if let Some(missing) = ids.iter().find(|rid| {
            !e.records
                .iter()
                .any(|r| r.id == Some(**rid) && in_scope(r, client))
        }) {
            return Err(nlp_not_found("record", missing));
        }
        e.records
            .retain(|r| !r.id.is_some_and(|x| ids.contains(&x)));
        p.changed_entities = now;
        Ok(Reply::no_content())
    })
}

async fn update_record(nlp: Nlp, at: EntityPath, body: Body) -> Answer {
    let body = body.json();
    let Some(rid) = at.record else {
        return Err(nlp_bad("`recordId` is required"));
    };
    at.with(&nlp, |p, id, now| {
        let (mut record, client) = record_of(body)?;
        let Some(slot) = p
            .entities
            .get_mut(&id)
            .and_then(|e| e.records.iter_mut().find(|r| r.id == Some(rid)))
        else {
            return Err(nlp_not_found("record", rid));
        };
        record.id = Some(rid);
        record.client_id = client.or(record.client_id).or(slot.client_id.clone());
        *slot = record.clone();
        p.changed_entities = now;
        Ok(Reply::ok(&record))
    })
}

/// The path of a records route (besides the NLP key, which [`Nlp`] reads): the entity by id
/// (`/entities/{entityId}/…`) or by name (`/entities-by-name(s)/{entityName}/…`), and the record
/// id where the route has one. One handler serves both spellings; the route's [`Op`] tells them
/// apart in the counters.
struct EntityPath {
    op: &'static str,
    entity: EntityRef,
    record: Option<i64>,
}

impl EntityPath {
    /// Runs `work` on the project and the id of the entity (404 for an unknown one), counted
    /// under the route's operation.
    fn with(&self, nlp: &Nlp, work: impl FnOnce(&mut Project, i64, Millis) -> Answer) -> Answer {
        nlp.with(self.op, |p, now| {
            let id = self.entity.resolve(p)?;
            work(p, id, now)
        })
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for EntityPath {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Ok(Op(op)) = Op::from_request_parts(parts, state).await;
        let PathParams(map) =
            PathParams::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let number = |name: &str, v: &String| {
            v.parse::<i64>()
                .map_err(|_| nlp_bad(format!("`{name}` must be an integer")))
        };
        let entity = match (map.get("entityId"), map.get("entityName")) {
            (Some(id), _) => EntityRef::Id(number("entityId", id)?),
            (None, Some(name)) => EntityRef::Name(name.clone()),
            (None, None) => return Err(nlp_bad("an entity id or name is required")),
        };
        Ok(Self {
            op,
            entity,
            record: map
                .get("recordId")
                .map(|r| number("recordId", r))
                .transpose()?,
        })
    }
}

async fn get_entity_by_name(
    nlp: Nlp,
    PathParams((_, name)): PathParams<(String, String)>,
    RawQuery(q): RawQuery,
) -> Answer {
    let q = Query::new(q);
    nlp.with("getEntityByName", |p, _| {
        let Some(id) = p.entity_by_name(&name) else {
            return Err(nlp_not_found("entity", &name));
        };
        let e = &p.entities[&id];
        let records: Vec<&Record> = e
            .records
            .iter()
            .filter(|r| r.client_id.is_none() || r.client_id.as_deref() == q.get("clientId"))
            .collect();
        Ok(Reply::ok(
            &json!({ "entity": e.entity, "records": records }),
        ))
    })
}

/// Records from a CSV file: one record per line, `value` then its synonyms, separated by `;`
/// (or `,` when the line has no `;`). The real `zb-csv` layout is not documented; this one is ours.
fn parse_records_csv(file: &[u8]) -> Result<Vec<Record>, String> {
    let text = std::str::from_utf8(file).map_err(|_| "the CSV file is not UTF-8".to_owned())?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let sep = if line.contains(';') { ';' } else { ',' };
        let cells: Vec<String> = line
            .split(sep)
            .map(|c| c.trim().trim_matches('"').to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let Some((value, synonyms)) = cells.split_first() else {
            return Err(format!("line {}: no value", n + 1));
        };
        let rule = if synonyms.is_empty() {
            vec![value.clone()]
        } else {
            synonyms.to_vec()
        };
        out.push(Record {
            id: None,
            kind: "synonyms".into(),
            rule,
            value: value.clone(),
            client_id: None,
        });
    }
    Ok(out)
}

async fn upload_records(
    nlp: Nlp,
    PathParams((_, id)): PathParams<(String, i64)>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let q = Query::new(q);
    let records = body
        .bytes()
        .and_then(|b| multipart_file(&headers, &b).map_err(nlp_bad))
        .and_then(|f| parse_records_csv(&f).map_err(nlp_bad));
    nlp.with("uploadRecords", |p, now| {
        if q.get("type") != Some("zb-csv") {
            return Err(nlp_bad("`type` must be `zb-csv`"));
        }
        let records = records?;
        let Some(_) = p.entities.get(&id) else {
            return Err(nlp_not_found("entity", id));
        };
        let mut added = Vec::new();
        for mut r in records {
            r.id = Some(p.next_id());
            added.push(r);
        }
        if let Some(e) = p.entities.get_mut(&id) {
            e.records.extend(added.iter().cloned());
        }
        p.changed_entities = now;
        Ok(Reply::ok(&added))
    })
}

// ---------------------------------------------------------------------------------------------
// Speller
// ---------------------------------------------------------------------------------------------

async fn get_speller(nlp: Nlp) -> Answer {
    nlp.with("getSpellerDictionary", |p, _| {
        Ok(Reply::text(p.speller.clone()))
    })
}

async fn upload_speller(nlp: Nlp, headers: HeaderMap, body: Body) -> Answer {
    let file = body
        .bytes()
        .and_then(|b| multipart_file(&headers, &b).map_err(nlp_bad))
        .and_then(|f| String::from_utf8(f).map_err(|_| nlp_bad("the dictionary is not UTF-8")));
    nlp.with("uploadSpellerDictionary", |p, _| {
        let dict = file?;
        for (n, line) in dict.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let ok_line = line
                .split_once('\t')
                .is_some_and(|(w, num)| !w.trim().is_empty() && num.trim().parse::<i64>().is_ok());
            if !ok_line {
                return Err(nlp_bad(format!(
                    "line {}: expected `word<TAB>number`",
                    n + 1
                )));
            }
        }
        let lines = dict.lines().filter(|l| !l.trim().is_empty()).count();
        p.speller = dict;
        Ok(Reply::text(format!("{lines} words")))
    })
}
