//! `jaicp auth status`: per API, which credential is configured and whether a cheap read-only
//! call accepts it. No part of any secret is ever printed.

use std::time::Duration;

use clap::Subcommand;

use crate::cli::Globals;
use crate::credentials::{Kind, Source};
use crate::target::Target;

/// Auth commands.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Show where each credential comes from and whether the server accepts it.
    Status {
        /// Only show where credentials come from; make no request.
        #[arg(long)]
        offline: bool,
    },
}

/// How long one check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs an auth command.
pub async fn run(command: AuthCommand, globals: &Globals) -> anyhow::Result<()> {
    let AuthCommand::Status { offline } = command;
    let target = Target::connect(globals).await?;
    let mut rows = Vec::new();
    for kind in Kind::ALL {
        let (source, check) = match target.find_credential(kind, None) {
            Ok(Some((source, value))) => {
                crate::output::remember_secret(&value);
                let check = if offline {
                    "not checked (--offline)".to_owned()
                } else {
                    check(&target, kind, &value).await
                };
                (describe(&source), check)
            }
            Ok(None) => ("not configured".to_owned(), "-".to_owned()),
            Err(e) => (format!("unusable: {e:#}"), "-".to_owned()),
        };
        rows.push(serde_json::json!({
            "credential": kind.env(),
            "apis": kind.apis(),
            "source": source,
            "check": check,
        }));
    }
    globals.note(&format!(
        "host: {} ({}); profile: {}",
        target.client.host().base_url(),
        target.host_source,
        target.profile.name.as_deref().unwrap_or("none")
    ));
    globals
        .out()
        .rows(&["credential", "apis", "source", "check"], rows)
}

fn describe(source: &Source) -> String {
    source.to_string()
}

/// One cheap read-only call with the credential; the answer in a few words.
async fn check(target: &Target, kind: Kind, value: &str) -> String {
    let client = &target.client;
    let call = async {
        match kind {
            Kind::Unified => {
                let token = jaicp_core::UnifiedToken::new(value)?;
                jaicp_project::Projects::new(client, &token)
                    .list()
                    .page(0)
                    .size(1)
                    .send()
                    .await
                    .map(|_| ())
            }
            Kind::Campaign => {
                let token = jaicp_core::CampaignToken::new(value)?;
                jaicp_calls::Calls::new(client, &token)
                    .campaign()
                    .send()
                    .await
                    .map(|_| ())
            }
            Kind::Chat => {
                let token = jaicp_core::ChatApiToken::new(value)?;
                jaicp::chat::Chat::new(client, &token)
                    .load_state("jaicp-auth-status")
                    .await
                    .map(|_| ())
            }
            Kind::Nlp => {
                let key = jaicp_core::NlpKey::new(value)?;
                let prefix =
                    std::env::var("JAICP_NLP_PREFIX").unwrap_or_else(|_| "/cailapub".to_owned());
                jaicp_nlp::Nlp::with_prefix(client, &key, &prefix)
                    .nlu_status()
                    .send()
                    .await
                    .map(|_| ())
            }
            Kind::Imputer => return Ok(Err("not checked (the Imputer API has no read-only call)")),
        }
        .map(Ok)
    };
    match tokio::time::timeout(CHECK_TIMEOUT, call).await {
        Err(_) => "no answer within 10s".to_owned(),
        Ok(Ok(Err(note))) => note.to_owned(),
        Ok(Ok(Ok(()))) => "accepted".to_owned(),
        // `is_auth` also covers the Calls API's HTTP 404 `invalid.token` for a campaign token.
        Ok(Err(e)) => match e.status() {
            Some(status) if e.is_auth() => format!("refused (HTTP {status})"),
            Some(401 | 403) => format!("refused (HTTP {})", e.status().unwrap_or_default()),
            Some(status) => format!("HTTP {status}"),
            None => format!("error: {e}"),
        },
    }
}
