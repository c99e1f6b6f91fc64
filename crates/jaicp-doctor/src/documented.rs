//! The shapes of our documents (`specs/*.yml`) that doctor compares answers with.
//!
//! Written by hand so that a service can run doctor without the documents at hand; the test
//! `tests/documents.rs` compares every entry with the schema it names in `specs/`, so the two
//! cannot drift apart silently.

use crate::shape::{Field, Ty};

/// A documented schema: the document, the schema's name and its shape.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// File in `specs/`.
    pub spec: &'static str,
    /// Name under `components/schemas`.
    pub name: &'static str,
    /// The shape.
    pub ty: Ty,
}

const RESPONSE_DATA: &[Field] = &[
    Field::opt("replies", Ty::Array(&Ty::Any)),
    Field::opt("answer", Ty::String),
    Field::opt("nlpClass", Ty::String),
    Field::opt("confidence", Ty::Number),
    Field::opt("newSessionStarted", Ty::Bool),
    Field::opt("endSession", Ty::Bool),
    Field::opt("debugData", Ty::Array(&Ty::Any)),
];

const CHAT_FILE: &[Field] = &[
    Field::opt("fileName", Ty::String),
    Field::opt("fileUrl", Ty::String),
];

const CHAT_RESPONSE: &[Field] = &[
    Field::opt("token", Ty::String),
    Field::opt("clientId", Ty::String),
    Field::opt("userId", Ty::String),
    Field::opt("files", Ty::Array(&Ty::Object(CHAT_FILE))),
    Field::opt("questionId", Ty::String),
    Field::opt("cid", Ty::String),
    Field::opt("query", Ty::String),
    Field::opt("event", Ty::String),
    Field::opt("timestamp", Ty::String),
    Field::opt("data", Ty::Object(RESPONSE_DATA)),
];

const CHAT_EVENT_BODY: &[Field] = &[
    Field::opt("questionId", Ty::String),
    Field::opt("clientId", Ty::String),
    Field::opt("timestamp", Ty::String),
    Field::opt("data", Ty::Object(RESPONSE_DATA)),
];

const CHAT_EVENT: &[Field] = &[
    Field::req("type", Ty::String),
    Field::opt("event", Ty::Object(CHAT_EVENT_BODY)),
];

const HISTORY_ENTRY: &[Field] = &[
    Field::opt("questionId", Ty::String),
    Field::opt("timestamp", Ty::String),
    Field::opt("query", Ty::String),
    Field::opt("event", Ty::String),
    Field::opt("data", Ty::Object(RESPONSE_DATA)),
];

const PROMPTER_MESSAGE: &[Field] = &[
    Field::req("type", Ty::String),
    Field::opt("text", Ty::String),
    Field::opt("markup", Ty::String),
];

const ANSWER_OPTION: &[Field] = &[
    Field::req("messages", Ty::Array(&Ty::Object(PROMPTER_MESSAGE))),
    Field::opt("intent", Ty::Map),
];

/// Chat API: one processed turn.
pub const CHAT_RESPONSE_SCHEMA: Schema = Schema {
    spec: "chat.yml",
    name: "ChatResponse",
    ty: Ty::Object(CHAT_RESPONSE),
};

/// Chat API: the answer of the async send.
pub const ASYNC_SEND_RESPONSE: Schema = Schema {
    spec: "chat.yml",
    name: "AsyncSendResponse",
    ty: Ty::Object(&[
        Field::opt("questionId", Ty::String),
        Field::opt("id", Ty::String),
    ]),
};

/// Chat API: the events long-poll answer.
pub const EVENTS_RESPONSE: Schema = Schema {
    spec: "chat.yml",
    name: "EventsResponse",
    ty: Ty::Object(&[Field::req("events", Ty::Array(&Ty::Object(CHAT_EVENT)))]),
};

/// Chat API: a client's history.
pub const HISTORY_RESPONSE: Schema = Schema {
    spec: "chat.yml",
    name: "ChatHistoryResponse",
    ty: Ty::Object(&[Field::opt("history", Ty::Array(&Ty::Object(HISTORY_ENTRY)))]),
};

/// Chat API: a client's saved state.
pub const CLIENT_STATE: Schema = Schema {
    spec: "chat.yml",
    name: "ClientState",
    ty: Ty::Map,
};

/// Prompter API: the proposals for one message.
pub const PROMPTER_RESULT: Schema = Schema {
    spec: "prompter.yml",
    name: "PrompterResult",
    ty: Ty::Object(&[
        Field::opt("clientInfo", Ty::Map),
        Field::opt("chatId", Ty::String),
        Field::opt("questionId", Ty::String),
        Field::req("answerOptions", Ty::Array(&Ty::Object(ANSWER_OPTION))),
    ]),
};

/// Pushgate: whatever a fired link answers.
pub const PUSHGATE_ANSWER: Schema = Schema {
    spec: "pushgate.yml",
    name: "PushgateAnswer",
    ty: Ty::Map,
};

/// The Spring-style error object the platform is assumed to answer errors with.
const SPRING_ERROR: &[Field] = &[
    Field::opt("timestamp", Ty::String),
    Field::opt("status", Ty::Integer),
    Field::opt("error", Ty::String),
    Field::opt("message", Ty::String),
    Field::opt("path", Ty::String),
];

/// Chat API: an error answer.
pub const CHAT_ERROR: Schema = Schema {
    spec: "chat.yml",
    name: "ErrorBody",
    ty: Ty::Object(&[
        Field::opt("timestamp", Ty::String),
        Field::opt("status", Ty::Integer),
        Field::opt("error", Ty::String),
        Field::opt("exception", Ty::String),
        Field::opt("message", Ty::String),
        Field::opt("path", Ty::String),
    ]),
};

/// Prompter API: an error answer.
pub const PROMPTER_ERROR: Schema = Schema {
    spec: "prompter.yml",
    name: "ErrorBody",
    ty: Ty::Object(SPRING_ERROR),
};

/// Imputer: an error answer.
pub const IMPUTER_ERROR: Schema = Schema {
    spec: "imputer.yml",
    name: "ErrorBody",
    ty: Ty::Object(SPRING_ERROR),
};

/// Operator API: an error answer of the desk's webhook.
pub const OPERATOR_ERROR: Schema = Schema {
    spec: "operator.yml",
    name: "ErrorBody",
    ty: Ty::Object(SPRING_ERROR),
};

/// Pushgate: an error answer.
pub const PUSHGATE_ERROR: Schema = Schema {
    spec: "pushgate.yml",
    name: "ErrorBody",
    ty: Ty::Object(SPRING_ERROR),
};

/// Every schema above, for the consistency test.
pub const ALL: &[Schema] = &[
    CHAT_ERROR,
    PROMPTER_ERROR,
    IMPUTER_ERROR,
    PUSHGATE_ERROR,
    OPERATOR_ERROR,
    CHAT_RESPONSE_SCHEMA,
    ASYNC_SEND_RESPONSE,
    EVENTS_RESPONSE,
    HISTORY_RESPONSE,
    CLIENT_STATE,
    PROMPTER_RESULT,
    PUSHGATE_ANSWER,
];
