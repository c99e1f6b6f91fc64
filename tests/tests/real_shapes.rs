//! Shapes seen in real requests and answers (help pages of JAICP, Tovie and Aimylogic, public
//! integrations), against the emulator: the spelling of fields an official document requires but
//! does not declare (one spelling per emulator, so each is proven to decode), lenient numbers
//! where real requests send them, the older Calls route family and `:` in path tokens.
//! The fixtures are written from those facts, not copied.

mod common;

use jaicp_calls::{Calls, CallsPaths};
use jaicp_chat::Chat;
use jaicp_core::export::Method;
use jaicp_core::{CampaignToken, ChatApiToken, Id, UnifiedToken};
use jaicp_emulator::{DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN, Emulator, FieldSpelling};
use jaicp_project::Projects;
use jaicp_reporter::Reporter;
use jaicp_reporter::models::{FiltersDto, StateRoutesData};
use jaicp_text_campaigns::TextCampaigns;
use jaicp_text_campaigns::models::CreateTextCampaignDto;
use serde_json::json;

async fn emulator(spelling: FieldSpelling) -> Emulator {
    Emulator::builder()
        .seed(7)
        .dial_interval(std::time::Duration::ZERO)
        .field_spelling(spelling)
        .start()
        .await
        .expect("emulator starts")
}

fn token() -> UnifiedToken {
    UnifiedToken::new(DEFAULT_UNIFIED_TOKEN).unwrap()
}

/// Every spelling the emulator can serve reaches the SDK's accessors, and only that spelling is
/// on the wire.
#[tokio::test]
async fn each_spelling_of_required_but_undeclared_fields_decodes() {
    for spelling in [FieldSpelling::Required, FieldSpelling::Declared] {
        let emu = emulator(spelling).await;
        let client = common::client(&emu);

        let projects = Projects::new(&client, &token());
        let project = projects
            .get_by_short_name(DEFAULT_PROJECT_SHORT_NAME)
            .send_with_raw()
            .await
            .unwrap();
        let channels = &project.value.bot_channels;
        assert!(!channels.is_empty(), "{spelling:?}");
        for item in channels {
            assert!(item.kind().is_some(), "{spelling:?}: {item:?}");
        }
        let raw = project.json().unwrap();
        let first = &raw["botChannels"][0];
        match spelling {
            FieldSpelling::Required => {
                assert!(first.get("type").is_some() && first.get("channelType").is_none());
                assert!(channels[0].r#type.is_some() && channels[0].channel_type.is_none());
            }
            _ => {
                assert!(first.get("channelType").is_some() && first.get("type").is_none());
                assert!(channels[0].channel_type.is_some() && channels[0].r#type.is_none());
            }
        }

        let reporter = Reporter::new(&client, &token());
        let routes: StateRoutesData = reporter
            .get_state_routes_data_by_filter()
            .body(FiltersDto::default())
            .send()
            .await
            .unwrap();
        assert!(!routes.routes.is_empty(), "{spelling:?}");
        for route in &routes.routes {
            assert!(!route.route_states().is_empty(), "{spelling:?}: {route:?}");
        }
        match spelling {
            FieldSpelling::Required => assert!(routes.routes[0].state_routes.is_empty()),
            _ => assert!(routes.routes[0].states.is_empty()),
        }
    }
}

/// `startTime` and `startNow` are required by the document without being declared; they decode.
#[tokio::test]
async fn text_campaigns_keep_start_time_and_start_now() {
    let emu = emulator(FieldSpelling::default()).await;
    let t = TextCampaigns::new(&common::client(&emu), &token());
    let c = t
        .create_text_campaign(
            DEFAULT_PROJECT_SHORT_NAME,
            CreateTextCampaignDto {
                name: "Spring promo".into(),
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap();
    assert!(c.start_time.is_some());
    assert_eq!(c.start_now, Some(true));
}

/// Older help pages show `phone` as a JSON number in the batch add. The SDK always sends text;
/// accepting the number is the server's side, so the emulator does.
#[tokio::test]
async fn a_phone_sent_as_a_json_number_is_accepted() {
    let emu = emulator(FieldSpelling::default()).await;
    let calls = common::calls(&emu);
    let ids: Vec<Id> = calls
        .context()
        .raw(Method::POST, "/api/calls/campaign/{token}/addPhones")
        .json(&json!([{ "phone": 79_001_234_567_u64, "payload": { "name": "Ann" } }]))
        .send_json()
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    let report = calls
        .call_job_report(jaicp_calls::models::CallNumbersAndCallJobIds {
            ids: Some(ids.iter().map(|id| id.as_str().to_owned()).collect()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(report.len(), 1);
}

/// Integrations keyed by a numeric user id send `clientId` as a number; the emulator accepts it
/// (the server's side) and the SDK decodes the echoed number (the SDK's side: turns started by
/// another integration reach the webhook and `/events` with it).
#[tokio::test]
async fn a_numeric_client_id_is_accepted_and_its_echo_decodes() {
    let emu = emulator(FieldSpelling::default()).await;
    let chat = Chat::new(
        &common::client(&emu),
        &ChatApiToken::new(emu.chat_token()).unwrap(),
    );
    let turn: jaicp_chat::models::ChatResponse = chat
        .context()
        .raw(Method::POST, "/chatapi/{token}")
        .json(&json!({ "clientId": 1_234_567, "query": "hello" }))
        .send_json()
        .await
        .unwrap();
    assert_eq!(turn.client_id.as_ref().map(Id::as_str), Some("1234567"));
    let echoed: jaicp_chat::models::ChatResponse = serde_json::from_value(json!({
        "clientId": 1_234_567, "questionId": "q-1", "data": { "replies": [] }
    }))
    .unwrap();
    assert_eq!(echoed.client_id.unwrap().as_str(), "1234567");
}

/// Real Reporter requests write the bounds of a `NUMERIC_RANGE` filter as strings. The SDK sends
/// numbers, as the document declares; the emulator (the server's side) reads both the same.
#[tokio::test]
async fn numeric_range_bounds_as_strings_filter_like_numbers() {
    let emu = emulator(FieldSpelling::default()).await;
    let reporter = Reporter::new(&common::client(&emu), &token());
    let count = |from: serde_json::Value, to: serde_json::Value| {
        let reporter = reporter.clone();
        async move {
            let page: serde_json::Value = reporter
                .context()
                .raw(Method::POST, "/api/v1/reporter/sessions/filter")
                .query("page", 0)
                .query("size", 100)
                .json(&json!({ "filters": [{
                    "key": "MESSAGE_COUNT", "type": "NUMERIC_RANGE", "from": from, "to": to
                }] }))
                .send_json()
                .await
                .unwrap();
            page["sessions"].as_array().map_or(0, Vec::len)
        }
    };
    let as_numbers = count(json!(4), json!(50)).await;
    let as_strings = count(json!("4"), json!("50")).await;
    assert!(as_numbers > 0 && as_numbers < 40, "{as_numbers}");
    assert_eq!(as_strings, as_numbers);
}

/// The older Calls route family: the single-number add under `/api/calls/campaign/{token}`, with
/// a Chat-style token containing `:` sent raw.
#[tokio::test]
async fn the_older_single_add_route_reaches_the_campaign() {
    let emu = emulator(FieldSpelling::default()).await;
    let older = Calls::with_paths(
        &common::client(&emu),
        &CampaignToken::new(emu.campaign_token()).unwrap(),
        CallsPaths::older(),
    );
    let id = older.crm_add_phone("+79001112299").send().await.unwrap();
    assert!(!id.as_str().is_empty());
    assert_eq!(
        emu.state().counters().requests_for("addPhoneGet"),
        1,
        "served by the same handler as the CRM route"
    );
}
