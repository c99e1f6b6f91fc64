//! Every check doctor can run, and the `x-unconfirmed` markers of `specs/` each one exercises.
//!
//! The markers are tagged in the documents with `x-doctor-check: <check id>` (or
//! `x-no-doctor-check: <why>`); [`MARKERS`] lists every tagged one, and `tests/documents.rs`
//! reads `specs/*.yml` and fails unless the table and the tags are the same set and every check
//! they name exists here.

use serde::Serialize;

/// An API doctor talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// Chat API (channel token).
    Chat,
    /// Prompter API (channel token).
    Prompter,
    /// Pushgate (a pushback link).
    Pushgate,
    /// Imputer (hybrid speech synthesis).
    Imputer,
    /// Operator API (the desk's webhook into JAICP).
    Operator,
    /// Calls API (campaign token).
    Calls,
}

impl Api {
    /// Every API, in report order.
    pub const ALL: [Api; 6] = [
        Api::Chat,
        Api::Prompter,
        Api::Pushgate,
        Api::Imputer,
        Api::Operator,
        Api::Calls,
    ];

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Api::Chat => "chat",
            Api::Prompter => "prompter",
            Api::Pushgate => "pushgate",
            Api::Imputer => "imputer",
            Api::Operator => "operator",
            Api::Calls => "calls",
        }
    }

    /// Parses [`Api::name`].
    pub fn parse(name: &str) -> Option<Api> {
        Api::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// One check: what it sends, and what our documents assume.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Stable id, `<api>.<name>` (the value of `x-doctor-check` in `specs/`).
    pub id: &'static str,
    /// The API.
    pub api: Api,
    /// Whether the request has an effect on the platform (a message, a pushback, a synthesis,
    /// an agent's event); such checks run only when writes to the API are allowed.
    pub writes: bool,
    /// The request(s), with every credential and value replaced by a placeholder.
    pub sends: &'static str,
    /// What our documents assume (the default variant).
    pub assumed: &'static str,
}

/// A marker in `specs/` and the check that exercises it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Marker {
    /// File in `specs/`.
    pub spec: &'static str,
    /// JSON pointer of the node that carries `x-unconfirmed`.
    pub pointer: &'static str,
    /// The check id.
    pub check: &'static str,
}

/// Chat API checks.
pub mod chat {
    /// The base path the Chat API answers under (no marker: it decides where the others go).
    pub const BASE_PATH: &str = "chat.base-path";
    /// Whether the Chat API answers on the Tovie Platform host.
    pub const HOST: &str = "chat.host";
    /// How long an events poll with nothing to deliver is held.
    pub const EVENTS_HOLD_TIME: &str = "chat.events-hold-time";
    /// Whether `clientId` is required by the events poll.
    pub const EVENTS_WITHOUT_CLIENT_ID: &str = "chat.events-without-client-id";
    /// The `ts` cursor of the events poll.
    pub const EVENTS_CURSOR: &str = "chat.events-cursor";
    /// The `cid` filter of the events poll.
    pub const EVENTS_CID_FILTER: &str = "chat.events-cid-filter";
    /// The answer of an events poll with nothing to deliver.
    pub const EVENTS_EMPTY_ANSWER: &str = "chat.events-empty-answer";
    /// The envelope of the events answer.
    pub const EVENTS_ENVELOPE: &str = "chat.events-envelope";
    /// Status and body of a malformed request.
    pub const BAD_REQUEST: &str = "chat.bad-request";
    /// Status and body for a token no channel has.
    pub const BAD_TOKEN: &str = "chat.bad-token";
    /// The history route and its answer.
    pub const HISTORY_ROUTE: &str = "chat.history-route";
    /// The history's size parameter.
    pub const HISTORY_LIMIT: &str = "chat.history-limit";
    /// The client state route and its answer.
    pub const CLIENT_STATE_ROUTE: &str = "chat.client-state-route";
    /// Saving a client state.
    pub const CLIENT_STATE_SAVE: &str = "chat.client-state-save";
    /// The synchronous answer to a message.
    pub const SEND_ENVELOPE: &str = "chat.send-envelope";
    /// The simplified GET form of a message.
    pub const SEND_VIA_GET: &str = "chat.send-via-get";
    /// A message with neither `query` nor `event`.
    pub const QUERY_AND_EVENT: &str = "chat.query-and-event";
    /// The answer of the async send.
    pub const SEND_ASYNC: &str = "chat.send-async";
    /// The body of a webhook delivery, from bodies the user captured (no marker: the documents
    /// say doctor receives no deliveries, which holds for its own requests).
    pub const WEBHOOK_PAYLOAD: &str = "chat.webhook-payload";
}

/// Prompter API checks.
pub mod prompter {
    /// Whether the Prompter API answers on the Tovie Platform host.
    pub const HOST: &str = "prompter.host";
    /// Whether proposals come back as the answer of the POST, and their shape.
    pub const SUGGEST: &str = "prompter.suggest";
    /// Status and body of a request without the documented fields.
    pub const BAD_REQUEST: &str = "prompter.bad-request";
    /// Status and body for a token no channel has.
    pub const BAD_TOKEN: &str = "prompter.bad-token";
}

/// Pushgate checks.
pub mod pushgate {
    /// Status, media type and shape of a fired link's answer.
    pub const FIRE: &str = "pushgate.fire";
    /// Status and body for a link that does not exist.
    pub const UNKNOWN_LINK: &str = "pushgate.unknown-link";
}

/// Imputer checks.
pub mod imputer {
    /// Whether the Imputer answers on the Tovie Platform host.
    pub const HOST: &str = "imputer.host";
    /// Status and media type of a synthesis.
    pub const GENERATE: &str = "imputer.generate";
    /// Status and body of a request without a template.
    pub const BAD_REQUEST: &str = "imputer.bad-request";
    /// Status and body for a token nobody has.
    pub const BAD_TOKEN: &str = "imputer.bad-token";
}

/// Operator API checks (the desk's webhook into JAICP).
pub mod operator {
    /// An agent's text for a dialog handed to the desk.
    pub const POST_EVENT: &str = "operator.post-event";
    /// An agent's file for that dialog.
    pub const POST_FILE: &str = "operator.post-file";
    /// A destination chosen by the desk for that dialog.
    pub const SELECT_DESTINATION: &str = "operator.select-destination";
    /// Status and body of a malformed event.
    pub const BAD_EVENT: &str = "operator.bad-event";
    /// Status and body for a webhook key no channel has.
    pub const BAD_KEY: &str = "operator.bad-key";
}

/// Calls API checks.
pub mod calls {
    /// Which route family serves the single-number add (no marker: the Calls document is
    /// official).
    pub const ROUTE_FAMILY: &str = "calls.route-family";
}

macro_rules! check {
    ($id:expr, $api:ident, $writes:expr, $sends:expr, $assumed:expr) => {
        Check {
            id: $id,
            api: Api::$api,
            writes: $writes,
            sends: $sends,
            assumed: $assumed,
        }
    };
}

/// Every check, in report order.
pub const CHECKS: &[Check] = &[
    check!(
        chat::BASE_PATH,
        Chat,
        false,
        "GET {host}/chatapi/{token}/events?clientId={probe}; on 404 the same under /chatadapter",
        "served at {host}/chatapi"
    ),
    check!(
        chat::HOST,
        Chat,
        false,
        "(the base-path poll)",
        "on Tovie Platform, the Chat API answers on the platform host"
    ),
    check!(
        chat::EVENTS_HOLD_TIME,
        Chat,
        false,
        "(the base-path poll, timed)",
        "an empty poll is answered within 60 s"
    ),
    check!(
        chat::EVENTS_EMPTY_ANSWER,
        Chat,
        false,
        "(the base-path poll, for a client id nobody used)",
        "200 with an empty `events` array"
    ),
    check!(
        chat::EVENTS_ENVELOPE,
        Chat,
        false,
        "(the base-path poll; with writes, a poll after the async message)",
        "an object with an `events` array"
    ),
    check!(
        chat::EVENTS_WITHOUT_CLIENT_ID,
        Chat,
        false,
        "GET {base}/chatapi/{token}/events (no clientId)",
        "refused with 400"
    ),
    check!(
        chat::BAD_REQUEST,
        Chat,
        false,
        "(the request without clientId)",
        "400 with a JSON error object"
    ),
    check!(
        chat::EVENTS_CURSOR,
        Chat,
        false,
        "GET {base}/chatapi/{token}/events?clientId={probe}&ts={now, epoch ms}",
        "`ts` in epoch milliseconds is accepted"
    ),
    check!(
        chat::EVENTS_CID_FILTER,
        Chat,
        false,
        "GET {base}/chatapi/{token}/events?clientId={probe}&cid=jaicp-doctor",
        "`cid` is accepted"
    ),
    check!(
        chat::BAD_TOKEN,
        Chat,
        false,
        "GET {base}/chatapi/jaicp-doctor-no-such-channel/events?clientId={probe}",
        "401 with a JSON error object"
    ),
    check!(
        chat::HISTORY_ROUTE,
        Chat,
        false,
        "GET {base}/chatapi/{token}/history?clientId={probe}",
        "200 with a `history` array"
    ),
    check!(
        chat::HISTORY_LIMIT,
        Chat,
        false,
        "GET {base}/chatapi/{token}/history?clientId={probe}&limit=1 (after the writes, when allowed)",
        "`limit` is accepted (and honoured)"
    ),
    check!(
        chat::CLIENT_STATE_ROUTE,
        Chat,
        false,
        "GET {base}/chatapi/{token}/state?clientId={probe}",
        "200 with a JSON object"
    ),
    check!(
        chat::SEND_ENVELOPE,
        Chat,
        true,
        "POST {base}/chatapi/{token} {\"clientId\": {probe}, \"query\": \"/start\"}",
        "200 with the turn envelope of the documents"
    ),
    check!(
        chat::SEND_VIA_GET,
        Chat,
        true,
        "GET {base}/chatapi/{token}?clientId={probe}&query=/start",
        "200 with clientId and query at the top level"
    ),
    check!(
        chat::QUERY_AND_EVENT,
        Chat,
        true,
        "POST {base}/chatapi/{token} {\"clientId\": {probe}} (neither query nor event)",
        "refused with 400"
    ),
    check!(
        chat::SEND_ASYNC,
        Chat,
        true,
        "POST {base}/chatapi/{token}/async {\"clientId\": {probe}, \"query\": \"/start\"}",
        "the message id is named `questionId`"
    ),
    check!(
        chat::CLIENT_STATE_SAVE,
        Chat,
        true,
        "POST {base}/chatapi/{token}/state?clientId={probe} {\"jaicpDoctor\": true}, then GET it",
        "any 2xx, and the state reads back"
    ),
    check!(
        chat::WEBHOOK_PAYLOAD,
        Chat,
        false,
        "nothing: reads webhook bodies you captured",
        "an array of turns"
    ),
    check!(
        prompter::HOST,
        Prompter,
        false,
        "(the Prompter requests)",
        "on Tovie Platform, the Prompter API answers on the platform host"
    ),
    check!(
        prompter::SUGGEST,
        Prompter,
        true,
        "POST {base}/chatapi/webhook/prompter_api/{token} {\"clientInfo\": {\"id\": {probe}}, \"chatId\": {probe}, \"text\": \"/start\"}",
        "200 with the proposals in the answer"
    ),
    check!(
        prompter::BAD_REQUEST,
        Prompter,
        false,
        "POST {base}/chatapi/webhook/prompter_api/{token} {}",
        "400 with a JSON error object"
    ),
    check!(
        prompter::BAD_TOKEN,
        Prompter,
        false,
        "POST {base}/chatapi/webhook/prompter_api/jaicp-doctor-no-such-channel (the suggest body)",
        "401 with a JSON error object"
    ),
    check!(
        pushgate::FIRE,
        Pushgate,
        true,
        "GET {host}/pushgate/push_{pushback id}",
        "200 with a JSON object"
    ),
    check!(
        pushgate::UNKNOWN_LINK,
        Pushgate,
        false,
        "GET {host}/pushgate/push_jaicp-doctor-no-such-link",
        "404 with a JSON error object"
    ),
    check!(
        imputer::HOST,
        Imputer,
        false,
        "(the Imputer requests)",
        "on Tovie Platform, the Imputer answers on the platform host"
    ),
    check!(
        imputer::GENERATE,
        Imputer,
        true,
        "GET {host}/api/imputer/p/{token}/imputing/generate-audio?replicaTemplateId={template}",
        "200 audio/wav"
    ),
    check!(
        imputer::BAD_REQUEST,
        Imputer,
        false,
        "GET {host}/api/imputer/p/{token}/imputing/generate-audio (no template)",
        "400 with a JSON error object"
    ),
    check!(
        imputer::BAD_TOKEN,
        Imputer,
        false,
        "GET {host}/api/imputer/p/jaicp-doctor-no-such-channel/imputing/generate-audio?replicaTemplateId=jaicp-doctor",
        "401 with a JSON error object"
    ),
    check!(
        operator::POST_EVENT,
        Operator,
        true,
        "POST {webhook} {\"id\": {random}, \"userId\": {user}, \"type\": \"TextMessage\", \"text\": \"jaicp doctor: test message\"}",
        "any 2xx"
    ),
    check!(
        operator::POST_FILE,
        Operator,
        true,
        "POST {webhook} {\"id\": {random}, \"userId\": {user}, \"type\": \"FileMessage\", \"url\": \"https://example.com/jaicp-doctor.txt\", \"name\": \"jaicp-doctor.txt\", \"size\": 1, \"comment\": \"jaicp doctor\"}",
        "any 2xx"
    ),
    check!(
        operator::SELECT_DESTINATION,
        Operator,
        true,
        "POST {webhook} {\"id\": {random}, \"userId\": {user}, \"type\": \"SelectDestination\", \"destination\": {destination}}",
        "any 2xx"
    ),
    check!(
        operator::BAD_EVENT,
        Operator,
        false,
        "POST {webhook} {}",
        "400 with a JSON error object"
    ),
    check!(
        operator::BAD_KEY,
        Operator,
        false,
        "POST {host}{webhook base}/chatapi/webhook/operatorapi/jaicp-doctor-no-such-key (a text event)",
        "404 with a JSON error object"
    ),
    check!(
        calls::ROUTE_FAMILY,
        Calls,
        false,
        "GET {host}/api/crmCalls/campaign/0.0.jaicp-doctor-no-such-campaign/addPhone?phone=0, and the same under /api/calls/campaign",
        "the single-number add is served under /api/crmCalls"
    ),
];

/// Check ids the documents still use from an earlier doctor, and the check that took each over.
pub const ALIASES: &[(&str, &str)] = &[
    ("chat.async-id", chat::SEND_ASYNC),
    ("chat.events-client-id", chat::EVENTS_WITHOUT_CLIENT_ID),
    ("chat.events-empty", chat::EVENTS_EMPTY_ANSWER),
    ("chat.history", chat::HISTORY_ROUTE),
    ("chat.state", chat::CLIENT_STATE_ROUTE),
    ("chat.timestamp", chat::SEND_ENVELOPE),
    ("chat.unknown-token", chat::BAD_TOKEN),
    ("imputer.audio", imputer::GENERATE),
    ("imputer.unknown-token", imputer::BAD_TOKEN),
    ("prompter.transport", prompter::SUGGEST),
    ("prompter.unknown-token", prompter::BAD_TOKEN),
    ("pushgate.answer", pushgate::FIRE),
];

/// The check id a tag in the documents names (an alias resolved).
pub fn resolve(tag: &str) -> &str {
    ALIASES
        .iter()
        .find(|(old, _)| *old == tag)
        .map_or(tag, |(_, new)| new)
}

/// The check with this id.
pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

pub use crate::markers::MARKERS;
