//! The Text campaign API: campaigns of a project (create, update, stop, resume, complete),
//! sending templates, event and reply sendings, and their history. Sendings are "sent" at once
//! (or stay `PENDING` when scheduled in the future); nothing leaves the emulator.

pub(crate) mod routes;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::Millis;
use crate::unified::iso;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Campaign {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) project: String,
    pub(crate) bot_id: String,
    pub(crate) created: Millis,
    #[serde(with = "crate::persist::serde_helpers::interned")]
    pub(crate) status: crate::persist::serde_helpers::Code,
    pub(crate) delay: i32,
    pub(crate) threads: i32,
    pub(crate) event_name: Option<String>,
    pub(crate) dynamic: bool,
    pub(crate) replies: Option<Value>,
}

impl Campaign {
    pub(crate) fn json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "name": self.name,
            "accountId": 1,
            "projectShortName": self.project,
            "creationTime": iso(self.created),
            "startTime": iso(self.created),
            "startNow": true,
            "status": self.status,
            "botId": self.bot_id,
            "delayBetweenSending": self.delay,
            "threadCount": self.threads,
            "isDynamic": self.dynamic,
        });
        if let Some(e) = &self.event_name {
            v["eventName"] = json!(e);
        }
        if let Some(r) = &self.replies {
            v["jgraphReplies"] = r.clone();
        }
        v
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Template {
    pub(crate) campaign_id: i64,
    pub(crate) body: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Sending {
    pub(crate) uuid: String,
    pub(crate) campaign_id: i64,
    pub(crate) template: Option<String>,
    pub(crate) bot_id: String,
    pub(crate) client_id: String,
    pub(crate) event: Option<String>,
    pub(crate) event_data: Option<Value>,
    pub(crate) replies: Option<Value>,
    pub(crate) at: Millis,
    #[serde(with = "crate::persist::serde_helpers::interned")]
    pub(crate) status: crate::persist::serde_helpers::Code,
}

impl Sending {
    pub(crate) fn json(&self) -> Value {
        let mut v = json!({
            "id": self.campaign_id.to_string(),
            "botId": self.bot_id,
            "clientId": self.client_id,
            "status": self.status,
            "sendingTime": iso(self.at),
        });
        if let Some(e) = &self.event {
            v["event"] = json!(e);
        }
        if let Some(d) = &self.event_data {
            v["eventData"] = d.clone();
        }
        if let Some(r) = &self.replies {
            v["replies"] = r.clone();
        }
        v
    }
}

/// Text campaigns, templates and sendings.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct TextCampaignsState {
    pub(crate) campaigns: BTreeMap<i64, Campaign>,
    pub(crate) templates: BTreeMap<String, Template>,
    pub(crate) sendings: Vec<Sending>,
    next_id: i64,
}

impl TextCampaignsState {
    pub(crate) fn add(&mut self, mut c: Campaign) -> i64 {
        self.next_id += 1;
        c.id = self.next_id;
        let id = c.id;
        self.campaigns.insert(id, c);
        id
    }

    pub(crate) fn by_name(&self, name: &str) -> Option<&Campaign> {
        self.campaigns.values().find(|c| c.name == name)
    }
}
