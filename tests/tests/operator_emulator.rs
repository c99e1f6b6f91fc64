//! Operator API hand-off end to end: the emulator's bot hands a dialog to an agent desk served by
//! `jaicp_operator::server`; the desk answers through `OperatorClient`; the client gets the agent's
//! messages on the events stream; `/close` returns the dialog to the bot.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use jaicp_chat::models::Reply;
use jaicp_chat::{Chat, replies, reply_text};
use jaicp_core::ChatApiToken;
use jaicp_core::secret::SecretText;
use jaicp_operator::OperatorClient;
use jaicp_operator::models::{
    CloseChatRequest, Destination, Employee, SelectDestinationRequest, SendFileRequest,
    SendTextRequest,
};
use jaicp_operator::server::{AgentDesk, DeskConfig, router};

#[derive(Default)]
struct Desk {
    webhook: Mutex<Option<SecretText>>,
    log: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl AgentDesk for Desk {
    async fn set_webhook(&self, url: SecretText) {
        *self.webhook.lock().unwrap() = Some(url);
    }
    async fn destinations(&self) -> Vec<Destination> {
        vec![Destination {
            destination_id: "default".into(),
            name: Some("Support".into()),
            ..Default::default()
        }]
    }
    async fn select_destination(&self, r: SelectDestinationRequest) {
        let line = format!(
            "select {} {}",
            r.user_id.unwrap_or_default(),
            r.destination_id.unwrap_or_default()
        );
        self.log.lock().unwrap().push(line);
    }
    async fn send_text(&self, r: SendTextRequest) {
        let line = format!(
            "text {} {}",
            r.user_id.unwrap_or_default(),
            r.text.unwrap_or_default()
        );
        self.log.lock().unwrap().push(line);
    }
    async fn send_file(&self, r: SendFileRequest) {
        self.log
            .lock()
            .unwrap()
            .push(format!("file {}", r.user_id.unwrap_or_default()));
    }
    async fn close_chat(&self, r: CloseChatRequest) {
        self.log
            .lock()
            .unwrap()
            .push(format!("close {}", r.user_id.unwrap_or_default()));
    }
}

async fn wait_for(desk: &Desk, line: &str) {
    for _ in 0..200 {
        if desk.log.lock().unwrap().iter().any(|l| l == line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the desk never got `{line}`: {:?}",
        desk.log.lock().unwrap()
    );
}

#[tokio::test]
async fn the_bot_hands_the_dialog_to_the_desk_and_gets_it_back() {
    let emu = jaicp_emulator::Emulator::builder()
        .dial_interval(Duration::ZERO)
        .chat_hold(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let desk = Arc::new(Desk::default());
    let secret = "desk-secret-0123456789abcdef";
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api_url = format!("http://{}/{secret}", listener.local_addr().unwrap());
    let app = router(desk.clone(), DeskConfig::new(secret));
    tokio::spawn(async move { axum::serve(listener, app).await });
    emu.connect_operator_desk(&api_url).await;
    let webhook = desk
        .webhook
        .lock()
        .unwrap()
        .clone()
        .expect("setWebhook was called");

    let chat = Chat::new(
        &common::client(&emu),
        &ChatApiToken::new(emu.chat_token()).unwrap(),
    );
    let mut events = chat
        .events("erin")
        .min_interval(Duration::from_millis(50))
        .stream();
    let handed = chat.send("erin", "I want a human").await.unwrap();
    assert!(
        replies(&handed)
            .iter()
            .any(|r| matches!(r, Reply::Switch(_)))
    );
    wait_for(&desk, "select erin default").await;
    wait_for(&desk, "text erin The client asks for an agent.").await;
    assert!(emu.state().with_agent(emu.chat_token(), "erin"));

    let forwarded = chat.send("erin", "my parcel is late").await.unwrap();
    assert!(
        replies(&forwarded).is_empty(),
        "the bot stays silent while an agent holds the dialog"
    );
    wait_for(&desk, "text erin my parcel is late").await;

    // The emulator hands over the documented `/chatadapter` form on its plain-HTTP loopback host.
    assert!(
        webhook
            .expose()
            .contains("/chatadapter/chatapi/webhook/operatorapi/")
    );
    let agent = OperatorClient::from_webhook_url_with(
        jaicp_core::Client::builder().allow_insecure_loopback(true),
        webhook.expose(),
    )
    .unwrap();
    assert!(!format!("{agent:?}").contains(jaicp_emulator::DEFAULT_OPERATOR_KEY));
    let bob = Employee {
        employee_id: "7".into(),
        first_name: "Bob".into(),
        last_name: "Lee".into(),
        avatar_url: "https://cdn.example.com/bob.png".into(),
        ..Default::default()
    };
    agent
        .send_text("erin", &bob, "Hi, I am Bob.")
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        event
            .replies()
            .iter()
            .filter_map(reply_text)
            .collect::<Vec<_>>(),
        ["Hi, I am Bob."]
    );

    let back = chat.send("erin", "/close").await.unwrap();
    assert_eq!(
        replies(&back)
            .iter()
            .filter_map(reply_text)
            .collect::<Vec<_>>(),
        ["You are back with the bot."]
    );
    wait_for(&desk, "close erin").await;
    assert!(!emu.state().with_agent(emu.chat_token(), "erin"));
    let bot = chat.send("erin", "prices").await.unwrap();
    assert_eq!(bot.data.unwrap().nlp_class.as_deref(), Some("/Prices"));

    // A wrong key is refused; an event for JAICP is never re-sent.
    let stranger = OperatorClient::from_webhook_url_with(
        jaicp_core::Client::builder().allow_insecure_loopback(true),
        &format!("{}/chatapi/webhook/operatorapi/wrong-key", emu.base_url()),
    )
    .unwrap();
    assert_eq!(
        stranger.close("erin", &bob).await.unwrap_err().status(),
        Some(404)
    );
}
