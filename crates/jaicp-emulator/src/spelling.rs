//! Which spelling the emulator serves for fields that an official document requires under one
//! name but declares under another (`ProjectDto.botChannels[]`: requires `type`, declares
//! `channelType`; `StateRoutesInfo`: requires `states`, declares `stateRoutes`). The real
//! server's choice is unconfirmed, the SDK decodes both, and a test run sees exactly one, so a
//! test of each spelling proves the SDK reads it.

/// The spelling of the fields above (see [`crate::EmulatorBuilder::field_spelling`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldSpelling {
    /// The name the document lists as required (`type`, `states`). The default: answers then
    /// satisfy the official document's `required` lists (Prism's proxy checks them).
    #[default]
    Required,
    /// The name the document declares as a property (`channelType`, `stateRoutes`).
    Declared,
}

impl FieldSpelling {
    /// The key to write: `required` or `declared`, by the chosen spelling.
    pub(crate) fn pick(self, required: &'static str, declared: &'static str) -> &'static str {
        match self {
            FieldSpelling::Required => required,
            FieldSpelling::Declared => declared,
        }
    }
}
