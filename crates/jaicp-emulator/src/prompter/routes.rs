//! The Prompter route.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};

use jaicp_prompter::models::PrompterRequest;
use jaicp_prompter::models::strict::Rules;

use crate::errors::spring;
use crate::extract::{Body, PathParams};
use crate::reply::{Answer, Reply};
use crate::state::EmulatorState;

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new().route("/chatapi/webhook/prompter_api/{token}", post(suggest))
}

async fn suggest(
    State(state): State<EmulatorState>,
    PathParams(token): PathParams<String>,
    body: Body,
) -> Answer {
    state.shared.counters.request("getSuggestions");
    if token != super::DEFAULT_PROMPTER_TOKEN {
        return Err(spring(StatusCode::UNAUTHORIZED, "Unknown prompter token"));
    }
    let request = body.checked::<PrompterRequest, serde_json::Value>(
        PrompterRequest::missing,
        PrompterRequest::invalid,
    )?;
    let (Some(text), Some(chat_id), Some(_)) = (
        request["text"].as_str(),
        request["chatId"].as_str(),
        request["clientInfo"]["id"].as_str(),
    ) else {
        return Err(spring(
            StatusCode::BAD_REQUEST,
            "text, chatId and clientInfo.id are required",
        ));
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
