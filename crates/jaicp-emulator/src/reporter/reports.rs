//! Report files: async generation tasks that finish through the async events endpoint, and the
//! files themselves, generated on the fly as CSV (streamed, so a report of any size keeps the
//! emulator's memory flat). `POST /_emulator/reporter/next-report-size {"bytes": N}` makes the
//! next report exactly N bytes of synthetic rows (for streaming tests and benchmarks).

use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Filter, Session};
use crate::authorize::Authorized;
use crate::clock::Millis;
use crate::errors::{bad_request, not_found};
use jaicp_reporter::models::CreateReportDto;
use jaicp_reporter::models::strict::Rules;

use crate::extract::{Body as RequestBody, PathParams, Query};
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;
use crate::unified::{Unified, iso};

/// How long a report takes to generate (real time).
const GENERATION_TIME: Duration = Duration::from_millis(200);

/// Size of the chunks a report file is streamed in.
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Task {
    id: String,
    #[serde(with = "crate::persist::serde_helpers::interned")]
    report_type: crate::persist::serde_helpers::Code,
    created_ms: Millis,
    #[serde(with = "crate::persist::serde_helpers::instant")]
    ready_at: Instant,
    project: Option<String>,
    settings: Value,
    filters: Value,
    /// A synthetic report of exactly this many bytes.
    sized: Option<u64>,
    rows: u64,
}

/// Report tasks of the account.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Reports {
    tasks: Vec<Task>,
    next_size: Option<u64>,
}

impl Task {
    /// XLSX when asked for (synthetic sized reports are always CSV).
    fn xlsx(&self) -> bool {
        self.sized.is_none()
            && self.settings.get("fileType").and_then(Value::as_str) == Some("XLSX")
    }

    fn file_name(&self) -> String {
        let ext = if self.xlsx() { "xlsx" } else { "csv" };
        format!("{}-{}.{ext}", self.report_type.to_lowercase(), self.id)
    }

    fn json(&self) -> Value {
        let done = Instant::now() >= self.ready_at;
        let mut v = json!({
            "taskId": self.id,
            "accountId": 1,
            "creationTime": iso(self.created_ms),
            "status": if done { "COMPLETED" } else { "STARTED" },
            "reportType": self.report_type,
            "settings": self.settings,
            "writeCount": if done { self.rows } else { 0 },
            "totalCount": self.rows,
        });
        if let Some(p) = &self.project {
            v["projectShortName"] = json!(p);
        }
        if done {
            v["fileUrl"] = json!(format!("/_emulator/reporter/files/{}", self.id));
            v["fileName"] = json!(self.file_name());
        }
        v
    }
}

pub(crate) fn routes() -> Router<EmulatorState> {
    const ASYNC: &str = "/api/v1/async/reporter/reports";
    Router::new()
        .route(
            &format!("{ASYNC}/sessions"),
            op("createSessionReport", post(start_sessions)),
        )
        .route(
            &format!("{ASYNC}/messages"),
            op("createMessageReport", post(start_messages)),
        )
        .route(
            &format!("{ASYNC}/clients"),
            op("createClientReport", post(start_clients)),
        )
        .route(
            &format!("{ASYNC}/telephony"),
            op("createTelephonyReport", post(start_telephony)),
        )
        .route(
            &format!("{ASYNC}/daily"),
            op("createDailyReport", post(start_daily)),
        )
        .route(
            &format!("{ASYNC}/client-list"),
            op("createClientListReport", post(start_client_list)),
        )
        .route(
            &format!("{ASYNC}/message-reaction"),
            op("createMessageReactionReport", post(start_reaction)),
        )
        .route(
            "/api/v1/reporter/reports",
            op("getNotDeletedReportGenerationTasks", get(list)).merge(op(
                "deleteCompletedReportGenerationTasks",
                axum::routing::delete(delete_completed),
            )),
        )
        .route(
            "/api/v1/reporter/reports/all",
            op(
                "deleteAllReportGenerationTasks",
                axum::routing::delete(delete_all),
            ),
        )
        .route(
            "/api/v1/reporter/reports/tasks/{id}",
            op("getReportGenerationTask", get(get_task)).merge(op(
                "deleteReportGenerationTask",
                axum::routing::delete(delete_task),
            )),
        )
        .route("/_emulator/reporter/files/{id}", get(file))
        .route("/_emulator/reporter/next-report-size", post(next_size))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartQuery {
    project_short_name: Option<String>,
}

impl EmulatorState {
    /// Makes the next report file exactly `bytes` long (synthetic rows), whatever its filters.
    pub fn set_next_report_size(&self, bytes: u64) {
        self.reporter().reports.next_size = Some(bytes);
    }

    fn start_report(
        &self,
        report_type: &'static str,
        project: Option<String>,
        body: &Value,
    ) -> (String, Millis) {
        let now = self.now_ms();
        let filters = body.get("filters").cloned().unwrap_or_else(|| json!([]));
        let mut settings = body
            .get("settings")
            .filter(|s| !s.is_null())
            .cloned()
            .unwrap_or_else(|| json!({ "fileType": "CSV" }));
        // `null` means "not given": the task list never echoes one where a value belongs.
        crate::extract::drop_nulls(&mut settings);
        let rows = {
            let sessions = self.reporter_sessions();
            let r = self.reporter();
            let f = Filter::parse(&json!({ "filters": filters }));
            let kept = sessions
                .iter()
                .filter(|s| f.session(&r, s, project.as_deref()));
            match report_type {
                "MESSAGES" => kept.map(|s| s.messages.len() as u64).sum(),
                _ => kept.count() as u64,
            }
        };
        let request_id = uuid::Uuid::new_v4().to_string();
        let mut r = self.reporter();
        let sized = r.reports.next_size.take();
        let task = Task {
            id: uuid::Uuid::new_v4().simple().to_string(),
            report_type,
            created_ms: now,
            ready_at: Instant::now() + GENERATION_TIME,
            project,
            settings,
            filters,
            sized,
            rows,
        };
        let mut payload = task.json();
        // The event is read after the task is ready: describe the finished task.
        payload["status"] = json!("COMPLETED");
        payload["writeCount"] = json!(task.rows);
        payload["fileUrl"] = json!(format!("/_emulator/reporter/files/{}", task.id));
        payload["fileName"] = json!(task.file_name());
        r.reports.tasks.push(task);
        drop(r);
        self.events()
            .push(request_id.clone(), now, GENERATION_TIME, Ok(payload));
        (request_id, now)
    }
}

fn started(id: String, at: Millis) -> Reply {
    Reply::ok(&json!({ "requestId": id, "requestTime": iso(at) }))
}

async fn start_generic(
    state: EmulatorState,
    q: StartQuery,
    body: RequestBody,
    kind: &'static str,
    required: bool,
) -> Answer {
    let body: Value = if required {
        body.checked::<CreateReportDto, _>(CreateReportDto::missing, CreateReportDto::invalid)?
    } else {
        body.checked_or_default::<CreateReportDto, _>(
            CreateReportDto::missing,
            CreateReportDto::invalid,
        )?
    };
    let (id, at) = state.start_report(kind, q.project_short_name, &body);
    Ok(started(id, at))
}

async fn start_sessions(
    Authorized { state: s, .. }: Unified,
    Query(q): Query<StartQuery>,
    b: RequestBody,
) -> Answer {
    start_generic(s, q, b, "SESSIONS", false).await
}

async fn start_messages(
    Authorized { state: s, .. }: Unified,
    Query(q): Query<StartQuery>,
    b: RequestBody,
) -> Answer {
    start_generic(s, q, b, "MESSAGES", false).await
}

async fn start_clients(
    Authorized { state: s, .. }: Unified,
    Query(q): Query<StartQuery>,
    b: RequestBody,
) -> Answer {
    start_generic(s, q, b, "CLIENTS", false).await
}

async fn start_telephony(
    Authorized { state: s, .. }: Unified,
    Query(q): Query<StartQuery>,
) -> Answer {
    let (id, at) = s.start_report("TELEPHONY", q.project_short_name, &json!({}));
    Ok(started(id, at))
}

async fn start_daily(Authorized { state: s, .. }: Unified, b: RequestBody) -> Answer {
    // Checked against the document's model: what is stored is echoed by the report list.
    let body: Value = b.checked::<jaicp_reporter::models::CreateDailyReportDto, _>(
        jaicp_reporter::models::CreateDailyReportDto::missing,
        jaicp_reporter::models::CreateDailyReportDto::invalid,
    )?;
    if body.get("date").and_then(Value::as_str).is_none() {
        return Err(bad_request("`date` is required"));
    }
    let (id, at) = s.start_report("DAILY", None, &body);
    Ok(started(id, at))
}

async fn start_reaction(Authorized { state: s, .. }: Unified, b: RequestBody) -> Answer {
    let body: Value = b.checked::<jaicp_reporter::models::CreateMessageReactionReportDto, _>(
        jaicp_reporter::models::CreateMessageReactionReportDto::missing,
        jaicp_reporter::models::CreateMessageReactionReportDto::invalid,
    )?;
    let project = body
        .get("projectShortName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if project.is_none() || body.get("botId").and_then(Value::as_str).is_none() {
        return Err(bad_request("`projectShortName` and `botId` are required"));
    }
    let (id, at) = s.start_report("MESSAGES", project, &body);
    Ok(started(id, at))
}

/// The client-list report answers with headers only (`Z-Request-id`, `Z-Request-time`).
async fn start_client_list(
    Authorized { state: s, .. }: Unified,
    Query(q): Query<StartQuery>,
    b: RequestBody,
) -> Answer {
    let body: Value = b.checked::<jaicp_reporter::models::CreateReportDto, _>(
        jaicp_reporter::models::CreateReportDto::missing,
        jaicp_reporter::models::CreateReportDto::invalid,
    )?;
    let (id, at) = s.start_report("CLIENTS_LIST", q.project_short_name, &body);
    Ok(Reply::empty(StatusCode::OK)
        .with_header("Z-Request-id", id)
        .with_header("Z-Request-time", iso(at)))
}

async fn list(Authorized { state: s, .. }: Unified) -> Answer {
    let tasks: Vec<Value> = s.reporter().reports.tasks.iter().map(Task::json).collect();
    Ok(Reply::ok(&json!({ "tasks": tasks })))
}

async fn delete_completed(Authorized { state: s, .. }: Unified) -> Answer {
    let now = Instant::now();
    s.reporter().reports.tasks.retain(|t| t.ready_at > now);
    Ok(Reply::empty(StatusCode::OK))
}

async fn delete_all(Authorized { state: s, .. }: Unified) -> Answer {
    s.reporter().reports.tasks.clear();
    Ok(Reply::empty(StatusCode::OK))
}

async fn get_task(
    Authorized { state: s, .. }: Unified,
    PathParams(id): PathParams<String>,
) -> Answer {
    match s.reporter().reports.tasks.iter().find(|t| t.id == id) {
        Some(t) => Ok(Reply::ok(&t.json())),
        None => Err(not_found("report generation task")),
    }
}

async fn delete_task(
    Authorized { state: s, .. }: Unified,
    PathParams(id): PathParams<String>,
) -> Answer {
    let mut r = s.reporter();
    let before = r.reports.tasks.len();
    r.reports.tasks.retain(|t| t.id != id);
    if r.reports.tasks.len() == before {
        return Err(not_found("report generation task"));
    }
    Ok(Reply::empty(StatusCode::OK))
}

#[derive(Debug, Deserialize)]
struct NextSize {
    bytes: u64,
}

async fn next_size(State(s): State<EmulatorState>, b: RequestBody) -> Answer {
    let n: NextSize = b.json()?;
    s.set_next_report_size(n.bytes);
    Ok(Reply::ok(&json!({ "nextReportBytes": n.bytes })))
}

/// CSV escaping of one field.
fn field(s: &str, delimiter: char) -> String {
    if s.contains(delimiter) || s.contains('"') || s.contains('\n') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The report as rows of cells (the header first when asked for).
fn table(task: &Task, sessions: &[Session]) -> Vec<Vec<String>> {
    let header = task
        .settings
        .get("withHeader")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let mut rows = Vec::new();
    if task.report_type == "MESSAGES" {
        if header {
            rows.push(
                ["sessionId", "questionId", "timestamp", "question", "answer"]
                    .map(String::from)
                    .to_vec(),
            );
        }
        for s in sessions {
            for m in &s.messages {
                rows.push(vec![
                    s.id.clone(),
                    m.question_id.clone(),
                    iso(m.ts),
                    m.question.clone(),
                    m.answer.clone(),
                ]);
            }
        }
    } else {
        if header {
            rows.push(
                [
                    "sessionId",
                    "startTime",
                    "channelType",
                    "botId",
                    "clientId",
                    "messages",
                ]
                .map(String::from)
                .to_vec(),
            );
        }
        for s in sessions {
            rows.push(vec![
                s.id.clone(),
                iso(s.start),
                s.channel_type.clone(),
                s.bot_id.clone(),
                s.client_id.clone(),
                s.messages.len().to_string(),
            ]);
        }
    }
    rows
}

fn csv(task: &Task, rows: &[Vec<String>]) -> Vec<u8> {
    let delimiter = task
        .settings
        .get("delimiter")
        .and_then(Value::as_str)
        .and_then(|d| d.chars().next())
        .unwrap_or(',');
    let d = delimiter.to_string();
    let mut out = String::new();
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|c| field(c, delimiter))
                .collect::<Vec<_>>()
                .join(&d),
        );
        out.push('\n');
    }
    out.into_bytes()
}

/// A synthetic CSV of exactly `total` bytes, produced chunk by chunk.
fn sized_body(total: u64) -> Body {
    const HEADER: &str = "row,sessionId,channelType,text\n";
    let stream = futures_util::stream::unfold((0u64, 0u64), move |(sent, row)| async move {
        if sent >= total {
            return None;
        }
        let mut chunk = String::with_capacity(CHUNK + 128);
        let mut row = row;
        if sent == 0 {
            chunk.push_str(HEADER);
        }
        while (chunk.len() as u64) < CHUNK as u64 && sent + (chunk.len() as u64) < total {
            chunk.push_str(&format!(
                "{row:012},session-{:08},CHAT_API,synthetic report row for streaming tests\n",
                row % 100_000_000
            ));
            row += 1;
        }
        let left = usize::try_from(total - sent).unwrap_or(usize::MAX);
        chunk.truncate(chunk.len().min(left));
        let n = chunk.len() as u64;
        Some((
            Ok::<Bytes, std::io::Error>(Bytes::from(chunk)),
            (sent + n, row),
        ))
    });
    Body::from_stream(stream)
}

async fn file(State(s): State<EmulatorState>, PathParams(id): PathParams<String>) -> Response {
    let task = s
        .reporter()
        .reports
        .tasks
        .iter()
        .find(|t| t.id == id)
        .cloned();
    let Some(task) = task else {
        return not_found("report file").into_response();
    };
    if Instant::now() < task.ready_at {
        return not_found("report file (not generated yet)").into_response();
    }
    let (body, len) = match task.sized {
        Some(n) => (sized_body(n), n),
        None => {
            let sessions = s.reporter_sessions();
            let r = s.reporter();
            let f = Filter::parse(&json!({ "filters": task.filters }));
            let kept: Vec<Session> = sessions
                .into_iter()
                .filter(|x| f.session(&r, x, task.project.as_deref()))
                .collect();
            drop(r);
            let rows = table(&task, &kept);
            let bytes = if task.xlsx() {
                super::xlsx::workbook(&rows)
            } else {
                csv(&task, &rows)
            };
            let len = bytes.len() as u64;
            (Body::from(bytes), len)
        }
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", task.file_name()))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
