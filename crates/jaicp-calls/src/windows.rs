//! Report listings stop at 200 pages of 200 rows. To list a busier window completely, a stream
//! that reaches that cap splits its time window in two and lists both halves, skipping the rows it
//! already yielded from the capped window. Nothing is lost and nothing is yielded twice.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use futures_util::Stream;
use jaicp_core::{Error, Result, Timestamp};

use crate::models::{CallAttemptDates, CallAttemptReport, CallJobDates, CallJobReport};
use crate::reports::{LAST_PAGE, MAX_PAGE_SIZE};

/// A report filter whose time window can be halved.
pub(crate) trait Window: Clone + Send + Sync + 'static {
    /// The two halves of the window, or `None` when it cannot be split any further.
    fn split(&self) -> Option<(Self, Self)>;
}

/// A report row with an identity, to skip rows already yielded.
pub(crate) trait Row {
    /// A key unique per row.
    fn key(&self) -> Option<String>;
}

fn bounds(from: Option<Timestamp>, to: Option<Timestamp>) -> (i64, i64) {
    // Open ends become the widest window a real listing could need.
    let from = from.map_or(0, |t| t.as_millis());
    let to = to.map_or_else(
        || Timestamp::now().as_millis() + 86_400_000,
        |t| t.as_millis(),
    );
    (from, to)
}

fn halves(from: i64, to: i64) -> Option<(Timestamp, Timestamp, Timestamp)> {
    if to - from < 2 {
        return None;
    }
    let mid = from + (to - from) / 2;
    Some((
        Timestamp::from_millis(from)?,
        Timestamp::from_millis(mid)?,
        Timestamp::from_millis(to)?,
    ))
}

impl Window for CallJobDates {
    fn split(&self) -> Option<(Self, Self)> {
        // Split on the creation window unless only the finish window is given.
        if self.created_at_from.is_none()
            && self.created_at_to.is_none()
            && (self.finished_at_from.is_some() || self.finished_at_to.is_some())
        {
            let (from, to) = bounds(self.finished_at_from, self.finished_at_to);
            let (a, m, b) = halves(from, to)?;
            let left = CallJobDates {
                finished_at_from: Some(a),
                finished_at_to: Some(m),
                ..self.clone()
            };
            let right = CallJobDates {
                finished_at_from: Some(m),
                finished_at_to: Some(b),
                ..self.clone()
            };
            return Some((left, right));
        }
        let (from, to) = bounds(self.created_at_from, self.created_at_to);
        let (a, m, b) = halves(from, to)?;
        let left = CallJobDates {
            created_at_from: Some(a),
            created_at_to: Some(m),
            ..self.clone()
        };
        let right = CallJobDates {
            created_at_from: Some(m),
            created_at_to: Some(b),
            ..self.clone()
        };
        Some((left, right))
    }
}

impl Window for CallAttemptDates {
    fn split(&self) -> Option<(Self, Self)> {
        if self.started_at_from.is_none()
            && self.started_at_to.is_none()
            && (self.finished_at_from.is_some() || self.finished_at_to.is_some())
        {
            let (from, to) = bounds(self.finished_at_from, self.finished_at_to);
            let (a, m, b) = halves(from, to)?;
            let left = CallAttemptDates {
                finished_at_from: Some(a),
                finished_at_to: Some(m),
                ..self.clone()
            };
            let right = CallAttemptDates {
                finished_at_from: Some(m),
                finished_at_to: Some(b),
                ..self.clone()
            };
            return Some((left, right));
        }
        let (from, to) = bounds(self.started_at_from, self.started_at_to);
        let (a, m, b) = halves(from, to)?;
        let left = CallAttemptDates {
            started_at_from: Some(a),
            started_at_to: Some(m),
            ..self.clone()
        };
        let right = CallAttemptDates {
            started_at_from: Some(m),
            started_at_to: Some(b),
            ..self.clone()
        };
        Some((left, right))
    }
}

impl Row for CallJobReport {
    fn key(&self) -> Option<String> {
        self.call_job_id.as_ref().map(|id| id.to_string())
    }
}

impl Row for CallAttemptReport {
    fn key(&self) -> Option<String> {
        let job = self.call_job_id.as_ref()?;
        Some(format!("{job}#{}", self.attempt_number.unwrap_or_default()))
    }
}

struct Pending<W> {
    window: W,
    skip: Arc<HashSet<String>>,
}

struct State<W, F> {
    fetch: F,
    stack: Vec<Pending<W>>,
    current: Option<(Pending<W>, u32, HashSet<String>)>,
    done: bool,
}

/// Streams every row of `window`, splitting it whenever a listing reaches the page cap.
/// `fetch(window, page)` returns one page of rows.
pub(crate) fn split_stream<W, T, F, Fut>(
    window: W,
    fetch: F,
) -> impl Stream<Item = Result<T>> + Send
where
    W: Window,
    T: Row + Send + 'static,
    F: FnMut(W, u32) -> Fut + Send,
    Fut: Future<Output = Result<Vec<T>>> + Send,
{
    let state = State {
        fetch,
        stack: vec![Pending {
            window,
            skip: Arc::new(HashSet::new()),
        }],
        current: None,
        done: false,
    };
    let pages = futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        let (pending, page, mut seen) = match st.current.take() {
            Some(c) => c,
            None => match st.stack.pop() {
                Some(p) => (p, 0, HashSet::new()),
                None => return None,
            },
        };
        let rows = match (st.fetch)(pending.window.clone(), page).await {
            Ok(rows) => rows,
            Err(e) => {
                st.done = true;
                return Some((vec![Err(e)], st));
            }
        };
        let full = rows.len() as u32 >= MAX_PAGE_SIZE;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let key = row.key();
            if key.as_ref().is_some_and(|k| pending.skip.contains(k)) {
                continue;
            }
            if let Some(k) = key {
                seen.insert(k);
            }
            out.push(Ok(row));
        }
        if !full {
            // Window complete.
        } else if page < LAST_PAGE {
            st.current = Some((pending, page + 1, seen));
        } else {
            match pending.window.split() {
                Some((left, right)) => {
                    let mut skip: HashSet<String> = (*pending.skip).clone();
                    skip.extend(seen);
                    let skip = Arc::new(skip);
                    st.stack.push(Pending {
                        window: right,
                        skip: skip.clone(),
                    });
                    st.stack.push(Pending { window: left, skip });
                }
                None => {
                    st.done = true;
                    out.push(Err(Error::invalid(
                        "filter",
                        "more than 40,000 rows share one millisecond; the listing cannot be completed",
                    )));
                }
            }
        }
        Some((out, st))
    });
    use futures_util::StreamExt;
    pages.flat_map(futures_util::stream::iter)
}
