//! Report streams over the date-paginated listings, and campaign control shortcuts.

use std::future::Future;

use futures_util::Stream;
use jaicp_core::Result;
use jaicp_core::pagination::{Page, PageLimits, page_stream};

use crate::Calls;
use crate::models::{
    CallAttemptDates, CallAttemptDatesWithPagination, CallAttemptReport, CallJobDates,
    CallJobDatesWithPagination, CallJobReport, PaginationRequest,
};
use crate::windows::split_stream;

/// Largest page the report listings serve.
pub const MAX_PAGE_SIZE: u32 = 200;
/// Highest page number the report listings serve: at most 40,000 rows per filter window.
pub const LAST_PAGE: u32 = 199;

fn limits() -> PageLimits {
    PageLimits {
        first_page: 0,
        page_size: MAX_PAGE_SIZE,
        last_page: Some(LAST_PAGE),
    }
}

fn pagination(page: u32) -> PaginationRequest {
    PaginationRequest {
        page: Some(page.into()),
        page_size: Some(MAX_PAGE_SIZE.into()),
    }
}

/// A lazy stream over a page-numbered Calls listing: `fetch` sends the request for one page.
fn paged<T, F, Fut>(fetch: F) -> impl Stream<Item = Result<T>> + Send
where
    T: serde::Serialize + Send,
    F: FnMut(PaginationRequest) -> Fut + Send,
    Fut: Future<Output = Result<Vec<T>>> + Send,
{
    let mut fetch = fetch;
    page_stream(limits(), move |page| {
        let request = fetch(pagination(page));
        async move {
            request.await.map(|items| Page {
                items,
                has_more: None,
            })
        }
    })
}

impl Calls {
    /// Every call job report matching `filter`, fetched lazily page by page (200 rows a page).
    /// The API serves at most 40,000 rows per query; when a window holds more, the stream splits
    /// the time window in two and lists both halves, so nothing is lost and nothing repeats.
    pub fn call_job_reports(
        &self,
        filter: CallJobDates,
    ) -> impl Stream<Item = Result<CallJobReport>> + Send + use<> {
        let calls = self.clone();
        split_stream(filter, move |window, page| {
            let body = CallJobDatesWithPagination {
                filter: Some(window),
                pagination: Some(pagination(page)),
            };
            let request = calls.call_job_report_by_date(body);
            async move { request.send().await.map(|p| p.items) }
        })
    }

    /// Every call attempt report matching `filter`, lazily (see [`Calls::call_job_reports`]).
    pub fn call_attempt_reports(
        &self,
        filter: CallAttemptDates,
    ) -> impl Stream<Item = Result<CallAttemptReport>> + Send + use<> {
        let calls = self.clone();
        split_stream(filter, move |window, page| {
            let body = CallAttemptDatesWithPagination {
                filter: Some(window),
                pagination: Some(pagination(page)),
            };
            let request = calls.call_attempt_report_by_date(body);
            async move { request.send().await.map(|p| p.items) }
        })
    }

    /// Every call job that has not finished yet, lazily.
    pub fn unfinished_jobs(&self) -> impl Stream<Item = Result<CallJobReport>> + Send + use<> {
        let calls = self.clone();
        paged(move |pagination| {
            let request = calls.unfinished_call_jobs(pagination);
            async move { request.send().await.map(|p| p.items) }
        })
    }
}
