//! The OpenAPI `operationId` of each route, attached where the route is declared so that
//! extractors can count the request under it without every handler naming it again.

use axum::Extension;
use axum::routing::MethodRouter;

use crate::state::EmulatorState;

/// The `operationId` a request was routed to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Op(pub(crate) &'static str);

/// `route` answering as operation `id`: `.route(path, op("getProject", get(handler)))`.
pub(crate) fn op(
    id: &'static str,
    route: MethodRouter<EmulatorState>,
) -> MethodRouter<EmulatorState> {
    route.layer(Extension(Op(id)))
}
