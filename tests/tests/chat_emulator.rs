//! The Chat SDK end to end against the emulator's bot: a conversation, async answers by webhook
//! (through `jaicp_chat::server`) and by the events stream, each question once.

mod common;

use std::time::Duration;

use futures_util::StreamExt;
use jaicp_chat::models::{ChatResponse, Reply};
use jaicp_chat::server::{WebhookConfig, router};
use jaicp_chat::{Chat, Turn, replies, reply_text};
use jaicp_core::{ChatApiToken, Error};
use jaicp_emulator::Emulator;
use tokio::sync::mpsc;

async fn emulator() -> Emulator {
    Emulator::builder()
        .dial_interval(Duration::ZERO)
        .chat_hold(Duration::from_millis(500))
        .start()
        .await
        .expect("emulator starts")
}

fn chat(emu: &Emulator) -> Chat {
    Chat::new(
        &common::client(emu),
        &ChatApiToken::new(emu.chat_token()).unwrap(),
    )
}

fn texts(turn: &ChatResponse) -> Vec<String> {
    replies(turn)
        .iter()
        .filter_map(reply_text)
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_conversation_with_the_bot() {
    let emu = emulator().await;
    let chat = chat(&emu);
    let start = chat.send("alice", Turn::event("/start")).await.unwrap();
    let data = start.data.as_ref().unwrap();
    assert_eq!(data.new_session_started, Some(true));
    assert!(matches!(&replies(&start)[1], Reply::Buttons(b) if b.buttons.len() == 3));

    let prices = chat.send("alice", "What are your prices?").await.unwrap();
    assert_eq!(texts(&prices), ["Our plan costs 10 EUR a month."]);
    assert_eq!(
        prices.data.as_ref().unwrap().nlp_class.as_deref(),
        Some("/Prices")
    );
    assert_eq!(
        prices.data.as_ref().unwrap().new_session_started,
        Some(false)
    );

    let other = chat
        .send_message_via_get("alice")
        .query("zebra")
        .send()
        .await
        .unwrap();
    assert!(texts(&other)[0].contains("zebra"));

    let bye = chat.send("alice", "bye").await.unwrap();
    assert_eq!(bye.data.as_ref().unwrap().end_session, Some(true));
    let again = chat.send("alice", "hello").await.unwrap();
    assert_eq!(again.data.as_ref().unwrap().new_session_started, Some(true));

    let history = chat.history("alice", Some(2)).await.unwrap();
    let queries: Vec<_> = history
        .history
        .iter()
        .map(|h| h.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(queries, ["bye", "hello"]);

    chat.save_state("alice", &serde_json::json!({"theme": "dark"}))
        .await
        .unwrap();
    assert_eq!(chat.load_state("alice").await.unwrap()["theme"], "dark");
    assert_eq!(chat.load_state("bob").await.unwrap(), serde_json::json!({}));
}

#[tokio::test]
async fn async_answers_arrive_by_webhook_and_by_events_once_each() {
    let emu = emulator().await;
    let chat = chat(&emu);

    // The integrator's webhook receiver, served on a local port.
    let secret = "webhook-secret-0123456789";
    let (tx, mut rx) = mpsc::unbounded_channel::<ChatResponse>();
    let app = router(
        WebhookConfig::new(ChatApiToken::new(emu.chat_token()).unwrap(), secret),
        move |turns| {
            let tx = tx.clone();
            async move {
                for t in turns {
                    let _ = tx.send(t);
                }
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    emu.state()
        .set_chat_webhook(
            emu.chat_token(),
            Some(&format!("http://{addr}/webhooks/jaicp/chat/{secret}")),
        )
        .unwrap();

    let mut events = chat
        .events("carol")
        .hold(Duration::from_secs(1))
        .min_interval(Duration::from_millis(50))
        .stream();
    let q1 = chat.send_async("carol", "delivery?").await.unwrap();
    let q2 = chat
        .send_async("carol", Turn::event("parcelShipped"))
        .await
        .unwrap();
    assert_ne!(q1, q2);

    let mut by_event = Vec::new();
    while by_event.len() < 2 {
        let e = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("events arrive")
            .unwrap()
            .unwrap();
        by_event.push(e);
    }
    let ids: Vec<_> = by_event
        .iter()
        .map(|e| e.question_id().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [q1.clone(), q2.clone()]);
    assert!(
        matches!(&by_event[1].replies()[0], Reply::Text(t) if t.text.as_deref() == Some("Your parcel has shipped."))
    );
    // The stream polls again with the cursor and yields nothing more.
    assert!(
        tokio::time::timeout(Duration::from_millis(1500), events.next())
            .await
            .is_err()
    );

    let mut by_hook = Vec::new();
    while by_hook.len() < 2 {
        let t = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        by_hook.push(t.question_id.unwrap());
    }
    by_hook.sort();
    let mut expected = vec![q1, q2];
    expected.sort();
    assert_eq!(by_hook, expected);
    assert_eq!(emu.state().chat_webhook_deliveries(), (2, 0));
}

#[tokio::test]
async fn a_wrong_token_is_refused_as_auth() {
    let emu = emulator().await;
    let bad = Chat::new(
        &common::client(&emu),
        &ChatApiToken::new("nobody:00").unwrap(),
    );
    let err = bad.send("u", "hi").await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    assert!(!err.to_string().contains("nobody:00"));
    let items: Vec<_> = bad.events("u").stream().collect().await;
    assert!(matches!(&items[..], [Err(Error::Api(_))]));
}

#[tokio::test]
async fn a_pushback_wakes_the_dialog() {
    let emu = emulator().await;
    let chat = chat(&emu);
    let id = emu
        .state()
        .create_pushback(emu.chat_token(), "dave", "parcelShipped")
        .unwrap();
    let link = format!("{}/pushgate/push_{id}", emu.base_url());
    let pushgate = jaicp_pushgate::Pushgate::from_link(&link).unwrap();
    let mut events = chat
        .events("dave")
        .min_interval(Duration::from_millis(50))
        .stream();
    assert_eq!(pushgate.fire().await.unwrap().status, 200);
    let e = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(&e.replies()[0], Reply::Text(t) if t.text.as_deref() == Some("Your parcel has shipped."))
    );
    pushgate
        .fire_with(&serde_json::json!({"carrier": "DHL"}))
        .await
        .unwrap();
    assert_eq!(emu.state().pushback_fired(&id), Some(2));

    let gone =
        jaicp_pushgate::Pushgate::from_link(&format!("{}/pushgate/push_nope", emu.base_url()))
            .unwrap();
    assert_eq!(gone.fire().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn the_imputer_returns_a_real_wav() {
    use jaicp_imputer::{Imputer, Replica};
    let emu = emulator().await;
    let imputer = Imputer::new(
        &common::client(&emu),
        &jaicp_core::ImputerToken::new(jaicp_emulator::DEFAULT_IMPUTER_TOKEN).unwrap(),
    );
    let replica = Replica::new("greeting").var("name", "Анна").speed(1.0);
    let audio = imputer.synthesize(&replica).await.unwrap();
    assert_eq!(audio.content_type.as_deref(), Some("audio/wav"));
    assert_eq!(&audio.bytes[0..4], b"RIFF");
    assert_eq!(&audio.bytes[8..12], b"WAVE");
    assert!(audio.bytes.len() > 44);
    imputer.synthesize(&replica).await.unwrap();
    assert_eq!(
        emu.state().counters().requests_for("generateAudio"),
        1,
        "served from the cache"
    );
    let err = imputer
        .synthesize(&Replica::new("greeting").var("x", "1").speed(1.9))
        .await;
    assert!(err.is_ok());
    let bad = Imputer::new(
        &common::client(&emu),
        &jaicp_core::ImputerToken::new("nope:1").unwrap(),
    );
    assert!(bad.synthesize(&replica).await.unwrap_err().is_auth());
}

#[tokio::test]
async fn the_prompter_proposes_answers_from_the_same_bot() {
    let emu = emulator().await;
    let prompter = jaicp_prompter::Prompter::new(
        &common::client(&emu),
        &jaicp_core::PrompterToken::new(jaicp_emulator::DEFAULT_PROMPTER_TOKEN).unwrap(),
    );
    let r = prompter
        .suggest("chat-1", "cust-1", "How much does it cost?")
        .await
        .unwrap();
    let option = &r.answer_options[0];
    assert_eq!(
        option.intent.as_ref().unwrap().path.as_deref(),
        Some("/Prices")
    );
    assert_eq!(
        option.messages[0].text.as_deref(),
        Some("Our plan costs 10 EUR a month.")
    );
    assert!(
        prompter
            .suggest("chat-1", "cust-1", "zebra")
            .await
            .unwrap()
            .answer_options
            .is_empty()
    );
    assert!(matches!(
        prompter.suggest("", "c", "t").await,
        Err(Error::InvalidInput { .. })
    ));
}

#[tokio::test]
async fn webhook_deliveries_are_retried_until_accepted() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let emu = emulator().await;
    let chat = chat(&emu);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    // Refuses the first two deliveries, accepts the third.
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 2 {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    emu.state()
        .set_chat_webhook(emu.chat_token(), Some(&url))
        .unwrap();
    chat.send_async("frank", "hello").await.unwrap();
    for _ in 0..100 {
        if emu.state().chat_webhook_deliveries() != (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(emu.state().chat_webhook_deliveries(), (1, 0));
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}
