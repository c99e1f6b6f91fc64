//! The file form of a campaign's jobs (see [`crate::persist`]): each distinct call policy once,
//! and each job as a compact record that names its policy by position, so a state file with a
//! million jobs stays small and loading it shares the policies again as the live state does.

use std::collections::HashMap;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::model::{Attempt, CallPolicy, Job, JobStatus};
use crate::clock::Millis;

#[derive(Serialize)]
struct RecordRef<'a> {
    id: u64,
    phone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a Value>,
    policy: usize,
    created_at: Millis,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished_at: Option<Millis>,
    status: JobStatus,
    #[serde(skip_serializing_if = "<[Attempt]>::is_empty")]
    attempts: &'a [Attempt],
    #[serde(skip_serializing_if = "Option::is_none")]
    next_due: Option<Millis>,
}

#[derive(Deserialize)]
struct Record {
    id: u64,
    phone: String,
    #[serde(default)]
    payload: Option<Value>,
    policy: usize,
    created_at: Millis,
    #[serde(default)]
    finished_at: Option<Millis>,
    status: JobStatus,
    #[serde(default)]
    attempts: Vec<Attempt>,
    #[serde(default)]
    next_due: Option<Millis>,
}

#[derive(Serialize)]
struct TableRef<'a, J> {
    policies: Vec<&'a CallPolicy>,
    jobs: J,
}

#[derive(Deserialize)]
struct Table {
    policies: Vec<CallPolicy>,
    jobs: Vec<Record>,
}

/// A sequence serialized straight from an iterator (no intermediate vector).
struct Seq<F>(F);

impl<F, I, T> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

pub(crate) fn serialize<S: Serializer>(jobs: &[Job], s: S) -> Result<S::Ok, S::Error> {
    let mut positions: HashMap<*const CallPolicy, usize> = HashMap::new();
    let mut policies: Vec<&CallPolicy> = Vec::new();
    for job in jobs {
        positions
            .entry(Arc::as_ptr(&job.policy))
            .or_insert_with(|| {
                policies.push(&job.policy);
                policies.len() - 1
            });
    }
    let records = Seq(|| {
        jobs.iter().map(|job| RecordRef {
            id: job.id,
            phone: &job.phone,
            payload: job.payload.as_deref(),
            policy: positions
                .get(&Arc::as_ptr(&job.policy))
                .copied()
                .unwrap_or(0),
            created_at: job.created_at,
            finished_at: job.finished_at,
            status: job.status,
            attempts: &job.attempts,
            next_due: job.next_due,
        })
    });
    TableRef {
        policies,
        jobs: records,
    }
    .serialize(s)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Job>, D::Error> {
    let table = Table::deserialize(d)?;
    let policies: Vec<Arc<CallPolicy>> = table.policies.into_iter().map(Arc::new).collect();
    let mut jobs = Vec::with_capacity(table.jobs.len());
    let mut last_id = None;
    for r in table.jobs {
        let policy = policies
            .get(r.policy)
            .cloned()
            .ok_or_else(|| D::Error::custom(format!("job {} names no policy", r.id)))?;
        if last_id.is_some_and(|last| r.id <= last) {
            return Err(D::Error::custom("jobs are not in id order"));
        }
        last_id = Some(r.id);
        jobs.push(Job {
            id: r.id,
            phone: r.phone.into_boxed_str(),
            payload: r.payload.map(Box::new),
            policy,
            created_at: r.created_at,
            finished_at: r.finished_at,
            status: r.status,
            attempts: r.attempts,
            next_due: r.next_due,
        });
    }
    Ok(jobs)
}
