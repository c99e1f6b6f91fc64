//! One credential type per kind of JAICP token, so that one cannot be passed where another belongs.
//!
//! Each wraps a [`secrecy::SecretString`]: there is no `Display`, `Debug` prints `[REDACTED]`, and
//! the value is zeroized on drop. The value is exposed only when a request is built.
//!
//! A token is printable ASCII without spaces (`!`..=`~`). Anything else is refused when the
//! credential is made, before any request: a non-ASCII token would travel as raw UTF-8, and a
//! server that echoes it decoded as Latin-1 (as Java servers do) would show it in a shape the
//! redactor does not know. Every JAICP token seen so far fits the rule.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

use crate::error::{Error, Result};

/// Checks that a token is printable ASCII without spaces. The error names the kind of token and
/// the position of the first bad character, never the value.
pub(crate) fn check_token(kind: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(kind, "is empty"));
    }
    match value.bytes().position(|b| !b.is_ascii_graphic()) {
        None => Ok(()),
        Some(i) => Err(Error::invalid(
            kind,
            format!(
                "must be printable ASCII without spaces (character {} is not)",
                value[..i].chars().count() + 1
            ),
        )),
    }
}

/// Reads a secret from an environment variable, or from the file named by `<VAR>_FILE`.
pub(crate) fn secret_from_env(var: &str) -> Result<Option<SecretString>> {
    if let Ok(value) = std::env::var(var) {
        let value = value.trim().to_owned();
        if !value.is_empty() {
            return Ok(Some(SecretString::from(value)));
        }
    }
    let file_var = format!("{var}_FILE");
    if let Ok(path) = std::env::var(&file_var) {
        let content = std::fs::read_to_string(&path)
            .map_err(|e| Error::Config(format!("cannot read {file_var} ({path}): {e}")))?;
        let value = content.trim().to_owned();
        if value.is_empty() {
            return Err(Error::Config(format!("{file_var} names an empty file")));
        }
        return Ok(Some(SecretString::from(value)));
    }
    Ok(None)
}

macro_rules! credential {
    ($(#[$doc:meta])* $name:ident, $env:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// The environment variable [`Self::from_env`] reads (or `<VAR>_FILE` for a file holding it).
            pub const ENV: &'static str = $env;

            /// Wraps a token value. Surrounding whitespace is removed; what is left must be
            /// printable ASCII without spaces, or the result is [`Error::InvalidInput`] (naming
            /// the kind of token, never the value).
            pub fn new(value: impl Into<String>) -> Result<Self> {
                let value: String = value.into();
                let trimmed = value.trim();
                check_token($kind, trimmed)?;
                Ok(Self(SecretString::from(trimmed.to_owned())))
            }

            /// Reads the token from the environment variable [`Self::ENV`], or from the file named by
            /// `<ENV>_FILE`. Tokens are never taken from command-line arguments.
            pub fn from_env() -> Result<Self> {
                let secret = secret_from_env(Self::ENV)?.ok_or_else(|| {
                    Error::Config(format!("{} is not set (nor {}_FILE)", Self::ENV, Self::ENV))
                })?;
                check_token($kind, secret.expose_secret())
                    .map_err(|e| Error::Config(format!("{}: {e}", Self::ENV)))?;
                Ok(Self(secret))
            }

            /// The token value. Use only to hand it to something that must send it.
            pub fn expose(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([REDACTED])"))
            }
        }

        impl crate::auth::Credential for $name {
            const KIND: &'static str = $kind;
            fn secret(&self) -> &SecretString {
                &self.0
            }
        }
    };
}

credential!(
    /// The unified API token (`Authorization: Bearer`): Project, Channel, Reporter, Text campaigns.
    UnifiedToken, "JAICP_TOKEN", "unified token"
);
credential!(
    /// The token of one outbound call campaign (in the Calls API path).
    CampaignToken, "JAICP_CAMPAIGN_TOKEN", "campaign token"
);
credential!(
    /// The NLP Direct (CAILA) API key of a project (in the path).
    NlpKey, "JAICP_NLP_KEY", "NLP Direct key"
);
credential!(
    /// The access token of a Chat API channel (in the path).
    ChatApiToken, "JAICP_CHAT_TOKEN", "Chat API token"
);
credential!(
    /// The token of a Prompter API channel (in the path).
    PrompterToken, "JAICP_PROMPTER_TOKEN", "Prompter API token"
);
credential!(
    /// The Imputer (hybrid speech synthesis) token (in the path).
    ImputerToken, "JAICP_IMPUTER_TOKEN", "Imputer token"
);
credential!(
    /// The id of a pushback link (the secret part of `/pushgate/push_{id}`).
    PushbackId, "JAICP_PUSHBACK_ID", "pushback id"
);
credential!(
    /// The key in the Operator API webhook address of JAICP (`/chatapi/webhook/operatorapi/{key}`).
    OperatorApiKey, "JAICP_OPERATOR_KEY", "Operator API key"
);
credential!(
    /// The legacy Reporter token of a project (in the `/reporter/p/{token}` path).
    LegacyReporterToken, "JAICP_REPORTER_TOKEN", "legacy Reporter token"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let t = CampaignToken::new("123.456.CANARY").unwrap();
        assert_eq!(format!("{t:?}"), "CampaignToken([REDACTED])");
        assert_eq!(t.expose(), "123.456.CANARY");
    }

    #[test]
    fn non_ascii_and_whitespace_tokens_are_refused_at_construction() {
        for bad in [
            "CANARY-ünï-123456",
            "CANARY 123456",
            "CANARY\t123456",
            "CANARY\u{7f}123",
            "",
            "   ",
        ] {
            let err = UnifiedToken::new(bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, .. } if field == "unified token"),
                "{err:?}"
            );
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("CANARY"), "{shown}");
        }
        // Surrounding whitespace is trimmed, every printable ASCII character is accepted.
        let all: String = (b'!'..=b'~').map(char::from).collect();
        assert_eq!(
            ChatApiToken::new(format!("  {all}\n")).unwrap().expose(),
            all
        );
    }
}
