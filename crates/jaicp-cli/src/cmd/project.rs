//! `jaicp project ...`: the Project API (unified token).

use clap::{Args, Subcommand};
use jaicp_project::Projects;
use jaicp_project::models::{ProjectCreateDto, ProjectTemplateDto, ProjectUpdateDto};

use crate::cli::Globals;
use crate::credentials::TokenArgs;
use crate::output::rows;
use crate::target::Target;

/// `jaicp project`: the token source and the command.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// Token source.
    #[command(flatten)]
    pub token: TokenArgs,
    /// The command.
    #[command(subcommand)]
    pub command: ProjectCommand,
}

/// Project API commands.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// List the account's projects.
    List {
        /// Page (from 0).
        #[arg(long, default_value_t = 0)]
        page: i32,
        /// Page size.
        #[arg(long, default_value_t = 100)]
        size: i32,
    },
    /// Show one project (by numeric id or short name) as JSON.
    Get {
        /// Numeric id or short name.
        project: String,
    },
    /// Create a project; prints it as JSON.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Template name (e.g. `zb-echo-cailapub-template_ru`).
        #[arg(long)]
        template: Option<String>,
    },
    /// Rename a project or change its description.
    Update {
        /// Numeric id.
        id: i64,
        /// New name.
        #[arg(long)]
        name: String,
        /// New description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Copy a project under a new name.
    Clone {
        /// Numeric id of the source.
        id: i64,
        /// Name of the copy.
        #[arg(long)]
        name: String,
    },
    /// Delete a project (asks first on a terminal; --yes skips the question).
    Delete {
        /// Numeric id.
        id: i64,
    },
}

const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "shortName",
    "name",
    "botChannelsType",
    "lastModificationTime",
];

/// Runs a Project command.
pub async fn run(args: ProjectArgs, globals: &Globals) -> anyhow::Result<()> {
    let ProjectArgs { token, command } = args;
    let out = globals.out();
    let target = Target::connect(globals).await?;
    let projects = Projects::new(
        &target.client,
        &target.unified_token(token.token_file.as_deref())?,
    );
    match command {
        ProjectCommand::List { page, size } => {
            let list = projects.list().page(page).size(size).send().await?;
            out.rows(PROJECT_COLUMNS, rows(&list.projects)?)
        }
        ProjectCommand::Get { project } => {
            let p = match project.parse::<i64>() {
                Ok(id) => projects.get(id).send().await?,
                Err(_) => projects.get_by_short_name(project).send().await?,
            };
            out.value(&p)
        }
        ProjectCommand::Create {
            name,
            description,
            template,
        } => {
            let body = ProjectCreateDto {
                name,
                template: template.map(|name| ProjectTemplateDto { name: Some(name) }),
                ..Default::default()
            };
            if let Some(d) = description {
                let created = projects.create(body).send().await?;
                // The create body has no description; set it right after.
                let id = created.id.unwrap_or_default();
                let updated = projects
                    .update(
                        id,
                        ProjectUpdateDto {
                            name: created.name.clone().unwrap_or_default(),
                            description: Some(d),
                            ..Default::default()
                        },
                    )
                    .send()
                    .await?;
                return out.value(&updated);
            }
            out.value(&projects.create(body).send().await?)
        }
        ProjectCommand::Update {
            id,
            name,
            description,
        } => {
            let body = ProjectUpdateDto {
                name,
                description,
                ..Default::default()
            };
            out.value(&projects.update(id, body).send().await?)
        }
        ProjectCommand::Clone { id, name } => {
            out.value(&projects.clone_project(id, name).send().await?)
        }
        ProjectCommand::Delete { id } => {
            globals.confirm(&format!("Delete project {id} with its channels and data?"))?;
            let gone = projects.delete(id).send().await?;
            globals.note(&format!(
                "deleted project {} ({})",
                gone.id.unwrap_or(id),
                gone.short_name.unwrap_or_default()
            ));
            Ok(())
        }
    }
}
