//! Report files: start → wait (async events) → download as a stream.
//!
//! Every report start builder gets `.start()` (the task, without waiting) and `.wait()` (start
//! and wait until the file is ready), so `reporter.create_session_report().body(..).wait().await`
//! reads like one call. The file is then written to any `AsyncWrite` chunk by chunk
//! ([`Reporter::download_report`]), with progress and a size cap; memory stays flat.
//!
//! Unconfirmed facts, tolerated: the finished event's `payload` is assumed to describe the task
//! (`fileUrl`, `fileName`, `taskId`); when it has no `fileUrl` but a `taskId`, the task is read
//! with `getReportGenerationTask`. A `fileUrl` on the configured host is fetched with the token;
//! one on another host is treated as pre-signed and fetched without it (the token never leaves
//! the configured host).

use std::path::Path;

use jaicp_core::async_task::request_id_of;
use jaicp_core::async_task::{AsyncTask, TaskOptions, TaskOutcome};
use jaicp_core::auth::Auth;
use jaicp_core::download::DownloadOptions;
use jaicp_core::error::OpName;
use jaicp_core::{Client, Error, Host, Result};
use tokio::io::AsyncWrite;

use crate::Reporter;
use crate::models::ReportGenerationTaskDto;
use crate::operations::{
    CREATE_CLIENT_LIST_REPORT, CREATE_CLIENT_REPORT, CREATE_DAILY_REPORT,
    CREATE_MESSAGE_REACTION_REPORT, CREATE_MESSAGE_REPORT, CREATE_SESSION_REPORT,
    CREATE_TELEPHONY_REPORT, CreateClientListReportRequest, CreateClientReportRequest,
    CreateDailyReportRequest, CreateMessageReactionReportRequest, CreateMessageReportRequest,
    CreateSessionReportRequest, CreateTelephonyReportRequest,
};

const DOWNLOAD: OpName = OpName {
    api: "reporter",
    operation: "downloadReport",
};

/// A generated report file, ready to download.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReportFile {
    /// The task's request id.
    pub request_id: String,
    /// The generation task id, when known.
    pub task_id: Option<String>,
    /// Where the file is (host-relative or absolute).
    pub file_url: String,
    /// The file name, when known.
    pub file_name: Option<String>,
    /// Rows written, when known.
    pub rows: Option<i64>,
}

fn file_from_task(request_id: String, task: &ReportGenerationTaskDto) -> Option<ReportFile> {
    Some(ReportFile {
        request_id,
        task_id: task.task_id.clone(),
        file_url: task.file_url.clone().filter(|u| !u.is_empty())?,
        file_name: task.file_name.clone(),
        rows: task.write_count,
    })
}

impl Reporter {
    /// Turns a finished report task into a downloadable file.
    pub async fn report_file(&self, op: OpName, done: TaskOutcome) -> Result<ReportFile> {
        let task: ReportGenerationTaskDto = done.payload_as(op).unwrap_or_default();
        if let Some(file) = file_from_task(done.request_id.clone(), &task) {
            return Ok(file);
        }
        if let Some(task_id) = &task.task_id {
            let task = self
                .get_report_generation_task(task_id.clone())
                .send()
                .await?;
            if let Some(file) = file_from_task(done.request_id.clone(), &task) {
                return Ok(file);
            }
        }
        Err(Error::Decode {
            op,
            path: "payload.fileUrl".into(),
            message: "the finished report names no file".into(),
            snippet: None,
        })
    }

    /// Streams a report file to `writer` (a file, a socket, a hasher...), chunk by chunk, with
    /// the progress callback and size cap of `options`. Returns the bytes written.
    pub async fn download_report<W: AsyncWrite + Unpin>(
        &self,
        file: &ReportFile,
        writer: &mut W,
        options: DownloadOptions<'_>,
    ) -> Result<u64> {
        let response = match self.same_host_path(&file.file_url)? {
            Some(path) => {
                self.context()
                    .raw(http_get(), path)
                    .send_streaming()
                    .await?
            }
            None => {
                // Another host: a pre-signed link. Fetch it without the token.
                let client = Client::builder()
                    .host(Host::custom(&file.file_url)?)
                    .build()?;
                let url = url_parts(&file.file_url)?;
                client
                    .api(Auth::none())
                    .raw(http_get(), url)
                    .send_streaming()
                    .await?
            }
        };
        response
            .write_to(writer, options)
            .await
            .map_err(|e| match e {
                Error::Io { message, .. } => Error::Io {
                    op: DOWNLOAD,
                    message,
                },
                other => other,
            })
    }

    /// Downloads a report file to `path` (created or truncated).
    pub async fn download_report_to_file(
        &self,
        file: &ReportFile,
        path: &Path,
        options: DownloadOptions<'_>,
    ) -> Result<u64> {
        let mut out = tokio::fs::File::create(path).await.map_err(|e| Error::Io {
            op: DOWNLOAD,
            message: format!("cannot create {}: {e}", path.display()),
        })?;
        self.download_report(file, &mut out, options).await
    }

    /// The path (with query) of `url` when it is host-relative or on the configured host.
    fn same_host_path(&self, url: &str) -> Result<Option<String>> {
        if url.starts_with('/') && !url.starts_with("//") {
            return Ok(Some(url.to_owned()));
        }
        let parsed = url::Url::parse(url)
            .map_err(|_| Error::invalid("fileUrl", "not a URL nor a host-relative path"))?;
        let base = self.context().client().host().base_url();
        if parsed.origin() == base.origin() {
            return Ok(Some(url_parts(url)?));
        }
        Ok(None)
    }
}

fn http_get() -> jaicp_core::export::Method {
    jaicp_core::export::Method::GET
}

/// Path and query of an absolute URL.
fn url_parts(url: &str) -> Result<String> {
    let parsed = url::Url::parse(url).map_err(|_| Error::invalid("fileUrl", "not a URL"))?;
    let mut out = parsed.path().to_owned();
    if let Some(q) = parsed.query() {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

macro_rules! report_start {
    ($builder:ident, $spec:ident, body) => {
        impl $builder {
            /// Starts generating the report; returns the task without waiting.
            pub async fn start(self) -> Result<AsyncTask> {
                let ctx = self.context().clone();
                let started = self.send().await?;
                let id = started.request_id.filter(|i| !i.is_empty()).ok_or_else(|| Error::Decode {
                    op: $spec.name(),
                    path: "requestId".into(),
                    message: "the start call returned no request id".into(),
                    snippet: None,
                })?;
                Ok(AsyncTask::new(ctx, $spec.name(), id))
            }
            report_start!(@wait $spec);
        }
    };
    ($builder:ident, $spec:ident, headers) => {
        impl $builder {
            /// Starts generating the report; returns the task without waiting.
            pub async fn start(self) -> Result<AsyncTask> {
                let ctx = self.context().clone();
                let response = self.send().await?;
                let id = request_id_of($spec.name(), &response)?;
                Ok(AsyncTask::new(ctx, $spec.name(), id))
            }
            report_start!(@wait $spec);
        }
    };
    (@wait $spec:ident) => {
        /// Starts the report and waits until its file is ready (default [`TaskOptions`]).
        pub async fn wait(self) -> Result<ReportFile> {
            self.wait_with(TaskOptions::default()).await
        }

        /// Like `wait`, with explicit polling options.
        pub async fn wait_with(self, options: TaskOptions) -> Result<ReportFile> {
            let reporter = Reporter::from_context(self.context().clone());
            let task = self.start().await?;
            let op = $spec.name();
            let done = task.options(options).wait().await?;
            reporter.report_file(op, done).await
        }
    };
}

report_start!(CreateSessionReportRequest, CREATE_SESSION_REPORT, body);
report_start!(CreateMessageReportRequest, CREATE_MESSAGE_REPORT, body);
report_start!(CreateClientReportRequest, CREATE_CLIENT_REPORT, body);
report_start!(CreateTelephonyReportRequest, CREATE_TELEPHONY_REPORT, body);
report_start!(CreateDailyReportRequest, CREATE_DAILY_REPORT, body);
report_start!(
    CreateMessageReactionReportRequest,
    CREATE_MESSAGE_REACTION_REPORT,
    body
);
report_start!(
    CreateClientListReportRequest,
    CREATE_CLIENT_LIST_REPORT,
    headers
);
