//! Integrity across APIs: the Project and Channel APIs own what the other APIs serve, so
//! deleting or blocking there takes effect everywhere, as it does on JAICP.
//!
//! - A `CHAT_API` channel's access token is a Chat API token while the channel exists and is
//!   not blocked (the default project's channel carries [`crate::DEFAULT_CHAT_TOKEN`]). Deleting
//!   or blocking the channel, or deleting its project, makes the Chat API answer its unknown-token
//!   error for that token; a new `CHAT_API` channel's token works at once.
//! - Deleting a project deletes its channels and its text campaigns, and its sessions leave the
//!   Reporter (call sessions belong to the default project and leave with it).
//! - Calls campaigns are addressed by their own token and are not tied to a project in the
//!   emulator, so deleting a project leaves them serving (their Reporter sessions go).

use std::collections::BTreeSet;

use crate::project::Channel;
use crate::state::EmulatorState;

/// The channel type whose access token opens the Chat API.
const CHAT_API: &str = "CHAT_API";

impl EmulatorState {
    /// Makes the Chat API follow `before` → `after` of one channel (`None`: no such channel).
    pub(crate) fn channel_changed(&self, before: Option<&Channel>, after: Option<&Channel>) {
        let chat_token = |c: Option<&Channel>| {
            c.filter(|c| c.channel_type == CHAT_API)
                .map(|c| (c.access_token.clone(), !c.blocked))
        };
        let (old, new) = (chat_token(before), chat_token(after));
        if old == new {
            return;
        }
        let mut chat = self.shared.chat.lock();
        if let Some((token, _)) = old {
            chat.tokens.remove(&token);
        }
        if let Some((token, true)) = new {
            chat.tokens.insert(token);
        }
    }

    /// What deleting project `short_name` with `channels` does to the other APIs.
    pub(crate) fn project_deleted(&self, short_name: &str, channels: &[Channel]) {
        for c in channels {
            self.channel_changed(Some(c), None);
        }
        self.text_campaigns()
            .campaigns
            .retain(|_, c| c.project != short_name);
    }

    /// Short names of the projects that exist (Reporter sessions of other projects are not
    /// served).
    pub(crate) fn project_short_names(&self) -> BTreeSet<String> {
        self.projects()
            .projects
            .values()
            .map(|p| p.short_name.clone())
            .collect()
    }
}
