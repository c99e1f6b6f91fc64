//! Every check doctor can run, and the `x-unconfirmed` markers of `specs/` each one exercises.
//!
//! The markers are tagged in the documents with `x-doctor-check: <check id>`; `tests/documents.rs`
//! reads `specs/*.yml` and fails when a tag names a check this table lacks, when an entry points
//! at a place without an `x-unconfirmed` note, or when the tag there names another check.

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
    /// Calls API (campaign token).
    Calls,
}

impl Api {
    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Api::Chat => "chat",
            Api::Prompter => "prompter",
            Api::Pushgate => "pushgate",
            Api::Imputer => "imputer",
            Api::Calls => "calls",
        }
    }

    /// Parses [`Api::name`].
    pub fn parse(name: &str) -> Option<Api> {
        [
            Api::Chat,
            Api::Prompter,
            Api::Pushgate,
            Api::Imputer,
            Api::Calls,
        ]
        .into_iter()
        .find(|a| a.name() == name)
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
    /// Whether the request has an effect on the platform (a message, a pushback, a synthesis);
    /// such checks run only when writes to the API are allowed.
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
    /// The base path the Chat API answers under.
    pub const BASE_PATH: &str = "chat.base-path";
    /// The answer of an events poll with nothing to deliver.
    pub const EVENTS_EMPTY: &str = "chat.events-empty";
    /// The envelope of the events answer.
    pub const EVENTS_ENVELOPE: &str = "chat.events-envelope";
    /// Whether `clientId` is required by the events poll.
    pub const EVENTS_CLIENT_ID: &str = "chat.events-client-id";
    /// The status of a request with a token no channel has.
    pub const UNKNOWN_TOKEN: &str = "chat.unknown-token";
    /// The history route and its answer.
    pub const HISTORY: &str = "chat.history";
    /// The client state route and its answer.
    pub const STATE: &str = "chat.state";
    /// The synchronous answer to a message.
    pub const SEND: &str = "chat.send";
    /// The time format of the synchronous answer.
    pub const TIMESTAMP: &str = "chat.timestamp";
    /// The id field of the async send answer.
    pub const ASYNC_ID: &str = "chat.async-id";
    /// The body of a webhook delivery (from captured payloads).
    pub const WEBHOOK_PAYLOAD: &str = "chat.webhook-payload";
}

/// Prompter API checks.
pub mod prompter {
    /// Whether proposals come back as the answer of the POST.
    pub const TRANSPORT: &str = "prompter.transport";
    /// Status and error body for a token no channel has.
    pub const UNKNOWN_TOKEN: &str = "prompter.unknown-token";
}

/// Pushgate checks.
pub mod pushgate {
    /// Status, media type and shape of a fired link's answer.
    pub const ANSWER: &str = "pushgate.answer";
    /// Status and error body for a link that does not exist.
    pub const UNKNOWN_LINK: &str = "pushgate.unknown-link";
}

/// Imputer checks.
pub mod imputer {
    /// Status and media type of a synthesis.
    pub const AUDIO: &str = "imputer.audio";
    /// Status and error body for a token nobody has.
    pub const UNKNOWN_TOKEN: &str = "imputer.unknown-token";
}

/// Calls API checks.
pub mod calls {
    /// Which route family serves the single-number add.
    pub const ROUTE_FAMILY: &str = "calls.route-family";
}

/// Every check, in the order they run.
pub const CHECKS: &[Check] = &[
    Check {
        id: chat::BASE_PATH,
        api: Api::Chat,
        writes: false,
        sends: "GET {host}/chatapi/{token}/events?clientId={probe}; on 404 the same under /chatadapter",
        assumed: "served at {host}/chatapi",
    },
    Check {
        id: chat::EVENTS_EMPTY,
        api: Api::Chat,
        writes: false,
        sends: "(the base-path poll, for a client id nobody used)",
        assumed: "200 with an empty `events` array",
    },
    Check {
        id: chat::EVENTS_ENVELOPE,
        api: Api::Chat,
        writes: false,
        sends: "(the base-path poll)",
        assumed: "an object with an `events` array",
    },
    Check {
        id: chat::EVENTS_CLIENT_ID,
        api: Api::Chat,
        writes: false,
        sends: "GET {base}/chatapi/{token}/events (no clientId)",
        assumed: "400 with a JSON error object",
    },
    Check {
        id: chat::UNKNOWN_TOKEN,
        api: Api::Chat,
        writes: false,
        sends: "GET {base}/chatapi/{a made-up token}/events?clientId={probe}",
        assumed: "401 with a JSON error object",
    },
    Check {
        id: chat::HISTORY,
        api: Api::Chat,
        writes: false,
        sends: "GET {base}/chatapi/{token}/history?clientId={probe}",
        assumed: "200 with a `history` array",
    },
    Check {
        id: chat::STATE,
        api: Api::Chat,
        writes: false,
        sends: "GET {base}/chatapi/{token}/state?clientId={probe}",
        assumed: "200 with a JSON object",
    },
    Check {
        id: chat::SEND,
        api: Api::Chat,
        writes: true,
        sends: "POST {base}/chatapi/{token} {\"clientId\": {probe}, \"query\": \"/start\"}",
        assumed: "200 with the turn envelope of the documents",
    },
    Check {
        id: chat::TIMESTAMP,
        api: Api::Chat,
        writes: true,
        sends: "(the answer of chat.send)",
        assumed: "a local date-time without offset",
    },
    Check {
        id: chat::ASYNC_ID,
        api: Api::Chat,
        writes: true,
        sends: "POST {base}/chatapi/{token}/async {\"clientId\": {probe}, \"query\": \"/start\"}",
        assumed: "the message id is named `questionId`",
    },
    Check {
        id: chat::WEBHOOK_PAYLOAD,
        api: Api::Chat,
        writes: false,
        sends: "nothing: reads webhook bodies you captured",
        assumed: "an array of turns",
    },
    Check {
        id: prompter::TRANSPORT,
        api: Api::Prompter,
        writes: true,
        sends: "POST {base}/chatapi/webhook/prompter_api/{token} {\"clientInfo\": {\"id\": {probe}}, \"chatId\": {probe}, \"text\": \"/start\"}",
        assumed: "200 with the proposals in the answer",
    },
    Check {
        id: prompter::UNKNOWN_TOKEN,
        api: Api::Prompter,
        writes: false,
        sends: "POST {base}/chatapi/webhook/prompter_api/{a made-up token} (the same body)",
        assumed: "401 with a JSON error object",
    },
    Check {
        id: pushgate::ANSWER,
        api: Api::Pushgate,
        writes: true,
        sends: "GET {host}/pushgate/push_{pushback id}",
        assumed: "200 with a JSON body",
    },
    Check {
        id: pushgate::UNKNOWN_LINK,
        api: Api::Pushgate,
        writes: false,
        sends: "GET {host}/pushgate/push_{a made-up id}",
        assumed: "404 with a JSON error object",
    },
    Check {
        id: imputer::AUDIO,
        api: Api::Imputer,
        writes: true,
        sends: "GET {host}/api/imputer/p/{token}/imputing/generate-audio?replicaTemplateId={template}",
        assumed: "200 audio/wav",
    },
    Check {
        id: imputer::UNKNOWN_TOKEN,
        api: Api::Imputer,
        writes: false,
        sends: "GET {host}/api/imputer/p/{a made-up token}/imputing/generate-audio?replicaTemplateId=jaicp-doctor",
        assumed: "401 with a JSON error object",
    },
    Check {
        id: calls::ROUTE_FAMILY,
        api: Api::Calls,
        writes: false,
        sends: "GET {host}/api/crmCalls/campaign/{a made-up token}/addPhone?phone=0, and the same under /api/calls/campaign",
        assumed: "the single-number add is served under /api/crmCalls",
    },
];

/// The markers each check exercises.
pub const MARKERS: &[Marker] = &[
    Marker {
        spec: "chat.yml",
        pointer: "/paths/~1chatapi~1{token}~1events/get/responses/204",
        check: chat::EVENTS_EMPTY,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/EventsResponse",
        check: chat::EVENTS_ENVELOPE,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/paths/~1chatapi~1{token}~1events/get/parameters/0",
        check: chat::EVENTS_CLIENT_ID,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/responses/BadRequest",
        check: chat::EVENTS_CLIENT_ID,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/responses/Unauthorized",
        check: chat::UNKNOWN_TOKEN,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/ErrorBody",
        check: chat::UNKNOWN_TOKEN,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/paths/~1chatapi~1{token}~1history/get",
        check: chat::HISTORY,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/ChatHistoryResponse",
        check: chat::HISTORY,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/paths/~1chatapi~1{token}~1state/get",
        check: chat::STATE,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/ClientState",
        check: chat::STATE,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/ChatResponse/properties/timestamp",
        check: chat::TIMESTAMP,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/AsyncSendResponse",
        check: chat::ASYNC_ID,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/AsyncSendResponse/properties/id",
        check: chat::ASYNC_ID,
    },
    Marker {
        spec: "chat.yml",
        pointer: "/components/schemas/ChatWebhookPayload",
        check: chat::WEBHOOK_PAYLOAD,
    },
    Marker {
        spec: "prompter.yml",
        pointer: "/paths/~1chatapi~1webhook~1prompter_api~1{token}/post",
        check: prompter::TRANSPORT,
    },
    Marker {
        spec: "prompter.yml",
        pointer: "/paths/~1chatapi~1webhook~1prompter_api~1{token}/post/responses/200",
        check: prompter::TRANSPORT,
    },
    Marker {
        spec: "prompter.yml",
        pointer: "/components/responses/Unauthorized",
        check: prompter::UNKNOWN_TOKEN,
    },
    Marker {
        spec: "prompter.yml",
        pointer: "/components/schemas/ErrorBody",
        check: prompter::UNKNOWN_TOKEN,
    },
    Marker {
        spec: "pushgate.yml",
        pointer: "/paths/~1pushgate~1push_{pushbackId}/get",
        check: pushgate::ANSWER,
    },
    Marker {
        spec: "pushgate.yml",
        pointer: "/components/responses/Accepted",
        check: pushgate::ANSWER,
    },
    Marker {
        spec: "pushgate.yml",
        pointer: "/components/schemas/PushgateAnswer",
        check: pushgate::ANSWER,
    },
    Marker {
        spec: "pushgate.yml",
        pointer: "/components/responses/NotFound",
        check: pushgate::UNKNOWN_LINK,
    },
    Marker {
        spec: "pushgate.yml",
        pointer: "/components/schemas/ErrorBody",
        check: pushgate::UNKNOWN_LINK,
    },
    Marker {
        spec: "imputer.yml",
        pointer: "/paths/~1api~1imputer~1p~1{token}~1imputing~1generate-audio/get/responses/200",
        check: imputer::AUDIO,
    },
    Marker {
        spec: "imputer.yml",
        pointer: "/paths/~1api~1imputer~1p~1{token}~1imputing~1generate-audio/get/responses/401",
        check: imputer::UNKNOWN_TOKEN,
    },
    Marker {
        spec: "imputer.yml",
        pointer: "/components/schemas/ErrorBody",
        check: imputer::UNKNOWN_TOKEN,
    },
];

/// The check with this id.
pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}
