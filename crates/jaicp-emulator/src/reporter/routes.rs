//! Reporter data routes: sessions, messages, clients, statistics and filters.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Router;
use axum::extract::FromRequestParts;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Filter, Session, paging};
use crate::authorize::Authorized;
use crate::errors::{bad_request, not_found};
use crate::extract::{Body, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::Unified;

const BASE: &str = "/api/v1/reporter";

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            &format!("{BASE}/sessions/filter"),
            op("getSessionDataByFilter", post(sessions)),
        )
        .route(
            &format!("{BASE}/messages/filter"),
            op("getMessageDataByFilter", post(messages)),
        )
        .route(
            &format!("{BASE}/clients/filter"),
            op("getClientDataByFilter", post(clients)),
        )
        .route(
            &format!("{BASE}/clients/all-for-bot"),
            op("getAllClientDataForBot", post(clients_for_bot)),
        )
        .route(
            &format!("{BASE}/messages/by-session"),
            op("getMessagesForSession", get(by_session)),
        )
        .route(
            &format!("{BASE}/messages/by-client"),
            op("getMessagesForClient", get(by_client)),
        )
        .route(
            &format!("{BASE}/messages/page-in-session"),
            op("getMessagePageInSession", get(page_in_session)),
        )
        .route(
            &format!("{BASE}/messages/page-in-client"),
            op("getMessagePageInClient", get(page_in_client)),
        )
        .route(
            &format!("{BASE}/state-routes/filter"),
            op("getStateRoutesDataByFilter", post(state_routes)),
        )
        .route(
            &format!("{BASE}/projects/sessions/count"),
            op("countAllProjectsSessions", get(sessions_count)),
        )
        .route(
            &format!("{BASE}/stats/unique-clients"),
            op("getAllProjectsUniqueClients", get(unique_clients)),
        )
        .route(
            &format!("{BASE}/stats/messages/with-advanced-filters"),
            op("getMessageStats", post(message_stats)),
        )
        .route(
            &format!("{BASE}/stats/sessions/with-advanced-filters"),
            op("getSessionStats", post(session_stats)),
        )
        .route(
            &format!("{BASE}/stats/session-labels"),
            op("getSessionLabelStats", post(session_label_stats)),
        )
        .route(
            &format!("{BASE}/stats/log-labels"),
            op("getLogLabelStats", post(log_label_stats)),
        )
        .route(
            &format!("{BASE}/stats/switched-sessions"),
            op("getSwitchedSessionCountByDay", get(switched_sessions)),
        )
        .route(
            &format!("{BASE}/stats/telephony"),
            op("getTelephonyStats", get(telephony_stats)),
        )
        .route(
            &format!("{BASE}/filters"),
            op("getAvailableFilters", get(available_filters)),
        )
        .route(
            &format!("{BASE}/filter-options"),
            op("getFilterOptions", post(filter_options)),
        )
        .route(
            &format!("{BASE}/interval-filter-options"),
            op("getIntervalFilterOptions", post(interval_filter_options)),
        )
        .route(
            &format!("{BASE}/user-filter-sets/filterSetId"),
            op("createFilterSetId", post(create_filter_set)),
        )
        .route(
            &format!("{BASE}/user-filter-sets/{{id}}"),
            op("getUserFilterSet", get(get_filter_set)),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PageQuery {
    pub(crate) project_short_name: Option<String>,
    pub(crate) page: Option<usize>,
    pub(crate) size: Option<usize>,
    pub(crate) session_id: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) bot_id: Option<String>,
    pub(crate) question_id: Option<String>,
}

impl PageQuery {
    fn page(&self) -> (usize, usize) {
        (
            self.page.unwrap_or(0),
            self.size.unwrap_or(20).clamp(1, 10_000),
        )
    }
}

/// A `FiltersDto` body (no body: no filter) that follows the document's rules (a filter key
/// outside its enum, a filter without the fields its type requires are refused).
fn filters(body: Body) -> Result<Filter, Reply> {
    let v: Value = filters_dto(body)?;
    Ok(Filter::parse(&v))
}

/// Checked by the rules only, not read into the typed model: real requests send the bounds of
/// a `NUMERIC_RANGE` filter as strings where the document says number, and JAICP takes them.
fn filters_dto(body: Body) -> Result<Value, Reply> {
    use jaicp_reporter::models::FiltersDto;
    use jaicp_reporter::models::strict::Rules;
    body.ruled_or_default(FiltersDto::missing, FiltersDto::invalid)
}

/// A filtered Reporter listing: the unified-token check, the query, and the sessions the
/// filter body (and `projectShortName`) match, which every listing and statistic starts from.
struct Matching {
    state: EmulatorState,
    q: PageQuery,
    filter: Filter,
    list: Vec<Session>,
}

impl axum::extract::FromRequest<EmulatorState> for Matching {
    type Rejection = Reply;

    async fn from_request(
        req: axum::extract::Request,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let Authorized { state, .. } = Unified::from_request_parts(&mut parts, state).await?;
        let Query(q) = Query::<PageQuery>::from_request_parts(&mut parts, &state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let Ok(body) = Body::from_request(req, &state).await;
        let filter = filters(body)?;
        let all = state.reporter_sessions();
        let list = {
            let r = state.reporter();
            all.into_iter()
                .filter(|s| filter.session(&r, s, q.project_short_name.as_deref()))
                .collect()
        };
        Ok(Self {
            state,
            q,
            filter,
            list,
        })
    }
}

async fn sessions(m: Matching) -> Answer {
    let Matching { state, q, list, .. } = m;
    let (page, size) = q.page();
    let r = state.reporter();
    let items: Vec<Value> = list
        .iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(|s| r.session_json(s))
        .collect();
    Ok(Reply::ok(
        &json!({ "paging": paging(page, size, list.len()), "sessions": items }),
    ))
}

async fn messages(m: Matching) -> Answer {
    let Matching {
        state,
        q,
        filter: f,
        list,
        ..
    } = m;
    let (page, size) = q.page();
    let r = state.reporter();
    let all: Vec<(&Session, &super::Msg)> = list
        .iter()
        .flat_map(|s| {
            s.messages
                .iter()
                .filter(|m| f.message(m))
                .map(move |m| (s, m))
        })
        .collect();
    let items: Vec<Value> = all
        .iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(|(s, m)| r.message_json(s, m, true))
        .collect();
    Ok(Reply::ok(
        &json!({ "paging": paging(page, size, all.len()), "messages": items }),
    ))
}

/// One row per client: the client's latest session.
fn client_rows(state: &EmulatorState, list: &[Session]) -> Vec<Value> {
    let r = state.reporter();
    let mut first: std::collections::BTreeMap<&str, i64> = Default::default();
    let mut last: std::collections::BTreeMap<&str, &Session> = Default::default();
    for s in list {
        first.entry(&s.client_id).or_insert(s.start);
        last.insert(&s.client_id, s);
    }
    last.values()
        .map(|s| {
            r.client_json(
                s,
                first.get(s.client_id.as_str()).copied().unwrap_or(s.start),
            )
        })
        .collect()
}

fn page_of(rows: Vec<Value>, page: usize, size: usize) -> (Value, Vec<Value>) {
    let total = rows.len();
    (
        paging(page, size, total),
        rows.into_iter()
            .skip(page.saturating_mul(size))
            .take(size)
            .collect(),
    )
}

async fn clients(m: Matching) -> Answer {
    let Matching { state, q, list, .. } = m;
    let (page, size) = q.page();
    let (paging, clients) = page_of(client_rows(&state, &list), page, size);
    Ok(Reply::ok(&json!({ "paging": paging, "clients": clients })))
}

async fn clients_for_bot(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let list: Vec<Session> = state
        .reporter_sessions()
        .into_iter()
        .filter(|s| q.bot_id.as_ref().is_none_or(|b| *b == s.bot_id))
        .collect();
    let (page, size) = q.page();
    let (paging, clients) = page_of(client_rows(&state, &list), page, size);
    Ok(Reply::ok(&json!({ "paging": paging, "clients": clients })))
}

async fn by_session(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let Some(s) = state
        .reporter_sessions()
        .into_iter()
        .find(|s| Some(&s.id) == q.session_id.as_ref())
    else {
        return Err(not_found("session"));
    };
    let (page, size) = q.page();
    let r = state.reporter();
    let items: Vec<Value> = s
        .messages
        .iter()
        .skip(page.saturating_mul(size))
        .take(size)
        .map(|m| r.message_json(&s, m, false))
        .collect();
    Ok(Reply::ok(&json!({
        "paging": paging(page, size, s.messages.len()),
        "session": r.session_json(&s),
        "messages": items,
    })))
}

async fn by_client(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let list: Vec<Session> = state
        .reporter_sessions()
        .into_iter()
        .filter(|s| Some(&s.client_id) == q.client_id.as_ref())
        .collect();
    let Some(last) = list.last() else {
        return Err(not_found("client"));
    };
    let (page, size) = q.page();
    let r = state.reporter();
    let all: Vec<Value> = list
        .iter()
        .flat_map(|s| {
            s.messages
                .iter()
                .map(|m| r.message_json(s, m, false))
                .collect::<Vec<_>>()
        })
        .collect();
    let first = list.first().map_or(last.start, |s| s.start);
    let (paging, messages) = page_of(all, page, size);
    Ok(Reply::ok(
        &json!({ "paging": paging, "client": r.client_json(last, first), "messages": messages }),
    ))
}

fn page_number(index: Option<usize>, size: usize) -> Answer {
    let i = index.ok_or_else(|| not_found("message"))?;
    Ok(Reply::ok(&json!({ "pageNumber": i / size.max(1) })))
}

async fn page_in_session(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let index = state
        .reporter_sessions()
        .into_iter()
        .find(|s| Some(&s.id) == q.session_id.as_ref())
        .and_then(|s| {
            s.messages
                .iter()
                .position(|m| Some(&m.question_id) == q.question_id.as_ref())
        });
    page_number(index, q.page().1)
}

async fn page_in_client(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let index = state
        .reporter_sessions()
        .into_iter()
        .filter(|s| Some(&s.client_id) == q.client_id.as_ref())
        .flat_map(|s| s.messages)
        .position(|m| Some(&m.question_id) == q.question_id.as_ref());
    page_number(index, q.page().1)
}

async fn state_routes(m: Matching) -> Answer {
    let Matching { state, q, list, .. } = m;
    let (page, size) = q.page();
    let key = state.shared.config.spelling.pick("states", "stateRoutes");
    let routes: Vec<Value> = list
        .iter()
        .map(|s| {
            // The document requires `states` but declares `stateRoutes`; one of them, by the
            // configured spelling.
            let states: Vec<&str> = s.messages.iter().map(|_| "/Start").collect();
            json!({ key: states, "sessionsCount": 1 })
        })
        .collect();
    let (paging, routes) = page_of(routes, page, size);
    Ok(Reply::ok(&json!({ "paging": paging, "routes": routes })))
}

async fn sessions_count(Authorized { state, .. }: Unified) -> Answer {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for s in state.reporter_sessions() {
        *counts.entry(s.project).or_default() += 1;
    }
    let rows: Vec<Value> = counts
        .into_iter()
        .map(|(p, n)| json!({ "projectShortName": p, "amount": n }))
        .collect();
    Ok(Reply::ok(&rows))
}

async fn unique_clients(Authorized { state, .. }: Unified, Query(q): Query<PageQuery>) -> Answer {
    let mut clients: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for s in state.reporter_sessions() {
        if q.project_short_name
            .as_ref()
            .is_none_or(|p| *p == s.project)
        {
            clients.entry(s.project).or_default().insert(s.client_id);
        }
    }
    let rows: Vec<Value> = clients
        .into_iter()
        .map(|(p, c)| json!({ "projectShortName": p, "totalCount": c.len() }))
        .collect();
    Ok(Reply::ok(&rows))
}

/// Counts per day (UTC) of `times`.
fn per_day(times: impl Iterator<Item = i64>) -> (Vec<Value>, usize) {
    let mut days: std::collections::BTreeMap<i64, usize> = Default::default();
    let mut total = 0;
    for t in times {
        *days
            .entry(t.div_euclid(86_400_000) * 86_400_000)
            .or_default() += 1;
        total += 1;
    }
    (
        days.into_iter()
            .map(|(d, n)| json!({ "ts": d, "value": n }))
            .collect(),
        total,
    )
}

async fn message_stats(m: Matching) -> Answer {
    let Matching {
        filter: f, list, ..
    } = m;
    let (stats, total) = per_day(
        list.iter()
            .flat_map(|s| s.messages.iter().filter(|m| f.message(m)).map(|m| m.ts)),
    );
    Ok(Reply::ok(&json!({ "stats": stats, "totalCount": total })))
}

async fn session_stats(m: Matching) -> Answer {
    let Matching { list, .. } = m;
    let (stats, total) = per_day(list.iter().map(|s| s.start));
    Ok(Reply::ok(&json!({ "stats": stats, "totalCount": total })))
}

async fn session_label_stats(m: Matching) -> Answer {
    let Matching { state, list, .. } = m;
    let r = state.reporter();
    let targets = list.iter().map(|s| (s.id.as_str(), s.start));
    let stats = label_stats(&r.session_labels, &r.session_links, targets, |l| {
        super::ReporterState::session_label_json(l)
    });
    Ok(Reply::ok(&json!({ "stats": stats })))
}

async fn log_label_stats(m: Matching) -> Answer {
    let Matching { state, list, .. } = m;
    let r = state.reporter();
    let targets = list
        .iter()
        .flat_map(|s| &s.messages)
        .map(|m| (m.question_id.as_str(), m.ts));
    let stats = label_stats(&r.message_labels, &r.message_links, targets, |l| {
        r.message_label_json(l)
    });
    Ok(Reply::ok(&json!({ "stats": stats })))
}

/// Per label, how many of the `targets` (id, time) carry it, per day.
fn label_stats<'a>(
    labels: &BTreeMap<i64, super::Label>,
    links: &HashMap<String, BTreeSet<i64>>,
    targets: impl Iterator<Item = (&'a str, i64)> + Clone,
    json: impl Fn(&super::Label) -> Value,
) -> Vec<Value> {
    labels
        .values()
        .map(|l| {
            let (ts, n) = per_day(
                targets
                    .clone()
                    .filter(|(id, _)| links.get(*id).is_some_and(|ls| ls.contains(&l.id)))
                    .map(|(_, t)| t),
            );
            json!({ "label": json(l), "tsToValues": ts, "totalCount": n })
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RangeQuery {
    date_from: Option<String>,
    date_to: Option<String>,
}

fn range(q: &RangeQuery) -> (Option<i64>, Option<i64>) {
    let t = |s: &Option<String>| {
        s.as_deref().and_then(|s| {
            s.parse::<jiff::Timestamp>()
                .ok()
                .map(|t| t.as_millisecond())
                .or_else(|| {
                    format!("{s}T00:00:00Z")
                        .parse::<jiff::Timestamp>()
                        .ok()
                        .map(|t| t.as_millisecond())
                })
                .or_else(|| s.parse().ok())
        })
    };
    (t(&q.date_from), t(&q.date_to))
}

async fn switched_sessions(_: Unified, Query(q): Query<RangeQuery>) -> Answer {
    let _ = range(&q);
    // No session of the emulator is transferred to an agent.
    Ok(Reply::ok(&json!({ "stats": [], "totalCount": 0 })))
}

async fn telephony_stats(Authorized { state, .. }: Unified, Query(q): Query<RangeQuery>) -> Answer {
    let (from, to) = range(&q);
    let calls: Vec<Session> = state
        .reporter_sessions()
        .into_iter()
        .filter(|s| s.call_task_id.is_some())
        .filter(|s| from.is_none_or(|f| s.start >= f) && to.is_none_or(|t| s.start <= t))
        .collect();
    let (outgoing, n) = per_day(calls.iter().map(|s| s.start));
    let avg = if n == 0 {
        0.0
    } else {
        calls
            .iter()
            .map(|s| (s.end - s.start) as f64 / 1000.0)
            .sum::<f64>()
            / n as f64
    };
    Ok(Reply::ok(&json!({
        "averageCallDurationInSeconds": avg,
        "billingCount": outgoing.clone(),
        "incomingCount": [],
        "outgoingCount": outgoing,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterQuery {
    filter_key: Option<String>,
    analytics_section: Option<String>,
}

async fn available_filters(_: Unified, Query(q): Query<FilterQuery>) -> Answer {
    if q.analytics_section.is_none() {
        return Err(bad_request("`analyticsSection` is required"));
    }
    let f = |key: &str, ty: &str, label: &str| json!({ "key": key, "type": ty, "label": label, "isDefault": key == "MESSAGE_TIME", "isRequired": false });
    Ok(Reply::ok(&json!([
        f("MESSAGE_TIME", "DATE_TIME_RANGE", "Message time"),
        f("SESSION_START_TIME", "DATE_TIME_RANGE", "Session start"),
        f("MESSAGE_COUNT", "NUMERIC_RANGE", "Messages in the session"),
        f("CHANNEL_TYPE", "CHECKBOX", "Channel type"),
        f("BOT_ID", "CHECKBOX", "Channel"),
        f("SESSION_LABELS", "CHECKBOX", "Session labels"),
        f("WITHOUT_EMPTY_SESSIONS", "RADIO", "Hide empty sessions"),
    ])))
}

async fn filter_options(
    Authorized { state, .. }: Unified,
    Query(q): Query<FilterQuery>,
    body: Body,
) -> Answer {
    filters(body)?;
    let sessions = state.reporter_sessions();
    let values: std::collections::BTreeSet<String> = match q.filter_key.as_deref() {
        Some("CHANNEL_TYPE") => sessions.iter().map(|s| s.channel_type.clone()).collect(),
        Some("BOT_ID") => sessions.iter().map(|s| s.bot_id.clone()).collect(),
        Some("SESSION_LABELS") => state
            .reporter()
            .session_labels
            .keys()
            .map(ToString::to_string)
            .collect(),
        _ => ["YES", "NO", "NOT_IMPORTANT"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    };
    let rows: Vec<Value> = values
        .into_iter()
        .map(|v| json!({ "value": v, "label": v, "isSelected": false }))
        .collect();
    Ok(Reply::ok(&rows))
}

async fn interval_filter_options(Authorized { state, .. }: Unified, body: Body) -> Answer {
    filters(body)?;
    let counts: Vec<usize> = state
        .reporter_sessions()
        .iter()
        .map(|s| s.messages.len())
        .collect();
    Ok(Reply::ok(&json!({
        "minValue": counts.iter().min().copied().unwrap_or(0) as f64,
        "maxValue": counts.iter().max().copied().unwrap_or(0) as f64,
    })))
}

async fn create_filter_set(Authorized { state, .. }: Unified, body: Body) -> Answer {
    let v: Value = filters_dto(body)?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    state.reporter().filter_sets.insert(id.clone(), v);
    Ok(Reply::ok(&id))
}

async fn get_filter_set(
    Authorized { state, .. }: Unified,
    PathParams(id): PathParams<String>,
) -> Answer {
    match state.reporter().filter_sets.get(&id) {
        Some(v) => Ok(Reply::ok(&json!({
            "filterSetId": id,
            "filters": v.get("filters").cloned().unwrap_or_else(|| json!([])),
        }))),
        None => Err(not_found("filter set")),
    }
}
