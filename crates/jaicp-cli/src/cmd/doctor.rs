//! `jaicp doctor`: checks the configured JAICP against the SDK's documents and writes a
//! shareable report of shapes only (see the `jaicp-doctor` crate for what each check sends).

use std::path::{Path, PathBuf};

use clap::Args;
use jaicp_core::{ChatApiToken, Error, ImputerToken, OperatorApiKey, PrompterToken, PushbackId};
use jaicp_doctor::{Api, Doctor, Report};

use crate::cli::Globals;
use crate::credentials::read_secret_file;
use crate::output::Format;
use crate::target::Target;

/// Arguments of `jaicp doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also run the checks of API that have an effect (chat: three messages, one async message
    /// and a saved state for doctor's own client id; prompter: one request; pushgate: fires the
    /// link; imputer: one synthesis; operator: an agent's text and file, and with
    /// --operator-destination a destination, in the dialog of --operator-user-id). Repeatable.
    #[arg(long = "allow", value_name = "API", value_parser = ["chat", "prompter", "pushgate", "imputer", "operator"])]
    pub allow: Vec<String>,
    /// File holding the Chat API channel token (default: $JAICP_CHAT_TOKEN).
    #[arg(long, value_name = "PATH")]
    pub chat_token_file: Option<PathBuf>,
    /// File holding the Prompter API token (default: $JAICP_PROMPTER_TOKEN).
    #[arg(long, value_name = "PATH")]
    pub prompter_token_file: Option<PathBuf>,
    /// File holding the Imputer token (default: $JAICP_IMPUTER_TOKEN).
    #[arg(long, value_name = "PATH")]
    pub imputer_token_file: Option<PathBuf>,
    /// A replica template without variables, for the Imputer check.
    #[arg(long, value_name = "ID")]
    pub imputer_template: Option<String>,
    /// File holding a pushback link, `https://host/pushgate/push_<id>` (default:
    /// $JAICP_PUSHBACK_LINK). The link must be on the checked host.
    #[arg(long, value_name = "PATH")]
    pub pushback_link_file: Option<PathBuf>,
    /// File holding the Operator API webhook URL JAICP handed to your desk in setWebhook
    /// (default: $JAICP_OPERATOR_WEBHOOK). Only its path is used, on the checked host.
    #[arg(long, value_name = "PATH")]
    pub operator_webhook_file: Option<PathBuf>,
    /// The user id of a test dialog handed to your desk, for the Operator checks that post into
    /// it (with --allow operator).
    #[arg(long, value_name = "ID")]
    pub operator_user_id: Option<String>,
    /// A destination id for the Operator destination check.
    #[arg(long, value_name = "ID")]
    pub operator_destination: Option<String>,
    /// A webhook body JAICP delivered to you, as captured (repeatable); read for its shape.
    #[arg(long = "webhook-payload", value_name = "FILE")]
    pub webhook_payloads: Vec<PathBuf>,
    /// Write `doctor-report.md` and `doctor-report.json` into this directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write the settings for the variants found (those the SDK supports as configuration, such
    /// as `calls_route_family = "older"`) into the active profile (--profile, $JAICP_PROFILE or
    /// the config file's current one).
    #[arg(long)]
    pub write_config: bool,
}

/// A credential from its file, the environment, or (against the embedded emulator) the
/// emulator's; `None` when there is none, so its checks are reported as not exercised.
fn credential<T>(
    globals: &Globals,
    file: Option<&Path>,
    from_env: impl FnOnce() -> jaicp_core::Result<T>,
    new: impl FnOnce(String) -> jaicp_core::Result<T>,
    emulator_default: Option<String>,
) -> anyhow::Result<Option<T>> {
    if let Some(path) = file {
        return Ok(Some(new(read_secret_file(path, globals)?)?));
    }
    match from_env() {
        Ok(token) => Ok(Some(token)),
        Err(Error::Config(_)) => Ok(emulator_default.map(new).transpose()?),
        Err(e) => Err(e.into()),
    }
}

/// The base path and key of an Operator API webhook URL
/// (`https://host{base}/chatapi/webhook/operatorapi/{key}`).
fn operator_webhook(url: &str) -> anyhow::Result<(String, String)> {
    const MARK: &str = "/chatapi/webhook/operatorapi/";
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let (base, key) = path
        .split_once(MARK)
        .ok_or_else(|| anyhow::anyhow!("the Operator webhook URL has no {MARK}<key> part"))?;
    let key = key.trim_end_matches('/');
    if key.is_empty() || key.contains('/') {
        anyhow::bail!("the Operator webhook URL has no key after {MARK}");
    }
    Ok((base.to_owned(), key.to_owned()))
}

/// The id of a pushback link (the emulator's demo link is made as a bare id).
fn pushback_id(text: &str) -> &str {
    text.rsplit_once("/pushgate/push_")
        .map_or(text, |(_, id)| id)
        .trim_end_matches('/')
}

/// Runs `jaicp doctor`.
pub async fn run(args: DoctorArgs, globals: &Globals) -> anyhow::Result<()> {
    let target = Target::connect(globals).await?;
    let embedded = target.emulator.as_ref();
    let mut doctor = Doctor::new(target.client.clone());
    for api in &args.allow {
        if let Some(api) = Api::parse(api) {
            doctor = doctor.allow_writes(api);
        }
    }
    if let Some(token) = credential(
        globals,
        args.chat_token_file.as_deref(),
        ChatApiToken::from_env,
        ChatApiToken::new,
        embedded.map(|_| jaicp_emulator::DEFAULT_CHAT_TOKEN.to_owned()),
    )? {
        doctor = doctor.chat_token(token);
    }
    if let Some(token) = credential(
        globals,
        args.prompter_token_file.as_deref(),
        PrompterToken::from_env,
        PrompterToken::new,
        embedded.map(|_| jaicp_emulator::DEFAULT_PROMPTER_TOKEN.to_owned()),
    )? {
        doctor = doctor.prompter_token(token);
    }
    let template = args
        .imputer_template
        .clone()
        .or_else(|| embedded.map(|_| "doctor-demo".to_owned()));
    if let (Some(token), Some(template)) = (
        credential(
            globals,
            args.imputer_token_file.as_deref(),
            ImputerToken::from_env,
            ImputerToken::new,
            embedded.map(|_| jaicp_emulator::DEFAULT_IMPUTER_TOKEN.to_owned()),
        )?,
        template,
    ) {
        doctor = doctor.imputer(token, template);
    }
    // Against the embedded emulator, a pushback link made for the demo.
    let demo_pushback = embedded.and_then(|e| {
        e.state()
            .create_pushback(jaicp_emulator::DEFAULT_CHAT_TOKEN, "jaicp-doctor", "/start")
            .ok()
    });
    let link = match (
        &args.pushback_link_file,
        std::env::var("JAICP_PUSHBACK_LINK"),
    ) {
        (Some(path), _) => Some(read_secret_file(path, globals)?),
        (None, Ok(link)) if !link.trim().is_empty() => Some(link.trim().to_owned()),
        _ => demo_pushback,
    };
    if let Some(link) = link {
        doctor = doctor.pushback(PushbackId::new(pushback_id(&link))?);
    }
    let webhook = match (
        &args.operator_webhook_file,
        std::env::var("JAICP_OPERATOR_WEBHOOK"),
    ) {
        (Some(path), _) => Some(read_secret_file(path, globals)?),
        (None, Ok(url)) if !url.trim().is_empty() => Some(url.trim().to_owned()),
        _ => None,
    };
    if let Some(url) = webhook {
        let (base, key) = operator_webhook(&url)?;
        doctor = doctor.operator(OperatorApiKey::new(key)?, base);
    }
    if let Some(user) = &args.operator_user_id {
        doctor = doctor.operator_dialog(user.clone(), args.operator_destination.clone());
    }
    for path in &args.webhook_payloads {
        let body = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        doctor = doctor.webhook_payload(body);
    }
    eprintln!("jaicp doctor: checking (an events long poll may take a minute)...");
    let report = doctor.run().await;
    write(&report, &args, globals)?;
    if args.write_config {
        write_config(&report, &target)?;
    }
    Ok(())
}

fn write(report: &Report, args: &DoctorArgs, globals: &Globals) -> anyhow::Result<()> {
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        for (name, text) in [
            ("doctor-report.md", report.to_markdown()),
            ("doctor-report.json", report.to_json()),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    // The report holds shapes only (no values), so it is written as it is: Markdown by default,
    // JSON with the global `--output json|jsonl`. A closed stdout ends quietly (error::finish).
    let out = globals.out();
    match globals.output {
        Some(Format::Json | Format::Jsonl) => {
            out.raw(format!("{}\n", report.to_json()).as_bytes())?
        }
        _ => out.raw(report.to_markdown().as_bytes())?,
    }
    let (confirmed, contradicted, skipped) = report.counts();
    eprintln!(
        "jaicp doctor: {confirmed} confirmed, {contradicted} contradicted, {skipped} not exercised"
    );
    Ok(())
}

/// Writes each detected setting the profile knows (`config::SETTINGS`) into the active profile;
/// says which ones the SDK cannot be configured for yet.
fn write_config(report: &Report, target: &Target) -> anyhow::Result<()> {
    let settings = report.settings();
    if settings.is_empty() {
        eprintln!("jaicp doctor: no variant found that needs a setting; the profile is unchanged");
        return Ok(());
    }
    let path = crate::config::path()
        .ok_or_else(|| anyhow::anyhow!("no config file location (set JAICP_CONFIG or HOME)"))?;
    let profile = target.profile.name.clone().ok_or_else(|| {
        crate::error::usage(
            "--write-config needs a profile: pass --profile NAME (or set JAICP_PROFILE)",
        )
    })?;
    for setting in settings {
        if crate::config::SETTINGS
            .iter()
            .any(|(key, _, _)| *key == setting.key)
        {
            crate::config::set_key(&path, &profile, setting.key, setting.value)?;
            eprintln!(
                "wrote {} = \"{}\" to profile `{profile}` in {}",
                setting.key,
                setting.value,
                path.display()
            );
        } else {
            eprintln!(
                "not written: {} = \"{}\" (the SDK has no setting for it yet)",
                setting.key, setting.value
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{operator_webhook, pushback_id};

    #[test]
    fn operator_webhook_urls() {
        assert_eq!(
            operator_webhook("https://app.jaicp.com/chatadapter/chatapi/webhook/operatorapi/k3y")
                .unwrap(),
            ("/chatadapter".to_owned(), "k3y".to_owned())
        );
        assert_eq!(
            operator_webhook("http://127.0.0.1:1/chatapi/webhook/operatorapi/k3y/").unwrap(),
            (String::new(), "k3y".to_owned())
        );
        assert!(operator_webhook("https://app.jaicp.com/chatapi/k3y").is_err());
    }

    #[test]
    fn pushback_links_and_bare_ids() {
        assert_eq!(
            pushback_id("https://app.jaicp.com/pushgate/push_abc123"),
            "abc123"
        );
        assert_eq!(pushback_id("abc123"), "abc123");
    }
}
