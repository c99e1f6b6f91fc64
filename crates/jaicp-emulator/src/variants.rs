//! The other variant of each unconfirmed fact the emulator models, switchable at start-up
//! ([`crate::EmulatorBuilder::variants`]) and at run time (`GET`/`PUT /_emulator/variants`).
//!
//! By default the emulator answers as our documents (`specs/*.yml`) assume. Where a document
//! carries an `x-unconfirmed` note and the real platform may well answer otherwise, the switch
//! serves the alternative, so that tolerant code (and `jaicp doctor`, which must tell the two
//! apart) can be tested against both.

use std::sync::{Mutex, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use crate::extract::Body;
use crate::reply::Reply;
use crate::state::EmulatorState;

/// Which variant of each unconfirmed fact is served. `Variants::default()` is what our documents
/// assume; [`Variants::other`] switches every one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Variants {
    /// The Chat API (and the Prompter route under `/chatapi`) answer under
    /// `/chatadapter/chatapi/...` only; the plain `/chatapi/...` answers 404. The Operator API
    /// webhook is left as it is (its `/chatadapter` form is documented).
    pub chat_adapter_prefix: bool,
    /// An events poll with nothing to deliver answers `204 No Content` instead of
    /// `200 {"events": []}`.
    pub events_no_content: bool,
    /// The async send answers the message id as `id` instead of `questionId`.
    pub async_id_named_id: bool,
    /// A webhook delivery of one turn is that turn as an object instead of an array of one.
    pub webhook_single_object: bool,
    /// The single-number add of the Calls API answers only at the older
    /// `/api/calls/campaign/{token}/addPhone`; `/api/crmCalls/campaign/{token}/addPhone` (and its
    /// `test/` twin) answer 404.
    pub calls_older_route: bool,
}

impl Variants {
    /// Every fact in its other variant.
    pub fn other() -> Self {
        Variants {
            chat_adapter_prefix: true,
            events_no_content: true,
            async_id_named_id: true,
            webhook_single_object: true,
            calls_older_route: true,
        }
    }
}

/// The variants in force (a lock of its own: read on every Chat API request, rarely written).
#[derive(Debug, Default)]
pub(crate) struct VariantCell(Mutex<Variants>);

impl VariantCell {
    pub(crate) fn get(&self) -> Variants {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set(&self, variants: Variants) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = variants;
    }
}

impl EmulatorState {
    /// The variants in force.
    pub fn variants(&self) -> Variants {
        self.shared.variants.get()
    }

    /// Switches variants (takes effect with the next request).
    pub fn set_variants(&self, variants: Variants) {
        self.shared.variants.set(variants);
    }
}

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route("/_emulator/variants", get(show).put(change))
}

async fn show(State(state): State<EmulatorState>) -> Reply {
    Reply::ok(&state.variants())
}

/// `PUT` takes a partial object: fields left out keep their value.
async fn change(State(state): State<EmulatorState>, body: Body) -> Reply {
    let patch = match body.json_or_default::<serde_json::Value>() {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let mut current = serde_json::to_value(state.variants()).unwrap_or_default();
    match (current.as_object_mut(), patch) {
        (Some(now), serde_json::Value::Object(fields)) => now.extend(fields),
        (_, serde_json::Value::Null) => {}
        _ => return error("the body must be a JSON object"),
    }
    match serde_json::from_value::<Variants>(current) {
        Ok(v) => {
            state.set_variants(v);
            Reply::ok(&v)
        }
        Err(e) => error(&e.to_string()),
    }
}

fn error(message: &str) -> Reply {
    Reply::json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({ "type": "emulator.variants.invalid", "message": message }),
    )
}

/// The prefix the chat adapter variant serves the Chat API under.
pub(crate) const CHAT_ADAPTER: &str = "/chatadapter";

/// The Operator API webhook, which the prefix variant leaves alone.
const OPERATOR_WEBHOOK: &str = "/chatapi/webhook/operatorapi/";

/// Runs before routing and moves routes for the variants that change where an API answers.
/// With every variant off it changes nothing. A route a variant takes away answers a bare 404,
/// as a gateway does for a path no service has (the emulator's own fallback answers in the API's
/// error shape, which would make the route look present).
pub(crate) async fn reroute(
    State(state): State<EmulatorState>,
    mut request: Request,
    next: Next,
) -> Response {
    let variants = state.variants();
    let path = request.uri().path().to_owned();
    if variants.chat_adapter_prefix {
        if let Some(rest) = path.strip_prefix(CHAT_ADAPTER)
            && rest.starts_with("/chatapi/")
            && !rest.starts_with(OPERATOR_WEBHOOK)
        {
            if !set_path(&mut request, rest) {
                return StatusCode::BAD_REQUEST.into_response();
            }
        } else if path.starts_with("/chatapi/") && !path.starts_with(OPERATOR_WEBHOOK) {
            return StatusCode::NOT_FOUND.into_response();
        }
    }
    if variants.calls_older_route {
        let single_add = |p: &str| p.ends_with("/addPhone") && p.split('/').count() == 6;
        if path.starts_with("/api/crmCalls/campaign/") {
            return StatusCode::NOT_FOUND.into_response();
        }
        if let Some(rest) = path.strip_prefix("/api/calls/campaign/")
            && single_add(&path)
            && !set_path(&mut request, &format!("/api/crmCalls/campaign/{rest}"))
        {
            return StatusCode::BAD_REQUEST.into_response();
        }
    }
    next.run(request).await
}

/// Replaces the request's path, keeping its query.
fn set_path(request: &mut Request, path: &str) -> bool {
    let target = match request.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    match target.parse() {
        Ok(uri) => {
            *request.uri_mut() = uri;
            true
        }
        Err(_) => false,
    }
}
