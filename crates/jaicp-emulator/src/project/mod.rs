//! The Project and Channel APIs: projects of the account, their bot channels, and deploys that
//! finish through the async events endpoint. One section (one lock), because channels belong to
//! projects.

pub(crate) mod channels;
pub(crate) mod routes;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::Millis;
use crate::unified::iso;

/// Short name of the project every emulator starts with.
pub const DEFAULT_PROJECT_SHORT_NAME: &str = "demo-bot-1-emu";

/// Bot id of the Chat API channel of the default project.
pub const DEFAULT_BOT_ID: &str = "1-demo-bot-1-emu-1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Project {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) short_name: String,
    pub(crate) description: Option<String>,
    pub(crate) bot_channels_type: String,
    pub(crate) template: Option<String>,
    pub(crate) settings: Value,
    pub(crate) modified_ms: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Channel {
    pub(crate) id: i64,
    pub(crate) project_id: i64,
    pub(crate) bot_id: String,
    pub(crate) name: String,
    pub(crate) channel_type: String,
    pub(crate) access_token: String,
    pub(crate) auto_deploy: bool,
    pub(crate) blocked: bool,
    pub(crate) created_ms: Millis,
    pub(crate) modified_ms: Millis,
    pub(crate) deploys: u32,
}

/// Projects and channels.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ProjectsState {
    pub(crate) projects: BTreeMap<i64, Project>,
    pub(crate) channels: BTreeMap<i64, Channel>,
    next_project: i64,
    next_channel: i64,
    /// Set by `/_emulator/channel/fail-next-deploy`: the next deploy finishes with this error.
    pub(crate) fail_next_deploy: Option<(String, String)>,
    /// How long a deploy takes (real time); configuration, not saved.
    #[serde(skip, default = "default_deploy_time")]
    pub(crate) deploy_time: Duration,
}

fn default_deploy_time() -> Duration {
    Duration::from_millis(300)
}

impl ProjectsState {
    pub(crate) fn new(now: Millis) -> Self {
        let mut s = ProjectsState {
            projects: BTreeMap::new(),
            channels: BTreeMap::new(),
            next_project: 1,
            next_channel: 1,
            fail_next_deploy: None,
            deploy_time: default_deploy_time(),
        };
        let id = s.add_project(
            "Demo bot",
            None,
            "CHAT_BOT",
            None,
            json!({"language": "en"}),
            now,
        );
        if let Some(p) = s.projects.get_mut(&id) {
            p.short_name = DEFAULT_PROJECT_SHORT_NAME.into();
        }
        // The Chat API's default token is this channel's (see `crate::integrity`).
        s.add_channel(
            id,
            "web-app",
            "CHAT_API",
            Some(crate::chat::DEFAULT_CHAT_TOKEN.to_owned()),
            false,
            now,
        );
        s
    }

    pub(crate) fn add_project(
        &mut self,
        name: &str,
        description: Option<String>,
        kind: &str,
        template: Option<String>,
        settings: Value,
        now: Millis,
    ) -> i64 {
        let id = self.next_project;
        self.next_project += 1;
        let slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let slug = if slug.is_empty() {
            "project".to_owned()
        } else {
            slug
        };
        self.projects.insert(
            id,
            Project {
                id,
                name: name.to_owned(),
                short_name: format!("{slug}-{id}-emu"),
                description,
                bot_channels_type: kind.to_owned(),
                template,
                settings,
                modified_ms: now,
            },
        );
        id
    }

    pub(crate) fn add_channel(
        &mut self,
        project_id: i64,
        name: &str,
        channel_type: &str,
        access_token: Option<String>,
        auto_deploy: bool,
        now: Millis,
    ) -> Option<i64> {
        let short = self.projects.get(&project_id)?.short_name.clone();
        let id = self.next_channel;
        self.next_channel += 1;
        self.channels.insert(
            id,
            Channel {
                id,
                project_id,
                bot_id: format!("{project_id}-{short}-{id}"),
                name: name.to_owned(),
                channel_type: channel_type.to_owned(),
                access_token: access_token
                    .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()),
                auto_deploy,
                blocked: false,
                created_ms: now,
                modified_ms: now,
                deploys: 0,
            },
        );
        Some(id)
    }

    pub(crate) fn project_by_short_name(&self, short: &str) -> Option<&Project> {
        self.projects.values().find(|p| p.short_name == short)
    }

    pub(crate) fn project_json(&self, p: &Project, spelling: crate::FieldSpelling) -> Value {
        let kind = spelling.pick("type", "channelType");
        let channels: Vec<Value> = self
            .channels
            .values()
            .filter(|c| c.project_id == p.id)
            // The document declares `channelType` but requires `type`; one of them, by the
            // configured spelling.
            .map(|c| json!({ "id": c.id, kind: c.channel_type }))
            .collect();
        let mut v = json!({
            "id": p.id,
            "name": p.name,
            "shortName": p.short_name,
            "botChannelsType": p.bot_channels_type,
            "lastModificationTime": iso(p.modified_ms),
            "tagLabels": [],
            "botChannels": channels,
            "product": "jaicp",
            "repository": {},
            "defaultBranch": "master",
            "contentDirectory": ".",
            "environment": "JAICP_CLOUD",
            "projectSettingsData": p.settings,
        });
        if let Some(d) = &p.description {
            v["description"] = json!(d);
        }
        if let Some(t) = &p.template {
            v["templateName"] = json!(t);
        }
        v
    }
}

impl Channel {
    pub(crate) fn json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "botId": self.bot_id,
            "channelName": self.name,
            "channelType": self.channel_type,
            "accessToken": self.access_token,
            "isAutoDeploy": self.auto_deploy,
            "isBlocked": self.blocked,
            "isRemoved": false,
            "creationTime": iso(self.created_ms),
            "modificationTime": iso(self.modified_ms),
        });
        if self.channel_type == "CHAT_API" {
            v["webhookUrl"] = json!(format!("/chatapi/{}", self.access_token));
        }
        v
    }
}
