//! Labels and scenario experiments with typed ids: create labels, attach them to and detach them
//! from sessions and messages; start, join and stop experiments.

use jaicp_core::{Error, Result};

use crate::Reporter;
use crate::ids::{
    ExperimentKey, LabelGroupId, MessageLabelId, QuestionId, SessionId, SessionLabelId,
};
use crate::models::{
    LabelIdDto, MessageLabelCreate, MessageLabelGroupDto, ScenarioExperimentBranchesDto,
    ScenarioExperimentDto, SessionLabelCreate,
};

fn created(op: &'static str, id: Option<i64>) -> Result<i64> {
    id.ok_or_else(|| Error::Decode {
        op: jaicp_core::error::OpName {
            api: "reporter",
            operation: op,
        },
        path: "id".into(),
        message: "the created label has no id".into(),
        snippet: None,
    })
}

impl Reporter {
    /// Creates a session label and returns its id.
    pub async fn new_session_label(&self, name: &str, priority: i32) -> Result<SessionLabelId> {
        if name.trim().is_empty() {
            return Err(Error::invalid("name", "a label needs a name"));
        }
        let label = self
            .create_session_label(SessionLabelCreate {
                name: name.to_owned(),
                priority,
            })
            .send()
            .await?;
        created("createSessionLabel", label.id).map(SessionLabelId)
    }

    /// Creates a message label in a group (by name; the group is created when missing) and
    /// returns its id.
    pub async fn new_message_label(
        &self,
        name: &str,
        priority: i32,
        group: &str,
    ) -> Result<MessageLabelId> {
        if name.trim().is_empty() || group.trim().is_empty() {
            return Err(Error::invalid("name", "a label and its group need names"));
        }
        let label = self
            .create_message_label(MessageLabelCreate {
                name: name.to_owned(),
                priority,
                group: MessageLabelGroupDto {
                    name: group.to_owned(),
                    ..Default::default()
                },
                ..Default::default()
            })
            .send()
            .await?;
        created("createMessageLabel", label.id).map(MessageLabelId)
    }

    /// Puts a label on a session.
    pub async fn label_session(&self, session: &SessionId, label: SessionLabelId) -> Result<()> {
        self.add_label_to_session(session.as_str(), LabelIdDto { label_id: label.0 })
            .send()
            .await
    }

    /// Takes a label off a session.
    pub async fn unlabel_session(&self, session: &SessionId, label: SessionLabelId) -> Result<()> {
        self.delete_label_from_session(session.as_str(), LabelIdDto { label_id: label.0 })
            .send()
            .await
    }

    /// Puts a label on a message.
    pub async fn label_message(&self, message: &QuestionId, label: MessageLabelId) -> Result<()> {
        self.add_label_to_message(message.as_str(), LabelIdDto { label_id: label.0 })
            .send()
            .await
    }

    /// Takes a label off a message.
    pub async fn unlabel_message(&self, message: &QuestionId, label: MessageLabelId) -> Result<()> {
        self.delete_label_from_message(message.as_str(), LabelIdDto { label_id: label.0 })
            .send()
            .await
    }

    /// The group of message labels with this id.
    pub async fn label_group(&self, id: LabelGroupId) -> Result<MessageLabelGroupDto> {
        self.get_label_group(id.0).send().await
    }
}

impl Reporter {
    /// Starts a scenario experiment with the given branch keys (at least one).
    pub async fn start_experiment(
        &self,
        project: &str,
        key: &ExperimentKey,
        branches: &[&str],
    ) -> Result<()> {
        if branches.is_empty() || branches.iter().any(|b| b.trim().is_empty()) {
            return Err(Error::invalid(
                "branches",
                "give at least one non-empty branch key",
            ));
        }
        let body = ScenarioExperimentDto {
            key: key.to_string(),
            branches: branches
                .iter()
                .map(|b| ScenarioExperimentBranchesDto {
                    key: (*b).to_owned(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        self.create_scenario_experiment(project, body)
            .send()
            .await
            .map(|_| ())
    }

    /// Puts a session into an experiment; returns the branch it gets (the same one on repeats).
    pub async fn join_experiment(
        &self,
        project: &str,
        bot_id: &str,
        key: &ExperimentKey,
        session: &SessionId,
    ) -> Result<String> {
        self.join_scenario_experiment(session.as_str(), key.as_str(), project, bot_id)
            .send()
            .await
    }

    /// Stops an experiment.
    pub async fn stop_experiment(&self, project: &str, key: &ExperimentKey) -> Result<()> {
        self.stop_scenario_experiment(project, key.as_str())
            .send()
            .await
    }
}
