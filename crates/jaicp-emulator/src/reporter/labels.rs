//! Reporter labels (session and message labels, label groups), comments on messages and scenario
//! experiments.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Experiment, Filter, Label, ReporterState};
use crate::extract::{PathParams, RawBody, parse_json};
use crate::reply::Reply;
use crate::state::EmulatorState;
use crate::unified::{authorize, bad_request, not_found};

const BASE: &str = "/api/v1/reporter";

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            &format!("{BASE}/logs/labels/sessions"),
            post(create_session_label),
        )
        .route(
            &format!("{BASE}/logs/labels/sessions/{{id}}"),
            get(get_session_label)
                .put(update_session_label)
                .delete(delete_session_label),
        )
        .route(
            &format!("{BASE}/logs/labels/sessions/change-priority"),
            put(session_priorities),
        )
        .route(
            &format!("{BASE}/session-labels/by-list"),
            put(update_session_labels),
        )
        .route(
            &format!("{BASE}/session-labels/sessions"),
            post(add_label_to_session).delete(delete_label_from_session),
        )
        .route(
            &format!("{BASE}/session-labels/sessions/set-by-list"),
            post(set_session_labels),
        )
        .route(
            &format!("{BASE}/session-labels/sessions/bulk-labeling"),
            post(bulk_sessions),
        )
        .route(
            &format!("{BASE}/message/labels"),
            get(message_labels).post(create_message_label),
        )
        .route(
            &format!("{BASE}/message/labels/{{id}}"),
            get(get_message_label)
                .put(update_message_label)
                .delete(delete_message_label),
        )
        .route(
            &format!("{BASE}/message/labels/change-priority"),
            put(message_priorities),
        )
        .route(&format!("{BASE}/message/labels/groups"), put(update_groups))
        .route(
            &format!("{BASE}/message/labels/groups/{{id}}"),
            get(get_group).put(update_group).delete(delete_group),
        )
        .route(
            &format!("{BASE}/message/labels/groups/change-priority"),
            put(group_priorities),
        )
        .route(
            &format!("{BASE}/message/labels/by-list"),
            post(create_message_labels).put(update_message_labels),
        )
        .route(
            &format!("{BASE}/message/labels/logs"),
            post(add_label_to_message).delete(delete_label_from_message),
        )
        .route(
            &format!("{BASE}/message/labels/logs/bulk-labeling"),
            post(bulk_messages),
        )
        .route(
            &format!("{BASE}/message/labels/logs/set-by-list"),
            post(set_message_labels),
        )
        .route(
            &format!("{BASE}/comments/{{question_id}}"),
            post(add_comment).delete(delete_comment),
        )
        .route(
            &format!("{BASE}/scenario-exeperiments"),
            get(experiments)
                .post(create_experiment)
                .delete(delete_experiment),
        )
        .route(
            &format!("{BASE}/scenario-exeperiments/join"),
            post(join_experiment),
        )
        .route(
            &format!("{BASE}/scenario-exeperiments/stop"),
            post(stop_experiment),
        )
        .route(
            &format!("{BASE}/scenario-exeperiments/count-sessions"),
            get(count_experiment_sessions),
        )
}

fn ok() -> Reply {
    Reply::empty(StatusCode::OK)
}

/// Authorizes and parses the JSON body.
fn body<T: serde::de::DeserializeOwned>(
    state: &EmulatorState,
    headers: &HeaderMap,
    op: &'static str,
    body: Result<RawBody, Reply>,
) -> Result<T, Reply> {
    authorize(state, headers, op)?;
    body.and_then(|RawBody(b)| parse_json(&b))
}

macro_rules! try_reply {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LabelCreate {
    name: String,
    priority: i32,
    #[serde(default)]
    group: Option<Value>,
    #[serde(default)]
    group_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Priority {
    id: i64,
    new_priority: i32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LabelPatch {
    id: i64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    priority: Option<i32>,
    #[serde(default)]
    group_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LabelId {
    label_id: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetQuery {
    session_id: Option<String>,
    question_id: Option<String>,
    experiment_key: Option<String>,
    bot_id: Option<String>,
}

async fn create_session_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelCreate = try_reply!(body(&state, &headers, "createSessionLabel", b));
    let mut r = state.reporter();
    let id = r.add_session_label(&b.name, b.priority);
    match r.session_labels.get(&id) {
        Some(l) => Reply::ok(&ReporterState::session_label_json(l)),
        None => not_found("label"),
    }
}

async fn get_session_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "getSessionLabel"));
    match state.reporter().session_labels.get(&id) {
        Some(l) => Reply::ok(&ReporterState::session_label_json(l)),
        None => not_found("label"),
    }
}

async fn update_session_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelCreate = try_reply!(body(&state, &headers, "updateSessionLabel", b));
    update_label(&state, Kind::Session, id, b)
}

async fn delete_session_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "deleteSessionLabel"));
    delete_label(&state, Kind::Session, id)
}

async fn session_priorities(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<Priority> = try_reply!(body(&state, &headers, "updateSessionsPriority", b));
    change_priorities(&state, Kind::Session, b)
}

async fn update_session_labels(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelPatch> = try_reply!(body(&state, &headers, "updateSessionLabels", b));
    let mut r = state.reporter();
    for p in b {
        if let Some(l) = r.session_labels.get_mut(&p.id) {
            if let Some(n) = p.name {
                l.name = n;
            }
            if let Some(pr) = p.priority {
                l.priority = pr;
            }
        }
    }
    ok()
}

fn session_exists(state: &EmulatorState, id: &str) -> bool {
    state.reporter_sessions().iter().any(|s| s.id == id)
}

fn message_exists(state: &EmulatorState, qid: &str) -> bool {
    state
        .reporter_sessions()
        .iter()
        .any(|s| s.messages.iter().any(|m| m.question_id == qid))
}

async fn add_label_to_session(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelId = try_reply!(body(&state, &headers, "addLabelToSession", b));
    link(&state, Kind::Session, q, b.label_id)
}

async fn delete_label_from_session(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelId = try_reply!(body(&state, &headers, "deleteLabelFromSession", b));
    unlink(&state, Kind::Session, q, b.label_id)
}

async fn set_session_labels(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelId> = try_reply!(body(&state, &headers, "setSessionLabels", b));
    set_links(&state, Kind::Session, q, b)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bulk {
    comparison_type: String,
    labels: Vec<i64>,
    #[serde(default)]
    object_ids: Option<Vec<String>>,
    #[serde(default)]
    filters: Option<Value>,
}

async fn bulk_sessions(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let mut b: Bulk = try_reply!(body(&state, &headers, "setLabelToSessions", b));
    let sessions = state.reporter_sessions();
    let mut r = state.reporter();
    let f = b.filters.as_ref().map(Filter::parse).unwrap_or_default();
    let ids: Vec<String> = match b.object_ids.take() {
        Some(ids) => ids,
        None => sessions
            .iter()
            .filter(|s| f.session(&r, s, None))
            .map(|s| s.id.clone())
            .collect(),
    };
    apply_bulk(&mut r, Kind::Session, ids, &b);
    ok()
}

async fn message_labels(State(state): State<EmulatorState>, headers: HeaderMap) -> Reply {
    try_reply!(authorize(&state, &headers, "getMessageLabels"));
    let r = state.reporter();
    let rows: Vec<Value> = r
        .message_labels
        .values()
        .map(|l| r.message_label_json(l))
        .collect();
    Reply::ok(&rows)
}

fn group_of(r: &mut ReporterState, b: &LabelCreate) -> Option<i64> {
    if let Some(id) = b.group_id {
        return Some(id);
    }
    let g = b.group.as_ref()?;
    if let Some(id) = g.get("id").and_then(Value::as_i64)
        && r.groups.contains_key(&id)
    {
        return Some(id);
    }
    let name = g.get("name").and_then(Value::as_str).unwrap_or("Default");
    match r.groups.values().find(|x| x.name == name) {
        Some(x) => Some(x.id),
        None => {
            let priority = g.get("priority").and_then(Value::as_i64).unwrap_or(1);
            Some(r.add_group(name, i32::try_from(priority).unwrap_or(1)))
        }
    }
}

async fn create_message_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelCreate = try_reply!(body(&state, &headers, "createMessageLabel", b));
    let mut r = state.reporter();
    let group = group_of(&mut r, &b);
    let id = r.add_message_label(&b.name, b.priority, group);
    match r.message_labels.get(&id) {
        Some(l) => Reply::ok(&r.message_label_json(l)),
        None => not_found("label"),
    }
}

async fn create_message_labels(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelCreate> = try_reply!(body(&state, &headers, "createMessageLabels", b));
    let mut r = state.reporter();
    for l in b {
        let group = group_of(&mut r, &l);
        r.add_message_label(&l.name, l.priority, group);
    }
    ok()
}

async fn update_message_labels(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelPatch> = try_reply!(body(&state, &headers, "updateMessageLabels", b));
    let mut r = state.reporter();
    for p in b {
        if let Some(l) = r.message_labels.get_mut(&p.id) {
            if let Some(n) = p.name {
                l.name = n;
            }
            if let Some(pr) = p.priority {
                l.priority = pr;
            }
            if p.group_id.is_some() {
                l.group = p.group_id;
            }
        }
    }
    ok()
}

async fn get_message_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "getMessageLabel"));
    let r = state.reporter();
    match r.message_labels.get(&id) {
        Some(l) => Reply::ok(&r.message_label_json(l)),
        None => not_found("label"),
    }
}

async fn update_message_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelCreate = try_reply!(body(&state, &headers, "updateMessageLabel", b));
    update_label(&state, Kind::Message, id, b)
}

async fn delete_message_label(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "deleteMessageLabel"));
    delete_label(&state, Kind::Message, id)
}

async fn message_priorities(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<Priority> = try_reply!(body(&state, &headers, "updateMessageLabelsPriority", b));
    change_priorities(&state, Kind::Message, b)
}

async fn update_groups(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelPatch> = try_reply!(body(&state, &headers, "updateMessageLabelGroups", b));
    let mut r = state.reporter();
    for p in b {
        if let Some(g) = r.groups.get_mut(&p.id) {
            if let Some(n) = p.name {
                g.name = n;
            }
            if let Some(pr) = p.priority {
                g.priority = pr;
            }
        }
    }
    ok()
}

async fn get_group(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "getLabelGroup"));
    let r = state.reporter();
    if r.groups.contains_key(&id) {
        Reply::ok(&r.group_json(Some(id)))
    } else {
        not_found("label group")
    }
}

async fn update_group(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelCreate = try_reply!(body(&state, &headers, "updateMessageLabelGroup", b));
    match state.reporter().groups.get_mut(&id) {
        Some(g) => {
            g.name = b.name;
            g.priority = b.priority;
            ok()
        }
        None => not_found("label group"),
    }
}

async fn delete_group(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "deleteMessageLabelGroup"));
    let mut r = state.reporter();
    if r.groups.remove(&id).is_none() {
        return not_found("label group");
    }
    r.message_labels
        .values_mut()
        .filter(|l| l.group == Some(id))
        .for_each(|l| l.group = None);
    ok()
}

async fn group_priorities(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<Priority> = try_reply!(body(&state, &headers, "updateGroupsPriority", b));
    let mut r = state.reporter();
    for p in b {
        if let Some(g) = r.groups.get_mut(&p.id) {
            g.priority = p.new_priority;
        }
    }
    ok()
}

async fn add_label_to_message(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelId = try_reply!(body(&state, &headers, "addLabelToMessage", b));
    link(&state, Kind::Message, q, b.label_id)
}

async fn delete_label_from_message(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: LabelId = try_reply!(body(&state, &headers, "deleteLabelFromMessage", b));
    unlink(&state, Kind::Message, q, b.label_id)
}

async fn bulk_messages(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let mut b: Bulk = try_reply!(body(&state, &headers, "setLabelToMessages", b));
    let sessions = state.reporter_sessions();
    let mut r = state.reporter();
    let f = b.filters.as_ref().map(Filter::parse).unwrap_or_default();
    let ids: Vec<String> = match b.object_ids.take() {
        Some(ids) => ids,
        None => sessions
            .iter()
            .filter(|s| f.session(&r, s, None))
            .flat_map(|s| {
                s.messages
                    .iter()
                    .filter(|m| f.message(m))
                    .map(|m| m.question_id.clone())
            })
            .collect(),
    };
    apply_bulk(&mut r, Kind::Message, ids, &b);
    ok()
}

async fn set_message_labels(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Vec<LabelId> = try_reply!(body(&state, &headers, "setMessageLabels", b));
    set_links(&state, Kind::Message, q, b)
}

/// Sessions and messages carry labels the same way; only the maps, the query parameter that
/// names the target and the existence check differ.
#[derive(Clone, Copy)]
enum Kind {
    Session,
    Message,
}

impl Kind {
    fn labels(self, r: &mut ReporterState) -> &mut BTreeMap<i64, Label> {
        match self {
            Kind::Session => &mut r.session_labels,
            Kind::Message => &mut r.message_labels,
        }
    }

    fn links(self, r: &mut ReporterState) -> &mut HashMap<String, BTreeSet<i64>> {
        match self {
            Kind::Session => &mut r.session_links,
            Kind::Message => &mut r.message_links,
        }
    }

    /// The target named by the query, when present.
    fn target(self, q: TargetQuery) -> Option<String> {
        match self {
            Kind::Session => q.session_id,
            Kind::Message => q.question_id,
        }
    }

    fn exists(self, state: &EmulatorState, id: &str) -> bool {
        match self {
            Kind::Session => session_exists(state, id),
            Kind::Message => message_exists(state, id),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Message => "message",
        }
    }

    fn param(self) -> &'static str {
        match self {
            Kind::Session => "`sessionId` is required",
            Kind::Message => "`questionId` is required",
        }
    }
}

fn delete_label(state: &EmulatorState, kind: Kind, id: i64) -> Reply {
    let mut r = state.reporter();
    if kind.labels(&mut r).remove(&id).is_none() {
        return not_found("label");
    }
    kind.links(&mut r).values_mut().for_each(|s| {
        s.remove(&id);
    });
    ok()
}

/// Renames and re-prioritises a label; message labels may also move to another group.
fn update_label(state: &EmulatorState, kind: Kind, id: i64, b: LabelCreate) -> Reply {
    let mut r = state.reporter();
    let Some(l) = kind.labels(&mut r).get_mut(&id) else {
        return not_found("label");
    };
    l.name = b.name;
    l.priority = b.priority;
    if matches!(kind, Kind::Message) && b.group_id.is_some() {
        l.group = b.group_id;
    }
    ok()
}

fn change_priorities(state: &EmulatorState, kind: Kind, items: Vec<Priority>) -> Reply {
    let mut r = state.reporter();
    let labels = kind.labels(&mut r);
    for p in items {
        if let Some(l) = labels.get_mut(&p.id) {
            l.priority = p.new_priority;
        }
    }
    ok()
}

fn link(state: &EmulatorState, kind: Kind, q: TargetQuery, label_id: i64) -> Reply {
    let Some(target) = kind.target(q).filter(|t| kind.exists(state, t)) else {
        return not_found(kind.noun());
    };
    let mut r = state.reporter();
    if !kind.labels(&mut r).contains_key(&label_id) {
        return not_found("label");
    }
    kind.links(&mut r)
        .entry(target)
        .or_default()
        .insert(label_id);
    ok()
}

fn unlink(state: &EmulatorState, kind: Kind, q: TargetQuery, label_id: i64) -> Reply {
    let Some(target) = kind.target(q) else {
        return bad_request(kind.param());
    };
    if let Some(set) = kind.links(&mut state.reporter()).get_mut(&target) {
        set.remove(&label_id);
    }
    ok()
}

fn set_links(state: &EmulatorState, kind: Kind, q: TargetQuery, labels: Vec<LabelId>) -> Reply {
    let Some(target) = kind.target(q).filter(|t| kind.exists(state, t)) else {
        return not_found(kind.noun());
    };
    kind.links(&mut state.reporter())
        .insert(target, labels.into_iter().map(|l| l.label_id).collect());
    ok()
}

/// Adds (or, for `NOT_EXISTS`, removes) the bulk request's labels on every target.
fn apply_bulk(r: &mut ReporterState, kind: Kind, ids: Vec<String>, b: &Bulk) {
    let links = kind.links(r);
    for id in ids {
        let set = links.entry(id).or_default();
        if b.comparison_type == "NOT_EXISTS" {
            b.labels.iter().for_each(|l| {
                set.remove(l);
            });
        } else {
            set.extend(b.labels.iter().copied());
        }
    }
}

async fn add_comment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(qid): PathParams<String>,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: Value = try_reply!(body(&state, &headers, "addCommentToMessage", b));
    let Some(comment) = b.get("comment").and_then(Value::as_str) else {
        return bad_request("`comment` is required");
    };
    if !message_exists(&state, &qid) {
        return not_found("message");
    }
    state.reporter().comments.insert(qid, comment.to_owned());
    ok()
}

async fn delete_comment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(qid): PathParams<String>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "deleteCommentFromMessage"));
    state.reporter().comments.remove(&qid);
    ok()
}

fn experiment_json(e: &Experiment) -> Value {
    let mut v = json!({ "key": e.key, "branches": e.branches, "status": e.status });
    if let Some(d) = &e.description {
        v["description"] = json!(d);
    }
    v
}

async fn experiments(State(state): State<EmulatorState>, headers: HeaderMap) -> Reply {
    try_reply!(authorize(&state, &headers, "getScenarioExperiments"));
    let rows: Vec<Value> = state
        .reporter()
        .experiments
        .values()
        .map(experiment_json)
        .collect();
    Reply::ok(&rows)
}

#[derive(Debug, Deserialize)]
struct NewExperiment {
    key: String,
    branches: Vec<Value>,
    #[serde(default)]
    description: Option<String>,
}

async fn create_experiment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    b: Result<RawBody, Reply>,
) -> Reply {
    let b: NewExperiment = try_reply!(body(&state, &headers, "createScenarioExperiment", b));
    if b.branches.is_empty() {
        return bad_request("an experiment needs at least one branch");
    }
    let e = Experiment {
        key: b.key.clone(),
        description: b.description,
        branches: b.branches,
        status: "RUNNING".into(),
        joined: Default::default(),
    };
    let v = experiment_json(&e);
    state.reporter().experiments.insert(b.key, e);
    Reply::ok(&v)
}

async fn delete_experiment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "deleteScenarioExperiment"));
    match q
        .experiment_key
        .and_then(|k| state.reporter().experiments.remove(&k))
    {
        Some(_) => ok(),
        None => not_found("experiment"),
    }
}

async fn join_experiment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "joinScenarioExperiment"));
    let (Some(key), Some(session)) = (q.experiment_key, q.session_id) else {
        return bad_request("`experimentKey` and `sessionId` are required");
    };
    let _ = q.bot_id;
    let mut r = state.reporter();
    let Some(e) = r.experiments.get_mut(&key) else {
        return not_found("experiment");
    };
    if e.status != "RUNNING" {
        return bad_request("the experiment is stopped");
    }
    let n = e.joined.len();
    let branch = e
        .joined
        .entry(session)
        .or_insert_with(|| {
            e.branches
                .get(n % e.branches.len().max(1))
                .and_then(|b| b.get("key"))
                .and_then(Value::as_str)
                .unwrap_or("default")
                .to_owned()
        })
        .clone();
    Reply::ok(&branch)
}

async fn stop_experiment(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
) -> Reply {
    try_reply!(authorize(&state, &headers, "stopScenarioExperiment"));
    match q.experiment_key.and_then(|k| {
        let mut r = state.reporter();
        r.experiments
            .get_mut(&k)
            .map(|e| e.status = "STOPPED".into())
    }) {
        Some(()) => ok(),
        None => not_found("experiment"),
    }
}

async fn count_experiment_sessions(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<TargetQuery>,
) -> Reply {
    try_reply!(authorize(
        &state,
        &headers,
        "countScenarioExperimentSessions"
    ));
    let r = state.reporter();
    // One row per branch of the asked experiment, or per experiment when none is named.
    let rows: Vec<Value> = match q
        .experiment_key
        .and_then(|k| r.experiments.get(&k).cloned())
    {
        Some(e) => e
            .branches
            .iter()
            .filter_map(|b| b.get("key").and_then(Value::as_str))
            .map(|k| json!({ "key": k, "count": e.joined.values().filter(|v| *v == k).count() }))
            .collect(),
        None => r
            .experiments
            .values()
            .map(|e| json!({ "key": e.key, "count": e.joined.len() }))
            .collect(),
    };
    Reply::ok(&rows)
}
