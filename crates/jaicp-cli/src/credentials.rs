//! Where each credential comes from, in this order: a `--token-file`/`--key-file`, the API's
//! environment variable (or `<VAR>_FILE`), the active profile (a file path or a variable name),
//! and, against the embedded emulator, the emulator's demo credential. Secrets are never taken
//! from arguments, and every file is read the same way: an empty file is the same clear error
//! everywhere, and a file that group or others may read gets a warning, as ssh gives.

use std::path::{Path, PathBuf};

use clap::Args;
use jaicp_core::{CampaignToken, ChatApiToken, ImputerToken, NlpKey, UnifiedToken};

use crate::error::Credentials;
use crate::output::remember_secret;
use crate::target::Target;

/// Where the unified token comes from (Project, Channel, Reporter, Text campaigns).
#[derive(Debug, Args, Clone)]
pub struct TokenArgs {
    /// File holding the unified API token (default: $JAICP_TOKEN, $JAICP_TOKEN_FILE, the profile).
    #[arg(long, value_name = "PATH", global = true)]
    pub token_file: Option<PathBuf>,
}

/// The kinds of credential the CLI uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Unified token.
    Unified,
    /// Calls campaign token.
    Campaign,
    /// Chat API channel token.
    Chat,
    /// NLP Direct key.
    Nlp,
    /// Imputer token.
    Imputer,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 5] = [
        Kind::Unified,
        Kind::Campaign,
        Kind::Chat,
        Kind::Nlp,
        Kind::Imputer,
    ];

    /// The environment variable (its `_FILE` twin names a file).
    pub fn env(self) -> &'static str {
        match self {
            Kind::Unified => UnifiedToken::ENV,
            Kind::Campaign => CampaignToken::ENV,
            Kind::Chat => ChatApiToken::ENV,
            Kind::Nlp => NlpKey::ENV,
            Kind::Imputer => ImputerToken::ENV,
        }
    }

    /// The key prefix in a profile (`<prefix>_file`, `<prefix>_env`).
    pub fn profile_key(self) -> &'static str {
        match self {
            Kind::Unified => "token",
            Kind::Campaign => "campaign_token",
            Kind::Chat => "chat_token",
            Kind::Nlp => "nlp_key",
            Kind::Imputer => "imputer_token",
        }
    }

    /// The APIs that use it.
    pub fn apis(self) -> &'static str {
        match self {
            Kind::Unified => "project, channel, reporter, text-campaigns",
            Kind::Campaign => "calls",
            Kind::Chat => "chat",
            Kind::Nlp => "nlp",
            Kind::Imputer => "imputer",
        }
    }

    fn emulator_default(self, target: &Target) -> Option<String> {
        let emulator = target.emulator.as_ref()?;
        Some(match self {
            Kind::Unified => jaicp_emulator::DEFAULT_UNIFIED_TOKEN.to_owned(),
            Kind::Campaign => emulator.campaign_token().to_owned(),
            Kind::Chat => jaicp_emulator::DEFAULT_CHAT_TOKEN.to_owned(),
            Kind::Nlp => jaicp_emulator::DEFAULT_NLP_KEY.to_owned(),
            Kind::Imputer => jaicp_emulator::DEFAULT_IMPUTER_TOKEN.to_owned(),
        })
    }
}

/// Where a credential was found (shown by `jaicp auth status`; never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A `--token-file` / `--key-file`.
    Flag(PathBuf),
    /// An environment variable.
    Env(String),
    /// A file named by an environment variable.
    EnvFile(String, PathBuf),
    /// A file named by the profile.
    ProfileFile(String, PathBuf),
    /// An environment variable named by the profile.
    ProfileEnv(String, String),
    /// The embedded emulator's demo credential.
    Emulator,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(p) => write!(f, "file {} (flag)", p.display()),
            Source::Env(v) => write!(f, "${v}"),
            Source::EnvFile(v, p) => write!(f, "file {} (${v})", p.display()),
            Source::ProfileFile(name, p) => write!(f, "file {} (profile {name})", p.display()),
            Source::ProfileEnv(name, v) => write!(f, "${v} (profile {name})"),
            Source::Emulator => f.write_str("the embedded emulator's demo credential"),
        }
    }
}

impl Target {
    /// Finds a credential: `(where, value)`, or `None` when nothing provides one.
    pub fn find_credential(
        &self,
        kind: Kind,
        flag: Option<&Path>,
    ) -> anyhow::Result<Option<(Source, String)>> {
        if let Some(path) = flag {
            let value = read_secret_file(path, &self.globals)?;
            return Ok(Some((Source::Flag(path.to_owned()), value)));
        }
        let var = kind.env();
        if let Some(value) = non_empty_env(var) {
            return Ok(Some((Source::Env(var.to_owned()), value)));
        }
        let file_var = format!("{var}_FILE");
        if let Some(path) = non_empty_env(&file_var) {
            let path = PathBuf::from(path);
            let value = read_secret_file(&path, &self.globals)?;
            return Ok(Some((Source::EnvFile(file_var, path), value)));
        }
        let profile_name = self.profile.name.clone().unwrap_or_default();
        let sources = &self.profile.profile.sources;
        if let Some(path) = sources.get(&format!("{}_file", kind.profile_key())) {
            let path = crate::config::expand_home(path);
            let value = read_secret_file(&path, &self.globals)?;
            return Ok(Some((Source::ProfileFile(profile_name, path), value)));
        }
        if let Some(name) = sources.get(&format!("{}_env", kind.profile_key())) {
            let value = non_empty_env(name).ok_or_else(|| {
                Credentials(format!(
                    "profile `{profile_name}` takes the {} from ${name}, which is not set",
                    kind.apis()
                ))
            })?;
            return Ok(Some((
                Source::ProfileEnv(profile_name, name.clone()),
                value,
            )));
        }
        Ok(kind.emulator_default(self).map(|v| (Source::Emulator, v)))
    }

    /// The credential value, or a clear "not configured" error (exit 3).
    fn credential(&self, kind: Kind, flag: Option<&Path>) -> anyhow::Result<String> {
        match self.find_credential(kind, flag)? {
            Some((_, value)) => {
                remember_secret(&value);
                Ok(value)
            }
            None => Err(Credentials(format!(
                "no credential for {}: set ${var} or ${var}_FILE, pass a file, or name one in a \
                 profile (`jaicp config set {key}_file PATH`)",
                kind.apis(),
                var = kind.env(),
                key = kind.profile_key()
            ))
            .into()),
        }
    }

    /// The campaign token.
    pub fn campaign_token(&self, flag: Option<&Path>) -> anyhow::Result<CampaignToken> {
        token(CampaignToken::new(self.credential(Kind::Campaign, flag)?))
    }

    /// The Chat API channel token.
    pub fn chat_token(&self, flag: Option<&Path>) -> anyhow::Result<ChatApiToken> {
        token(ChatApiToken::new(self.credential(Kind::Chat, flag)?))
    }

    /// The unified token (Project, Channel, Reporter, Text campaigns).
    pub fn unified_token(&self, flag: Option<&Path>) -> anyhow::Result<UnifiedToken> {
        token(UnifiedToken::new(self.credential(Kind::Unified, flag)?))
    }

    /// The NLP Direct key.
    pub fn nlp_key(&self, flag: Option<&Path>) -> anyhow::Result<NlpKey> {
        token(NlpKey::new(self.credential(Kind::Nlp, flag)?))
    }

    /// The Imputer token.
    pub fn imputer_token(&self, flag: Option<&Path>) -> anyhow::Result<ImputerToken> {
        token(ImputerToken::new(self.credential(Kind::Imputer, flag)?))
    }
}

/// A credential value the SDK refuses (not printable ASCII, spaces inside) is a credential
/// problem (exit 3), said without the value.
fn token<T>(made: jaicp_core::Result<T>) -> anyhow::Result<T> {
    made.map_err(|e| Credentials(e.to_string()).into())
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Reads a secret (token, link) from a file, trimmed. The error names the file, never the
/// content. An empty file is an error (exit 3); a file that group or others can read gets a
/// warning.
pub fn read_secret_file(path: &Path, globals: &crate::cli::Globals) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Credentials(format!(
            "cannot read the credential file {}: {e}",
            path.display()
        ))
    })?;
    let value = text.trim();
    if value.is_empty() {
        return Err(Credentials(format!(
            "the credential file {} is empty; put the token in it (one line)",
            path.display()
        ))
        .into());
    }
    if let Some(mode) = loose_mode(path) {
        globals.warn(&format!(
            "{} can be read by group or others (mode {mode:04o}); run `chmod 600 {}`",
            path.display(),
            path.display()
        ));
    }
    remember_secret(value);
    Ok(value.to_owned())
}

/// The file's mode when group or others have any access to it.
#[cfg(unix)]
fn loose_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o7777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn loose_mode(_path: &Path) -> Option<u32> {
    None
}
