//! Project API routes (`/api/v1/projects...`).

use axum::Router;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::authorize::Authorized;
use crate::errors::{bad_request, not_found};
use jaicp_project::models::strict::Rules;
use jaicp_project::models::{ProjectCreateDto, ProjectUpdateDto};

use crate::extract::{Body, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::Unified;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            "/api/v1/projects",
            op("project.getAll", get(list)).merge(op("project.create", post(create))),
        )
        .route(
            "/api/v1/projects/{id}",
            op("project.getById", get(get_one))
                .merge(op("project.update", axum::routing::put(update)))
                .merge(op("project.delete", axum::routing::delete(delete))),
        )
        .route(
            "/api/v1/projects/{id}/clone",
            op("project.clone", post(clone_project)),
        )
        .route(
            "/api/v1/projects/{short}/by-project-short-name",
            op("project.getByProjectShortName", get(by_short_name)),
        )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    page: Option<usize>,
    size: Option<usize>,
}

async fn list(Authorized { state, .. }: Unified, Query(q): Query<ListQuery>) -> Answer {
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
    Ok(Reply::ok(&json!({
        "projects": items,
        "paging": { "pageNum": page, "pageSize": size, "totalCount": s.projects.len() },
    })))
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

async fn create(Authorized { state, .. }: Unified, body: Body) -> Answer {
    let b: CreateBody =
        body.checked::<ProjectCreateDto, _>(ProjectCreateDto::missing, ProjectCreateDto::invalid)?;
    if b.name.trim().is_empty() {
        return Err(bad_request("`name` must not be empty"));
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
            .map(|mut v| {
                crate::extract::drop_nulls(&mut v);
                v
            })
            .unwrap_or_else(|| json!({"language": "en"})),
        now,
    );
    match s.projects.get(&id) {
        Some(p) => Ok(Reply::ok(&s.project_json(p, state.shared.config.spelling))),
        None => Err(not_found("project")),
    }
}

async fn get_one(Authorized { state, .. }: Unified, PathParams(id): PathParams<i64>) -> Answer {
    let s = state.projects();
    match s.projects.get(&id) {
        Some(p) => Ok(Reply::ok(&s.project_json(p, state.shared.config.spelling))),
        None => Err(not_found("project")),
    }
}

async fn by_short_name(
    Authorized { state, .. }: Unified,
    PathParams(short): PathParams<String>,
) -> Answer {
    let s = state.projects();
    match s.project_by_short_name(&short) {
        Some(p) => Ok(Reply::ok(&s.project_json(p, state.shared.config.spelling))),
        None => Err(not_found("project")),
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
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<i64>,
    body: Body,
) -> Answer {
    let b: UpdateBody =
        body.checked::<ProjectUpdateDto, _>(ProjectUpdateDto::missing, ProjectUpdateDto::invalid)?;
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(p) = s.projects.get_mut(&id) else {
        return Err(not_found("project"));
    };
    p.name = b.name;
    if b.description.is_some() {
        p.description = b.description;
    }
    if let Some(mut settings) = b.project_settings_data {
        crate::extract::drop_nulls(&mut settings);
        p.settings = settings;
    }
    p.modified_ms = now;
    let p = p.clone();
    Ok(Reply::ok(&s.project_json(&p, state.shared.config.spelling)))
}

async fn delete(Authorized { state, .. }: Unified, PathParams(id): PathParams<i64>) -> Answer {
    let mut s = state.projects();
    let Some(p) = s.projects.get(&id).cloned() else {
        return Err(not_found("project"));
    };
    let body = s.project_json(&p, state.shared.config.spelling);
    s.projects.remove(&id);
    let channels: Vec<_> = s
        .channels
        .values()
        .filter(|c| c.project_id == id)
        .cloned()
        .collect();
    s.channels.retain(|_, c| c.project_id != id);
    drop(s);
    state.project_deleted(&p.short_name, &channels);
    Ok(Reply::ok(&body))
}

#[derive(Debug, Deserialize)]
struct CloneQuery {
    name: String,
}

async fn clone_project(
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<i64>,
    Query(q): Query<CloneQuery>,
) -> Answer {
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(src) = s.projects.get(&id).cloned() else {
        return Err(not_found("project"));
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
        Some(p) => Ok(Reply::ok(&s.project_json(p, state.shared.config.spelling))),
        None => Err(not_found("project")),
    }
}
