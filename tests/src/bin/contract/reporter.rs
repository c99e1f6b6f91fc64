//! Contract driver of the Reporter API: every operation of `reporter-api.yml`.

use jaicp_core::{Client, Error, Timestamp};
use jaicp_reporter::Reporter;
use jaicp_reporter::models::{
    AddCommentDto, AnalyticsSection, BulkLabelingDto, CheckboxComparisonType, CreateDailyReportDto,
    CreateMessageReactionReportDto, CreateReportDto, FileType, FilterKey, FiltersDto, LabelIdDto,
    LabelPriorityChangeDto, LogLabelGroupCreate, MessageLabelCreate, MessageLabelGroupDto,
    MessageLabelUpdate, ReportSettings, ScenarioExperimentBranchesDto, ScenarioExperimentDto,
    SessionLabelCreate, TransferToOperatorMethod, UpdateMessageLabelDto,
    UpdateMessageLabelGroupDto, UpdateSessionLabelDto,
};

use super::unified::{EMULATOR_BOT_ID, EMULATOR_PROJECT, op, token};
use super::{Outcome, run};

const SESSION: &str = "seed-session-1";
const QUESTION: &str = "seed-1-0";

pub(crate) async fn reporter() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let r = Reporter::new(&client, &token());
    let mut out = Vec::new();
    let p = EMULATOR_PROJECT;
    let filters = || FiltersDto {
        filters: Some(Vec::new()),
    };
    let csv = || ReportSettings {
        file_type: FileType::Csv,
        ..Default::default()
    };
    let now = Timestamp::now();
    let week_ago = Timestamp::from_millis(now.as_millis() - 7 * 86_400_000).unwrap_or(now);
    let day = |t: Timestamp| t.to_string().chars().take(10).collect::<String>();

    // Data.
    op!(
        out,
        "getSessionDataByFilter",
        r.sessions_page()
            .project_short_name(p)
            .body(filters())
            .send()
            .await
    );
    op!(
        out,
        "getMessageDataByFilter",
        r.messages_page()
            .project_short_name(p)
            .body(filters())
            .send()
            .await
    );
    op!(
        out,
        "getClientDataByFilter",
        r.clients_page()
            .project_short_name(p)
            .body(filters())
            .send()
            .await
    );
    op!(
        out,
        "getAllClientDataForBot",
        r.get_all_client_data_for_bot(p, EMULATOR_BOT_ID, now)
            .send()
            .await
    );
    op!(
        out,
        "getMessagesForSession",
        r.get_messages_for_session(SESSION).send().await
    );
    let client_id = r
        .get_messages_for_session(SESSION)
        .send()
        .await
        .ok()
        .and_then(|m| {
            m.session
                .and_then(|s| s.client.map(|c| c.id.unwrap_or_default()))
        })
        .unwrap_or_default();
    op!(
        out,
        "getMessagesForClient",
        r.get_messages_for_client(EMULATOR_BOT_ID, client_id.clone())
            .send()
            .await
    );
    op!(
        out,
        "getMessagePageInSession",
        r.get_message_page_in_session(SESSION, QUESTION)
            .send()
            .await
    );
    op!(
        out,
        "getMessagePageInClient",
        r.get_message_page_in_client(EMULATOR_BOT_ID, client_id, QUESTION)
            .send()
            .await
    );
    op!(
        out,
        "getStateRoutesDataByFilter",
        r.get_state_routes_data_by_filter()
            .body(filters())
            .send()
            .await
    );
    op!(
        out,
        "countAllProjectsSessions",
        r.count_all_projects_sessions().send().await
    );

    // Statistics.
    op!(
        out,
        "getMessageStats",
        r.get_message_stats().body(filters()).send().await
    );
    op!(
        out,
        "getSessionStats",
        r.get_session_stats().body(filters()).send().await
    );
    op!(
        out,
        "getSessionLabelStats",
        r.get_session_label_stats().body(filters()).send().await
    );
    op!(
        out,
        "getLogLabelStats",
        r.get_log_label_stats().body(filters()).send().await
    );
    op!(
        out,
        "getSwitchedSessionCountByDay",
        r.get_switched_session_count_by_day(
            day(week_ago),
            day(now),
            TransferToOperatorMethod::Switch
        )
        .send()
        .await
    );
    op!(
        out,
        "getTelephonyStats",
        r.get_telephony_stats(day(week_ago), day(now)).send().await
    );
    op!(
        out,
        "getAllProjectsUniqueClients",
        r.get_all_projects_unique_clients().send().await
    );

    // Filters.
    op!(
        out,
        "getAvailableFilters",
        r.get_available_filters(AnalyticsSection::Sessions)
            .send()
            .await
    );
    op!(
        out,
        "getFilterOptions",
        r.get_filter_options(FilterKey::ChannelType, AnalyticsSection::Sessions)
            .body(filters())
            .send()
            .await
    );
    op!(
        out,
        "getIntervalFilterOptions",
        r.get_interval_filter_options(FilterKey::MessageCount, AnalyticsSection::Sessions)
            .body(filters())
            .send()
            .await
    );
    let set = r.create_filter_set_id(filters()).send().await;
    let set_id = set.as_ref().ok().cloned().unwrap_or_default();
    out.push(Outcome {
        operation: "createFilterSetId",
        result: set.map(|_| ()),
    });
    op!(
        out,
        "getUserFilterSet",
        r.get_user_filter_set(set_id).send().await
    );

    // Session labels.
    let created = r
        .create_session_label(SessionLabelCreate {
            name: "contract".into(),
            priority: 1,
        })
        .send()
        .await;
    let sl = created.as_ref().ok().and_then(|l| l.id).unwrap_or(1);
    out.push(Outcome {
        operation: "createSessionLabel",
        result: created.map(|_| ()),
    });
    op!(out, "getSessionLabel", r.get_session_label(sl).send().await);
    op!(
        out,
        "updateSessionLabel",
        r.update_session_label(
            sl,
            SessionLabelCreate {
                name: "contract 2".into(),
                priority: 2
            }
        )
        .send()
        .await
    );
    op!(
        out,
        "updateSessionsPriority",
        r.update_sessions_priority(vec![LabelPriorityChangeDto {
            id: sl,
            new_priority: 3
        }])
        .send()
        .await
    );
    op!(
        out,
        "updateSessionLabels",
        r.update_session_labels(vec![UpdateSessionLabelDto {
            id: sl,
            name: Some("contract 3".into()),
            ..Default::default()
        }])
        .send()
        .await
    );
    op!(
        out,
        "addLabelToSession",
        r.add_label_to_session(SESSION, LabelIdDto { label_id: sl })
            .send()
            .await
    );
    op!(
        out,
        "deleteLabelFromSession",
        r.delete_label_from_session(SESSION, LabelIdDto { label_id: sl })
            .send()
            .await
    );
    op!(
        out,
        "setSessionLabels",
        r.set_session_labels(SESSION, vec![LabelIdDto { label_id: sl }])
            .send()
            .await
    );
    op!(
        out,
        "setLabelToSessions",
        r.set_label_to_sessions(BulkLabelingDto {
            comparison_type: CheckboxComparisonType::Exists,
            labels: vec![sl],
            object_ids: Some(vec![SESSION.into()]),
            ..Default::default()
        })
        .send()
        .await
    );

    // Message labels and groups.
    let group = || MessageLabelGroupDto {
        name: "Contract".into(),
        ..Default::default()
    };
    let created = r
        .create_message_label(MessageLabelCreate {
            name: "m".into(),
            priority: 1,
            group: group(),
            ..Default::default()
        })
        .send()
        .await;
    let ml = created.as_ref().ok().and_then(|l| l.id).unwrap_or(1);
    let gid = created
        .as_ref()
        .ok()
        .and_then(|l| l.group.as_ref().and_then(|g| g.id))
        .unwrap_or(1);
    out.push(Outcome {
        operation: "createMessageLabel",
        result: created.map(|_| ()),
    });
    op!(out, "getMessageLabels", r.get_message_labels().send().await);
    op!(out, "getMessageLabel", r.get_message_label(ml).send().await);
    op!(
        out,
        "updateMessageLabel",
        r.update_message_label(
            ml,
            MessageLabelUpdate {
                name: "m2".into(),
                group_id: gid,
                priority: 2
            }
        )
        .send()
        .await
    );
    op!(
        out,
        "createMessageLabels",
        r.create_message_labels(vec![MessageLabelCreate {
            name: "m3".into(),
            priority: 3,
            group: group(),
            ..Default::default()
        }])
        .send()
        .await
    );
    op!(
        out,
        "updateMessageLabels",
        r.update_message_labels(vec![UpdateMessageLabelDto {
            id: ml,
            priority: Some(4),
            ..Default::default()
        }])
        .send()
        .await
    );
    op!(
        out,
        "updateMessageLabelsPriority",
        r.update_message_labels_priority(vec![LabelPriorityChangeDto {
            id: ml,
            new_priority: 5
        }])
        .send()
        .await
    );
    op!(out, "getLabelGroup", r.get_label_group(gid).send().await);
    op!(
        out,
        "updateMessageLabelGroup",
        r.update_message_label_group(
            gid,
            LogLabelGroupCreate {
                name: "Contract 2".into(),
                priority: 2
            }
        )
        .send()
        .await
    );
    op!(
        out,
        "updateMessageLabelGroups",
        r.update_message_label_groups(vec![UpdateMessageLabelGroupDto {
            id: gid,
            priority: Some(3),
            ..Default::default()
        }])
        .send()
        .await
    );
    op!(
        out,
        "updateGroupsPriority",
        r.update_groups_priority(vec![LabelPriorityChangeDto {
            id: gid,
            new_priority: 4
        }])
        .send()
        .await
    );
    op!(
        out,
        "addLabelToMessage",
        r.add_label_to_message(QUESTION, LabelIdDto { label_id: ml })
            .send()
            .await
    );
    op!(
        out,
        "deleteLabelFromMessage",
        r.delete_label_from_message(QUESTION, LabelIdDto { label_id: ml })
            .send()
            .await
    );
    op!(
        out,
        "setMessageLabels",
        r.set_message_labels(QUESTION, SESSION, vec![LabelIdDto { label_id: ml }])
            .send()
            .await
    );
    op!(
        out,
        "setLabelToMessages",
        r.set_label_to_messages(BulkLabelingDto {
            comparison_type: CheckboxComparisonType::Exists,
            labels: vec![ml],
            object_ids: Some(vec![QUESTION.into()]),
            ..Default::default()
        })
        .send()
        .await
    );

    // Comments.
    op!(
        out,
        "addCommentToMessage",
        r.add_comment_to_message(
            QUESTION,
            AddCommentDto {
                question_id: QUESTION.into(),
                comment: "checked".into()
            }
        )
        .send()
        .await
    );
    op!(
        out,
        "deleteCommentFromMessage",
        r.delete_comment_from_message(QUESTION).send().await
    );

    // Scenario experiments.
    let key = format!("contract-{}", now.as_millis());
    op!(
        out,
        "createScenarioExperiment",
        r.create_scenario_experiment(
            p,
            ScenarioExperimentDto {
                key: key.clone(),
                branches: vec![
                    ScenarioExperimentBranchesDto {
                        key: "a".into(),
                        ..Default::default()
                    },
                    ScenarioExperimentBranchesDto {
                        key: "b".into(),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            },
        )
        .send()
        .await
    );
    op!(
        out,
        "getScenarioExperiments",
        r.get_scenario_experiments(p).send().await
    );
    op!(
        out,
        "joinScenarioExperiment",
        r.join_scenario_experiment(SESSION, key.clone(), p, EMULATOR_BOT_ID)
            .send()
            .await
    );
    op!(
        out,
        "countScenarioExperimentSessions",
        r.count_scenario_experiment_sessions(p).send().await
    );
    op!(
        out,
        "stopScenarioExperiment",
        r.stop_scenario_experiment(p, key.clone()).send().await
    );
    op!(
        out,
        "deleteScenarioExperiment",
        r.delete_scenario_experiment(p, key.clone()).send().await
    );

    // Report files.
    let report = || CreateReportDto {
        filters: Some(Vec::new()),
        settings: Some(csv()),
    };
    let started = r
        .create_session_report()
        .project_short_name(p)
        .body(report())
        .send()
        .await;
    out.push(Outcome {
        operation: "createSessionReport",
        result: started.map(|_| ()),
    });
    op!(
        out,
        "createMessageReport",
        r.create_message_report()
            .project_short_name(p)
            .body(report())
            .send()
            .await
    );
    op!(
        out,
        "createClientReport",
        r.create_client_report()
            .project_short_name(p)
            .body(report())
            .send()
            .await
    );
    op!(
        out,
        "createTelephonyReport",
        r.create_telephony_report()
            .project_short_name(p)
            .send()
            .await
    );
    op!(
        out,
        "createDailyReport",
        r.create_daily_report(CreateDailyReportDto {
            date: day(now),
            settings: Some(csv())
        })
        .send()
        .await
    );
    op!(
        out,
        "createClientListReport",
        r.create_client_list_report(report())
            .project_short_name(p)
            .send()
            .await
    );
    op!(
        out,
        "createMessageReactionReport",
        r.create_message_reaction_report(CreateMessageReactionReportDto {
            project_short_name: p.into(),
            bot_id: EMULATOR_BOT_ID.into(),
            settings: Some(csv()),
            ..Default::default()
        })
        .send()
        .await
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let tasks = r.get_not_deleted_report_generation_tasks().send().await;
    let task_id = tasks
        .as_ref()
        .ok()
        .and_then(|t| t.tasks.first().and_then(|t| t.task_id.clone()))
        .unwrap_or_default();
    out.push(Outcome {
        operation: "getNotDeletedReportGenerationTasks",
        result: tasks.map(|_| ()),
    });
    op!(
        out,
        "getReportGenerationTask",
        r.get_report_generation_task(task_id.clone()).send().await
    );
    op!(
        out,
        "deleteReportGenerationTask",
        r.delete_report_generation_task(task_id).send().await
    );
    op!(
        out,
        "deleteCompletedReportGenerationTasks",
        r.delete_completed_report_generation_tasks().send().await
    );
    op!(
        out,
        "deleteAllReportGenerationTasks",
        r.delete_all_report_generation_tasks().send().await
    );

    // Leave the labels as they were.
    op!(
        out,
        "deleteMessageLabel",
        r.delete_message_label(ml).send().await
    );
    op!(
        out,
        "deleteMessageLabelGroup",
        r.delete_message_label_group(gid).send().await
    );
    op!(
        out,
        "deleteSessionLabel",
        r.delete_session_label(sl).send().await
    );
    Ok(out)
}
