//! `jaicp nlp ...`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use jaicp_nlp::models::{InferenceRequestData, IntentsSearchCriteria, PhraseMarkupData};
use jaicp_nlp::{CanonicalOptions, ImportOptions, Nlp, NlpError, NlpErrorExt, PollOptions};

use crate::cli::Globals;
use crate::output::{Format, print_rows, rows as to_rows};
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
        /// Output file (default: stdout).
        file: Option<PathBuf>,
        /// Keep the ids the server assigned.
        #[arg(long)]
        keep_ids: bool,
    },
    /// Replace the project's NLU data with a JSON file (checked before sending).
    Import {
        /// The file (as written by `export`).
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
        /// Give up waiting after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
    },
    /// Show the training status.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
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
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
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
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Print one intent as JSON.
    Get {
        /// Intent id.
        id: i64,
    },
    /// Find intents by text in their path, answer, phrases or slots.
    Search {
        /// The text.
        text: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete intents by id.
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
    List {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// List the records of an entity.
    Records {
        /// Entity name.
        name: String,
        /// Records of this end user (client entities).
        #[arg(long)]
        client_id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete entities by name.
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
        /// The file.
        file: PathBuf,
    },
}

/// Runs an NLP command.
pub async fn run(args: NlpArgs, _globals: &Globals) -> anyhow::Result<()> {
    let target = Target::connect().await?;
    let key = target.nlp_key(args.key_file.as_deref())?;
    let nlp = Nlp::with_prefix(&target.client, &key, &args.prefix);
    let stdout = &mut std::io::stdout().lock();
    match args.command {
        NlpCommand::Export { file, keep_ids } => {
            let options = CanonicalOptions::default().strip_ids(!keep_ids);
            match file {
                Some(path) => {
                    let n = nlp.export_to_file(&path, &options).await?;
                    eprintln!("jaicp: wrote {n} bytes to {}", path.display());
                }
                None => {
                    let data = nlp.export_project().send().await?;
                    stdout.write_all(&jaicp_nlp::to_pretty_json(&data, &options))?;
                }
            }
        }
        NlpCommand::Import {
            file,
            max_bytes,
            train,
        } => {
            let stored = nlp
                .import_from_file(&file, &ImportOptions::default().max_bytes(max_bytes))
                .await?;
            eprintln!(
                "jaicp: imported {} intents and {} entities",
                stored.intents.as_ref().map_or(0, Vec::len),
                stored.entities.as_ref().map_or(0, Vec::len)
            );
            if train {
                let status = nlp.train().wait().await?;
                eprintln!("jaicp: training {}", status_word(&status));
            }
        }
        NlpCommand::Train {
            wait,
            full,
            timeout,
        } => {
            let train = nlp
                .train()
                .incremental(!full)
                .poll(PollOptions::default().deadline(Duration::from_secs(timeout)));
            if wait {
                let status = train.wait().await?;
                writeln!(stdout, "{}", status_word(&status))?;
            } else {
                train.start().await?;
                writeln!(stdout, "training started")?;
            }
        }
        NlpCommand::Status { json } => {
            let status = nlp.nlu_status().send().await?;
            if json {
                serde_json::to_writer_pretty(&mut *stdout, &status)?;
                writeln!(stdout)?;
            } else {
                writeln!(stdout, "{}", status_word(&status))?;
                if let Some(e) = &status.last_error {
                    writeln!(stdout, "last error: {e}")?;
                }
            }
        }
        NlpCommand::Infer {
            text,
            n_best,
            client_id,
            format,
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
            print_rows(
                stdout,
                format,
                &["path", "confidence", "id", "answer"],
                &rows,
            )?;
        }
        NlpCommand::Intents(command) => intents(&nlp, command, stdout).await?,
        NlpCommand::Entities(command) => entities(&nlp, command, stdout).await?,
        NlpCommand::Speller(SpellerCommand::Get) => {
            write!(stdout, "{}", nlp.speller_dictionary().send().await?)?;
        }
        NlpCommand::Speller(SpellerCommand::Set { file }) => {
            let tsv = crate::input::read_bytes(&file)?;
            let answer = nlp.upload_speller(tsv).await?;
            writeln!(stdout, "{answer}")?;
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

async fn intents(nlp: &Nlp, command: IntentsCommand, out: &mut impl Write) -> anyhow::Result<()> {
    const COLUMNS: &[&str] = &["id", "path", "enabled", "itemsCount"];
    match command {
        IntentsCommand::List { format } => {
            let list = nlp.list_intents().send().await?;
            print_rows(out, format, COLUMNS, &to_rows(&list)?)?;
        }
        IntentsCommand::Get { id } => {
            let intent = match nlp.intent(id).await {
                Err(e) if e.nlp_error() == Some(NlpError::UnknownIntent) => {
                    anyhow::bail!("the project has no intent with id {id}")
                }
                other => other?,
            };
            serde_json::to_writer_pretty(&mut *out, &intent)?;
            writeln!(out)?;
        }
        IntentsCommand::Search { text, format } => {
            let criteria = IntentsSearchCriteria {
                path: Some(text.clone()),
                answer: Some(text.clone()),
                phrases: Some(text.clone()),
                description: Some(text.clone()),
                slots: Some(text),
            };
            let list = nlp.search_intents(criteria).send().await?;
            print_rows(out, format, COLUMNS, &to_rows(&list)?)?;
        }
        IntentsCommand::Delete { ids } => {
            let n = ids.len();
            nlp.delete_intents(ids).send().await?;
            writeln!(out, "deleted {n} intents")?;
        }
    }
    Ok(())
}

async fn entities(nlp: &Nlp, command: EntitiesCommand, out: &mut impl Write) -> anyhow::Result<()> {
    match command {
        EntitiesCommand::List { format } => {
            let list = nlp.list_entities().send().await?;
            print_rows(
                out,
                format,
                &["id", "name", "type", "enabled"],
                &to_rows(&list)?,
            )?;
        }
        EntitiesCommand::Records {
            name,
            client_id,
            format,
        } => {
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
            print_rows(
                out,
                format,
                &["id", "value", "type", "rule", "clientId"],
                &rows,
            )?;
        }
        EntitiesCommand::Delete { names } => {
            let n = names.len();
            nlp.delete_entities_by_names(names).send().await?;
            writeln!(out, "deleted {n} entities")?;
        }
    }
    Ok(())
}
