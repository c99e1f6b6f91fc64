//! Redaction canary for the conversation APIs: a recognisable Chat API token, pushback id,
//! Imputer token, Operator webhook key and Prompter token go through every operation and error
//! path (including the events stream and the echoed token in answers); none may appear in `Debug`, `Display`, errors or log lines.

mod common;

use std::time::Duration;

use futures_util::StreamExt;
use jaicp_chat::{Chat, Turn};
use jaicp_core::{ChatApiToken, ImputerToken};

const CHAT_CANARY: &str = "CANARYch:c4n4ryc4n4ryc4n4ryc4n4ryc4n4ryc4n4ryc4n4";
const PUSH_CANARY: &str = "CANARY-push-c4n4ry";
const IMPUTER_CANARY: &str = "CANARYim:c4n4ry";
const OPERATOR_CANARY: &str = "CANARY-op-c4n4ry-key";
const PROMPTER_CANARY: &str = "CANARYpr:c4n4ry-prompter";

fn show<T: std::fmt::Debug, E: std::fmt::Display + std::fmt::Debug>(r: Result<T, E>) -> String {
    match r {
        Ok(v) => format!("{v:?}"),
        Err(e) => format!("{e} | {e:?}"),
    }
}

async fn exercise_chat(chat: &Chat) -> Vec<String> {
    let mut shown = vec![
        show(chat.send("u1", "hello").await),
        show(chat.send("u1", Turn::event("/start")).await),
        show(chat.send_message_via_get("u1").query("hi").send().await),
        show(chat.send_async("u1", "delivery").await),
        show(chat.history("u1", Some(5)).await),
        show(chat.load_state("u1").await),
        show(chat.save_state("u1", &serde_json::json!({"a": 1})).await),
        show(chat.poll_events("u1").ts(0).send().await),
    ];
    let mut events = chat
        .events("u1")
        .hold(Duration::from_secs(1))
        .min_interval(Duration::from_millis(20))
        .stream();
    if let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(5), events.next()).await {
        shown.push(show(item));
    }
    shown.push(format!("{chat:?}"));
    shown
}

#[tokio::test]
async fn the_conversation_canaries_never_show() {
    let captured = common::LogCapture::start();

    let emu = jaicp_emulator::Emulator::builder()
        .dial_interval(Duration::ZERO)
        .chat_hold(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    emu.state().add_chat_channel(CHAT_CANARY).unwrap();
    let client = common::client(&emu);
    // Success paths (the answers echo the token)...
    let mut shown = exercise_chat(&Chat::new(
        &client,
        &ChatApiToken::new(CHAT_CANARY).unwrap(),
    ))
    .await;
    assert!(
        shown[0].contains("questionId") || shown[0].contains("question_id"),
        "{}",
        shown[0]
    );
    // ...and error paths with an unknown token.
    let stranger = Chat::new(
        &client,
        &ChatApiToken::new(format!("{CHAT_CANARY}x")).unwrap(),
    );
    let errors = exercise_chat(&stranger).await;
    assert!(
        errors.iter().filter(|e| e.contains("401")).count() >= 7,
        "{errors:#?}"
    );
    shown.extend(errors);

    // Pushgate: an unknown link (404) and a malformed one.
    let link = format!("{}/pushgate/push_{PUSH_CANARY}", emu.base_url());
    let pushgate = jaicp_pushgate::Pushgate::from_link(&link).unwrap();
    shown.push(show(pushgate.fire().await));
    shown.push(show(pushgate.fire_with(&serde_json::json!({"x": 1})).await));
    shown.push(format!("{pushgate:?}"));
    shown.push(show(jaicp_pushgate::Pushgate::from_link(&format!(
        "http://example.com/pushgate/push_{PUSH_CANARY}"
    ))));

    // Imputer with an unknown token.
    let imputer = jaicp_imputer::Imputer::new(&client, &ImputerToken::new(IMPUTER_CANARY).unwrap());
    shown.push(show(
        imputer
            .synthesize(&jaicp_imputer::Replica::new("greeting"))
            .await,
    ));
    shown.push(format!("{imputer:?}"));

    // Operator: the desk posts events to a JAICP webhook URL whose key is unknown here.
    let hook = format!(
        "{}/chatadapter/chatapi/webhook/operatorapi/{OPERATOR_CANARY}",
        emu.base_url()
    );
    let desk = jaicp_operator::OperatorClient::from_webhook_url_with(
        jaicp_core::Client::builder().allow_insecure_loopback(true),
        &hook,
    );
    let desk = desk.expect("a loopback webhook URL is accepted");
    shown.push(format!("{desk:?}"));
    let bob = jaicp_operator::models::Employee {
        employee_id: "7".into(),
        first_name: "Bob".into(),
        last_name: "Lee".into(),
        ..Default::default()
    };
    let sent = show(desk.send_text("u1", &bob, "hi").await);
    assert!(sent.contains("HTTP 4"), "an unknown key is refused: {sent}");
    shown.push(sent);
    shown.push(show(desk.close("u1", &bob).await));

    // Prompter with an unknown channel token.
    let prompter = jaicp_prompter::Prompter::new(
        &client,
        &jaicp_core::PrompterToken::new(PROMPTER_CANARY).unwrap(),
    );
    let suggested = show(prompter.suggest("chat-1", "cust-1", "prices?").await);
    assert!(
        suggested.contains("HTTP 4"),
        "an unknown token is refused: {suggested}"
    );
    shown.push(suggested);
    shown.push(format!("{prompter:?}"));

    let log = captured.text();
    assert!(log.contains("jaicp.request"), "operations are logged");
    for line in shown.iter().cloned().chain(log.lines().map(str::to_owned)) {
        for canary in [
            "CANARYch",
            "c4n4ryc4n4ry",
            PUSH_CANARY,
            IMPUTER_CANARY,
            OPERATOR_CANARY,
            PROMPTER_CANARY,
        ] {
            assert!(!line.contains(canary), "canary {canary} leaked: {line}");
        }
    }
}
