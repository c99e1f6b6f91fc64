//! Deploys that read like one call: `channels.deploy(body).wait().await`.

use jaicp_core::Result;
use jaicp_core::async_task::request_id_of;
use jaicp_core::async_task::{AsyncTask, TaskOptions, TaskOutcome};

use crate::operations::{DEPLOY, DeployRequest};

impl DeployRequest {
    /// Starts the deploy and returns the task without waiting (keep its
    /// [`AsyncTask::request_id`] to wait later, e.g. after a restart).
    pub async fn start(self) -> Result<AsyncTask> {
        let ctx = self.context().clone();
        let response = self.send().await?;
        let id = request_id_of(DEPLOY.name(), &response)?;
        Ok(AsyncTask::new(ctx, DEPLOY.name(), id))
    }

    /// Starts the deploy and waits until it finishes, with the default [`TaskOptions`].
    /// A failed deploy is [`jaicp_core::Error::TaskFailed`] with the server's code and message.
    pub async fn wait(self) -> Result<TaskOutcome> {
        self.wait_with(TaskOptions::default()).await
    }

    /// Like [`Self::wait`] with explicit polling options (hold time, total timeout).
    pub async fn wait_with(self, options: TaskOptions) -> Result<TaskOutcome> {
        self.start().await?.options(options).wait().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use jaicp_core::async_task::TaskOptions;
    use jaicp_core::error::TimeoutPhase;
    use jaicp_core::testing::{ScriptedTransport, Step};
    use jaicp_core::{Client, Error, Host, UnifiedToken};

    use crate::Channels;
    use crate::models::DeployBotChannelDto;

    const CANARY: &str = "unified-CANARY-7f3e9a";

    fn channels(t: &ScriptedTransport) -> Channels {
        let client = Client::builder()
            .host(Host::custom("https://jaicp.test").unwrap())
            .transport(Arc::new(t.clone()))
            .build()
            .unwrap();
        Channels::new(&client, &UnifiedToken::new(CANARY).unwrap())
    }

    fn body() -> DeployBotChannelDto {
        DeployBotChannelDto {
            project_short_name: "p-1".into(),
            bot_id: "1-p-1-9".into(),
            ..Default::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn deploy_waits_through_empty_polls_to_success() {
        let t = ScriptedTransport::new([
            Step::with_header(200, "Z-Request-id", "req-1", ""),
            Step::json(200, r#"{"response":[]}"#),
            Step::json(
                200,
                r#"{"response":[{"isOk":true,"requestId":"req-1","requestTime":"2025-01-01T00:00:00Z","responseTime":"2025-01-01T00:00:05Z","payload":{"ok":1}}]}"#,
            ),
        ]);
        let done = channels(&t).deploy(body()).wait().await.unwrap();
        assert_eq!(done.request_id, "req-1");
        assert_eq!(done.payload["ok"], 1);
        let sent = t.requests();
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0].url.path(), "/api/v1/async/bot-channels/deploy");
        assert_eq!(
            sent[0].headers["authorization"],
            format!("Bearer {CANARY}").as_str()
        );
        let q = sent[1].url.query().unwrap();
        assert!(
            q.contains("requestId=req-1") && q.contains("timeout=20"),
            "{q}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn request_id_may_come_in_the_body() {
        let t = ScriptedTransport::new([
            Step::json(
                200,
                r#"{"requestId":"req-b","requestTime":"2025-01-01T00:00:00Z"}"#,
            ),
            Step::json(200, r#"{"response":[{"isOk":true,"requestId":"req-b"}]}"#),
        ]);
        let done = channels(&t).deploy(body()).wait().await.unwrap();
        assert_eq!(done.request_id, "req-b");
    }

    #[tokio::test(start_paused = true)]
    async fn failed_deploy_is_a_typed_task_error_without_the_token() {
        let t = ScriptedTransport::new([
            Step::with_header(200, "Z-Request-id", "req-2", ""),
            Step::json(
                200,
                &format!(
                    r#"{{"response":[{{"isOk":false,"requestId":"req-2","error":{{"error":"botadmin.deploy.tests_failed","message":"tests failed for {CANARY}","args":{{"n":2}}}}}}]}}"#
                ),
            ),
        ]);
        let err = channels(&t).deploy(body()).wait().await.unwrap_err();
        assert_eq!(err.code(), Some("botadmin.deploy.tests_failed"));
        match &err {
            Error::TaskFailed(e) => {
                assert_eq!(e.request_id, "req-2");
                assert_eq!(e.args["n"], 2);
            }
            other => panic!("unexpected {other:?}"),
        }
        let text = format!("{err} {err:?}");
        assert!(!text.contains(CANARY), "{text}");
        assert!(text.contains("channel.deploy"), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_total_timeout() {
        let mut steps = vec![Step::with_header(200, "Z-Request-id", "req-3", "")];
        steps.extend((0..100).map(|_| Step::json(200, r#"{"response":[]}"#)));
        let t = ScriptedTransport::new(steps);
        let started = tokio::time::Instant::now();
        let err = channels(&t)
            .deploy(body())
            .wait_with(
                TaskOptions::default()
                    .timeout(Duration::from_secs(5))
                    .pause(Duration::from_secs(1)),
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Deadline,
                ..
            }
        ));
        assert!(started.elapsed() <= Duration::from_secs(6));
        // one start + about one poll per second of pause
        assert!((5..=7).contains(&t.count()), "{}", t.count());
    }

    #[tokio::test(start_paused = true)]
    async fn a_held_poll_gets_hold_plus_margin_before_it_times_out() {
        // The server never answers the poll: the attempt timeout (hold + margin = 3 s) fires,
        // the poll is retried (GET), and the total timeout ends the wait.
        let t = ScriptedTransport::new([
            Step::with_header(200, "Z-Request-id", "req-4", ""),
            Step::Hang,
            Step::Hang,
            Step::Hang,
        ]);
        let started = tokio::time::Instant::now();
        let err = channels(&t)
            .deploy(body())
            .wait_with(
                TaskOptions::default()
                    .hold(Duration::from_secs(2))
                    .margin(Duration::from_secs(1))
                    .timeout(Duration::from_secs(4)),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(started.elapsed() >= Duration::from_secs(3));
        assert!(t.count() >= 3, "the hung poll was retried: {}", t.count());
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_future_cancels_the_wait() {
        let t = ScriptedTransport::new([
            Step::with_header(200, "Z-Request-id", "req-5", ""),
            Step::Hang,
        ]);
        let wait = channels(&t).deploy(body()).wait();
        let r = tokio::time::timeout(Duration::from_secs(1), wait).await;
        assert!(r.is_err());
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(t.count(), 2, "nothing polls after the future is dropped");
    }
}
