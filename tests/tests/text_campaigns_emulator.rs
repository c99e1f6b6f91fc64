//! Text campaigns against the emulator: lifecycle, dynamic sendings, templates, cancellation.

mod common;

use jaicp_core::{Timestamp, UnifiedToken};
use jaicp_emulator::{DEFAULT_BOT_ID, DEFAULT_PROJECT_SHORT_NAME, DEFAULT_UNIFIED_TOKEN};
use jaicp_text_campaigns::TextCampaigns;
use jaicp_text_campaigns::models::{
    CreateTextCampaignDto, EventSendingStatus, EventSendingTemplateCreateDto,
    EventSendingTemplateSendDto, TextCampaignSendEventCreateDto, TextCampaignStatus,
};

fn campaigns(emu: &jaicp_emulator::Emulator) -> TextCampaigns {
    TextCampaigns::new(
        &common::client(emu),
        &UnifiedToken::new(DEFAULT_UNIFIED_TOKEN).unwrap(),
    )
}

#[tokio::test]
async fn campaign_lifecycle() {
    let emu = common::emulator().await;
    let t = campaigns(&emu);
    let p = DEFAULT_PROJECT_SHORT_NAME;
    let c = t
        .create_text_campaign(
            p,
            CreateTextCampaignDto {
                name: "Promo".into(),
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap();
    let id = c.id.unwrap();
    assert_eq!(c.status, Some(TextCampaignStatus::Created));
    assert_eq!(c.bot_id.as_deref(), Some(DEFAULT_BOT_ID));
    assert_eq!(
        t.stop_text_campaign(p, id).send().await.unwrap().status,
        Some(TextCampaignStatus::Stopped)
    );
    assert_eq!(
        t.resume_text_campaign(p, id).send().await.unwrap().status,
        Some(TextCampaignStatus::Started)
    );
    assert_eq!(
        t.complete_text_campaign(p, id).send().await.unwrap().status,
        Some(TextCampaignStatus::Completed)
    );
    // A completed campaign cannot be resumed.
    let err = t.resume_text_campaign(p, id).send().await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    let list = t.get_text_campaigns(p).send().await.unwrap();
    assert_eq!(list.text_campaigns.len(), 1);
    // Same name twice is refused.
    assert!(
        t.create_text_campaign(
            p,
            CreateTextCampaignDto {
                name: "Promo".into(),
                ..Default::default()
            }
        )
        .send()
        .await
        .is_err()
    );
}

#[tokio::test]
async fn dynamic_sendings_templates_and_cancellation() {
    let emu = common::emulator().await;
    let t = campaigns(&emu);
    let sent = t
        .send_event(TextCampaignSendEventCreateDto {
            text_campaign_name: "Reminders".into(),
            bot_id: DEFAULT_BOT_ID.into(),
            client_id: "client-7".into(),
            event: "remind".into(),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let template = t
        .create_event_sending_template(EventSendingTemplateCreateDto {
            text_campaign_name: "Reminders".into(),
            bot_id: DEFAULT_BOT_ID.into(),
            client_id: "client-8".into(),
            event: Some("remind".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let uuid = template.id.unwrap();
    let later = Timestamp::from_millis(Timestamp::now().as_millis() + 3_600_000);
    let pending = t
        .send_event_by_template(
            uuid.clone(),
            EventSendingTemplateSendDto {
                sending_time: later,
                ..Default::default()
            },
        )
        .send()
        .await
        .unwrap()
        .uuid
        .unwrap();
    t.cancel_sending(pending.clone()).send().await.unwrap();
    let all = t.get_sendings().send().await.unwrap();
    assert_eq!(all.total_count, Some(2));
    let statuses: Vec<_> = all
        .sendings
        .iter()
        .filter_map(|s| s.status.clone())
        .collect();
    assert!(statuses.contains(&EventSendingStatus::Sent));
    assert!(statuses.contains(&EventSendingStatus::Canceled));
    let history = t
        .get_event_sending_template_history(10, 0)
        .event_sending_info_uuid(sent.uuid.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(history.total_count, Some(1));
    // One dynamic campaign was made for both sendings.
    let list = t
        .get_text_campaigns(DEFAULT_PROJECT_SHORT_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(list.text_campaigns.len(), 1);
    assert_eq!(list.text_campaigns[0].is_dynamic, Some(true));
    t.delete_event_sending_template(uuid.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.get_event_sending_template(uuid)
            .send()
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
}
