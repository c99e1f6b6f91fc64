//! Durations saturate: any timeout, deadline, back-off, `Retry-After` or hold time a user or a
//! server gives — `Duration::MAX` included — ends in an answer or a typed error, never in an
//! `overflow when adding duration to instant` panic.

use std::sync::Arc;
use std::time::Duration;

use jaicp_core::async_task::{AsyncEvents, AsyncTask, TaskOptions};
use jaicp_core::auth::Auth;
use jaicp_core::download::DownloadOptions;
use jaicp_core::error::{OpName, TimeoutPhase};
use jaicp_core::retry::RetryPolicy;
use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::{CallOptions, Client, Error, Host, UnifiedToken, export::Method};
use proptest::prelude::*;

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::MAX),
        Just(Duration::ZERO),
        Just(Duration::from_secs(u64::MAX)),
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        (0u64..200_000).prop_map(Duration::from_millis),
    ]
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(f)
}

fn client(
    t: &ScriptedTransport,
    build: impl FnOnce(jaicp_core::ClientBuilder) -> jaicp_core::ClientBuilder,
) -> Client {
    build(
        Client::builder()
            .host(Host::custom("https://jaicp.test").unwrap())
            .transport(Arc::new(t.clone())),
    )
    .build()
    .unwrap()
}

/// The errors a request with extreme durations may end in.
fn expected(e: &Error) -> bool {
    matches!(
        e,
        Error::Timeout { .. } | Error::RateLimited { .. } | Error::Api(_) | Error::Transport { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn client_and_call_durations_saturate(
        connect in duration(),
        attempt in duration(),
        deadline in duration(),
        stall in duration(),
        call_attempt in duration(),
        call_deadline in duration(),
        base in duration(),
        cap in duration(),
        max_retry_after in duration(),
    ) {
        let t = ScriptedTransport::new([
            Step::json(503, "{}"),
            Step::with_header(429, "retry-after", "1", "{}"),
            Step::json(200, "[1]"),
        ]);
        let policy = RetryPolicy::default()
            .with_backoff(base, base, cap)
            .with_max_retry_after(max_retry_after);
        let c = client(&t, |b| {
            b.connect_timeout(connect)
                .attempt_timeout(attempt)
                .deadline(deadline)
                .stall_timeout(stall)
                .retry(policy)
        });
        let api = c.api(Auth::none());
        let result = run(async {
            api.raw(Method::GET, "/x")
                .options(CallOptions::default().attempt_timeout(call_attempt).deadline(call_deadline))
                .send_json::<Vec<u32>>()
                .await
        });
        match result {
            Ok(v) => prop_assert_eq!(v, vec![1]),
            Err(e) => prop_assert!(expected(&e), "{e:?}"),
        }
    }

    #[test]
    fn server_retry_after_values_saturate(secs in any::<u64>(), frac in "[0-9]{0,12}") {
        for value in [secs.to_string(), format!("{secs}.{frac}"), "Fri, 31 Dec 9999 23:59:59 GMT".to_owned()] {
            let t = ScriptedTransport::new([
                Step::with_header(503, "retry-after", &value, "{}"),
                Step::json(200, "{}"),
            ]);
            let c = client(&t, |b| b.deadline(Duration::MAX));
            let result = run(async { c.api(Auth::none()).raw(Method::GET, "/x").send_unit().await });
            if let Err(e) = result {
                prop_assert!(expected(&e), "{value}: {e:?}");
            }
        }
    }

    #[test]
    fn task_waits_and_download_stalls_saturate(
        hold in duration(),
        margin in duration(),
        timeout in duration(),
        pause in duration(),
        stall in duration(),
    ) {
        let t = ScriptedTransport::new([
            Step::json(200, r#"{"response":[]}"#),
            Step::json(200, r#"{"response":[{"requestId":"r-1","isOk":true,"payload":{"ok":1}}]}"#),
        ]);
        let c = client(&t, |b| b.stall_timeout(stall));
        let ctx = c.api(Auth::bearer(&UnifiedToken::new("unified-123456").unwrap()));
        let op = OpName { api: "test", operation: "start" };
        let options = TaskOptions::default().hold(hold).margin(margin).timeout(timeout).pause(pause);
        let result = run(async {
            AsyncTask::new(ctx, op, "r-1").options(options).wait().await
        });
        if let Err(e) = result {
            prop_assert!(
                matches!(e, Error::Timeout { phase: TimeoutPhase::Deadline, .. }) || expected(&e),
                "{e:?}"
            );
        }
        // A stall limit of any length: a body that ends is read to its end.
        let t = ScriptedTransport::new([Step::json(200, "0123456789")]);
        let c = client(&t, |b| b.stall_timeout(stall));
        let written = run(async {
            let response = c.api(Auth::none()).raw(Method::GET, "/f").send_streaming().await?;
            let mut out = Vec::new();
            response.write_to(&mut out, DownloadOptions::default()).await
        });
        prop_assert_eq!(written.unwrap(), 10);
    }
}

#[test]
fn backoff_saturates_at_the_cap_for_any_attempt() {
    let policy = RetryPolicy::default().with_backoff(Duration::MAX, Duration::MAX, Duration::MAX);
    for attempt in [0, 1, 2, 31, 32, u32::MAX] {
        assert!(policy.backoff(attempt, true) <= Duration::MAX);
        assert!(policy.backoff(attempt, false) <= Duration::MAX);
    }
    // The events API of a context can be made and polled with any hold.
    let _ = AsyncEvents::new(Client::new().unwrap().api(Auth::none()));
}
