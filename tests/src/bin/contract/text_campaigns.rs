//! Contract driver of the Text campaign API: every operation of `text-campaign-api.yml`.

use jaicp_core::{Client, Error, Timestamp};
use jaicp_text_campaigns::TextCampaigns;
use jaicp_text_campaigns::models::{
    CreateTextCampaignDto, EventSendingTemplateCreateDto, EventSendingTemplateSendDto,
    TextCampaignSendEventCreateDto, TextCampaignSendRepliesCreateDto, UpdateTextCampaignDto,
};

use super::unified::{EMULATOR_BOT_ID, EMULATOR_PROJECT, op, token};
use super::{Outcome, run};

pub(crate) async fn text_campaigns() -> Result<Vec<Outcome>, Error> {
    let client = Client::from_env()?;
    let t = TextCampaigns::new(&client, &token());
    let mut out = Vec::new();
    let p = EMULATOR_PROJECT;
    let stamp = Timestamp::now().as_millis();
    let name = format!("contract-{stamp}");
    let created = t
        .create_text_campaign(
            p,
            CreateTextCampaignDto {
                name: name.clone(),
                delay_between_sending: Some(1),
                thread_count: Some(1),
                ..Default::default()
            },
        )
        .send()
        .await;
    let id = created.as_ref().ok().and_then(|c| c.id).unwrap_or(1);
    out.push(Outcome {
        operation: "createTextCampaign",
        result: created.map(|_| ()),
    });
    op!(
        out,
        "getTextCampaigns",
        t.get_text_campaigns(p).page(0).size(10).send().await
    );
    op!(
        out,
        "getTextCampaign",
        t.get_text_campaign(p, id).send().await
    );
    op!(
        out,
        "getAccountTextCampaign",
        t.get_account_text_campaign(1, p, id).send().await
    );
    let update = || UpdateTextCampaignDto {
        name: name.clone(),
        thread_count: Some(2),
        ..Default::default()
    };
    op!(
        out,
        "updateTextCampaign",
        t.update_text_campaign(p, id, update()).send().await
    );
    op!(
        out,
        "updateAccountTextCampaign",
        t.update_account_text_campaign(1, p, id, update())
            .send()
            .await
    );
    op!(
        out,
        "stopTextCampaign",
        t.stop_text_campaign(p, id).send().await
    );
    op!(
        out,
        "resumeTextCampaign",
        t.resume_text_campaign(p, id).send().await
    );
    op!(
        out,
        "completeTextCampaign",
        t.complete_text_campaign(p, id).send().await
    );

    let dynamic = format!("dynamic-{stamp}");
    let sent = t
        .send_event(TextCampaignSendEventCreateDto {
            text_campaign_name: dynamic.clone(),
            bot_id: EMULATOR_BOT_ID.into(),
            client_id: "client-1".into(),
            event: "promo".into(),
            event_data: Some(serde_json::json!({ "discount": 10 })),
            ..Default::default()
        })
        .send()
        .await;
    let sending = sent
        .as_ref()
        .ok()
        .and_then(|s| s.uuid.clone())
        .unwrap_or_default();
    out.push(Outcome {
        operation: "sendEvent",
        result: sent.map(|_| ()),
    });
    op!(
        out,
        "sendReplies",
        t.send_replies(TextCampaignSendRepliesCreateDto {
            text_campaign_name: dynamic.clone(),
            bot_id: EMULATOR_BOT_ID.into(),
            client_id: "client-2".into(),
            replies: Some(serde_json::json!([{ "type": "text", "text": "Hello" }])),
            ..Default::default()
        })
        .send()
        .await
    );
    let template = t
        .create_event_sending_template(EventSendingTemplateCreateDto {
            text_campaign_name: dynamic.clone(),
            bot_id: EMULATOR_BOT_ID.into(),
            client_id: "client-3".into(),
            event: Some("reminder".into()),
            ..Default::default()
        })
        .send()
        .await;
    let uuid = template
        .as_ref()
        .ok()
        .and_then(|x| x.id.clone())
        .unwrap_or_default();
    out.push(Outcome {
        operation: "createEventSendingTemplate",
        result: template.map(|_| ()),
    });
    op!(
        out,
        "getEventSendingTemplate",
        t.get_event_sending_template(uuid.clone()).send().await
    );
    op!(
        out,
        "sendEventByTemplateSimple",
        t.send_event_by_template_simple(uuid.clone()).send().await
    );
    let later = Timestamp::from_millis(stamp + 3_600_000);
    let scheduled = t
        .send_event_by_template(
            uuid.clone(),
            EventSendingTemplateSendDto {
                sending_time: later,
                ..Default::default()
            },
        )
        .send()
        .await;
    let pending = scheduled
        .as_ref()
        .ok()
        .and_then(|s| s.uuid.clone())
        .unwrap_or_default();
    out.push(Outcome {
        operation: "sendEventByTemplate",
        result: scheduled.map(|_| ()),
    });
    op!(out, "getSendings", t.get_sendings().limit(50).send().await);
    op!(
        out,
        "getEventSendingTemplateHistory",
        t.get_event_sending_template_history(20, 0)
            .event_sending_info_uuid(sending.clone())
            .send()
            .await
    );
    op!(out, "cancelSending", t.cancel_sending(pending).send().await);
    op!(
        out,
        "deleteEventSendingTemplate",
        t.delete_event_sending_template(uuid).send().await
    );
    Ok(out)
}
