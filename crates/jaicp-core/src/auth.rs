//! How a request proves who it is: a Bearer header, a token in the path, HTTP Basic, or nothing.
//!
//! An [`Auth`] is made only from credential types (or [`Auth::basic`], which checks its parts),
//! so every secret it holds is printable ASCII without spaces: it fits in a header as it is, and
//! the redactor knows every shape it can take in a server's echo.

use base64::Engine as _;
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

use crate::credentials::check_token;
use crate::error::{Error, Result};

/// Implemented by every credential type.
pub trait Credential {
    /// What kind of token this is, for messages (`campaign token`).
    const KIND: &'static str;
    /// The secret value.
    fn secret(&self) -> &SecretString;
}

/// The authentication of one API handle.
#[derive(Clone, Default)]
pub struct Auth(Kind);

#[derive(Clone, Default)]
enum Kind {
    #[default]
    None,
    /// The token, and its header value made once (sensitive); `None` if it cannot be one.
    Bearer(SecretString, Option<HeaderValue>),
    PathToken {
        param: &'static str,
        secret: SecretString,
    },
    Basic {
        user: String,
        password: SecretString,
        header: Option<HeaderValue>,
    },
}

/// A header value marked sensitive, so that HTTP stacks keep it out of their logs.
fn sensitive(value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    value.set_sensitive(true);
    Some(value)
}

impl Auth {
    /// No credential (Operator, Pushgate, Model API callers).
    pub fn none() -> Self {
        Auth(Kind::None)
    }

    /// `Authorization: Bearer <token>` with a credential (the unified token).
    pub fn bearer<C: Credential>(credential: &C) -> Self {
        let secret = credential.secret().clone();
        let header = sensitive(&format!("Bearer {}", secret.expose_secret()));
        Auth(Kind::Bearer(secret, header))
    }

    /// The credential fills the path parameter `param` (e.g. `token` in
    /// `/api/calls/campaign/{token}`).
    pub fn path_token<C: Credential>(param: &'static str, credential: &C) -> Self {
        Auth(Kind::PathToken {
            param,
            secret: credential.secret().clone(),
        })
    }

    /// HTTP Basic. Both parts must be printable ASCII without spaces and the user must not
    /// contain `:`; anything else is [`Error::InvalidInput`] (naming the part, never its value).
    pub fn basic(user: impl Into<String>, password: SecretString) -> Result<Self> {
        let user: String = user.into();
        check_token("basic user", &user)?;
        if user.contains(':') {
            return Err(Error::invalid("basic user", "must not contain `:`"));
        }
        check_token("basic password", password.expose_secret())?;
        let header = sensitive(&format!("Basic {}", basic_value(&user, &password)));
        Ok(Auth(Kind::Basic {
            user,
            password,
            header,
        }))
    }

    /// The name of the path parameter the credential fills, for path-token authentication.
    pub(crate) fn path_param(&self) -> Option<(&'static str, &str)> {
        match &self.0 {
            Kind::PathToken { param, secret } => Some((param, secret.expose_secret())),
            _ => None,
        }
    }

    /// The secret values, for redaction: every shape in which this credential leaves the process
    /// (the Basic header value too, in case a server echoes it).
    pub(crate) fn secrets(&self) -> Vec<String> {
        match &self.0 {
            Kind::None => Vec::new(),
            Kind::Bearer(s, _) | Kind::PathToken { secret: s, .. } => {
                vec![s.expose_secret().to_owned()]
            }
            Kind::Basic { user, password, .. } => vec![
                password.expose_secret().to_owned(),
                basic_value(user, password),
            ],
        }
    }

    /// Puts the credential's header on a request (nothing for path tokens: the URL builder
    /// fills them). The value was made once, with the `Auth`, and is marked sensitive so that
    /// HTTP stacks keep it out of their logs; a copy shares its bytes.
    pub(crate) fn apply(&self, headers: &mut HeaderMap) -> Result<()> {
        let value = match &self.0 {
            Kind::Bearer(_, header) | Kind::Basic { header, .. } => header.as_ref(),
            Kind::None | Kind::PathToken { .. } => return Ok(()),
        };
        // Cannot be missing for a checked credential; kept as an error rather than a panic.
        let value = value.ok_or_else(|| {
            Error::Config("the credential contains characters not allowed in a header".into())
        })?;
        headers.insert(AUTHORIZATION, value.clone());
        Ok(())
    }
}

/// `base64(user:password)`, the value of a Basic header after `Basic `.
fn basic_value(user: &str, password: &SecretString) -> String {
    let raw = format!("{user}:{}", password.expose_secret());
    base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::None => f.write_str("Auth::None"),
            Kind::Bearer(..) => f.write_str("Auth::Bearer([REDACTED])"),
            Kind::PathToken { param, .. } => write!(f, "Auth::PathToken({param}: [REDACTED])"),
            Kind::Basic { user, .. } => write!(f, "Auth::Basic({user}: [REDACTED])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UnifiedToken;

    #[test]
    fn basic_matches_rfc7617_example() {
        let auth = Auth::basic("Aladdin", SecretString::from("open-sesame")).unwrap();
        let mut headers = HeaderMap::new();
        auth.apply(&mut headers).unwrap();
        let value = &headers[AUTHORIZATION];
        assert_eq!(
            value.to_str().unwrap(),
            "Basic QWxhZGRpbjpvcGVuLXNlc2FtZQ=="
        );
        assert!(value.is_sensitive());
        assert!(
            auth.secrets()
                .contains(&"QWxhZGRpbjpvcGVuLXNlc2FtZQ==".to_owned())
        );
    }

    #[test]
    fn bearer_is_sensitive_and_path_tokens_add_no_header() {
        let token = UnifiedToken::new("tok-123456").unwrap();
        let mut headers = HeaderMap::new();
        Auth::bearer(&token).apply(&mut headers).unwrap();
        assert_eq!(headers[AUTHORIZATION], "Bearer tok-123456");
        assert!(headers[AUTHORIZATION].is_sensitive());
        let mut headers = HeaderMap::new();
        Auth::path_token("token", &token)
            .apply(&mut headers)
            .unwrap();
        Auth::none().apply(&mut headers).unwrap();
        assert!(headers.is_empty());
    }

    #[test]
    fn basic_parts_are_checked() {
        assert!(Auth::basic("a:b", SecretString::from("pw")).is_err());
        assert!(Auth::basic("user", SecretString::from("pässword")).is_err());
        assert!(Auth::basic("us er", SecretString::from("pw")).is_err());
        let err = Auth::basic("user", SecretString::from("pass word")).unwrap_err();
        assert!(!format!("{err:?}").contains("pass word"));
    }
}
