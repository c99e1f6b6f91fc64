//! The Calls (dialer) API: campaigns addressed by token, call jobs, reports
//! and campaign control, plus the simulated dialer that works the jobs off.

pub(crate) mod dialer;
pub(crate) mod job_file;
pub(crate) mod model;
pub(crate) mod report;
pub(crate) mod routes;
pub(crate) mod validate;

use std::collections::HashMap;

use model::{CallPolicy, Campaign};
use serde::{Deserialize, Serialize};
use validate::ValidJob;

use crate::clock::Millis;
use crate::counters::CounterStore;

/// All Calls API data, guarded by one mutex in [`crate::state`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallsState {
    /// Campaigns by token.
    pub(crate) campaigns: HashMap<String, Campaign>,
    next_campaign_id: i64,
    /// Job ids are unique across campaigns, as on the real platform.
    next_job_id: u64,
    /// Default for new campaigns (builder setting).
    pub(crate) max_simultaneous_calls: usize,
}

impl CallsState {
    pub(crate) fn new(max_simultaneous_calls: usize) -> Self {
        Self {
            campaigns: HashMap::new(),
            next_campaign_id: 1,
            next_job_id: 1,
            max_simultaneous_calls,
        }
    }

    /// Adds a campaign; returns its id, or `None` if the token is taken.
    pub(crate) fn add_campaign(&mut self, name: String, token: String, now: Millis) -> Option<i64> {
        if self.campaigns.contains_key(&token) {
            return None;
        }
        let id = self.next_campaign_id;
        self.next_campaign_id += 1;
        let campaign = Campaign::new(id, name, now, self.max_simultaneous_calls);
        self.campaigns.insert(token, campaign);
        Some(id)
    }

    /// Rebuilds every campaign's derived indexes (after loading a state file).
    pub(crate) fn rebuild_indexes(&mut self) {
        for campaign in self.campaigns.values_mut() {
            campaign.rebuild_indexes();
        }
    }

    /// Splits the state into the campaign for `token` and a job factory, so a
    /// handler can create jobs while holding the campaign mutably.
    pub(crate) fn campaign_and_ids(&mut self, token: &str) -> Option<(&mut Campaign, JobIds<'_>)> {
        let Self {
            campaigns,
            next_job_id,
            ..
        } = self;
        campaigns
            .get_mut(token)
            .map(|c| (c, JobIds { next: next_job_id }))
    }

    /// One dialer tick over every campaign; returns the attempts made.
    /// The next moment after `now` at which something happens in a running campaign: a job falls
    /// due, or a simulated call ends.
    pub(crate) fn next_event(&self, now: Millis) -> Option<Millis> {
        self.campaigns
            .values()
            .filter(|c| c.status == model::CampaignStatus::InProgress)
            .flat_map(|c| {
                let due = if c.open_jobs > 0 {
                    c.queue.next_due()
                } else {
                    None
                };
                let call_end = c
                    .jobs
                    .iter()
                    .filter_map(|j| j.finished_at)
                    .filter(|&t| t > now)
                    .min();
                due.into_iter().chain(call_end)
            })
            .filter(|&t| t > now)
            .min()
    }

    pub(crate) fn dial_all(&mut self, now: Millis, seed: u64) -> usize {
        self.campaigns
            .values_mut()
            .map(|c| dialer::tick(c, now, seed).attempts)
            .sum()
    }
}

/// Allocator for globally unique job ids.
#[derive(Debug)]
pub(crate) struct JobIds<'a> {
    next: &'a mut u64,
}

impl JobIds<'_> {
    /// Creates a validated job in `campaign` and returns its id.
    pub(crate) fn create(
        &mut self,
        campaign: &mut Campaign,
        job: ValidJob,
        now: Millis,
        counters: &CounterStore,
    ) -> u64 {
        let id = *self.next;
        *self.next += 1;
        campaign.push_job(id, job.phone, job.payload, job.policy, now);
        counters.jobs_created(1);
        id
    }
}

/// Policy for jobs added through the CRM methods, which carry no policy fields.
pub(crate) fn default_policy(campaign: &Campaign) -> CallPolicy {
    CallPolicy {
        max_attempts: campaign.defaults.max_attempts,
        retry_interval_minutes: campaign.defaults.retry_interval_minutes,
        priority: campaign.defaults.priority,
        start_ms: None,
        finish_ms: None,
        window: None,
    }
}
