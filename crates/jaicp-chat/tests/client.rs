//! Chat API client behaviour on a scripted transport: no re-sends of turns, the events stream
//! (cursor, de-duplication, reconnects, cancellation), configurable routes, input checks.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use jaicp_chat::models::Reply;
use jaicp_chat::{Chat, ChatPaths, Turn};
use jaicp_core::testing::{ScriptedTransport, Step};
use jaicp_core::transport::TransportErrorKind;
use jaicp_core::{ChatApiToken, Client, Error, Host};

const TOKEN: &str = "abcd1234:CANARYchatTOKEN0000000000000000000000000";

fn chat(t: &ScriptedTransport) -> Chat {
    let client = Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t.clone()))
        .build()
        .unwrap();
    Chat::new(&client, &ChatApiToken::new(TOKEN).unwrap())
}

const TURN: &str = r#"{"clientId":"u1","questionId":"q1","token":"abcd1234:CANARYchatTOKEN0000000000000000000000000",
  "data":{"replies":[{"type":"text","text":"Hello!"},{"type":"buttons","buttons":[{"text":"Yes"}]},
  {"type":"crmHook","payload":1}],"newSessionStarted":true}}"#;

#[tokio::test(start_paused = true)]
async fn send_posts_the_turn_and_decodes_every_reply_kind() {
    let t = ScriptedTransport::new([Step::json(200, TURN)]);
    let turn = chat(&t).send("u1", "hi").await.unwrap();
    let replies = jaicp_chat::replies(&turn);
    assert!(matches!(&replies[0], Reply::Text(r) if r.text.as_deref() == Some("Hello!")));
    assert!(
        matches!(&replies[1], Reply::Buttons(b) if b.buttons[0].text.as_deref() == Some("Yes"))
    );
    assert!(matches!(&replies[2], Reply::Unknown(v) if v["type"] == "crmHook"));
    assert!(
        !format!("{turn:?}").contains("CANARY"),
        "echoed token is redacted"
    );
    let sent = &t.requests()[0];
    assert_eq!(sent.method, "POST");
    assert!(sent.url.path().starts_with("/chatapi/"));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body, serde_json::json!({"clientId":"u1","query":"hi"}));
}

#[tokio::test(start_paused = true)]
async fn events_are_sent_as_event_turns() {
    let t = ScriptedTransport::new([Step::json(200, TURN)]);
    chat(&t).send("u1", Turn::event("start")).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&t.requests()[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"clientId":"u1","event":"start"}));
}

async fn attempts_of_send(step: Step) -> (usize, Error) {
    let t = ScriptedTransport::new([step, Step::json(200, TURN), Step::json(200, TURN)]);
    let err = chat(&t).send("u1", "hi").await.unwrap_err();
    (t.count(), err)
}

#[tokio::test(start_paused = true)]
async fn a_turn_is_never_resent_after_it_may_have_arrived() {
    let (n, err) = attempts_of_send(Step::json(503, "{}")).await;
    assert_eq!((n, err.status()), (1, Some(503)));
    let (n, _) = attempts_of_send(Step::json(500, "{}")).await;
    assert_eq!(n, 1);
    let (n, err) = attempts_of_send(Step::Fail(TransportErrorKind::Io)).await;
    assert_eq!(n, 1);
    assert!(matches!(err, Error::Transport { .. }));
    let (n, err) = attempts_of_send(Step::Fail(TransportErrorKind::Timeout)).await;
    assert_eq!(n, 1, "{err}");
    let (n, err) = attempts_of_send(Step::Hang).await;
    assert_eq!(n, 1);
    assert!(matches!(err, Error::Timeout { .. }));
}

#[tokio::test(start_paused = true)]
async fn async_send_is_not_resent_either() {
    let t = ScriptedTransport::new([
        Step::json(502, "{}"),
        Step::json(200, r#"{"questionId":"q"}"#),
    ]);
    assert!(chat(&t).send_async("u1", "hi").await.is_err());
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_connect_failure_is_retried_because_nothing_left() {
    let t = ScriptedTransport::new([
        Step::Fail(TransportErrorKind::Connect),
        Step::json(200, TURN),
    ]);
    let turn = chat(&t).send("u1", "hi").await.unwrap();
    assert_eq!(turn.question_id.as_deref(), Some("q1"));
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn async_send_returns_the_id_under_either_name() {
    let t = ScriptedTransport::new([
        Step::json(200, r#"{"questionId":"q9"}"#),
        Step::json(200, r#"{"id":"q10"}"#),
        Step::json(200, r#"{}"#),
    ]);
    let chat = chat(&t);
    assert_eq!(chat.send_async("u1", "a").await.unwrap(), "q9");
    assert_eq!(chat.send_async("u1", "b").await.unwrap(), "q10");
    assert!(matches!(
        chat.send_async("u1", "c").await,
        Err(Error::Decode { .. })
    ));
    assert!(t.requests()[0].url.path().ends_with("/async"));
}

#[tokio::test(start_paused = true)]
async fn bad_input_fails_before_the_network() {
    let t = ScriptedTransport::new([]);
    let chat = chat(&t);
    assert!(matches!(
        chat.send("", "hi").await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        chat.send("u\n1", "hi").await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        chat.send("u1", Turn::event(" ")).await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        chat.history(" ", None).await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(t.count(), 0);
}

fn events_body(items: &[(&str, &str)]) -> String {
    let events: Vec<serde_json::Value> = items
        .iter()
        .map(|(q, ts)| {
            serde_json::json!({"type":"botResponse","event":{"questionId":q,"clientId":"u1",
                "timestamp":ts,"data":{"replies":[{"type":"text","text":format!("re {q}")}]}}})
        })
        .collect();
    serde_json::json!({ "events": events }).to_string()
}

#[tokio::test(start_paused = true)]
async fn events_stream_moves_the_cursor_and_yields_each_question_once() {
    let t = ScriptedTransport::new([
        Step::json(
            200,
            &events_body(&[
                ("q1", "2024-05-01T10:00:00.100"),
                ("q2", "2024-05-01T10:00:00.200"),
            ]),
        ),
        // The same events again (duplicates across polls happen), plus one new one.
        Step::json(
            200,
            &events_body(&[
                ("q2", "2024-05-01T10:00:00.200"),
                ("q3", "2024-05-01T10:00:01"),
            ]),
        ),
        Step::Respond {
            status: 204,
            headers: vec![],
            body: Default::default(),
        },
        Step::json(200, &events_body(&[("q4", "2024-05-01T10:00:02Z")])),
    ]);
    let events: Vec<_> = chat(&t).events("u1").stream().take(4).collect().await;
    let ids: Vec<_> = events
        .iter()
        .map(|e| e.as_ref().unwrap().question_id().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["q1", "q2", "q3", "q4"]);
    let first = events[0].as_ref().unwrap();
    assert!(matches!(&first.replies()[0], Reply::Text(r) if r.text.as_deref() == Some("re q1")));
    let ts: Vec<Option<String>> = t
        .requests()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "ts")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    let q2 = jaicp_chat::events::parse_time_ms("2024-05-01T10:00:00.200").unwrap();
    let q3 = jaicp_chat::events::parse_time_ms("2024-05-01T10:00:01").unwrap();
    assert_eq!(
        ts,
        [
            None,
            Some(q2.to_string()),
            Some(q3.to_string()),
            Some(q3.to_string())
        ]
    );
    assert!(
        t.requests()
            .iter()
            .all(|r| r.url.query().unwrap().contains("clientId=u1"))
    );
}

#[tokio::test(start_paused = true)]
async fn events_stream_reconnects_after_transient_failures() {
    let t = ScriptedTransport::new([
        Step::json(503, "{}"),
        Step::Fail(TransportErrorKind::Io),
        Step::Hang, // the attempt timeout (hold + margin) ends it; the stream polls again
        Step::json(200, &events_body(&[("q1", "2024-05-01T10:00:00")])),
    ]);
    let started = tokio::time::Instant::now();
    let mut stream = Box::pin(
        chat(&t)
            .events("u1")
            .hold(Duration::from_secs(20))
            .margin(Duration::from_secs(5))
            .stream(),
    );
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.question_id(), Some("q1"));
    assert_eq!(t.count(), 4);
    assert!(
        started.elapsed() >= Duration::from_secs(25),
        "waited for the attempt timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn events_stream_ends_after_a_refused_token() {
    let t = ScriptedTransport::new([
        Step::json(401, r#"{"error":"unauthorized"}"#),
        Step::json(200, "{}"),
    ]);
    let items: Vec<_> = chat(&t).events("u1").stream().collect().await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().status(), Some(401));
    assert_eq!(t.count(), 1);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_cancels_the_poll_in_flight() {
    let t = ScriptedTransport::new([
        Step::json(200, &events_body(&[("q1", "2024-05-01T10:00:00")])),
        Step::Hang,
    ]);
    let mut stream = chat(&t).events("u1").stream();
    assert!(stream.next().await.is_some());
    // The second poll hangs; dropping the stream must end it without waiting.
    let pending = tokio::time::timeout(Duration::from_secs(1), stream.next()).await;
    assert!(pending.is_err());
    drop(stream);
    assert_eq!(t.count(), 2);
}

#[tokio::test(start_paused = true)]
async fn history_and_state_follow_the_configured_routes() {
    let t = ScriptedTransport::new([
        Step::json(200, r#"{"history":[{"questionId":"q1","query":"hi"}]}"#),
        Step::json(200, r#"{"theme":"dark"}"#),
        Step::json(200, ""),
        Step::json(200, r#"{"history":[]}"#),
    ]);
    let chat = chat(&t);
    let h = chat.history("u1", Some(10)).await.unwrap();
    assert_eq!(h.history[0].query.as_deref(), Some("hi"));
    assert_eq!(chat.load_state("u1").await.unwrap()["theme"], "dark");
    chat.save_state("u1", &serde_json::json!({"theme":"light"}))
        .await
        .unwrap();
    let moved = chat.clone().with_paths(ChatPaths {
        history: "/chatapi/{token}/v2/history".into(),
        ..ChatPaths::default()
    });
    moved.history("u1", None).await.unwrap();
    let reqs = t.requests();
    assert!(reqs[0].url.path().ends_with("/history"));
    assert!(reqs[0].url.query().unwrap().contains("limit=10"));
    assert!(reqs[1].url.path().ends_with("/state"));
    assert_eq!(reqs[2].method, "POST");
    assert!(reqs[3].url.path().ends_with("/v2/history"));
    assert!(
        reqs[3].url.path().contains("CANARY"),
        "the token fills the overridden route"
    );
}

#[test]
fn event_times_parse_in_every_form() {
    use jaicp_chat::events::parse_time_ms;
    assert_eq!(parse_time_ms("1970-01-01T00:00:01.5"), Some(1500));
    assert_eq!(parse_time_ms("1970-01-01T00:00:01Z"), Some(1000));
    assert_eq!(parse_time_ms("1970-01-01T03:00:01+03:00"), Some(1000));
    assert_eq!(parse_time_ms("2500"), Some(2500));
    assert_eq!(parse_time_ms("yesterday"), None);
}

#[tokio::test(start_paused = true)]
async fn the_raw_answer_comes_with_the_typed_one_in_one_request() {
    let t = ScriptedTransport::new([Step::json(200, TURN)]);
    let answer = chat(&t)
        .send_message(jaicp_chat::models::ChatRequest {
            client_id: "u1".into(),
            query: Some("hi".into()),
            ..Default::default()
        })
        .send_with_raw()
        .await
        .unwrap();
    assert_eq!(t.count(), 1);
    assert_eq!(answer.value.question_id.as_deref(), Some("q1"));
    assert_eq!(answer.raw.status, 200);
    let raw = answer.json().unwrap();
    assert_eq!(raw["data"]["replies"][2]["payload"], 1);
    // The body may echo the token: Debug shows its length only.
    assert!(!format!("{answer:?}").contains("CANARY"));
}
