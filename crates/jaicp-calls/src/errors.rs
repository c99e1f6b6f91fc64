//! Typed Calls API errors, read from the `type` field of an error body: a view over the SDK's
//! one [`Error`] (the pattern of every API crate: `*ErrorExt` traits, no second error type).

use jaicp_core::Error;

/// A Calls API error, by its documented `type` code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallsError {
    /// `phone.duplicated`: the number is repeated in the request, or was added in the last 24 hours
    /// (CRM methods).
    PhoneDuplicated {
        /// The number named by the server.
        phone: Option<String>,
        /// All duplicated numbers, when listed.
        duplicates: Vec<String>,
    },
    /// `phone.bad.format`: the number breaks the country's numbering rules.
    PhoneBadFormat {
        /// The number.
        phone: Option<String>,
    },
    /// `phone.gmtZone.bad.format`: the time zone is not understood.
    BadTimeZone {
        /// The number.
        phone: Option<String>,
        /// The zone sent.
        gmt_zone: Option<String>,
    },
    /// `invalid.call.task.state`: the campaign cannot take numbers (stopped or finished).
    CampaignState {
        /// The campaign's state.
        state: Option<String>,
    },
    /// `invalid.call.allowed.time`: allowed-time intervals overlap.
    AllowedTimeOverlap,
    /// `invalid.dialer_priority`: priority outside 1–5.
    BadPriority,
    /// `id.not.found`: a call job id is unknown.
    IdNotFound {
        /// The id, when named.
        id: Option<String>,
    },
    /// `phone.not.found`: a number is not in the campaign.
    PhoneNotFound {
        /// The number, when named.
        phone: Option<String>,
    },
    /// `invalid.token`: no campaign has this token.
    InvalidToken,
    /// Another code (control errors use `error` instead of `type`).
    Other {
        /// HTTP status.
        status: u16,
        /// The code, when any.
        code: Option<String>,
    },
}

impl CallsError {
    /// Reads the Calls error out of an SDK error; `None` when it is not an API error.
    /// Reached through [`CallsErrorExt::calls_error`], the one way every API crate reads its
    /// typed errors.
    fn from_error(error: &Error) -> Option<CallsError> {
        let api = error.api_error()?;
        let text = |name: &str| {
            api.body
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let list = |name: &str| {
            api.body
                .get(name)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| {
                            v.as_str()
                                .map(str::to_owned)
                                .or_else(|| v.as_i64().map(|n| n.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Some(match api.code.as_deref() {
            Some("phone.duplicated") => CallsError::PhoneDuplicated {
                phone: text("phone"),
                duplicates: list("phonesDuplicates"),
            },
            Some("phone.bad.format") => CallsError::PhoneBadFormat {
                phone: text("phone"),
            },
            Some("phone.gmtZone.bad.format") => CallsError::BadTimeZone {
                phone: text("phone"),
                gmt_zone: text("gmtZone"),
            },
            Some("invalid.call.task.state") => CallsError::CampaignState {
                state: text("state"),
            },
            Some("invalid.call.allowed.time") => CallsError::AllowedTimeOverlap,
            Some("invalid.dialer_priority") => CallsError::BadPriority,
            Some("id.not.found") => CallsError::IdNotFound { id: text("id") },
            Some("phone.not.found") => CallsError::PhoneNotFound {
                phone: text("phone"),
            },
            Some("invalid.token") => CallsError::InvalidToken,
            code => CallsError::Other {
                status: api.status,
                code: code.map(str::to_owned),
            },
        })
    }

    /// True for errors about one number (the rest of a batch can be re-sent without it).
    pub fn is_per_phone(&self) -> bool {
        matches!(
            self,
            CallsError::PhoneDuplicated { .. }
                | CallsError::PhoneBadFormat { .. }
                | CallsError::BadTimeZone { .. }
        )
    }

    /// True for errors that concern the whole campaign (nothing more can be added).
    pub fn is_campaign_level(&self) -> bool {
        matches!(
            self,
            CallsError::InvalidToken | CallsError::CampaignState { .. }
        )
    }
}

/// Adds [`CallsError`] reading to the SDK error.
pub trait CallsErrorExt {
    /// The Calls error code of this error, when it is a Calls API error.
    fn calls_error(&self) -> Option<CallsError>;
}

impl CallsErrorExt for Error {
    fn calls_error(&self) -> Option<CallsError> {
        CallsError::from_error(self)
    }
}
