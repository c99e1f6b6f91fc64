//! JAICP hosts: the clouds and on-premise installs.

use url::Url;

use crate::error::{Error, Result};

/// Where the JAICP platform runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Host {
    /// JAICP cloud, `https://app.jaicp.com` (the default).
    #[default]
    Jaicp,
    /// Tovie Platform cloud, `https://platform.tovie.ai`.
    Tovie,
    /// Aimylogic cloud, `https://app.aimylogic.com` (shares the Calls API).
    Aimylogic,
    /// Any other host: an on-premise install, a proxy, or the emulator.
    Custom(Url),
}

impl Host {
    /// A custom host from a URL such as `https://jaicp.example.com`.
    pub fn custom(url: &str) -> Result<Self> {
        let parsed = Url::parse(url.trim())
            .map_err(|e| Error::Config(format!("host is not a valid URL: {e}")))?;
        if parsed.cannot_be_a_base() || parsed.host_str().is_none() {
            return Err(Error::Config("host must be an absolute http(s) URL".into()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::Config("host must not carry credentials".into()));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(
                "host must not carry a query or fragment".into(),
            ));
        }
        Ok(Host::Custom(parsed))
    }

    /// Parses `jaicp`, `tovie`, `aimylogic` or a URL (the `JAICP_HOST` syntax).
    pub fn parse(value: &str) -> Result<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "jaicp" => Ok(Host::Jaicp),
            "tovie" => Ok(Host::Tovie),
            "aimylogic" => Ok(Host::Aimylogic),
            _ => Host::custom(value),
        }
    }

    /// The base URL, without a trailing slash in the path.
    pub fn base_url(&self) -> Url {
        let s = match self {
            Host::Jaicp => "https://app.jaicp.com",
            Host::Tovie => "https://platform.tovie.ai",
            Host::Aimylogic => "https://app.aimylogic.com",
            Host::Custom(url) => return url.clone(),
        };
        // The three literals above are valid URLs.
        Url::parse(s).unwrap_or_else(|_| unreachable!("static host URL"))
    }

    /// True when the host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
    pub fn is_loopback(&self) -> bool {
        is_loopback_url(&self.base_url())
    }
}

pub(crate) fn is_loopback_url(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_urls() {
        assert_eq!(Host::parse("tovie").unwrap(), Host::Tovie);
        assert!(Host::parse("http://127.0.0.1:9").unwrap().is_loopback());
        assert!(Host::custom("https://user:pw@x.example").is_err());
        assert!(Host::custom("not a url").is_err());
    }
}
