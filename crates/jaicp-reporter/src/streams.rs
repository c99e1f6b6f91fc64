//! Lazy streams over every paginated listing: sessions, messages and clients matching filters,
//! and the messages of one session. Pages are fetched one at a time as the stream is read.

use futures_util::{Stream, StreamExt};
use jaicp_core::Result;
use jaicp_core::pagination::{Page, PageLimits, page_stream};

use crate::Reporter;
use crate::filters::Filters;
use crate::ids::SessionId;
use crate::models::{ClientExtendedInfo, ExtendedMessage, Message, Pagination, SessionInfo};

/// Default page size of the streams.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Options of a listing stream.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Listing {
    /// The project (short name); `None` for every project the token sees.
    pub project: Option<String>,
    /// Items per page.
    pub page_size: u32,
}

impl Default for Listing {
    fn default() -> Self {
        Listing {
            project: None,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl Listing {
    /// Items of one project.
    pub fn project(mut self, short_name: impl Into<String>) -> Self {
        self.project = Some(short_name.into());
        self
    }

    /// Items per page (at least 1).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }
}

fn limits(size: u32) -> PageLimits {
    PageLimits {
        first_page: 0,
        page_size: size,
        last_page: None,
    }
}

/// Whether pages follow, from the paging totals (a short page ends the listing otherwise).
fn has_more(paging: Option<&Pagination>, page: u32, size: u32) -> Option<bool> {
    let total = paging?.total_count?;
    Some((i64::from(page) + 1) * i64::from(size) < total)
}

fn page_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

impl Reporter {
    /// Every session matching `filters`, lazily. Bad filters end the stream with
    /// [`jaicp_core::Error::InvalidInput`] before anything is sent.
    pub fn session_stream(
        &self,
        filters: Filters,
        listing: Listing,
    ) -> impl Stream<Item = Result<SessionInfo>> + Send + use<> {
        let reporter = self.clone();
        let size = listing.page_size.max(1);
        page_stream(limits(size), move |page| {
            let request = filters.to_dto().map(|body| {
                let mut r = reporter
                    .sessions_page()
                    .body(body)
                    .page(page_i32(page))
                    .size(page_i32(size));
                if let Some(p) = &listing.project {
                    r = r.project_short_name(p.clone());
                }
                r
            });
            async move {
                let data = request?.send().await?;
                Ok(Page {
                    has_more: has_more(data.paging.as_ref(), page, size),
                    items: data.sessions,
                })
            }
        })
        .boxed()
    }

    /// Every message matching `filters`, lazily.
    pub fn message_stream(
        &self,
        filters: Filters,
        listing: Listing,
    ) -> impl Stream<Item = Result<ExtendedMessage>> + Send + use<> {
        let reporter = self.clone();
        let size = listing.page_size.max(1);
        page_stream(limits(size), move |page| {
            let request = filters.to_dto().map(|body| {
                let mut r = reporter
                    .messages_page()
                    .body(body)
                    .page(page_i32(page))
                    .size(page_i32(size));
                if let Some(p) = &listing.project {
                    r = r.project_short_name(p.clone());
                }
                r
            });
            async move {
                let data = request?.send().await?;
                Ok(Page {
                    has_more: has_more(data.paging.as_ref(), page, size),
                    items: data.messages,
                })
            }
        })
        .boxed()
    }

    /// Every client matching `filters`, lazily.
    pub fn client_stream(
        &self,
        filters: Filters,
        listing: Listing,
    ) -> impl Stream<Item = Result<ClientExtendedInfo>> + Send + use<> {
        let reporter = self.clone();
        let size = listing.page_size.max(1);
        page_stream(limits(size), move |page| {
            let request = filters.to_dto().map(|body| {
                let mut r = reporter
                    .clients_page()
                    .body(body)
                    .page(page_i32(page))
                    .size(page_i32(size));
                if let Some(p) = &listing.project {
                    r = r.project_short_name(p.clone());
                }
                r
            });
            async move {
                let data = request?.send().await?;
                Ok(Page {
                    has_more: has_more(data.paging.as_ref(), page, size),
                    items: data.clients,
                })
            }
        })
        .boxed()
    }

    /// Every message of one session, lazily.
    pub fn session_message_stream(
        &self,
        session: &SessionId,
        page_size: u32,
    ) -> impl Stream<Item = Result<Message>> + Send + use<> {
        let reporter = self.clone();
        let session = session.0.clone();
        let size = page_size.max(1);
        page_stream(limits(size), move |page| {
            let request = reporter
                .get_messages_for_session(session.clone())
                .page(page_i32(page))
                .size(page_i32(size));
            async move {
                let data = request.send().await?;
                Ok(Page {
                    has_more: has_more(data.paging.as_ref(), page, size),
                    items: data.messages,
                })
            }
        })
        .boxed()
    }
}
