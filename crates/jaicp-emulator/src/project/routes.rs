//! Project API routes (`/api/v1/projects...`).

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::{PathParams, RawBody, parse_json};
use crate::reply::Reply;
use crate::state::EmulatorState;
use crate::unified::{authorize, bad_request, not_found};

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/api/v1/projects", get(list).post(create))
        .route(
            "/api/v1/projects/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/api/v1/projects/{id}/clone", post(clone_project))
        .route(
            "/api/v1/projects/{short}/by-project-short-name",
            get(by_short_name),
        )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    page: Option<usize>,
    size: Option<usize>,
}

async fn list(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.getAll") {
        return r;
    }
    let page = q.page.unwrap_or(0);
    let size = q.size.unwrap_or(20).clamp(1, 1000);
    let s = state.projects();
    let items: Vec<Value> = s
        .projects
        .values()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(|p| s.project_json(p, state.shared.config.spelling))
        .collect();
    Reply::ok(&json!({
        "projects": items,
        "paging": { "pageNum": page, "pageSize": size, "totalCount": s.projects.len() },
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    bot_channels_type: Option<String>,
    #[serde(default)]
    template: Option<Value>,
    #[serde(default)]
    project_settings_data: Option<Value>,
}

async fn create(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    body: Result<RawBody, Reply>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.create") {
        return r;
    }
    let b: CreateBody = match body.and_then(|RawBody(b)| parse_json(&b)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if b.name.trim().is_empty() {
        return bad_request("`name` must not be empty");
    }
    let now = state.now_ms();
    let mut s = state.projects();
    let template = b
        .template
        .as_ref()
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let id = s.add_project(
        &b.name,
        b.description,
        b.bot_channels_type.as_deref().unwrap_or("CHAT_BOT"),
        template,
        b.project_settings_data
            .unwrap_or_else(|| json!({"language": "en"})),
        now,
    );
    match s.projects.get(&id) {
        Some(p) => Reply::ok(&s.project_json(p, state.shared.config.spelling)),
        None => not_found("project"),
    }
}

async fn get_one(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.getById") {
        return r;
    }
    let s = state.projects();
    match s.projects.get(&id) {
        Some(p) => Reply::ok(&s.project_json(p, state.shared.config.spelling)),
        None => not_found("project"),
    }
}

async fn by_short_name(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(short): PathParams<String>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.getByProjectShortName") {
        return r;
    }
    let s = state.projects();
    match s.project_by_short_name(&short) {
        Some(p) => Reply::ok(&s.project_json(p, state.shared.config.spelling)),
        None => not_found("project"),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    project_settings_data: Option<Value>,
}

async fn update(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    body: Result<RawBody, Reply>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.update") {
        return r;
    }
    let b: UpdateBody = match body.and_then(|RawBody(b)| parse_json(&b)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(p) = s.projects.get_mut(&id) else {
        return not_found("project");
    };
    p.name = b.name;
    if b.description.is_some() {
        p.description = b.description;
    }
    if let Some(settings) = b.project_settings_data {
        p.settings = settings;
    }
    p.modified_ms = now;
    let p = p.clone();
    Reply::ok(&s.project_json(&p, state.shared.config.spelling))
}

async fn delete(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.delete") {
        return r;
    }
    let mut s = state.projects();
    let Some(p) = s.projects.get(&id).cloned() else {
        return not_found("project");
    };
    let body = s.project_json(&p, state.shared.config.spelling);
    s.projects.remove(&id);
    s.channels.retain(|_, c| c.project_id != id);
    Reply::ok(&body)
}

#[derive(Debug, Deserialize)]
struct CloneQuery {
    name: String,
}

async fn clone_project(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    q: Result<Query<CloneQuery>, axum::extract::rejection::QueryRejection>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "project.clone") {
        return r;
    }
    let Ok(Query(q)) = q else {
        return bad_request("`name` is required");
    };
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(src) = s.projects.get(&id).cloned() else {
        return not_found("project");
    };
    let new_id = s.add_project(
        &q.name,
        src.description.clone(),
        &src.bot_channels_type,
        src.template.clone(),
        src.settings.clone(),
        now,
    );
    match s.projects.get(&new_id) {
        Some(p) => Reply::ok(&s.project_json(p, state.shared.config.spelling)),
        None => not_found("project"),
    }
}
