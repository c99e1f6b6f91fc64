//! `jaicp config list|show|set|use`: the profiles of the config file (see `crate::config`).

use clap::Subcommand;

use crate::cli::Globals;
use crate::config::{self, Config};
use crate::error::usage;

/// Config commands. The profile they act on is `--profile` (or `JAICP_PROFILE`), else the file's
/// current profile, else `default`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the profiles (`*` marks the current one).
    List,
    /// Show one profile's settings (paths and variable names; the file never holds secrets).
    Show {
        /// The profile (default: the active one).
        name: Option<String>,
    },
    /// Set a key of a profile: host, CREDENTIAL_file or CREDENTIAL_env (credentials: token,
    /// campaign_token, chat_token, nlp_key, imputer_token). An empty value removes the key.
    Set {
        /// The key.
        key: String,
        /// The value: a URL, a file path or an environment variable name.
        value: String,
    },
    /// Make a profile the default.
    Use {
        /// The profile.
        name: String,
    },
}

/// Runs a config command.
pub fn run(command: ConfigCommand, globals: &Globals) -> anyhow::Result<()> {
    let path = config::path().ok_or_else(|| {
        usage("cannot tell where the config file is: set HOME, XDG_CONFIG_HOME or JAICP_CONFIG")
    })?;
    let out = globals.out();
    match command {
        ConfigCommand::List => {
            let config = config::load(&path)?;
            let rows = config
                .profiles
                .iter()
                .map(|(name, p)| {
                    serde_json::json!({
                        "current": if config.current.as_deref() == Some(name) { "*" } else { "" },
                        "name": name,
                        "host": p.host.clone().unwrap_or_else(|| "(embedded emulator)".into()),
                        "credentials": p.sources.keys().cloned().collect::<Vec<_>>().join(" "),
                    })
                })
                .collect();
            out.rows(&["current", "name", "host", "credentials"], rows)?;
            globals.note(&format!("config file: {}", path.display()));
            Ok(())
        }
        ConfigCommand::Show { name } => {
            let config = config::load(&path)?;
            let name = target_profile(name.as_deref(), globals, &config);
            let profile = config
                .profiles
                .get(&name)
                .ok_or_else(|| usage(format!("no profile `{name}` in {}", path.display())))?;
            let mut value = serde_json::to_value(profile)?;
            value["profile"] = serde_json::Value::String(name);
            // Paths and variable names are not secrets; show them as they are.
            crate::output::Output {
                show_secrets: true,
                ..out
            }
            .value(&value)
        }
        ConfigCommand::Set { key, value } => {
            let config = config::load(&path)?;
            let name = target_profile(None, globals, &config);
            config::set_key(&path, &name, &key, &value)?;
            globals.note(&format!(
                "set {key} in profile `{name}` of {}",
                path.display()
            ));
            Ok(())
        }
        ConfigCommand::Use { name } => {
            config::use_profile(&path, &name)?;
            globals.note(&format!("profile `{name}` is now the default"));
            Ok(())
        }
    }
}

fn target_profile(explicit: Option<&str>, globals: &Globals, config: &Config) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| globals.profile.clone())
        .or_else(|| config.current.clone())
        .unwrap_or_else(|| "default".to_owned())
}
