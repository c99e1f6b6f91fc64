//! Lazy streams over paginated listings.

use futures_util::Stream;
use std::future::Future;

use crate::error::{Error, Result};

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Whether the server says more pages follow, when it says; otherwise a short page ends the
    /// listing.
    pub has_more: Option<bool>,
}

/// Limits of a page-numbered listing.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    /// First page number (0 for JAICP).
    pub first_page: u32,
    /// Items requested per page.
    pub page_size: u32,
    /// Highest page number the server accepts (the Calls API stops at 199); `None` for no limit.
    pub last_page: Option<u32>,
}

struct State<F> {
    fetch: F,
    page: u32,
    done: bool,
    limits: PageLimits,
    previous_first: Option<String>,
}

/// A stream over every item of a page-numbered listing. Pages are fetched lazily, one at a time.
/// The listing ends on an empty or short page, on `has_more == Some(false)`, or at the last page
/// the server accepts (then the stream yields [`Error::InvalidInput`] saying the window must be
/// narrowed, rather than silently dropping rows). A server that returns the same page twice is
/// detected and stopped (an endless loop otherwise).
pub fn page_stream<T, F, Fut>(limits: PageLimits, fetch: F) -> impl Stream<Item = Result<T>>
where
    T: serde::Serialize,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let state = State {
        fetch,
        page: limits.first_page,
        done: false,
        limits,
        previous_first: None,
    };
    let pages = futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let page_no = st.page;
        match (st.fetch)(page_no).await {
            Err(e) => {
                st.done = true;
                Some((Err(e), st))
            }
            Ok(page) => {
                let fingerprint = page
                    .items
                    .first()
                    .and_then(|i| serde_json::to_string(i).ok());
                if page_no > st.limits.first_page
                    && fingerprint.is_some()
                    && fingerprint == st.previous_first
                {
                    st.done = true;
                    return Some((
                        Err(Error::Decode {
                            op: crate::error::OpName {
                                api: "pagination",
                                operation: "page",
                            },
                            path: ".".into(),
                            message: format!("page {page_no} repeats the previous page; stopping"),
                            snippet: None,
                        }),
                        st,
                    ));
                }
                st.previous_first = fingerprint;
                let full = page.items.len() as u32 >= st.limits.page_size && !page.items.is_empty();
                let more = page.has_more.unwrap_or(full);
                let mut out: Vec<Result<T>> = page.items.into_iter().map(Ok).collect();
                if !more {
                    st.done = true;
                } else if st.limits.last_page.is_some_and(|last| page_no >= last) {
                    st.done = true;
                    out.push(Err(Error::invalid(
                        "pagination",
                        format!(
                            "the listing has more than {} pages; narrow the filter window",
                            page_no + 1
                        ),
                    )));
                } else {
                    st.page += 1;
                }
                Some((Ok(out), st))
            }
        }
    });
    use futures_util::StreamExt;
    pages.flat_map(|page: Result<Vec<Result<T>>>| {
        let items: Vec<Result<T>> = match page {
            Ok(items) => items,
            Err(e) => vec![Err(e)],
        };
        futures_util::stream::iter(items)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn limits(size: u32, last: Option<u32>) -> PageLimits {
        PageLimits {
            first_page: 0,
            page_size: size,
            last_page: last,
        }
    }

    #[tokio::test]
    async fn stops_on_short_page() {
        let s = page_stream(limits(2, None), |p| async move {
            Ok(Page {
                items: match p {
                    0 => vec![1, 2],
                    1 => vec![3],
                    _ => panic!("over-fetched"),
                },
                has_more: None,
            })
        });
        let all: Vec<i32> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(all, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn detects_repeated_pages() {
        let s = page_stream(limits(2, None), |_| async {
            Ok(Page {
                items: vec![1, 2],
                has_more: None,
            })
        });
        let all: Vec<Result<i32>> = s.collect().await;
        assert_eq!(all.len(), 3, "two items, then the repeat is refused");
        assert!(all[2].is_err());
    }

    #[tokio::test]
    async fn reports_the_page_cap() {
        let s = page_stream(limits(1, Some(2)), |p| async move {
            Ok(Page {
                items: vec![p],
                has_more: None,
            })
        });
        let all: Vec<Result<u32>> = s.collect().await;
        assert_eq!(all.len(), 4);
        assert!(matches!(all[3], Err(Error::InvalidInput { .. })));
    }
}
