//! Everything a client needs to talk to a running emulator: its base URL and every credential,
//! as a value (JSON for `jaicp emulator serve --print-config json`), as environment variables
//! (the names `jaicp_core::Client::from_env` reads) and as the human banner.
//!
//! The credentials are the emulator's own test tokens, never real ones, so printing them is the
//! point; a banner for a non-loopback address carries a warning because anyone who can reach
//! the address can use them.

use std::fmt::Write as _;
use std::net::SocketAddr;

use serde::Serialize;

use crate::state::EmulatorState;

/// A campaign or project and the token it answers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedToken {
    /// Display name.
    pub name: String,
    /// Token (campaign token or NLP key).
    pub token: String,
}

/// The base URL and every credential of a running emulator ([`crate::Emulator::credentials`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmulatorCredentials {
    /// Base URL to point clients at (`JAICP_HOST`), e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    /// Bound address (with the real port).
    pub addr: SocketAddr,
    /// Whether the address is a loopback one (only this machine can reach it).
    pub loopback: bool,
    /// Unified token (Bearer) of the Project, Channel, Reporter and Text campaign APIs.
    pub unified_token: String,
    /// Token of the default Calls campaign.
    pub campaign_token: String,
    /// Key of the default NLP Direct project.
    pub nlp_key: String,
    /// Chat API channel token of the emulator's bot.
    pub chat_token: String,
    /// Prompter API channel token.
    pub prompter_token: String,
    /// Imputer token.
    pub imputer_token: String,
    /// Operator API key.
    pub operator_key: String,
    /// Legacy Reporter token (in the path).
    pub legacy_reporter_token: String,
    /// Short name of the default project.
    pub project_short_name: String,
    /// Bot id of the default project's Chat API channel.
    pub bot_id: String,
    /// Every Calls campaign (the default one included).
    pub campaigns: Vec<NamedToken>,
    /// Every NLP Direct project (the default one included).
    pub nlp_projects: Vec<NamedToken>,
    /// Base of the emulator-only admin API (described by `specs/emulator-admin.yml`).
    pub admin_url: String,
    /// Health route: answers 200 once the emulator serves.
    pub health_url: String,
    /// The state file, if the emulator keeps its state in one.
    pub state_file: Option<String>,
}

impl EmulatorCredentials {
    pub(crate) fn collect(addr: SocketAddr, state: &EmulatorState) -> Self {
        let base_url = format!("http://{addr}");
        let mut campaigns: Vec<NamedToken> = state
            .calls()
            .campaigns
            .iter()
            .map(|(token, c)| NamedToken {
                name: c.name.clone(),
                token: token.clone(),
            })
            .collect();
        campaigns.sort_by(|a, b| a.token.cmp(&b.token));
        let mut nlp_projects: Vec<NamedToken> = state
            .nlp()
            .projects
            .iter()
            .map(|(key, p)| NamedToken {
                name: p.name.clone(),
                token: key.clone(),
            })
            .collect();
        nlp_projects.sort_by(|a, b| a.token.cmp(&b.token));
        Self {
            admin_url: format!("{base_url}/_emulator"),
            health_url: format!("{base_url}/_emulator/health"),
            base_url,
            addr,
            loopback: addr.ip().is_loopback(),
            unified_token: crate::DEFAULT_UNIFIED_TOKEN.to_owned(),
            campaign_token: crate::DEFAULT_CAMPAIGN_TOKEN.to_owned(),
            nlp_key: crate::DEFAULT_NLP_KEY.to_owned(),
            chat_token: crate::DEFAULT_CHAT_TOKEN.to_owned(),
            prompter_token: crate::DEFAULT_PROMPTER_TOKEN.to_owned(),
            imputer_token: crate::DEFAULT_IMPUTER_TOKEN.to_owned(),
            operator_key: crate::DEFAULT_OPERATOR_KEY.to_owned(),
            legacy_reporter_token: crate::DEFAULT_LEGACY_REPORTER_TOKEN.to_owned(),
            project_short_name: crate::DEFAULT_PROJECT_SHORT_NAME.to_owned(),
            bot_id: crate::DEFAULT_BOT_ID.to_owned(),
            campaigns,
            nlp_projects,
            state_file: state.state_file().map(|p| p.display().to_string()),
        }
    }

    /// The environment variables `jaicp_core::Client::from_env` and the `jaicp` command read,
    /// with this emulator's values, in a fixed order.
    pub fn env_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("JAICP_HOST", self.base_url.clone()),
            ("JAICP_TOKEN", self.unified_token.clone()),
            ("JAICP_CAMPAIGN_TOKEN", self.campaign_token.clone()),
            ("JAICP_NLP_KEY", self.nlp_key.clone()),
            ("JAICP_CHAT_TOKEN", self.chat_token.clone()),
            ("JAICP_PROMPTER_TOKEN", self.prompter_token.clone()),
            ("JAICP_IMPUTER_TOKEN", self.imputer_token.clone()),
            ("JAICP_OPERATOR_KEY", self.operator_key.clone()),
            ("JAICP_REPORTER_TOKEN", self.legacy_reporter_token.clone()),
        ]
    }

    /// The human banner: where the emulator listens, every credential with the environment
    /// variable that carries it, the admin API, the state file, and a warning when the address
    /// is reachable from other machines.
    pub fn banner(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "JAICP emulator listening on {}", self.base_url);
        if !self.loopback {
            let _ = writeln!(
                out,
                "WARNING: {} is not a loopback address: anyone who can reach it can use these \
                 credentials and read or change the emulator's data.",
                self.addr.ip()
            );
        }
        let labels = [
            "base URL",
            "unified token",
            "campaign token",
            "NLP key",
            "Chat API token",
            "Prompter token",
            "Imputer token",
            "Operator key",
            "legacy Reporter token",
        ];
        for (label, (var, value)) in labels.iter().zip(self.env_vars()) {
            let _ = writeln!(out, "  {label:<22} {var:<21} {value}");
        }
        let extra: Vec<&NamedToken> = self
            .campaigns
            .iter()
            .filter(|c| c.token != self.campaign_token)
            .collect();
        for c in extra {
            let _ = writeln!(out, "  campaign {:?}: {}", c.name, c.token);
        }
        for p in self.nlp_projects.iter().filter(|p| p.token != self.nlp_key) {
            let _ = writeln!(out, "  NLP project {:?}: {}", p.name, p.token);
        }
        let _ = writeln!(
            out,
            "  project {} (bot {})",
            self.project_short_name, self.bot_id
        );
        let _ = writeln!(
            out,
            "  admin API {}/ (specs/emulator-admin.yml), health {}",
            self.admin_url, self.health_url
        );
        match &self.state_file {
            Some(path) => {
                let _ = writeln!(out, "  state file {path}");
            }
            None => {
                let _ = writeln!(out, "  no state file: the state is lost on exit");
            }
        }
        out
    }
}
