//! `jaicp nlp ...`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use jaicp_nlp::models::{
    InferenceRequestData, IntentsSearchCriteria, NluStatusData, PhraseMarkupData,
};
use jaicp_nlp::{CanonicalOptions, ImportOptions, Nlp, NlpError, NlpErrorExt, PollOptions, Train};

use crate::cli::Globals;
use crate::output::rows as to_rows;
use crate::target::Target;

/// `jaicp nlp`: the key source and the command.
#[derive(Debug, Args)]
pub struct NlpArgs {
    /// File holding the NLP Direct key (default: $JAICP_NLP_KEY or $JAICP_NLP_KEY_FILE).
    #[arg(long, value_name = "PATH", global = true)]
    pub key_file: Option<PathBuf>,
    /// Base path of NLP Direct on the host (on-premise installs may differ).
    #[arg(
        long,
        env = "JAICP_NLP_PREFIX",
        default_value = "/cailapub",
        global = true
    )]
    pub prefix: String,
    /// The command.
    #[command(subcommand)]
    pub command: NlpCommand,
}

/// NLP Direct commands.
#[derive(Debug, Subcommand)]
pub enum NlpCommand {
    /// Write the project's NLU data as canonical, pretty JSON (stable order, no server ids).
    Export {
        /// Output file (default, or `-`: stdout).
        file: Option<PathBuf>,
        /// Keep the ids the server assigned.
        #[arg(long)]
        keep_ids: bool,
    },
    /// Replace the project's NLU data with a JSON file (checked before sending).
    Import {
        /// The file (as written by `export`; `-`: stdin).
        file: PathBuf,
        /// Refuse files larger than this many bytes.
        #[arg(long, default_value_t = 16 * 1024 * 1024)]
        max_bytes: u64,
        /// Train afterwards and wait for the outcome.
        #[arg(long)]
        train: bool,
    },
    /// Train the classifier.
    Train {
        /// Wait until training is READY (or FAILED).
        #[arg(long)]
        wait: bool,
        /// Retrain everything, not only the changed parts.
        #[arg(long)]
        full: bool,
    },
    /// Show the training status.
    Status,
    /// Classify a phrase.
    Infer {
        /// The phrase.
        text: String,
        /// How many intents to show.
        #[arg(long, default_value_t = 1)]
        n_best: i64,
        /// The end user, for client entities.
        #[arg(long)]
        client_id: Option<String>,
    },
    /// Intents.
    #[command(subcommand)]
    Intents(IntentsCommand),
    /// Entities.
    #[command(subcommand)]
    Entities(EntitiesCommand),
    /// The spelling dictionary.
    #[command(subcommand)]
    Speller(SpellerCommand),
}

/// `jaicp nlp intents`.
#[derive(Debug, Subcommand)]
pub enum IntentsCommand {
    /// List intents.
    List,
    /// Print one intent as JSON.
    Get {
        /// Intent id.
        id: i64,
    },
    /// Find intents by text in their path, answer, phrases or slots.
    Search {
        /// The text.
        text: String,
    },
    /// Delete intents by id (asks first on a terminal; --yes skips the question).
    Delete {
        /// Intent ids.
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

/// `jaicp nlp entities`.
#[derive(Debug, Subcommand)]
pub enum EntitiesCommand {
    /// List entities.
    List,
    /// List the records of an entity.
    Records {
        /// Entity name.
        name: String,
        /// Records of this end user (client entities).
        #[arg(long)]
        client_id: Option<String>,
    },
    /// Delete entities by name (asks first on a terminal; --yes skips the question).
    Delete {
        /// Entity names.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// `jaicp nlp speller`.
#[derive(Debug, Subcommand)]
pub enum SpellerCommand {
    /// Print the dictionary (`word<TAB>number` lines).
    Get,
    /// Replace the dictionary with a file of `word<TAB>number` lines.
    Set {
        /// The file (`-`: stdin).
        file: PathBuf,
    },
}

/// The default deadline of an NLP command: training that is waited for waits.
pub fn default_timeout(args: &NlpArgs) -> Duration {
    match args.command {
        NlpCommand::Train { wait: true, .. } | NlpCommand::Import { train: true, .. } => {
            super::WAIT_DEADLINE
        }
        _ => super::REQUEST_DEADLINE,
    }
}

/// Runs an NLP command.
pub async fn run(args: NlpArgs, globals: &Globals) -> anyhow::Result<()> {
    let target = Target::connect(globals).await?;
    let key = target.nlp_key(args.key_file.as_deref())?;
    let nlp = Nlp::with_prefix(&target.client, &key, &args.prefix);
    let out = globals.out();
    match args.command {
        NlpCommand::Export { file, keep_ids } => {
            let options = CanonicalOptions::default().strip_ids(!keep_ids);
            match file.filter(|f| !crate::input::is_stdio(f)) {
                Some(path) => {
                    let n = nlp.export_to_file(&path, &options).await?;
                    globals.note(&format!("wrote {n} bytes to {}", path.display()));
                }
                None => {
                    let data = nlp.export_project().send().await?;
                    // The export is a document (a backup to re-import), written as it is: JSON
                    // escapes control characters itself. Secrets have no place in NLU data.
                    out.raw(&jaicp_nlp::to_pretty_json(&data, &options))?;
                }
            }
        }
        NlpCommand::Import {
            file,
            max_bytes,
            train,
        } => {
            let options = ImportOptions::default().max_bytes(max_bytes);
            let stored = if crate::input::is_stdio(&file) {
                let bytes = crate::input::read_bytes(&file)?;
                if bytes.len() as u64 > max_bytes {
                    return Err(crate::error::usage(format!(
                        "standard input holds more than {max_bytes} bytes (--max-bytes)"
                    )));
                }
                let data = serde_json::from_slice(&bytes).map_err(|e| {
                    crate::error::usage(format!("standard input is not an NLU export: {e}"))
                })?;
                nlp.import_checked(data, &options).await?
            } else {
                nlp.import_from_file(&file, &options).await?
            };
            globals.note(&format!(
                "imported {} intents and {} entities",
                stored.intents.as_ref().map_or(0, Vec::len),
                stored.entities.as_ref().map_or(0, Vec::len)
            ));
            if train {
                let status = train_and_wait(&nlp.train(), globals).await?;
                globals.note(&format!("training {}", status_word(&status)));
            }
        }
        NlpCommand::Train { wait, full } => {
            let deadline = crate::duration::clamp(globals.timeout.unwrap_or(super::WAIT_DEADLINE));
            let train = nlp
                .train()
                .incremental(!full)
                .poll(PollOptions::default().deadline(deadline));
            if wait {
                let status = train_and_wait(&train, globals).await?;
                out.line(&status_word(&status))?;
            } else {
                train.start().await?;
                out.line("training started")?;
            }
        }
        NlpCommand::Status => {
            let status = nlp.nlu_status().send().await?;
            if out.format.is_some() {
                out.value(&status)?;
            } else {
                out.line(&status_word(&status))?;
                if let Some(e) = &status.last_error {
                    out.line(&format!("last error: {e}"))?;
                }
            }
        }
        NlpCommand::Infer {
            text,
            n_best,
            client_id,
        } => {
            let answer = nlp
                .inference(InferenceRequestData {
                    phrase: Some(PhraseMarkupData {
                        text: Some(text),
                        ..Default::default()
                    }),
                    n_best: Some(n_best),
                    client_id,
                    ..Default::default()
                })
                .send()
                .await?;
            let rows: Vec<serde_json::Value> = answer
                .variants
                .iter()
                .map(|v| {
                    let intent = v.intent.as_ref();
                    serde_json::json!({
                        "path": intent.and_then(|i| i.path.clone()),
                        "id": intent.and_then(|i| i.id),
                        "confidence": v.confidence,
                        "answer": intent.and_then(|i| i.answer.clone()),
                    })
                })
                .collect();
            out.rows(&["path", "confidence", "id", "answer"], rows)?;
        }
        NlpCommand::Intents(command) => intents(&nlp, command, globals).await?,
        NlpCommand::Entities(command) => entities(&nlp, command, globals).await?,
        NlpCommand::Speller(SpellerCommand::Get) => {
            let text = nlp.speller_dictionary().send().await?;
            out.raw(crate::terminal::visible_text(&text).as_bytes())?;
        }
        NlpCommand::Speller(SpellerCommand::Set { file }) => {
            let tsv = crate::input::read_bytes(&file)?;
            let answer = nlp.upload_speller(tsv).await?;
            out.line(&answer.to_string())?;
        }
    }
    Ok(())
}

fn status_word(status: &jaicp_nlp::models::NluStatusData) -> String {
    status
        .training_status
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string)
}

async fn intents(nlp: &Nlp, command: IntentsCommand, globals: &Globals) -> anyhow::Result<()> {
    const COLUMNS: &[&str] = &["id", "path", "enabled", "itemsCount"];
    let out = globals.out();
    match command {
        IntentsCommand::List => {
            let list = nlp.list_intents().send().await?;
            out.rows(COLUMNS, to_rows(&list)?)?;
        }
        IntentsCommand::Get { id } => {
            let intent = match nlp.intent(id).await {
                Err(e) if e.nlp_error() == Some(NlpError::UnknownIntent) => {
                    // Context keeps the 404 in the chain, so the exit code stays "not found".
                    return Err(anyhow::Error::new(e)
                        .context(format!("the project has no intent with id {id}")));
                }
                other => other?,
            };
            out.value(&intent)?;
        }
        IntentsCommand::Search { text } => {
            let criteria = IntentsSearchCriteria {
                path: Some(text.clone()),
                answer: Some(text.clone()),
                phrases: Some(text.clone()),
                description: Some(text.clone()),
                slots: Some(text),
            };
            let list = nlp.search_intents(criteria).send().await?;
            out.rows(COLUMNS, to_rows(&list)?)?;
        }
        IntentsCommand::Delete { ids } => {
            let n = ids.len();
            globals.confirm(&format!("Delete {n} intents?"))?;
            nlp.delete_intents(ids).send().await?;
            out.line(&format!("deleted {n} intents"))?;
        }
    }
    Ok(())
}

async fn entities(nlp: &Nlp, command: EntitiesCommand, globals: &Globals) -> anyhow::Result<()> {
    let out = globals.out();
    match command {
        EntitiesCommand::List => {
            let list = nlp.list_entities().send().await?;
            out.rows(&["id", "name", "type", "enabled"], to_rows(&list)?)?;
        }
        EntitiesCommand::Records { name, client_id } => {
            let mut rows = Vec::new();
            let mut page = 0;
            loop {
                let mut req = nlp
                    .get_entity_records_by_entity_name(&name)
                    .page(page)
                    .size(200);
                if let Some(c) = &client_id {
                    req = req.client_id(c.clone());
                }
                let batch = req.send().await?;
                let n = batch.records.len();
                rows.extend(to_rows(&batch.records)?);
                let total = batch
                    .paging
                    .as_ref()
                    .and_then(|p| p.total_count)
                    .unwrap_or(0);
                if n == 0 || rows.len() as i64 >= total || page >= 10_000 {
                    break;
                }
                page += 1;
            }
            out.rows(&["id", "value", "type", "rule", "clientId"], rows)?;
        }
        EntitiesCommand::Delete { names } => {
            let n = names.len();
            globals.confirm(&format!("Delete {n} entities?"))?;
            nlp.delete_entities_by_names(names).send().await?;
            out.line(&format!("deleted {n} entities"))?;
        }
    }
    Ok(())
}

/// Starts training once and waits for its outcome; a lost connection does not end the wait
/// (the status is read again, training is not started again).
async fn train_and_wait(train: &Train, globals: &Globals) -> anyhow::Result<NluStatusData> {
    let started = jaicp_core::Timestamp::now();
    train.start().await?;
    crate::wait::through_failures(globals, "training", || train.wait_started(started)).await
}
