//! How a request proves who it is: a Bearer header, a token in the path, HTTP Basic, or nothing.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// Implemented by every credential type.
pub trait Credential {
    /// What kind of token this is, for messages (`campaign token`).
    const KIND: &'static str;
    /// The secret value.
    fn secret(&self) -> &SecretString;
}

/// The authentication of one API handle.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No credential (Operator, Pushgate, Model API callers).
    #[default]
    None,
    /// `Authorization: Bearer <token>` (the unified token).
    Bearer(SecretString),
    /// The token fills the path parameter `param` (e.g. `token` in `/api/calls/campaign/{token}`).
    PathToken {
        /// Name of the path parameter in the operation's path template.
        param: &'static str,
        /// The token.
        secret: SecretString,
    },
    /// HTTP Basic.
    Basic {
        /// User name.
        user: String,
        /// Password.
        password: SecretString,
    },
}

impl Auth {
    /// Bearer authentication with a credential.
    pub fn bearer<C: Credential>(credential: &C) -> Self {
        Auth::Bearer(credential.secret().clone())
    }

    /// Path-token authentication with a credential filling `param`.
    pub fn path_token<C: Credential>(param: &'static str, credential: &C) -> Self {
        Auth::PathToken {
            param,
            secret: credential.secret().clone(),
        }
    }

    /// The secret values, for redaction.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Auth::None => Vec::new(),
            Auth::Bearer(s) | Auth::PathToken { secret: s, .. } => vec![s.expose_secret()],
            Auth::Basic { password, .. } => vec![password.expose_secret()],
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("Auth::None"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer([REDACTED])"),
            Auth::PathToken { param, .. } => write!(f, "Auth::PathToken({param}: [REDACTED])"),
            Auth::Basic { user, .. } => write!(f, "Auth::Basic({user}: [REDACTED])"),
        }
    }
}
