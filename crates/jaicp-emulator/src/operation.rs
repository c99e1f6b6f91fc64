//! The OpenAPI `operationId` of each route, attached where the route is declared so that
//! extractors can count the request under it without every handler naming it again.

use axum::Extension;
use axum::routing::MethodRouter;

use crate::state::EmulatorState;

/// The `operationId` a request was routed to; as an extractor, `"unknown"` on a route declared
/// without [`op`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op(pub(crate) &'static str);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Op {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts))
    }
}

impl Op {
    /// The operation the request was routed to.
    pub(crate) fn of(parts: &axum::http::request::Parts) -> Self {
        parts
            .extensions
            .get::<Op>()
            .copied()
            .unwrap_or(Op("unknown"))
    }

    /// Counts the request under the operation it was routed to: the first step of every
    /// extractor that checks credentials, so refused requests count too.
    pub(crate) fn count(parts: &axum::http::request::Parts, state: &EmulatorState) {
        state.shared.counters.request(Self::of(parts).0);
    }
}

/// `route` answering as operation `id`: `.route(path, op("getProject", get(handler)))`.
pub(crate) fn op(
    id: &'static str,
    route: MethodRouter<EmulatorState>,
) -> MethodRouter<EmulatorState> {
    route.layer(Extension(Op(id)))
}
