//! Building requests: what an operation is ([`OperationSpec`]), an API handle bound to a
//! credential ([`ApiContext`]), a request being described ([`RequestBuilder`]), per-call
//! options ([`CallOptions`]), and what comes back ([`RawResponse`], [`StreamingResponse`]).
//!
//! Everything here is data: the request is described, then handed to the pipeline (which sends
//! it, times it, retries it and redacts what it reports) by the builder's `send_*` methods.

mod builder;
mod context;
mod options;
mod spec;
pub(crate) mod url;

pub use crate::body::decode_json;
pub use crate::response::{RawResponse, StreamingResponse, WithRaw};
pub use builder::RequestBuilder;
pub use context::ApiContext;
pub use options::CallOptions;
pub use spec::{Idempotency, KeyPlacement, OperationSpec};

pub(crate) use spec::IDEMPOTENCE_KEY;
