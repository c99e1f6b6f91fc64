//! The Prompter API: answer proposals for agents, made by the same scripted bot as the Chat API
//! (every rule that matches the customer's text is one proposal).

pub(crate) mod routes;

/// The Prompter API token the emulator accepts.
pub const DEFAULT_PROMPTER_TOKEN: &str = "prompter:0000000000000000000000000000000000c4a7e3";
