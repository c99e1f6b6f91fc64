//! `jaicp doctor` as a library: checks a live JAICP against the SDK's documents.
//!
//! With the credentials you give it, doctor calls **read-only** operations of each API (an events
//! poll, the history and state of a client id nobody uses, a request with a made-up token), and —
//! only for the APIs you allow with [`Doctor::allow_writes`] — one operation with an effect (a
//! Chat API message, a Prompter request, a pushback, an Imputer synthesis). It compares each
//! answer with our documents (`specs/*.yml`: status, media type, field names and JSON types,
//! never values) and says, for every `x-unconfirmed` marker it can exercise, whether the platform
//! confirmed or contradicted our assumption ([`checks::MARKERS`]).
//!
//! The [`Report`] holds shapes only — no values, tokens, client ids or texts — so it can be shared
//! as it is ([`Report::to_markdown`], [`Report::to_json`]). Where the platform answers in a variant
//! the SDK supports as configuration, [`Report::settings`] names the profile setting for it.
//!
//! A service can run it at start-up and log the counts:
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use jaicp_core::{ChatApiToken, Client};
//! let client = Client::from_env()?;
//! let report = jaicp_doctor::Doctor::new(client)
//!     .chat_token(ChatApiToken::from_env()?)
//!     .run()
//!     .await;
//! let (confirmed, contradicted, _) = report.counts();
//! if contradicted > 0 {
//!     eprintln!("{}", report.to_markdown());
//! }
//! # let _ = confirmed; Ok(()) }
//! ```

mod chat;
pub mod checks;
pub mod documented;
mod markers;
mod others;
mod probe;
mod report;
pub mod shape;

use std::collections::BTreeSet;
use std::time::Duration;

use jaicp_core::{
    ChatApiToken, Client, Host, ImputerToken, OperatorApiKey, PrompterToken, PushbackId,
};

pub use checks::{Api, CHECKS, Check, MARKERS, Marker};
pub use report::{CheckResult, MarkerResult, Outcome, Report, Setting};

/// Runs the checks. Build it with the credentials you have; checks for the others are reported
/// as not exercised.
#[derive(Clone)]
pub struct Doctor {
    client: Client,
    chat: Option<ChatApiToken>,
    prompter: Option<PrompterToken>,
    pushback: Option<PushbackId>,
    imputer: Option<(ImputerToken, String)>,
    operator: Option<(OperatorApiKey, String)>,
    operator_user: Option<String>,
    operator_destination: Option<String>,
    writes: BTreeSet<Api>,
    webhook_payloads: Vec<Vec<u8>>,
    client_id: String,
    poll_timeout: Duration,
}

impl std::fmt::Debug for Doctor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credentials and the probe client id are left out on purpose.
        f.debug_struct("Doctor")
            .field("writes", &self.writes)
            .field("webhook_payloads", &self.webhook_payloads.len())
            .finish_non_exhaustive()
    }
}

impl Doctor {
    /// A doctor for the client's host, with no credentials yet.
    pub fn new(client: Client) -> Self {
        Doctor {
            client,
            chat: None,
            prompter: None,
            pushback: None,
            imputer: None,
            operator: None,
            operator_user: None,
            operator_destination: None,
            writes: BTreeSet::new(),
            webhook_payloads: Vec::new(),
            client_id: format!("jaicp-doctor-{}", uuid::Uuid::new_v4().simple()),
            poll_timeout: Duration::from_secs(70),
        }
    }

    /// Checks the Chat API of this channel.
    pub fn chat_token(mut self, token: ChatApiToken) -> Self {
        self.chat = Some(token);
        self
    }

    /// Checks the Prompter API of this channel (a write: needs [`Doctor::allow_writes`]).
    pub fn prompter_token(mut self, token: PrompterToken) -> Self {
        self.prompter = Some(token);
        self
    }

    /// Checks a pushback link (firing it is a write: needs [`Doctor::allow_writes`]).
    pub fn pushback(mut self, id: PushbackId) -> Self {
        self.pushback = Some(id);
        self
    }

    /// Checks the Imputer with one of your replica templates (a synthesis: needs
    /// [`Doctor::allow_writes`]). The template must have no variables.
    pub fn imputer(mut self, token: ImputerToken, template: impl Into<String>) -> Self {
        self.imputer = Some((token, template.into()));
        self
    }

    /// Checks the Operator API webhook (the desk's way into JAICP) of this key; `base` is what
    /// comes before `/chatapi/webhook/operatorapi/` in the URL JAICP handed over in `setWebhook`
    /// (`/chatadapter` in the documented form). Refused events only, unless writes are allowed
    /// and [`Doctor::operator_dialog`] names a dialog.
    pub fn operator(mut self, key: OperatorApiKey, base: impl Into<String>) -> Self {
        self.operator = Some((key, base.into()));
        self
    }

    /// A dialog handed to your desk (its `userId`), for the Operator checks that post an
    /// agent's text and file into it (a write: needs [`Doctor::allow_writes`]); with
    /// `destination`, also one destination event.
    pub fn operator_dialog(
        mut self,
        user_id: impl Into<String>,
        destination: Option<String>,
    ) -> Self {
        self.operator_user = Some(user_id.into());
        self.operator_destination = destination;
        self
    }

    /// Allows the checks of `api` that have an effect on the platform (see [`Check::writes`]).
    pub fn allow_writes(mut self, api: Api) -> Self {
        self.writes.insert(api);
        self
    }

    /// A webhook body JAICP delivered to you (as captured, bytes of the HTTP body), for the
    /// webhook payload check. Its content is read for its shape only.
    pub fn webhook_payload(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.webhook_payloads.push(body.into());
        self
    }

    /// The client id doctor uses for its requests (default `jaicp-doctor-<random>`: a client
    /// nobody else uses, so reads find nothing and writes touch no real dialog).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = id.into();
        self
    }

    /// How long one events long poll may take (default 70 s; the server's hold time is not
    /// documented).
    pub fn poll_timeout(mut self, timeout: Duration) -> Self {
        self.poll_timeout = timeout;
        self
    }

    fn allowed(&self, api: Api) -> bool {
        self.writes.contains(&api)
    }

    /// Runs every check it has credentials for and returns the report. Never fails: a check that
    /// cannot run is reported as not exercised, with the reason.
    pub async fn run(&self) -> Report {
        let mut results = Vec::new();
        let base = match &self.chat {
            Some(token) => {
                let (chat, base) = chat::run(self, token).await;
                results.extend(chat);
                base
            }
            None => {
                results.extend(report::all_skipped(Api::Chat, "no Chat API token"));
                None
            }
        };
        results.extend(others::prompter(self, base).await);
        results.extend(others::pushgate(self).await);
        results.extend(others::imputer(self).await);
        results.extend(others::operator(self).await);
        results.push(others::calls_route_family(self).await);
        // Keep the table's order, whatever order the runners finished in.
        results.sort_by_key(|r| CHECKS.iter().position(|c| c.id == r.id));
        let host = match self.client.host() {
            Host::Jaicp => "jaicp",
            Host::Tovie => "tovie",
            _ => "custom",
        };
        Report::new(host, self.writes.iter().copied().collect(), results)
    }
}
