//! Channel API routes (`/api/v1/bot-channels...`) and the async deploy.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::authorize::Authorized;
use crate::errors::{bad_request, not_found};
use jaicp_channel::models::strict::Rules;
use jaicp_channel::models::{BotChannelCreateDto, BotChannelUpdateDto, DeployBotChannelDto};

use crate::extract::{Body, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::{Unified, iso};

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            "/api/v1/bot-channels",
            op("channel.getAll", get(list)).merge(op("channel.create", post(create))),
        )
        .route(
            "/api/v1/bot-channels/{id}",
            op("channel.getById", get(get_one))
                .merge(op("channel.update", axum::routing::put(update)))
                .merge(op("channel.delete", axum::routing::delete(delete))),
        )
        .route(
            "/api/v1/bot-channels/{bot_id}/by-bot-id",
            op("channel.getByBotId", get(by_bot_id)),
        )
        .route(
            "/api/v1/async/bot-channels/deploy",
            op("channel.deploy", post(deploy)),
        )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectQuery {
    project_id: Option<i64>,
}

async fn list(Authorized { state, .. }: Unified, Query(q): Query<ProjectQuery>) -> Answer {
    let s = state.projects();
    let Some(pid) = q.project_id else {
        return Err(bad_request("`projectId` is required"));
    };
    if !s.projects.contains_key(&pid) {
        return Err(not_found("project"));
    }
    let items: Vec<Value> = s
        .channels
        .values()
        .filter(|c| c.project_id == pid)
        .map(|c| c.json())
        .collect();
    Ok(Reply::ok(&json!({ "items": items })))
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
    Authorized { state, .. }: Unified,
    Query(q): Query<ProjectQuery>,
    body: Body,
) -> Answer {
    let b: CreateBody = body.checked::<BotChannelCreateDto, _>(
        BotChannelCreateDto::missing,
        BotChannelCreateDto::invalid,
    )?;
    let Some(pid) = q.project_id else {
        return Err(bad_request("`projectId` is required"));
    };
    let now = state.now_ms();
    let mut s = state.projects();
    let name = b
        .channel_name
        .unwrap_or_else(|| b.channel_type.to_lowercase());
    let token = b.access_token.filter(|t| !t.is_empty());
    let id = s
        .add_channel(
            pid,
            &name,
            &b.channel_type,
            token,
            b.is_auto_deploy.unwrap_or(true),
            now,
        )
        .ok_or_else(|| not_found("project"))?;
    let channel = s
        .channels
        .get(&id)
        .cloned()
        .ok_or_else(|| not_found("channel"))?;
    drop(s);
    state.channel_changed(None, Some(&channel));
    Ok(Reply::ok(&channel.json()))
}

async fn get_one(Authorized { state, .. }: Unified, PathParams(id): PathParams<i64>) -> Answer {
    match state.projects().channels.get(&id) {
        Some(c) => Ok(Reply::ok(&c.json())),
        None => Err(not_found("channel")),
    }
}

async fn by_bot_id(
    Authorized { state, .. }: Unified,
    PathParams(bot_id): PathParams<String>,
) -> Answer {
    match state
        .projects()
        .channels
        .values()
        .find(|c| c.bot_id == bot_id)
    {
        Some(c) => Ok(Reply::ok(&c.json())),
        None => Err(not_found("channel")),
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
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<i64>,
    body: Body,
) -> Answer {
    let b: UpdateBody = body.checked::<BotChannelUpdateDto, _>(
        BotChannelUpdateDto::missing,
        BotChannelUpdateDto::invalid,
    )?;
    let now = state.now_ms();
    let mut s = state.projects();
    let Some(c) = s.channels.get_mut(&id) else {
        return Err(not_found("channel"));
    };
    let before = c.clone();
    c.access_token = b.access_token;
    c.name = b.channel_name;
    if let Some(a) = b.is_auto_deploy {
        c.auto_deploy = a;
    }
    if let Some(block) = b.is_block {
        c.blocked = block;
    }
    c.modified_ms = now;
    let after = c.clone();
    drop(s);
    state.channel_changed(Some(&before), Some(&after));
    Ok(Reply::ok(&after.json()))
}

async fn delete(Authorized { state, .. }: Unified, PathParams(id): PathParams<i64>) -> Answer {
    let removed = state.projects().channels.remove(&id);
    let c = removed.ok_or_else(|| not_found("channel"))?;
    state.channel_changed(Some(&c), None);
    let mut v = c.json();
    v["isRemoved"] = json!(true);
    Ok(Reply::ok(&v))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeployBody {
    project_short_name: String,
    bot_id: String,
    #[serde(default)]
    skip_tests: Option<bool>,
}

async fn deploy(Authorized { state, .. }: Unified, body: Body) -> Answer {
    let b: DeployBody = body.checked::<DeployBotChannelDto, _>(
        DeployBotChannelDto::missing,
        DeployBotChannelDto::invalid,
    )?;
    let now = state.now_ms();
    let (delay, result) = {
        let mut s = state.projects();
        let Some(project_id) = s.project_by_short_name(&b.project_short_name).map(|p| p.id) else {
            return Err(not_found("project"));
        };
        let failure = s.fail_next_deploy.take();
        let delay = s.deploy_time;
        let Some(c) = s
            .channels
            .values_mut()
            .find(|c| c.bot_id == b.bot_id && c.project_id == project_id)
        else {
            return Err(not_found("channel"));
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
    Ok(Reply::empty(StatusCode::OK)
        .with_header("Z-Request-id", request_id)
        .with_header("Z-Request-time", iso(now)))
}
