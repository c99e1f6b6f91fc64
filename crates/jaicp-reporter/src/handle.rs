//! The Reporter handle: a client bound to the unified token, or to a legacy project token.

use jaicp_core::auth::Auth;
use jaicp_core::request::ApiContext;
use jaicp_core::{Client, LegacyReporterToken, UnifiedToken};

/// Where the legacy Reporter serves the operations. The mapping is unconfirmed: the legacy help
/// pages show `POST /reporter/p/{token}/sessions/filter` for the current
/// `/api/v1/reporter/sessions/filter`, so every `/api/v1/reporter/...` path is served under
/// `reporter`; where (and whether) the report-file endpoints exist there is not documented, so
/// `async_reporter` and `async_events` are guesses. All must contain the `{token}` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LegacyPaths {
    /// Replaces `/api/v1/reporter` (default `/reporter/p/{token}`).
    pub reporter: String,
    /// Replaces `/api/v1/async/reporter` (default `/reporter/p/{token}/async`).
    pub async_reporter: String,
    /// Replaces `/api/v1/async/events`, where report tasks are polled (default
    /// `/reporter/p/{token}/async/events`).
    pub async_events: String,
}

impl Default for LegacyPaths {
    fn default() -> Self {
        LegacyPaths {
            reporter: "/reporter/p/{token}".into(),
            async_reporter: "/reporter/p/{token}/async".into(),
            async_events: "/reporter/p/{token}/async/events".into(),
        }
    }
}

impl LegacyPaths {
    /// Sets the base that replaces `/api/v1/reporter`.
    pub fn reporter(mut self, base: impl Into<String>) -> Self {
        self.reporter = base.into();
        self
    }
    /// Sets the path that replaces `/api/v1/async/events`.
    pub fn async_events(mut self, path: impl Into<String>) -> Self {
        self.async_events = path.into();
        self
    }
    /// Sets the base that replaces `/api/v1/async/reporter`.
    pub fn async_reporter(mut self, base: impl Into<String>) -> Self {
        self.async_reporter = base.into();
        self
    }
}

/// The JAICP Reporter API. Cheap to clone.
///
/// Every operation of the API is a method returning a request builder (see [`crate::operations`]);
/// the hand-written helpers add filters ([`crate::Filters`]), lazy page streams, report files
/// and typed label and experiment ids.
#[derive(Clone, Debug)]
pub struct Reporter {
    ctx: ApiContext,
}

impl Reporter {
    /// The Reporter API, authenticated with the unified token (`Authorization: Bearer`).
    pub fn new(client: &Client, token: &UnifiedToken) -> Self {
        Reporter {
            ctx: client.api(Auth::bearer(token)),
        }
    }

    /// The legacy Reporter: the same operations under `/reporter/p/{token}`, with the project's
    /// Reporter token in the path (see [`LegacyPaths`] for the unconfirmed mapping).
    pub fn legacy(client: &Client, token: &LegacyReporterToken) -> Self {
        Self::legacy_with(client, token, LegacyPaths::default())
    }

    /// The legacy Reporter with its own path mapping.
    pub fn legacy_with(client: &Client, token: &LegacyReporterToken, paths: LegacyPaths) -> Self {
        let ctx = client
            .api(Auth::path_token("token", token))
            .with_path_rewrite("/api/v1/async/events", &paths.async_events)
            .with_path_rewrite("/api/v1/async/reporter", &paths.async_reporter)
            .with_path_rewrite("/api/v1/reporter", &paths.reporter);
        Reporter { ctx }
    }

    /// The API over an existing context.
    pub fn from_context(ctx: ApiContext) -> Self {
        Reporter { ctx }
    }

    /// The underlying context (for `raw()` calls to endpoints the SDK does not model).
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jaicp_core::testing::{ScriptedTransport, Step};
    use jaicp_core::{Client, Host, LegacyReporterToken};

    use super::*;
    use crate::models::FiltersDto;

    const CANARY: &str = "legacyCANARYtoken42";

    #[tokio::test(start_paused = true)]
    async fn legacy_paths_carry_the_token_and_never_show_it() {
        let t = ScriptedTransport::new([
            Step::json(
                200,
                r#"{"paging":{"pageNum":0,"pageSize":20,"totalCount":0},"sessions":[]}"#,
            ),
            Step::json(401, r#"{"error":"reporter.auth.bad_token","message":"no"}"#),
        ]);
        let client = Client::builder()
            .host(Host::custom("https://jaicp.test").unwrap())
            .transport(Arc::new(t.clone()))
            .build()
            .unwrap();
        let r = Reporter::legacy(&client, &LegacyReporterToken::new(CANARY).unwrap());
        r.sessions_page()
            .body(FiltersDto::default())
            .send()
            .await
            .unwrap();
        let err = r.sessions_page().send().await.unwrap_err();
        let sent = t.requests();
        assert_eq!(
            sent[0].url.path(),
            format!("/reporter/p/{CANARY}/sessions/filter")
        );
        assert!(sent[0].headers.get("authorization").is_none());
        assert!(err.is_auth());
        let text = format!("{err} {err:?} {r:?}");
        assert!(!text.contains(CANARY), "{text}");
        assert!(text.contains("reporter"), "{text}");
    }
}
