//! An offline, stateful stand-in for JAICP (Just AI Conversational Platform).
//!
//! It serves the Calls (dialer) API: all 13 operations of the official
//! OpenAPI document, campaigns addressed by token, `Idempotence-Key` replays,
//! the CRM 24-hour duplicate rule, and a simulated dialer whose call outcomes
//! are a pure function of `(seed, phone, attempt)`. With the unified token
//! [`DEFAULT_UNIFIED_TOKEN`] it also serves the Project and Channel APIs
//! (deploys finish through `GET /api/v1/async/events`), the Reporter API
//! (sessions from seeded chats and finished call jobs, labels, experiments,
//! CSV report files streamed at any size) and the Text campaign API.
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
mod calls;
mod clock;
mod counters;
mod extract;
mod idempotency;
mod project;
mod reply;
mod reporter;
mod server;
mod state;
mod text_campaigns;
mod unified;

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use counters::Counters;
pub use project::{DEFAULT_BOT_ID, DEFAULT_PROJECT_SHORT_NAME};
pub use reporter::legacy::DEFAULT_LEGACY_REPORTER_TOKEN;
pub use server::{
    DEFAULT_CAMPAIGN_NAME, DEFAULT_CAMPAIGN_TOKEN, DEFAULT_SEED, Emulator, EmulatorBuilder, serve,
};
pub use state::{AdminError, AdvanceSummary, EmulatorState, TimestampFormat};
pub use unified::DEFAULT_UNIFIED_TOKEN;

/// The emulator's HTTP routes over `state`, ready to serve or to merge into
/// a larger router.
///
/// Besides the Calls API it mounts the emulator-only endpoints:
///
/// | Method | Path | Purpose |
/// |---|---|---|
/// | GET | `/_emulator/counters` | request counts per `operationId`, `jobsCreated`, `idempotentReplays` |
/// | POST | `/_emulator/campaigns` | `{"name", "token"?}` adds a campaign (201) |
/// | POST | `/_emulator/calls/{token}/advance` | dial until every job of the campaign is finished |
/// | GET | `/_emulator/clock` | current emulator time |
/// | POST | `/_emulator/clock/advance` | `{"seconds"}` or `{"millis"}` moves the clock forward |
/// | POST | `/_emulator/channel/fail-next-deploy` | `{"code", "message"}`: the next deploy fails |
/// | POST | `/_emulator/reporter/next-report-size` | `{"bytes"}`: the next report file has that size |
/// | GET | `/_emulator/reporter/files/{taskId}` | a report file (the `fileUrl` of finished reports) |
///
/// The router does not run the background dialer; spawn
/// [`EmulatorState::run_dialer`] for that (as [`Emulator`] and [`serve`] do).
pub fn router(state: EmulatorState) -> Router {
    Router::new()
        .merge(calls::routes::routes())
        .merge(project::routes::routes())
        .merge(project::channels::routes())
        .merge(unified::events::routes())
        .merge(reporter::routes::routes())
        .merge(reporter::labels::routes())
        .merge(reporter::reports::routes())
        .merge(reporter::legacy::routes())
        .merge(text_campaigns::routes::routes())
        .merge(admin::routes())
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .with_state(state)
}
