//! An offline, stateful stand-in for JAICP (Just AI Conversational Platform).
//!
//! It serves the Chat API (a scripted bot from a rules file, async answers by webhook and by the
//! events long poll; token [`DEFAULT_CHAT_TOKEN`]), hand-off to an agent desk over the Operator
//! API, pushback links that wake a dialog, Prompter proposals from the same bot (token
//! [`DEFAULT_PROMPTER_TOKEN`]), the Imputer (a generated WAV; token [`DEFAULT_IMPUTER_TOKEN`]);
//! the Calls (dialer) API: all 13 operations of the official OpenAPI document, campaigns
//! addressed by token, `Idempotence-Key` replays, the CRM 24-hour duplicate rule, and a simulated
//! dialer whose call outcomes are a pure function of `(seed, phone, attempt)`; the NLP Direct API:
//! all 44 operations, projects addressed by NLP key ([`DEFAULT_NLP_KEY`]), training that
//! completes, and inference by a deterministic matcher over the training phrases and patterns, or
//! by your own Model API service ([`EmulatorBuilder::external_nlu`]). With the unified token
//! [`DEFAULT_UNIFIED_TOKEN`] it also serves the Project and Channel APIs (deploys finish through
//! `GET /api/v1/async/events`), the Reporter API (sessions from seeded chats and finished call
//! jobs, labels, experiments, CSV report files streamed at any size) and the Text campaign API.
//!
//! Every error answer is JSON in the shape of the API it belongs to; the table of shapes is in
//! the `errors` module.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = jaicp_emulator::Emulator::start().await?;
//! let url = format!(
//!     "{}/api/calls/campaign/{}/status",
//!     emulator.base_url(),
//!     emulator.campaign_token()
//! );
//! // ... point an SDK or HTTP client at `url` ...
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Emulator-only helpers live under `/_emulator/` (see [`router`]) and on
//! [`EmulatorState`].

mod admin;
mod authorize;
mod calls;
mod chat;
mod clock;
mod counters;
mod credentials;
mod documents;
mod errors;
mod extract;
mod idempotency;
mod imputer;
mod integrity;
mod limits;
mod nlp;
mod operation;
mod operator;
mod persist;
mod project;
mod prompter;
mod pushgate;
mod reply;
mod reporter;
mod server;
mod spelling;
mod state;
mod text_campaigns;
mod unified;
mod variants;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};

pub use chat::DEFAULT_CHAT_TOKEN;
pub use chat::bot::DEFAULT_RULES as DEFAULT_CHAT_RULES;
pub use counters::Counters;
pub use credentials::{EmulatorCredentials, NamedToken};
pub use imputer::DEFAULT_IMPUTER_TOKEN;
pub use limits::Limits;
pub use nlp::DEFAULT_NLP_KEY;
pub use operator::DEFAULT_OPERATOR_KEY;
pub use persist::STATE_FORMAT_VERSION;
pub use project::{DEFAULT_BOT_ID, DEFAULT_PROJECT_SHORT_NAME};
pub use prompter::DEFAULT_PROMPTER_TOKEN;
pub use reporter::legacy::DEFAULT_LEGACY_REPORTER_TOKEN;
pub use server::{
    DEFAULT_CAMPAIGN_NAME, DEFAULT_CAMPAIGN_TOKEN, DEFAULT_SEED, Emulator, EmulatorBuilder, serve,
};
pub use spelling::FieldSpelling;
pub use state::{AdminError, AdvanceSummary, EmulatorState, TimestampFormat};
pub use unified::DEFAULT_UNIFIED_TOKEN;
pub use variants::Variants;

/// The emulator's HTTP routes over `state`, ready to serve or to merge into
/// a larger router.
///
/// Besides the Calls API it mounts the emulator-only endpoints:
///
/// | Method | Path | Purpose |
/// |---|---|---|
/// | GET | `/_emulator/health` | 200 once the emulator serves |
/// | GET | `/_emulator/counters` | request counts per `operationId`, `jobsCreated`, `idempotentReplays`, `faultsInjected` |
/// | POST | `/_emulator/campaigns` | `{"name", "token"?}` adds a campaign (201) |
/// | POST | `/_emulator/calls/{token}/advance` | dial until every job of the campaign is finished |
/// | GET | `/_emulator/clock` | current emulator time |
/// | POST | `/_emulator/clock/advance` | `{"seconds"}` or `{"millis"}` moves the clock forward |
/// | POST | `/_emulator/chat/webhook` | `{"url", "token"?}` sets (or with `url: null` removes) a Chat API webhook |
/// | GET | `/_emulator/chat/webhook` | webhook deliveries: `registered`, `delivered`, `failed` |
/// | POST | `/_emulator/operator/desk` | `{"apiUrl", "token"?}` connects an agent desk (Operator API server) to a Chat API channel |
/// | POST | `/_emulator/pushgate/pushbacks` | `{"clientId", "event", "token"?}` makes a pushback link (201 `{"id", "path"}`) |
/// | POST | `/_emulator/nlp/projects` | `{"name", "key"}` adds an NLP Direct project (201) |
/// | POST | `/_emulator/nlp/{key}/fail-next-training` | `{"reason"?}`: the next training ends `FAILED` (204) |
/// | POST | `/_emulator/channel/fail-next-deploy` | `{"code", "message"}`: the next deploy fails |
/// | POST | `/_emulator/reporter/next-report-size` | `{"bytes"}`: the next report file has that size |
/// | GET | `/_emulator/reporter/files/{taskId}` | a report file (the `fileUrl` of finished reports) |
/// | GET | `/api/api-gateway/static/specs/{file}`, `/cailapub/static/openapi/{file}`, `/dialer/static/openapi/{file}` | OpenAPI documents and their pages, from [`EmulatorBuilder::documents_dir`] |
/// | GET, PUT | `/_emulator/variants` | which variant of each unconfirmed fact is served ([`Variants`]) |
///
/// The router does not run the background dialer; spawn
/// [`EmulatorState::run_dialer`] for that (as [`Emulator`] and [`serve`] do).
pub fn router(state: EmulatorState) -> Router {
    let routes = Router::new()
        .merge(calls::routes::routes())
        .merge(chat::routes::routes())
        .merge(pushgate::routes::routes())
        .merge(operator::routes::routes())
        .merge(prompter::routes::routes())
        .merge(imputer::routes::routes())
        .merge(nlp::routes::routes())
        .merge(project::routes::routes())
        .merge(project::channels::routes())
        .merge(unified::events::routes())
        .merge(reporter::routes::routes())
        .merge(reporter::labels::routes())
        .merge(reporter::reports::routes())
        .merge(reporter::legacy::routes())
        .merge(text_campaigns::routes::routes())
        .merge(admin::routes())
        .merge(variants::routes())
        .merge(documents::routes())
        .fallback(errors::fallback)
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            note_change,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            admin::faults::inject,
        ))
        .with_state(state.clone());
    // Some variants move routes, so their check runs before routing: around the whole router,
    // which the outer router reaches as its fallback.
    let prefixed = tower::Layer::layer(
        &axum::middleware::from_fn_with_state(state, variants::reroute),
        routes,
    );
    Router::new().fallback_service(prefixed)
}

/// Every request may change the state (even reads move counters), so each one tells the
/// state-file saver there is something to write. Also hands the body-read timeout to the
/// extractors.
async fn note_change(
    State(state): State<EmulatorState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut request = request;
    request.extensions_mut().insert(server::BodyReadTimeout(
        state.shared.config.body_read_timeout,
    ));
    let response = next.run(request).await;
    state.note_change();
    response
}
