//! Reporter labels (session and message labels, label groups), comments on messages and scenario
//! experiments.
//!
//! Sessions and messages carry labels the same way, so one handler serves each such pair of
//! operations: [`KindRoutes`] lists the pairs' paths and `operationId`s, the route tells the
//! handler which [`Kind`] it serves, and the [`Labels`] extractor hands both to it.

use axum::http::StatusCode;
use axum::routing::MethodRouter;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Experiment, Filter, Label, ReporterState};
use crate::authorize::Authorized;
use crate::errors::{bad_request, not_found};
use jaicp_reporter::models::strict::Rules;
use jaicp_reporter::models::{BulkLabelingDto, ScenarioExperimentDto};

use crate::extract::{Body, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::Unified;

const BASE: &str = "/api/v1/reporter";

pub(crate) fn routes() -> Router<EmulatorState> {
    let at = |path: &str| format!("{BASE}{path}");
    let router = Router::new()
        .route(
            &at("/logs/labels/sessions"),
            op("createSessionLabel", post(create_session_label)),
        )
        .route(
            &at("/message/labels"),
            op("getMessageLabels", get(message_labels))
                .merge(op("createMessageLabel", post(create_message_label))),
        )
        .route(
            &at("/message/labels/by-list"),
            op("createMessageLabels", post(create_message_labels)).merge(op(
                "updateMessageLabels",
                kinded(Kind::Message, put(update_labels)),
            )),
        );
    let router = Kind::Session.routes(router, &SESSION_ROUTES);
    let router = Kind::Message.routes(router, &MESSAGE_ROUTES);
    router
        .route(
            &at("/message/labels/groups"),
            op("updateMessageLabelGroups", put(update_groups)),
        )
        .route(
            &at("/message/labels/groups/{id}"),
            op("getLabelGroup", get(get_group))
                .merge(op("updateMessageLabelGroup", put(update_group)))
                .merge(op("deleteMessageLabelGroup", delete(delete_group))),
        )
        .route(
            &at("/message/labels/groups/change-priority"),
            op("updateGroupsPriority", put(group_priorities)),
        )
        .route(
            &at("/comments/{question_id}"),
            op("addCommentToMessage", post(add_comment))
                .merge(op("deleteCommentFromMessage", delete(delete_comment))),
        )
        .route(
            &at("/scenario-exeperiments"),
            op("getScenarioExperiments", get(experiments))
                .merge(op("createScenarioExperiment", post(create_experiment)))
                .merge(op("deleteScenarioExperiment", delete(delete_experiment))),
        )
        .route(
            &at("/scenario-exeperiments/join"),
            op("joinScenarioExperiment", post(join_experiment)),
        )
        .route(
            &at("/scenario-exeperiments/stop"),
            op("stopScenarioExperiment", post(stop_experiment)),
        )
        .route(
            &at("/scenario-exeperiments/count-sessions"),
            op(
                "countScenarioExperimentSessions",
                get(count_experiment_sessions),
            ),
        )
}

/// The paths and `operationId`s of the label operations that sessions and messages both have;
/// one handler serves each pair ([`Kind`] tells them apart).
struct KindRoutes {
    /// `/{id}`: get, update, delete a label.
    label: (&'static str, [&'static str; 3]),
    /// Change the labels' priorities.
    priority: (&'static str, &'static str),
    /// Update labels by list (`None` where the path also has a create operation, declared with
    /// it in [`routes`]).
    by_list: Option<(&'static str, &'static str)>,
    /// Add a label to a target, remove it.
    links: (&'static str, [&'static str; 2]),
    /// Set a target's labels.
    set_links: (&'static str, &'static str),
    /// Label every target a filter matches.
    bulk: (&'static str, &'static str),
}

const SESSION_ROUTES: KindRoutes = KindRoutes {
    label: (
        "/logs/labels/sessions/{id}",
        [
            "getSessionLabel",
            "updateSessionLabel",
            "deleteSessionLabel",
        ],
    ),
    priority: (
        "/logs/labels/sessions/change-priority",
        "updateSessionsPriority",
    ),
    by_list: Some(("/session-labels/by-list", "updateSessionLabels")),
    links: (
        "/session-labels/sessions",
        ["addLabelToSession", "deleteLabelFromSession"],
    ),
    set_links: ("/session-labels/sessions/set-by-list", "setSessionLabels"),
    bulk: (
        "/session-labels/sessions/bulk-labeling",
        "setLabelToSessions",
    ),
};

const MESSAGE_ROUTES: KindRoutes = KindRoutes {
    label: (
        "/message/labels/{id}",
        [
            "getMessageLabel",
            "updateMessageLabel",
            "deleteMessageLabel",
        ],
    ),
    priority: (
        "/message/labels/change-priority",
        "updateMessageLabelsPriority",
    ),
    by_list: None,
    links: (
        "/message/labels/logs",
        ["addLabelToMessage", "deleteLabelFromMessage"],
    ),
    set_links: ("/message/labels/logs/set-by-list", "setMessageLabels"),
    bulk: ("/message/labels/logs/bulk-labeling", "setLabelToMessages"),
};

fn ok() -> Reply {
    Reply::empty(StatusCode::OK)
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

async fn create_session_label(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: LabelCreate = b.json()?;
    let mut r = state.reporter();
    let id = r.add_session_label(&b.name, b.priority);
    match r.session_labels.get(&id) {
        Some(l) => Ok(Reply::ok(&ReporterState::session_label_json(l))),
        None => Err(not_found("label")),
    }
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

async fn message_labels(Authorized { state, .. }: Unified) -> Answer {
    let r = state.reporter();
    let rows: Vec<Value> = r
        .message_labels
        .values()
        .map(|l| r.message_label_json(l))
        .collect();
    Ok(Reply::ok(&rows))
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

async fn create_message_label(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: LabelCreate = b.json()?;
    let mut r = state.reporter();
    let group = group_of(&mut r, &b);
    let id = r.add_message_label(&b.name, b.priority, group);
    match r.message_labels.get(&id) {
        Some(l) => Ok(Reply::ok(&r.message_label_json(l))),
        None => Err(not_found("label")),
    }
}

async fn create_message_labels(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: Vec<LabelCreate> = b.json()?;
    let mut r = state.reporter();
    for l in b {
        let group = group_of(&mut r, &l);
        r.add_message_label(&l.name, l.priority, group);
    }
    Ok(ok())
}

async fn update_groups(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: Vec<LabelPatch> = b.json()?;
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
    Ok(ok())
}

async fn get_group(Authorized { state, .. }: Unified, PathParams(id): PathParams<i64>) -> Answer {
    let r = state.reporter();
    if !r.groups.contains_key(&id) {
        return Err(not_found("label group"));
    }
    Ok(Reply::ok(&r.group_json(Some(id))))
}

async fn update_group(
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<i64>,
    b: Body,
) -> Answer {
    let b: LabelCreate = b.json()?;
    match state.reporter().groups.get_mut(&id) {
        Some(g) => {
            g.name = b.name;
            g.priority = b.priority;
            Ok(ok())
        }
        None => Err(not_found("label group")),
    }
}

async fn delete_group(
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<i64>,
) -> Answer {
    let mut r = state.reporter();
    if r.groups.remove(&id).is_none() {
        return Err(not_found("label group"));
    }
    r.message_labels
        .values_mut()
        .filter(|l| l.group == Some(id))
        .for_each(|l| l.group = None);
    Ok(ok())
}

async fn group_priorities(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: Vec<Priority> = b.json()?;
    let mut r = state.reporter();
    for p in b {
        if let Some(g) = r.groups.get_mut(&p.id) {
            g.priority = p.new_priority;
        }
    }
    Ok(ok())
}

/// `route` serving labels of `kind`: the label handlers are shared by sessions and messages.
fn kinded(kind: Kind, route: MethodRouter<EmulatorState>) -> MethodRouter<EmulatorState> {
    route.layer(Extension(kind))
}

/// A request to a label operation that sessions and messages share: the unified-token check and
/// the [`Kind`] the route serves ([`kinded`]).
struct Labels {
    state: EmulatorState,
    kind: Kind,
}

impl axum::extract::FromRequestParts<EmulatorState> for Labels {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        let Authorized { state, .. } = Unified::from_request_parts(parts, state).await?;
        // Every route serving these handlers is declared with `kinded`; one that is not is a bug
        // in the route table, answered as such rather than guessed.
        let kind = parts
            .extensions
            .get::<Kind>()
            .copied()
            .ok_or_else(|| Reply::empty(StatusCode::INTERNAL_SERVER_ERROR))?;
        Ok(Self { state, kind })
    }
}

/// Sessions and messages carry labels the same way; only the maps, the query parameter that
/// names the target and the existence check differ.
#[derive(Clone, Copy, Debug)]
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

impl Kind {
    /// Adds the routes of `paths` for this kind's labels.
    fn routes(self, router: Router<EmulatorState>, paths: &KindRoutes) -> Router<EmulatorState> {
        let at = |path: &str| format!("{BASE}{path}");
        let kinded_op = |id, route| op(id, kinded(self, route));
        let (label, [get_id, update_id, delete_id]) = paths.label;
        let (links, [link_id, unlink_id]) = paths.links;
        let router = router
            .route(
                &at(label),
                kinded_op(get_id, get(get_label))
                    .merge(kinded_op(update_id, put(update_label)))
                    .merge(kinded_op(delete_id, delete(delete_label))),
            )
            .route(
                &at(paths.priority.0),
                kinded_op(paths.priority.1, put(change_priorities)),
            )
            .route(
                &at(links),
                kinded_op(link_id, post(link)).merge(kinded_op(unlink_id, delete(unlink))),
            )
            .route(
                &at(paths.set_links.0),
                kinded_op(paths.set_links.1, post(set_links)),
            )
            .route(&at(paths.bulk.0), kinded_op(paths.bulk.1, post(bulk)));
        match paths.by_list {
            Some((path, id)) => router.route(&at(path), kinded_op(id, put(update_labels))),
            None => router,
        }
    }

    /// Renames and re-prioritises `l` where a new value is given; message labels may also move
    /// to another group (session labels have none).
    fn patch(self, l: &mut Label, name: Option<String>, priority: Option<i32>, group: Option<i64>) {
        if let Some(n) = name {
            l.name = n;
        }
        if let Some(p) = priority {
            l.priority = p;
        }
        if matches!(self, Kind::Message) && group.is_some() {
            l.group = group;
        }
    }

    /// A label as this kind's operations answer it (message labels name their group).
    fn json(self, r: &ReporterState, l: &Label) -> Value {
        match self {
            Kind::Session => ReporterState::session_label_json(l),
            Kind::Message => r.message_label_json(l),
        }
    }

    /// The targets (session ids or question ids) that `f` matches.
    fn matching(self, r: &ReporterState, sessions: &[super::Session], f: &Filter) -> Vec<String> {
        let matched = sessions.iter().filter(|s| f.session(r, s, None));
        match self {
            Kind::Session => matched.map(|s| s.id.clone()).collect(),
            Kind::Message => matched
                .flat_map(|s| {
                    s.messages
                        .iter()
                        .filter(|m| f.message(m))
                        .map(|m| m.question_id.clone())
                })
                .collect(),
        }
    }
}

async fn get_label(Labels { state, kind }: Labels, PathParams(id): PathParams<i64>) -> Answer {
    let mut r = state.reporter();
    let label = kind.labels(&mut r).get(&id).cloned();
    match label {
        Some(l) => Ok(Reply::ok(&kind.json(&r, &l))),
        None => Err(not_found("label")),
    }
}

/// Renames and re-prioritises labels by list; message labels may also move to another group.
/// Unknown ids are skipped.
async fn update_labels(Labels { state, kind }: Labels, b: Body) -> Answer {
    let b: Vec<LabelPatch> = b.json()?;
    let mut r = state.reporter();
    let labels = kind.labels(&mut r);
    for p in b {
        if let Some(l) = labels.get_mut(&p.id) {
            kind.patch(l, p.name, p.priority, p.group_id);
        }
    }
    Ok(ok())
}

async fn bulk(Labels { state, kind }: Labels, b: Body) -> Answer {
    // By the rules only: its `filters` may carry numeric-range bounds as strings (see
    // `reporter::routes::filters_dto`).
    let mut b: Bulk = b.ruled(BulkLabelingDto::missing, BulkLabelingDto::invalid)?;
    let sessions = state.reporter_sessions();
    let mut r = state.reporter();
    let ids = match b.object_ids.take() {
        Some(ids) => ids,
        None => {
            let f = b.filters.as_ref().map(Filter::parse).unwrap_or_default();
            kind.matching(&r, &sessions, &f)
        }
    };
    apply_bulk(&mut r, kind, ids, &b);
    Ok(ok())
}

async fn delete_label(Labels { state, kind }: Labels, PathParams(id): PathParams<i64>) -> Answer {
    let mut r = state.reporter();
    if kind.labels(&mut r).remove(&id).is_none() {
        return Err(not_found("label"));
    }
    kind.links(&mut r).values_mut().for_each(|s| {
        s.remove(&id);
    });
    Ok(ok())
}

/// Renames and re-prioritises a label; message labels may also move to another group.
async fn update_label(
    Labels { state, kind }: Labels,
    PathParams(id): PathParams<i64>,
    b: Body,
) -> Answer {
    let b: LabelCreate = b.json()?;
    let mut r = state.reporter();
    let Some(l) = kind.labels(&mut r).get_mut(&id) else {
        return Err(not_found("label"));
    };
    kind.patch(l, Some(b.name), Some(b.priority), b.group_id);
    Ok(ok())
}

async fn change_priorities(Labels { state, kind }: Labels, b: Body) -> Answer {
    let items: Vec<Priority> = b.json()?;
    let mut r = state.reporter();
    let labels = kind.labels(&mut r);
    for p in items {
        if let Some(l) = labels.get_mut(&p.id) {
            l.priority = p.new_priority;
        }
    }
    Ok(ok())
}

async fn link(Labels { state, kind }: Labels, Query(q): Query<TargetQuery>, b: Body) -> Answer {
    let LabelId { label_id } = b.json()?;
    let Some(target) = kind.target(q).filter(|t| kind.exists(&state, t)) else {
        return Err(not_found(kind.noun()));
    };
    let mut r = state.reporter();
    if !kind.labels(&mut r).contains_key(&label_id) {
        return Err(not_found("label"));
    }
    kind.links(&mut r)
        .entry(target)
        .or_default()
        .insert(label_id);
    Ok(ok())
}

async fn unlink(Labels { state, kind }: Labels, Query(q): Query<TargetQuery>, b: Body) -> Answer {
    let LabelId { label_id } = b.json()?;
    let Some(target) = kind.target(q) else {
        return Err(bad_request(kind.param()));
    };
    if let Some(set) = kind.links(&mut state.reporter()).get_mut(&target) {
        set.remove(&label_id);
    }
    Ok(ok())
}

async fn set_links(
    Labels { state, kind }: Labels,
    Query(q): Query<TargetQuery>,
    b: Body,
) -> Answer {
    let labels: Vec<LabelId> = b.json()?;
    let Some(target) = kind.target(q).filter(|t| kind.exists(&state, t)) else {
        return Err(not_found(kind.noun()));
    };
    kind.links(&mut state.reporter())
        .insert(target, labels.into_iter().map(|l| l.label_id).collect());
    Ok(ok())
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
    Authorized { state, .. }: Unified,
    PathParams(qid): PathParams<String>,
    b: Body,
) -> Answer {
    let b: Value = b.json()?;
    let Some(comment) = b.get("comment").and_then(Value::as_str) else {
        return Err(bad_request("`comment` is required"));
    };
    if !message_exists(&state, &qid) {
        return Err(not_found("message"));
    }
    state.reporter().comments.insert(qid, comment.to_owned());
    Ok(ok())
}

async fn delete_comment(
    Authorized { state, .. }: Unified,
    PathParams(qid): PathParams<String>,
) -> Answer {
    state.reporter().comments.remove(&qid);
    Ok(ok())
}

fn experiment_json(e: &Experiment) -> Value {
    let mut v = json!({ "key": e.key, "branches": e.branches, "status": e.status });
    if let Some(d) = &e.description {
        v["description"] = json!(d);
    }
    v
}

async fn experiments(Authorized { state, .. }: Unified) -> Answer {
    let rows: Vec<Value> = state
        .reporter()
        .experiments
        .values()
        .map(experiment_json)
        .collect();
    Ok(Reply::ok(&rows))
}

#[derive(Debug, Deserialize)]
struct NewExperiment {
    key: String,
    branches: Vec<Value>,
    #[serde(default)]
    description: Option<String>,
}

async fn create_experiment(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let b: NewExperiment = b.checked::<ScenarioExperimentDto, _>(
        ScenarioExperimentDto::missing,
        ScenarioExperimentDto::invalid,
    )?;
    if b.branches.is_empty() {
        return Err(bad_request("an experiment needs at least one branch"));
    }
    let e = Experiment {
        key: b.key.clone(),
        description: b.description,
        branches: b
            .branches
            .into_iter()
            .map(|mut branch| {
                crate::extract::drop_nulls(&mut branch);
                branch
            })
            .collect(),
        status: "RUNNING".into(),
        joined: Default::default(),
    };
    let v = experiment_json(&e);
    state.reporter().experiments.insert(b.key, e);
    Ok(Reply::ok(&v))
}

async fn delete_experiment(
    Authorized { state, .. }: Unified,
    Query(q): Query<TargetQuery>,
) -> Answer {
    match q
        .experiment_key
        .and_then(|k| state.reporter().experiments.remove(&k))
    {
        Some(_) => Ok(ok()),
        None => Err(not_found("experiment")),
    }
}

async fn join_experiment(
    Authorized { state, .. }: Unified,
    Query(q): Query<TargetQuery>,
) -> Answer {
    let (Some(key), Some(session)) = (q.experiment_key, q.session_id) else {
        return Err(bad_request("`experimentKey` and `sessionId` are required"));
    };
    let _ = q.bot_id;
    let mut r = state.reporter();
    let Some(e) = r.experiments.get_mut(&key) else {
        return Err(not_found("experiment"));
    };
    if e.status != "RUNNING" {
        return Err(bad_request("the experiment is stopped"));
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
    Ok(Reply::ok(&branch))
}

async fn stop_experiment(
    Authorized { state, .. }: Unified,
    Query(q): Query<TargetQuery>,
) -> Answer {
    match q.experiment_key.and_then(|k| {
        let mut r = state.reporter();
        r.experiments
            .get_mut(&k)
            .map(|e| e.status = "STOPPED".into())
    }) {
        Some(()) => Ok(ok()),
        None => Err(not_found("experiment")),
    }
}

async fn count_experiment_sessions(
    Authorized { state, .. }: Unified,
    Query(q): Query<TargetQuery>,
) -> Answer {
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
    Ok(Reply::ok(&rows))
}
