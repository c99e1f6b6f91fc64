//! Profiles: `$XDG_CONFIG_HOME/jaicp/config.toml` (default `~/.config/jaicp/config.toml`;
//! `JAICP_CONFIG` names another file). A profile holds a host and, per credential, the path of a
//! file that holds it or the name of an environment variable that does — never the secret itself,
//! so the file can be shared and backed up.
//!
//! ```toml
//! current = "prod"
//!
//! [profiles.prod]
//! host = "https://app.jaicp.com"
//! token_file = "/home/me/.jaicp/token"
//! campaign_token_env = "PROD_CAMPAIGN_TOKEN"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::usage;

/// The whole file.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The profile used when neither `--profile` nor `JAICP_PROFILE` names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile: where commands go and where each credential comes from. (Unknown keys are
/// caught by `load`, which checks every key of `sources`.)
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Profile {
    /// `JAICP_HOST` of this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Credential sources: `<credential>_file` or `<credential>_env` → path or variable name.
    #[serde(flatten)]
    pub sources: BTreeMap<String, String>,
}

/// The credentials a profile can name, as `(key prefix, what it is)`.
pub const CREDENTIALS: &[(&str, &str)] = &[
    (
        "token",
        "unified token (Project, Channel, Reporter, Text campaigns)",
    ),
    ("campaign_token", "Calls API campaign token"),
    ("chat_token", "Chat API channel token"),
    ("nlp_key", "NLP Direct key"),
    ("imputer_token", "Imputer token"),
];

/// Platform variants a profile can choose, as `(key, allowed values, what it is)`; `jaicp doctor
/// --write-config` writes the ones it detects.
pub const SETTINGS: &[(&str, &[&str], &str)] = &[(
    "calls_route_family",
    &["crm", "older"],
    "route family of the Calls single-number add: `crm` (/api/crmCalls, the default) or `older` (/api/calls)",
)];

/// Every key `set_key` accepts.
pub fn keys() -> Vec<String> {
    let mut keys = vec!["host".to_owned()];
    keys.extend(SETTINGS.iter().map(|(key, _, _)| (*key).to_owned()));
    for (prefix, _) in CREDENTIALS {
        keys.push(format!("{prefix}_file"));
        keys.push(format!("{prefix}_env"));
    }
    keys
}

/// Where the config file is: `JAICP_CONFIG`, else `$XDG_CONFIG_HOME/jaicp/config.toml`, else
/// `$HOME/.config/jaicp/config.toml`.
pub fn path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("JAICP_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")))?;
    Some(base.join("jaicp").join("config.toml"))
}

/// The user's home directory.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Reads the file; a missing file is an empty config.
pub fn load(path: &Path) -> anyhow::Result<Config> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let config: Config = toml::from_str(&text).map_err(|e| {
        usage(format!(
            "{} is not a valid config file: {e}",
            path.display()
        ))
    })?;
    for (name, profile) in &config.profiles {
        for key in profile.sources.keys() {
            check_key(key).with_context(|| format!("{}: profile `{name}`", path.display()))?;
        }
    }
    Ok(config)
}

/// Writes the file atomically (a temporary file renamed over it), readable by the user only.
pub fn save(path: &Path, config: &Config) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let text = toml::to_string_pretty(config)?;
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn check_key(key: &str) -> anyhow::Result<()> {
    if keys().iter().any(|k| k == key) {
        return Ok(());
    }
    Err(usage(format!(
        "unknown key `{key}`; the keys are: {} (a profile names where a secret is, never the secret)",
        keys().join(", ")
    )))
}

/// Sets `key` to `value` in `profile` of the file at `path` (creating both as needed). Keys are
/// `host`, `<credential>_file` (a path; `~/` is expanded) and `<credential>_env` (a variable
/// name). An empty value removes the key. This is the one way the config is changed: `jaicp config
/// set` and `jaicp doctor --write-config` both use it.
pub fn set_key(path: &Path, profile: &str, key: &str, value: &str) -> anyhow::Result<()> {
    check_profile_name(profile)?;
    let mut config = load(path)?;
    let entry = config.profiles.entry(profile.to_owned()).or_default();
    let value = value.trim();
    if key == "host" {
        if value.is_empty() {
            entry.host = None;
        } else {
            jaicp_core::Host::parse(value)
                .map_err(|e| usage(format!("`{value}` is not a host: {e}")))?;
            entry.host = Some(value.to_owned());
        }
    } else {
        check_key(key)?;
        if value.is_empty() {
            entry.sources.remove(key);
        } else if let Some((_, allowed, _)) = SETTINGS.iter().find(|(k, _, _)| *k == key) {
            if !allowed.contains(&value) {
                return Err(usage(format!(
                    "`{key}` takes one of: {}",
                    allowed.join(", ")
                )));
            }
            entry.sources.insert(key.to_owned(), value.to_owned());
        } else if key.ends_with("_env") {
            if !value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(usage(format!(
                    "`{key}` takes the NAME of an environment variable (A-Z, 0-9, _), not a token"
                )));
            }
            entry.sources.insert(key.to_owned(), value.to_owned());
        } else {
            entry
                .sources
                .insert(key.to_owned(), expand_home(value).display().to_string());
        }
    }
    save(path, &config)
}

/// Makes `profile` the default.
pub fn use_profile(path: &Path, profile: &str) -> anyhow::Result<()> {
    let mut config = load(path)?;
    if !config.profiles.contains_key(profile) {
        return Err(usage(format!(
            "no profile `{profile}` in {}; create it with `jaicp config set KEY VALUE --profile {profile}`",
            path.display()
        )));
    }
    config.current = Some(profile.to_owned());
    save(path, &config)
}

fn check_profile_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(usage(format!(
            "`{name}` is not a profile name (letters, digits, - and _)"
        )));
    }
    Ok(())
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(value: &str) -> PathBuf {
    match (value.strip_prefix("~/"), home()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(value),
    }
}

/// The active profile: `--profile`/`JAICP_PROFILE`, else the file's `current`, else none.
#[derive(Debug, Clone, Default)]
pub struct Active {
    /// Its name.
    pub name: Option<String>,
    /// Its settings.
    pub profile: Profile,
}

/// Resolves the active profile. A profile asked for by name must exist.
pub fn active(requested: Option<&str>) -> anyhow::Result<Active> {
    let Some(path) = path() else {
        return Ok(Active::default());
    };
    let config = load(&path)?;
    let name = requested
        .map(str::to_owned)
        .or_else(|| config.current.clone());
    let Some(name) = name else {
        return Ok(Active::default());
    };
    match config.profiles.get(&name) {
        Some(profile) => Ok(Active {
            name: Some(name),
            profile: profile.clone(),
        }),
        None => Err(usage(format!(
            "no profile `{name}` in {} (profiles: {})",
            path.display(),
            if config.profiles.is_empty() {
                "none yet".to_owned()
            } else {
                config
                    .profiles
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_use_and_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jaicp/config.toml");
        set_key(&path, "prod", "host", "https://app.jaicp.com").unwrap();
        set_key(&path, "prod", "campaign_token_env", "PROD_CAMPAIGN").unwrap();
        set_key(&path, "prod", "token_file", "/secrets/token").unwrap();
        use_profile(&path, "prod").unwrap();
        let config = load(&path).unwrap();
        assert_eq!(config.current.as_deref(), Some("prod"));
        let prod = &config.profiles["prod"];
        assert_eq!(prod.host.as_deref(), Some("https://app.jaicp.com"));
        assert_eq!(prod.sources["campaign_token_env"], "PROD_CAMPAIGN");
        set_key(&path, "prod", "token_file", "").unwrap();
        assert!(
            !load(&path).unwrap().profiles["prod"]
                .sources
                .contains_key("token_file")
        );
    }

    #[test]
    fn secrets_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        assert!(set_key(&path, "p", "token", "abc").is_err());
        assert!(set_key(&path, "p", "token_env", "1.2.abc-def").is_err());
        assert!(set_key(&path, "p", "host", "not a url").is_err());
        assert!(use_profile(&path, "missing").is_err());
    }
}
