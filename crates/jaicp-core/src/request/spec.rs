//! The static description of an operation, written by the code generator for every operation of
//! every API document.

use http::Method;

use crate::error::OpName;

/// How an operation may be repeated after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Idempotency {
    /// Safe to repeat: reads, PUT/DELETE, read-only POST queries.
    Idempotent,
    /// A write that carries an idempotence key: safe to repeat with the same key.
    Keyed(KeyPlacement),
    /// Must not be repeated once it may have reached the server (a chat message, a pushback).
    /// Retried only when the connection was never opened.
    NonIdempotent,
}

/// Where an operation sends its idempotence key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyPlacement {
    /// The `Idempotence-Key` request header.
    Header,
    /// The `Idempotence-Key` query parameter (the documented form for GET adds).
    Query,
}

/// The name of the idempotence key header and query parameter.
pub(crate) const IDEMPOTENCE_KEY: &str = "Idempotence-Key";

/// What the SDK knows about an operation.
#[derive(Debug, Clone)]
pub struct OperationSpec {
    /// API name, e.g. `calls`.
    pub api: &'static str,
    /// Operation id, e.g. `addPhones`.
    pub operation: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path template relative to the host, e.g. `/api/calls/campaign/{token}/addPhones`.
    pub path: &'static str,
    /// Retry class.
    pub idempotency: Idempotency,
}

impl OperationSpec {
    /// The operation's name for errors and logs.
    pub fn name(&self) -> OpName {
        OpName {
            api: self.api,
            operation: self.operation,
        }
    }
}

/// The spec of `raw()` requests: their method, path and retry class come from the call.
pub(crate) static RAW: OperationSpec = OperationSpec {
    api: "raw",
    operation: "raw",
    method: Method::GET,
    path: "/",
    idempotency: Idempotency::Idempotent,
};
