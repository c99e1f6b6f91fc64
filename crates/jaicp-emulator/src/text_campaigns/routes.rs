//! Text campaign API routes: campaigns (one [`CampaignPath`] for the plain and the
//! `accounts/{account}` spelling of a path, status changes from [`TRANSITIONS`]), dynamic
//! sendings and sending templates.

use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Campaign, Sending, Template};
use crate::authorize::Authorized;
use crate::errors::{bad_request, not_found};
use jaicp_text_campaigns::models::strict::Rules;
use jaicp_text_campaigns::models::{CreateTextCampaignDto, UpdateTextCampaignDto};

use crate::extract::{Body, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::{Unified, iso};

const V1: &str = "/api/v1/text-campaign-service";

pub(crate) fn routes() -> Router<EmulatorState> {
    let at = |path: &str| format!("{V1}{path}");
    let transitions = TRANSITIONS
        .iter()
        .fold(Router::new(), |router, (action, id, change)| {
            router.route(
                &at(&format!(
                    "/projects/{{project}}/text-campaigns/{{id}}/{action}"
                )),
                op(id, put(transition).layer(Extension(*change))),
            )
        });
    transitions
        .route(
            &at("/projects/{project}/text-campaigns"),
            op("getTextCampaigns", get(list)).merge(op("createTextCampaign", post(create))),
        )
        .route(
            &at("/projects/{project}/text-campaigns/{id}"),
            op("getTextCampaign", get(get_one)).merge(op("updateTextCampaign", put(update))),
        )
        .route(
            "/api/text-campaign-service/accounts/{account}/projects/{project}/text-campaigns/{id}",
            op("getAccountTextCampaign", get(get_one))
                .merge(op("updateAccountTextCampaign", put(update))),
        )
        .route(
            &at("/dynamics/sending-templates"),
            op("createEventSendingTemplate", post(create_template)),
        )
        .route(
            &at("/dynamics/sending-templates/chat-history"),
            op("getEventSendingTemplateHistory", get(history)),
        )
        .route(
            &at("/dynamics/sending-templates/{uuid}"),
            op("getEventSendingTemplate", get(get_template))
                .merge(op("deleteEventSendingTemplate", delete(delete_template))),
        )
        .route(
            &at("/dynamics/send-event-by-template/{uuid}"),
            op("sendEventByTemplateSimple", get(send_by_template_simple))
                .merge(op("sendEventByTemplate", post(send_by_template))),
        )
        .route(
            &at("/dynamics/send-event"),
            op("sendEvent", post(send_event)),
        )
        .route(
            &at("/dynamics/send-replies"),
            op("sendReplies", post(send_replies)),
        )
        .route(&at("/dynamics/sendings"), op("getSendings", get(sendings)))
        .route(
            &at("/dynamics/sendings/{uuid}/cancel"),
            op("cancelSending", put(cancel)),
        )
}

/// The bot id of the project's first channel (text campaigns send through it).
fn project_bot(state: &EmulatorState, project: &str) -> Option<String> {
    let s = state.projects();
    let p = s.project_by_short_name(project)?;
    Some(
        s.channels
            .values()
            .find(|c| c.project_id == p.id)
            .map(|c| c.bot_id.clone())
            .unwrap_or_default(),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CampaignBody {
    name: String,
    #[serde(default)]
    delay_between_sending: Option<i32>,
    #[serde(default)]
    thread_count: Option<i32>,
    #[serde(default)]
    event_name: Option<String>,
    #[serde(default)]
    is_dynamic: Option<bool>,
    #[serde(default)]
    jgraph_replies: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    page: Option<usize>,
    size: Option<usize>,
    text_campaign_name: Option<String>,
}

async fn list(
    Authorized { state, .. }: Unified,
    PathParams(project): PathParams<String>,
    Query(q): Query<ListQuery>,
) -> Answer {
    let (page, size) = (q.page.unwrap_or(0), q.size.unwrap_or(20).clamp(1, 1000));
    let s = state.text_campaigns();
    let all: Vec<&Campaign> = s
        .campaigns
        .values()
        .filter(|c| c.project == project)
        .filter(|c| {
            q.text_campaign_name
                .as_ref()
                .is_none_or(|n| c.name.contains(n.as_str()))
        })
        .collect();
    let items: Vec<Value> = all
        .iter()
        .skip(page * size)
        .take(size)
        .map(|c| c.json())
        .collect();
    Ok(Reply::ok(&json!({
        "paging": { "pageNum": page, "pageSize": size, "totalCount": all.len() },
        "textCampaigns": items,
    })))
}

async fn create(
    Authorized { state, .. }: Unified,
    PathParams(project): PathParams<String>,
    b: Body,
) -> Answer {
    let b: CampaignBody = b.checked::<CreateTextCampaignDto, _>(
        CreateTextCampaignDto::missing,
        CreateTextCampaignDto::invalid,
    )?;
    if b.name.trim().is_empty() {
        return Err(bad_request("`name` must not be empty"));
    }
    let Some(bot_id) = project_bot(&state, &project) else {
        return Err(not_found("project"));
    };
    let now = state.now_ms();
    let mut s = state.text_campaigns();
    if s.by_name(&b.name).is_some() {
        return Err(bad_request("a text campaign with this name exists"));
    }
    let id = s.add(Campaign {
        id: 0,
        name: b.name,
        project,
        bot_id,
        created: now,
        status: "CREATED",
        delay: b.delay_between_sending.unwrap_or(1).max(1),
        threads: b.thread_count.unwrap_or(1).max(1),
        event_name: b.event_name,
        dynamic: b.is_dynamic.unwrap_or(false),
        replies: b.jgraph_replies,
    });
    match s.campaigns.get(&id) {
        Some(c) => Ok(Reply::ok(&c.json())),
        None => Err(not_found("text campaign")),
    }
}

fn find(state: &EmulatorState, project: &str, id: i64) -> Option<Campaign> {
    state
        .text_campaigns()
        .campaigns
        .get(&id)
        .filter(|c| c.project == project)
        .cloned()
}

/// The campaign a path names: `{project}` and `{id}`, with or without the `accounts/{account}`
/// prefix (the account is not checked: the token already names one).
#[derive(Debug, Deserialize)]
struct CampaignPath {
    project: String,
    id: i64,
}

async fn get_one(
    Authorized { state, .. }: Unified,
    PathParams(at): PathParams<CampaignPath>,
) -> Answer {
    find(&state, &at.project, at.id)
        .map(|c| Reply::ok(&c.json()))
        .ok_or_else(|| not_found("text campaign"))
}

async fn update(
    Authorized { state, .. }: Unified,
    PathParams(at): PathParams<CampaignPath>,
    b: Body,
) -> Answer {
    let b: CampaignBody = b.checked::<UpdateTextCampaignDto, _>(
        UpdateTextCampaignDto::missing,
        UpdateTextCampaignDto::invalid,
    )?;
    let mut s = state.text_campaigns();
    let Some(c) = s
        .campaigns
        .get_mut(&at.id)
        .filter(|c| c.project == at.project)
    else {
        return Err(not_found("text campaign"));
    };
    c.name = b.name;
    if let Some(d) = b.delay_between_sending {
        c.delay = d.max(1);
    }
    if let Some(t) = b.thread_count {
        c.threads = t.max(1);
    }
    if b.event_name.is_some() {
        c.event_name = b.event_name;
    }
    if let Some(d) = b.is_dynamic {
        c.dynamic = d;
    }
    if b.jgraph_replies.is_some() {
        c.replies = b.jgraph_replies;
    }
    Ok(Reply::ok(&c.json()))
}

/// A status change: allowed from the `from` statuses, to `to`.
#[derive(Clone, Copy, Debug)]
struct Transition {
    from: &'static [&'static str],
    to: &'static str,
}

/// The status-change operations: the path's last segment, the `operationId`, the change.
const TRANSITIONS: [(&str, &str, Transition); 3] = [
    (
        "stop",
        "stopTextCampaign",
        Transition {
            from: &["CREATED", "READY", "STARTED", "POSTPONED"],
            to: "STOPPED",
        },
    ),
    (
        "resume",
        "resumeTextCampaign",
        Transition {
            from: &["STOPPED", "POSTPONED"],
            to: "STARTED",
        },
    ),
    (
        "complete",
        "completeTextCampaign",
        Transition {
            from: &["CREATED", "READY", "STARTED", "STOPPED", "POSTPONED"],
            to: "COMPLETED",
        },
    ),
];

async fn transition(
    Authorized { state, .. }: Unified,
    Extension(change): Extension<Transition>,
    PathParams(at): PathParams<CampaignPath>,
) -> Answer {
    let mut s = state.text_campaigns();
    let Some(c) = s
        .campaigns
        .get_mut(&at.id)
        .filter(|c| c.project == at.project)
    else {
        return Err(not_found("text campaign"));
    };
    if !change.from.contains(&c.status) {
        return Err(bad_request(format!(
            "a {} campaign cannot become {}",
            c.status, change.to
        )));
    }
    c.status = change.to;
    Ok(Reply::ok(&c.json()))
}

/// The campaign named `name`; a dynamic one is made in the project of `bot_id` when missing.
fn campaign_for(state: &EmulatorState, name: &str, bot_id: &str) -> Result<i64, Reply> {
    if let Some(c) = state.text_campaigns().by_name(name) {
        return Ok(c.id);
    }
    let project = {
        let s = state.projects();
        s.channels
            .values()
            .find(|c| c.bot_id == bot_id)
            .and_then(|c| s.projects.get(&c.project_id))
            .map(|p| p.short_name.clone())
    };
    let Some(project) = project else {
        return Err(not_found("channel (botId)"));
    };
    let now = state.now_ms();
    Ok(state.text_campaigns().add(Campaign {
        id: 0,
        name: name.to_owned(),
        project,
        bot_id: bot_id.to_owned(),
        created: now,
        status: "STARTED",
        delay: 1,
        threads: 1,
        event_name: None,
        dynamic: true,
        replies: None,
    }))
}

fn str_field<'a>(v: &'a Value, name: &str) -> Result<&'a str, Reply> {
    v.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad_request(format!("`{name}` is required")))
}

fn record_sending(
    state: &EmulatorState,
    campaign_id: i64,
    template: Option<String>,
    v: &Value,
) -> Reply {
    let now = state.now_ms();
    let at = v
        .get("sendingTime")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map_or(now, |t| t.as_millisecond());
    let uuid = uuid::Uuid::new_v4().to_string();
    state.text_campaigns().sendings.push(Sending {
        uuid: uuid.clone(),
        campaign_id,
        template,
        bot_id: v
            .get("botId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        client_id: v
            .get("clientId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        event: v.get("event").and_then(Value::as_str).map(str::to_owned),
        event_data: v.get("eventData").cloned(),
        replies: v.get("replies").cloned(),
        at,
        status: if at > now { "PENDING" } else { "SENT" },
    });
    Reply::ok(&json!({ "uuid": uuid }))
}

/// The body of a dynamic sending and the campaign it names (`textCampaignName` in the
/// project of `botId`, made when missing); `botId`, `clientId` and `also` are required.
fn dynamic(state: &EmulatorState, b: Body, also: &[&str]) -> Result<(Value, i64), Reply> {
    let v: Value = b.json()?;
    let name = str_field(&v, "textCampaignName")?;
    let bot = str_field(&v, "botId")?;
    for field in ["clientId"].iter().chain(also) {
        str_field(&v, field)?;
    }
    let id = campaign_for(state, name, bot)?;
    Ok((v, id))
}

async fn send_event(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let (v, id) = dynamic(&state, b, &["event"])?;
    Ok(record_sending(&state, id, None, &v))
}

async fn send_replies(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let (v, id) = dynamic(&state, b, &[])?;
    Ok(record_sending(&state, id, None, &v))
}

async fn create_template(Authorized { state, .. }: Unified, b: Body) -> Answer {
    let (v, campaign_id) = dynamic(&state, b, &[])?;
    let uuid = uuid::Uuid::new_v4().to_string();
    state.text_campaigns().templates.insert(
        uuid.clone(),
        Template {
            campaign_id,
            body: v,
        },
    );
    Ok(Reply::ok(&json!({
        "id": uuid,
        "link": format!("{V1}/dynamics/send-event-by-template/{uuid}"),
    })))
}

fn template_json(state: &EmulatorState, t: &Template) -> Value {
    let s = state.text_campaigns();
    let name = s
        .campaigns
        .get(&t.campaign_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let mut v = t.body.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("textCampaignName");
        o.insert(
            "textCampaign".into(),
            json!({ "id": t.campaign_id, "name": name }),
        );
    }
    v
}

async fn get_template(
    Authorized { state, .. }: Unified,
    PathParams(uuid): PathParams<String>,
) -> Answer {
    let t = state.text_campaigns().templates.get(&uuid).cloned();
    match t {
        Some(t) => Ok(Reply::ok(&template_json(&state, &t))),
        None => Err(not_found("sending template")),
    }
}

async fn delete_template(
    Authorized { state, .. }: Unified,
    PathParams(uuid): PathParams<String>,
) -> Answer {
    match state.text_campaigns().templates.remove(&uuid) {
        Some(_) => Ok(Reply::empty(StatusCode::OK)),
        None => Err(not_found("sending template")),
    }
}

fn send_template(state: &EmulatorState, uuid: &str, extra: &Value) -> Answer {
    let Some(t) = state.text_campaigns().templates.get(uuid).cloned() else {
        return Err(not_found("sending template"));
    };
    let mut v = t.body.clone();
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    Ok(record_sending(
        state,
        t.campaign_id,
        Some(uuid.to_owned()),
        &v,
    ))
}

async fn send_by_template_simple(
    Authorized { state, .. }: Unified,
    PathParams(uuid): PathParams<String>,
) -> Answer {
    send_template(&state, &uuid, &json!({}))
}

async fn send_by_template(
    Authorized { state, .. }: Unified,
    PathParams(uuid): PathParams<String>,
    b: Body,
) -> Answer {
    let extra: Value = b.json_or_default()?;
    send_template(&state, &uuid, &extra)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendingsQuery {
    text_campaign_id: Option<i64>,
    event_sending_info_uuid: Option<String>,
    event_sending_template_uuid: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    from_timestamp: Option<i64>,
}

fn matching(state: &EmulatorState, q: &SendingsQuery) -> Vec<Sending> {
    state
        .text_campaigns()
        .sendings
        .iter()
        .filter(|s| q.text_campaign_id.is_none_or(|id| s.campaign_id == id))
        .filter(|s| {
            q.event_sending_info_uuid
                .as_ref()
                .is_none_or(|u| *u == s.uuid)
        })
        .filter(|s| {
            q.event_sending_template_uuid
                .as_ref()
                .is_none_or(|u| s.template.as_ref() == Some(u))
        })
        .filter(|s| q.status.as_ref().is_none_or(|st| st == s.status))
        .filter(|s| q.from_timestamp.is_none_or(|t| s.at >= t))
        .cloned()
        .collect()
}

async fn sendings(Authorized { state, .. }: Unified, Query(q): Query<SendingsQuery>) -> Answer {
    let all = matching(&state, &q);
    let items: Vec<Value> = all
        .iter()
        .skip(q.offset.unwrap_or(0))
        .take(q.limit.unwrap_or(100))
        .map(Sending::json)
        .collect();
    Ok(Reply::ok(
        &json!({ "totalCount": all.len(), "sendings": items }),
    ))
}

async fn cancel(Authorized { state, .. }: Unified, PathParams(uuid): PathParams<String>) -> Answer {
    let mut s = state.text_campaigns();
    let Some(sending) = s.sendings.iter_mut().find(|x| x.uuid == uuid) else {
        return Err(not_found("sending"));
    };
    if sending.status == "PENDING" {
        sending.status = "CANCELED";
    }
    Ok(Reply::empty(StatusCode::OK))
}

async fn history(Authorized { state, .. }: Unified, Query(q): Query<SendingsQuery>) -> Answer {
    let all = matching(&state, &q);
    let messages: Vec<Value> = all
        .iter()
        .take(q.limit.unwrap_or(100))
        .map(|s| {
            json!({
                "questionId": s.uuid,
                "author": "BOT",
                "status": if s.status == "SENT" { "SENT" } else { "NOT_SENT" },
                "timestamp": iso(s.at),
                "textMessage": s.event.clone().unwrap_or_else(|| "replies".into()),
            })
        })
        .collect();
    Ok(Reply::ok(
        &json!({ "totalCount": all.len(), "messages": messages }),
    ))
}
