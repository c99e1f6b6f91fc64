//! Where each credential comes from: a `--token-file`, the environment, or (against the embedded
//! emulator) the emulator's own demo credentials. Secrets are never taken from arguments.

use std::path::{Path, PathBuf};

use clap::Args;
use jaicp_core::{CampaignToken, ChatApiToken, Error, ImputerToken, NlpKey, UnifiedToken};
use jaicp_emulator::Emulator;

use crate::target::Target;

/// Where the unified token comes from (Project, Channel, Reporter, Text campaigns).
#[derive(Debug, Args, Clone)]
pub struct TokenArgs {
    /// File holding the unified API token (default: $JAICP_TOKEN or $JAICP_TOKEN_FILE).
    #[arg(long, value_name = "PATH", global = true)]
    pub token_file: Option<PathBuf>,
}

impl Target {
    /// The campaign token: from `--token-file`, the environment, or the emulator's demo campaign.
    pub fn campaign_token(&self, token_file: Option<&Path>) -> anyhow::Result<CampaignToken> {
        if let Some(path) = token_file {
            return Ok(CampaignToken::new(read_secret_file(path)?)?);
        }
        match CampaignToken::from_env() {
            Ok(token) => Ok(token),
            Err(Error::Config(_)) if self.emulator.is_some() => Ok(CampaignToken::new(
                self.emulator
                    .as_ref()
                    .map(Emulator::campaign_token)
                    .unwrap_or_default(),
            )?),
            Err(e) => Err(e.into()),
        }
    }

    /// The Chat API channel token: from `--token-file`, `JAICP_CHAT_TOKEN`, or the emulator's bot.
    pub fn chat_token(&self, token_file: Option<&Path>) -> anyhow::Result<ChatApiToken> {
        if let Some(path) = token_file {
            return Ok(ChatApiToken::new(read_secret_file(path)?)?);
        }
        match ChatApiToken::from_env() {
            Ok(token) => Ok(token),
            Err(Error::Config(_)) if self.emulator.is_some() => {
                Ok(ChatApiToken::new(jaicp_emulator::DEFAULT_CHAT_TOKEN)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The unified token (Project, Channel, Reporter, Text campaigns): from `--token-file`, the
    /// environment (`JAICP_TOKEN` / `JAICP_TOKEN_FILE`), or the emulator's default token.
    pub fn unified_token(&self, token_file: Option<&Path>) -> anyhow::Result<UnifiedToken> {
        if let Some(path) = token_file {
            return Ok(UnifiedToken::new(read_secret_file(path)?)?);
        }
        match UnifiedToken::from_env() {
            Ok(token) => Ok(token),
            Err(Error::Config(_)) if self.emulator.is_some() => {
                Ok(UnifiedToken::new(jaicp_emulator::DEFAULT_UNIFIED_TOKEN)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The NLP Direct key: from `--key-file`, the environment, or the emulator's demo project.
    pub fn nlp_key(&self, key_file: Option<&Path>) -> anyhow::Result<NlpKey> {
        if let Some(path) = key_file {
            return Ok(NlpKey::new(read_secret_file(path)?)?);
        }
        match NlpKey::from_env() {
            Ok(key) => Ok(key),
            Err(Error::Config(_)) if self.emulator.is_some() => {
                Ok(NlpKey::new(jaicp_emulator::DEFAULT_NLP_KEY)?)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The Imputer token: from `--token-file`, `JAICP_IMPUTER_TOKEN`, or the emulator's.
    pub fn imputer_token(&self, token_file: Option<&Path>) -> anyhow::Result<ImputerToken> {
        if let Some(path) = token_file {
            return Ok(ImputerToken::new(read_secret_file(path)?)?);
        }
        match ImputerToken::from_env() {
            Ok(token) => Ok(token),
            Err(Error::Config(_)) if self.emulator.is_some() => {
                Ok(ImputerToken::new(jaicp_emulator::DEFAULT_IMPUTER_TOKEN)?)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Reads a secret (token, link) from a file, trimmed. The error names the file, never the content.
pub fn read_secret_file(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Ok(text.trim().to_owned())
}
