//! Channel API routes (`/api/v1/bot-channels...`) and the async deploy.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::extract::{PathParams, RawBody, parse_json};
use crate::reply::Reply;
use crate::state::EmulatorState;
use crate::unified::{authorize, bad_request, iso, not_found};

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/api/v1/bot-channels", get(list).post(create))
        .route(
            "/api/v1/bot-channels/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/api/v1/bot-channels/{bot_id}/by-bot-id", get(by_bot_id))
        .route("/api/v1/async/bot-channels/deploy", post(deploy))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectQuery {
    project_id: Option<i64>,
}

async fn list(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<ProjectQuery>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.getAll") {
        return r;
    }
    let s = state.projects();
    let Some(pid) = q.project_id else {
        return bad_request("`projectId` is required");
    };
    if !s.projects.contains_key(&pid) {
        return not_found("project");
    }
    let items: Vec<Value> = s
        .channels
        .values()
        .filter(|c| c.project_id == pid)
        .map(|c| c.json())
        .collect();
    Reply::ok(&json!({ "items": items }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    channel_type: String,
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    channel_name: Option<String>,
    #[serde(default)]
    is_auto_deploy: Option<bool>,
}

async fn create(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    Query(q): Query<ProjectQuery>,
    body: Result<RawBody, Reply>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.create") {
        return r;
    }
    let b: CreateBody = match body.and_then(|RawBody(b)| parse_json(&b)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(pid) = q.project_id else {
        return bad_request("`projectId` is required");
    };
    let now = state.now_ms();
    let mut s = state.projects();
    let name = b
        .channel_name
        .unwrap_or_else(|| b.channel_type.to_lowercase());
    let token = b.access_token.filter(|t| !t.is_empty());
    match s.add_channel(
        pid,
        &name,
        &b.channel_type,
        token,
        b.is_auto_deploy.unwrap_or(true),
        now,
    ) {
        Some(id) => match s.channels.get(&id) {
            Some(c) => Reply::ok(&c.json()),
            None => not_found("channel"),
        },
        None => not_found("project"),
    }
}

async fn get_one(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.getById") {
        return r;
    }
    match state.projects().channels.get(&id) {
        Some(c) => Reply::ok(&c.json()),
        None => not_found("channel"),
    }
}

async fn by_bot_id(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(bot_id): PathParams<String>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.getByBotId") {
        return r;
    }
    match state
        .projects()
        .channels
        .values()
        .find(|c| c.bot_id == bot_id)
    {
        Some(c) => Reply::ok(&c.json()),
        None => not_found("channel"),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    access_token: String,
    channel_name: String,
    #[serde(default)]
    is_auto_deploy: Option<bool>,
    #[serde(default)]
    is_block: Option<bool>,
}

async fn update(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
    body: Result<RawBody, Reply>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.update") {
        return r;
    }
    let b: UpdateBody = match body.and_then(|RawBody(b)| parse_json(&b)) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(c) = s.channels.get_mut(&id) else {
        return not_found("channel");
    };
    c.access_token = b.access_token;
    c.name = b.channel_name;
    if let Some(a) = b.is_auto_deploy {
        c.auto_deploy = a;
    }
    if let Some(block) = b.is_block {
        c.blocked = block;
    }
    c.modified_ms = now;
    Reply::ok(&c.json())
}

async fn delete(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    PathParams(id): PathParams<i64>,
) -> Reply {
    if let Err(r) = authorize(&state, &headers, "channel.delete") {
        return r;
    }
    match state.projects().channels.remove(&id) {
        Some(c) => {
            let mut v = c.json();
            v["isRemoved"] = json!(true);
            Reply::ok(&v)
        }
        None => not_found("channel"),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeployBody {
    project_short_name: String,
    bot_id: String,
    #[serde(default)]
    skip_tests: Option<bool>,
}

async fn deploy(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    body: Result<RawBody, Reply>,
) -> Response {
    if let Err(r) = authorize(&state, &headers, "channel.deploy") {
        return r.into_response();
    }
    let b: DeployBody = match body.and_then(|RawBody(b)| parse_json(&b)) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let now = state.now_ms();
    let (delay, result) = {
        let mut s = state.projects();
        let Some(project_id) = s.project_by_short_name(&b.project_short_name).map(|p| p.id) else {
            return not_found("project").into_response();
        };
        let failure = s.fail_next_deploy.take();
        let delay = s.deploy_time;
        let Some(c) = s
            .channels
            .values_mut()
            .find(|c| c.bot_id == b.bot_id && c.project_id == project_id)
        else {
            return not_found("channel").into_response();
        };
        let result = match failure {
            Some(err) => Err(err),
            None if c.blocked => Err((
                "botadmin.deploy.channel_blocked".to_owned(),
                "The channel is blocked".to_owned(),
            )),
            None => {
                c.deploys += 1;
                Ok(json!({
                    "botId": c.bot_id,
                    "status": "OK",
                    "deployCount": c.deploys,
                    "testsSkipped": b.skip_tests.unwrap_or(false),
                }))
            }
        };
        (delay, result)
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    state.events().push(request_id.clone(), now, delay, result);
    let mut response = StatusCode::OK.into_response();
    if let (Ok(id), Ok(time)) = (
        HeaderValue::from_str(&request_id),
        HeaderValue::from_str(&iso(now)),
    ) {
        response.headers_mut().insert("Z-Request-id", id);
        response.headers_mut().insert("Z-Request-time", time);
    }
    response
}
