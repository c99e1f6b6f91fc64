//! Scrub, then cut: no fragment of a token survives in what an error shows — its `Display`, its
//! `Debug`, a tracing event, a panic message — whatever the body around it, wherever the cuts
//! fall (the 200-character snippet, the 8 KiB error-body prefix), however long the body.
//! Its own test binary: it installs a panic hook.

use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::Stream;
use http::{HeaderMap, StatusCode};
use jaicp_core::auth::Auth;
use jaicp_core::request::{Idempotency, OperationSpec};
use jaicp_core::retry::RetryPolicy;
use jaicp_core::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use jaicp_core::{CallOptions, CampaignToken, Client, Error, Host, UnifiedToken, export::Method};
use proptest::prelude::*;

static PATH_OP: OperationSpec = OperationSpec {
    api: "project",
    operation: "getAll",
    method: Method::GET,
    path: "/api/calls/campaign/{token}/info",
    idempotency: Idempotency::Idempotent,
};

/// Answers every request with one status and a body made of chunks, produced lazily (a 300 MB
/// body is never held), and counts the bytes the client pulled.
#[derive(Clone)]
struct BodyTransport {
    status: u16,
    chunks: Arc<dyn Fn(usize) -> Option<Bytes> + Send + Sync>,
    pulled: Arc<AtomicU64>,
}

struct Chunks {
    next: usize,
    make: Arc<dyn Fn(usize) -> Option<Bytes> + Send + Sync>,
    pulled: Arc<AtomicU64>,
}

impl Stream for Chunks {
    type Item = Result<Bytes, TransportError>;
    fn poll_next(
        mut self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let i = self.next;
        self.next += 1;
        let chunk = (self.make)(i);
        if let Some(c) = &chunk {
            self.pulled.fetch_add(c.len() as u64, Ordering::Relaxed);
        }
        std::task::Poll::Ready(chunk.map(Ok))
    }
}

#[async_trait]
impl Transport for BodyTransport {
    async fn send(&self, _: HttpRequest) -> Result<HttpResponse, TransportError> {
        let body = Chunks {
            next: 0,
            make: self.chunks.clone(),
            pulled: self.pulled.clone(),
        };
        Ok(HttpResponse::new(
            StatusCode::from_u16(self.status).unwrap(),
            HeaderMap::new(),
            Box::pin(body),
        ))
    }
}

fn one_body(status: u16, body: Vec<u8>) -> BodyTransport {
    let body = Bytes::from(body);
    BodyTransport {
        status,
        chunks: Arc::new(move |i| (i == 0).then(|| body.clone())),
        pulled: Arc::default(),
    }
}

fn client(t: BodyTransport) -> Client {
    Client::builder()
        .host(Host::custom("https://jaicp.test").unwrap())
        .transport(Arc::new(t))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// A writer into a shared buffer, for a tracing subscriber.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Sends one request with `token` in the path (and, with `bearer`, in the header too), and
/// returns everything the failure shows: Display, Debug, the tracing output of the request and
/// of a user logging the error, and the message of a panic on it.
fn everything_shown(token: &str, bearer: bool, t: BodyTransport, json: bool) -> String {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let client = client(t);
            let campaign = CampaignToken::new(token).unwrap();
            let mut ctx = client.api(Auth::path_token("token", &campaign));
            if bearer {
                ctx = client
                    .api(Auth::bearer(&UnifiedToken::new(token).unwrap()))
                    .with_path_rewrite("/api/calls/campaign/{token}", "/api/calls/campaign/x");
            }
            let request = ctx.request(&PATH_OP).options(CallOptions::default());
            let err = if json {
                request.send_json::<Vec<u64>>().await.unwrap_err()
            } else {
                request.send_unit().await.unwrap_err()
            };
            tracing::error!(error = %err, debug = ?err, "the user logs the error");
            err
        })
    });
    SILENT.with(|s| s.set(true));
    let panic = std::panic::catch_unwind(|| failing(err_clone(&err)).unwrap())
        .err()
        .and_then(|p| p.downcast::<String>().ok())
        .map(|s| *s)
        .unwrap_or_default();
    SILENT.with(|s| s.set(false));
    let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    format!("{err}\n{err:?}\n{log}\n{panic}")
}

/// A call that failed with `err`, as the user's code would see it.
fn failing(err: Error) -> Result<(), Error> {
    Err(err)
}

/// The error again (the panic consumes one).
fn err_clone(err: &Error) -> Error {
    Error::Config(format!("{err:?}"))
}

/// Windows of 6 characters of `token` that show up in `shown` and are not explained by the text
/// around the token or the redaction marker.
fn leaks(token: &str, shown: &str, around: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    chars
        .windows(6)
        .map(|w| w.iter().collect::<String>())
        .filter(|w| shown.contains(w.as_str()))
        .filter(|w| !around.contains(w.as_str()) && !w.chars().all(|c| c == '*'))
        .collect()
}

thread_local! {
    /// Set while the test panics on purpose, so that the hook keeps quiet only then.
    static SILENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !SILENT.with(|s| s.get()) {
                default(info);
            }
        }));
    });
}

#[test]
fn a_token_straddling_the_200_character_cut_leaves_no_fragment() {
    quiet_panics();
    let token = "CANARY-uni-1234567890";
    for status in [404, 500, 401] {
        for shift in 170..=200 {
            let body = format!(
                "{}E Bearer {token} and more text after it",
                "E".repeat(shift)
            );
            let shown = everything_shown(token, true, one_body(status, body.into_bytes()), false);
            assert!(
                leaks(token, &shown, "").is_empty(),
                "shift {shift}: {shown}"
            );
            let body = format!("{}/api/calls/campaign/{token}", "…".repeat(shift / 3 + 60));
            let shown = everything_shown(token, false, one_body(status, body.into_bytes()), false);
            assert!(
                leaks(token, &shown, "").is_empty(),
                "shift {shift}: {shown}"
            );
        }
    }
}

#[test]
fn a_json_body_cut_short_and_a_decode_snippet_leave_no_fragment() {
    quiet_panics();
    let token = "CANARY-cmp-0987654321";
    for shift in 150..=210 {
        // A JSON body that fails to parse (cut by the server): shown as raw text.
        let body = format!(
            r#"{{"message":"{}{token}{}"#,
            "x".repeat(shift),
            "y".repeat(40)
        );
        let shown = everything_shown(token, false, one_body(404, body.into_bytes()), false);
        assert!(leaks(token, &shown, "").is_empty(), "{shown}");
        // A 200 answer that is not the expected JSON: the decode error quotes its start.
        let body = format!("not json {}{token} tail", "z".repeat(shift));
        let shown = everything_shown(token, false, one_body(200, body.into_bytes()), true);
        assert!(leaks(token, &shown, "").is_empty(), "{shown}");
    }
}

#[test]
fn a_300_mb_error_body_is_read_only_as_far_as_the_prefix_and_leaks_nothing() {
    quiet_panics();
    let token = "CANARY-big-ABCDEFGHIJ";
    // Every chunk repeats the token at a different offset, so occurrences straddle the 200
    // character snippet and the 8 KiB prefix cuts, whatever the chunk boundaries.
    let unit = format!("Bearer {token} /api/calls/campaign/{token}?token={token} ");
    let chunk = Bytes::from(unit.repeat(64 * 1024 / unit.len() + 1).into_bytes());
    let total = 300 * 1024 * 1024;
    let chunks = (total / chunk.len()) + 1;
    for offset in [0, 1, 7, 13, 100, 190] {
        let first = chunk.slice(offset..);
        let rest = chunk.clone();
        let t = BodyTransport {
            status: 500,
            chunks: Arc::new(move |i| match i {
                0 => Some(first.clone()),
                i if i < chunks => Some(rest.clone()),
                _ => None,
            }),
            pulled: Arc::default(),
        };
        let pulled = t.pulled.clone();
        let shown = everything_shown(token, true, t, false);
        assert!(leaks(token, &shown, "").is_empty(), "{shown}");
        // One or two chunks pulled of 300 MB: the rest is dropped unread.
        assert!(pulled.load(Ordering::Relaxed) <= 2 * chunk.len() as u64);
    }
}

#[test]
fn every_encoding_of_an_echoed_token_is_scrubbed() {
    quiet_panics();
    let token = "tok:EN/cod\"ed\\1234";
    let pct_upper: String = token.bytes().map(|b| format!("%{b:02X}")).collect();
    let pct_lower = pct_upper.to_lowercase();
    let json = serde_json::to_string(token).unwrap();
    let json_slash = json.replace('/', "\\/");
    let unicode: String = token.bytes().map(|b| format!("\\u{b:04x}")).collect();
    let mixed = "tok%3aEN%2Fcod\"ed\\1234";
    for echo in [
        token.to_owned(),
        pct_upper,
        pct_lower,
        json,
        json_slash,
        unicode,
        mixed.to_owned(),
    ] {
        let body = format!("rejected credential: [{echo}]");
        let shown = everything_shown(token, true, one_body(401, body.into_bytes()), false);
        assert!(leaks(token, &shown, "").is_empty(), "{echo}: {shown}");
        assert!(!shown.contains(&echo), "{echo}: {shown}");
    }
}

#[test]
fn an_echo_in_another_letter_case_is_scrubbed() {
    // A server or proxy that normalises the path echoes the token upper- or lower-cased, in a
    // word the path redactor does not see (no `/` before it, percent-encoded separators).
    quiet_panics();
    let token = "3.4.Hq8Zt2Vb6Nc1Md";
    let lower = token.to_ascii_lowercase();
    let upper = token.to_ascii_uppercase();
    for echo in [
        format!("qq=%2fapi%2fcalls%2fcampaign%2f{lower}%2fstatus"),
        format!("path={upper}"),
        format!("{{\"message\":\"no route {lower}\"}}"),
        // Cut short by the server: a fragment in another case.
        format!("token {}", &upper[..9]),
    ] {
        for json in [false, true] {
            let shown =
                everything_shown(token, false, one_body(404, echo.clone().into_bytes()), json);
            let folded = shown.to_ascii_lowercase();
            assert!(leaks(&lower, &folded, "").is_empty(), "{echo}: {shown}");
        }
    }
}

#[test]
fn a_latin1_echo_cannot_happen_because_non_ascii_tokens_are_refused() {
    // A Java server decodes the bytes it received as Latin-1: `ü` (C3 BC) comes back as `Ã¼`.
    // The SDK never sends such a token: it is refused when the credential is made.
    let err = UnifiedToken::new("CANARY-ünï-123456").unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert!(!format!("{err} {err:?}").contains("CANARY"));
    // For the tokens it accepts (printable ASCII), Latin-1 and UTF-8 agree byte for byte, so the
    // echo is the token itself and is scrubbed.
    let token = "CANARY-ascii-123456";
    let latin1_echo: String = token.bytes().map(char::from).collect();
    assert_eq!(latin1_echo, token);
    let shown = everything_shown(
        token,
        true,
        one_body(403, format!("auth=Bearer {latin1_echo}").into_bytes()),
        false,
    );
    assert!(leaks(token, &shown, "").is_empty(), "{shown}");
}

/// How the body carries the token.
fn echo(token: &str, how: u8) -> String {
    match how % 4 {
        0 => token.to_owned(),
        1 => token.bytes().map(|b| format!("%{b:02X}")).collect(),
        2 => serde_json::to_string(token).unwrap(),
        _ => format!("/api/calls/campaign/{token}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn no_fragment_of_a_token_shows_anywhere(
        ascii in "[!-~]{6,48}",
        unicode in "\\PC{6,24}",
        use_unicode in proptest::bool::weighted(0.2),
        filler in 0usize..9000,
        before in "\\PC{0,40}",
        after in "\\PC{0,300}",
        how in 0u8..4,
        json in any::<bool>(),
        bearer in any::<bool>(),
        status in prop::sample::select(vec![200u16, 400, 401, 404, 429, 500, 503]),
    ) {
        quiet_panics();
        let token = if use_unicode { unicode } else { ascii };
        if CampaignToken::new(token.as_str()).is_err() {
            // Refused at construction (non-ASCII, spaces): the error never shows the value.
            let err = CampaignToken::new(token.as_str()).unwrap_err();
            let shown = format!("{err} {err:?}");
            let trimmed = token.trim();
            prop_assert!(trimmed.chars().count() < 6 || leaks(trimmed, &shown, "").is_empty());
            return Ok(());
        }
        let around = format!("{before}{after}");
        let text = format!("{}{before}{}{after}", "f".repeat(filler), echo(&token, how));
        let body = if json {
            serde_json::json!({"message": text, "type": "x"}).to_string()
        } else {
            text
        };
        // Latin-1 re-decoding of the whole body, as a Java server would echo it.
        let latin1: String = body.bytes().map(char::from).collect();
        for body in [body, latin1] {
            let shown = everything_shown(&token, bearer, one_body(status, body.into_bytes()), status == 200);
            let found = leaks(&token, &shown, &format!("{around}ffffff"));
            prop_assert!(found.is_empty(), "leaked {:?} in {}", found, shown);
        }
    }
}
