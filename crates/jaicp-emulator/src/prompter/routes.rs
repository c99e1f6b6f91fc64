//! The Prompter route.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use jaicp_prompter::models::PrompterRequest;
use jaicp_prompter::models::strict::Rules;

use crate::authorize::{Authorized, PathSecret};
use crate::errors::{spring, spring_bad};
use crate::extract::Body;
use crate::operation::op;
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route(
        "/chatapi/webhook/prompter_api/{token}",
        op("getSuggestions", post(suggest)),
    )
}

/// The Prompter's path secret: its channel token.
struct PrompterToken;

impl PathSecret for PrompterToken {
    fn accept(_: &EmulatorState, token: &str) -> Result<(), Reply> {
        if token == super::DEFAULT_PROMPTER_TOKEN {
            Ok(())
        } else {
            Err(spring(StatusCode::UNAUTHORIZED, "Unknown prompter token"))
        }
    }
}

async fn suggest(Authorized { state, .. }: Authorized<PrompterToken>, body: Body) -> Answer {
    let request = body.checked::<PrompterRequest, serde_json::Value>(
        PrompterRequest::missing,
        PrompterRequest::invalid,
    )?;
    let (Some(text), Some(chat_id), Some(_)) = (
        request["text"].as_str(),
        request["chatId"].as_str(),
        request["clientInfo"]["id"].as_str(),
    ) else {
        return Err(spring_bad("text, chatId and clientInfo.id are required"));
    };
    let (answer, question_id) = {
        let mut chat = state.shared.chat.lock();
        (chat.rules.answer(Some(text), None), chat.new_question_id())
    };
    let options: Vec<Value> = if answer.confidence > 0.0 {
        let messages: Vec<Value> = answer
            .replies
            .iter()
            .filter_map(|r| r["text"].as_str())
            .map(|t| json!({"type": "TEXT", "text": t, "markup": "plain"}))
            .collect();
        vec![json!({
            "messages": messages,
            "intent": {"id": 1, "path": answer.state, "name": answer.state.trim_start_matches('/'),
                       "confidence": answer.confidence},
        })]
    } else {
        Vec::new()
    };
    Ok(Reply::ok(&json!({
        "clientInfo": request["clientInfo"],
        "chatId": chat_id,
        "questionId": question_id,
        "answerOptions": options,
    })))
}
