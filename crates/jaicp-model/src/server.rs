//! The axum [`Router`] that speaks the Model API for a [`ModelService`].
//!
//! Routes: `POST /process-text`, `POST /ner`, `POST /classifiers/{classifierName}/predictnbest/{modelId}`
//! (behind optional HTTP Basic auth), `GET /healthCheck` and `GET /version` (open, as in the
//! reference service). Bodies are capped, parsed leniently (unknown fields ignored, missing ones
//! empty, `fix_spells` accepted for `fixSpells`); bad input gets 400 with the protocol's error
//! body, unknown routes 404, an oversized body 413, a panic in the service 500 — the server
//! itself never panics.

// Handlers bail out early with a finished `Response`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use futures_util::FutureExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ModelError;
use crate::service::ModelService;

/// Default body cap: 4 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Settings of the [`router`].
#[derive(Clone, Default)]
pub struct ServerOptions {
    basic: Option<Arc<[u8]>>,
    body_limit: Option<usize>,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("basic_auth", &self.basic.as_ref().map(|_| "[REDACTED]"))
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl ServerOptions {
    /// Requires HTTP Basic credentials on the three NLU routes (compared in constant time).
    pub fn basic_auth(mut self, login: &str, password: &str) -> Self {
        self.basic = Some(Arc::from(format!("{login}:{password}").into_bytes()));
        self
    }

    /// Caps request bodies (default [`DEFAULT_BODY_LIMIT`]).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }
}

struct Shared<S> {
    service: S,
    basic: Option<Arc<[u8]>>,
}

/// The Model API routes over `service`.
pub fn router<S: ModelService>(service: S, options: ServerOptions) -> Router {
    let shared = Arc::new(Shared {
        service,
        basic: options.basic.clone(),
    });
    Router::new()
        .route("/process-text", post(process_text::<S>))
        .route("/ner", post(ner::<S>))
        .route(
            "/classifiers/{classifierName}/predictnbest/{modelId}",
            post(predict::<S>),
        )
        .route("/healthCheck", get(health::<S>))
        .route("/version", get(version::<S>))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(
            options.body_limit.unwrap_or(DEFAULT_BODY_LIMIT),
        ))
        .with_state(shared)
}

fn error_response(e: &ModelError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(e.body())).into_response()
}

async fn not_found() -> Response {
    error_response(&ModelError::not_found("NotFound", "no such route"))
}

/// Checks the `Authorization` header against the configured credentials.
fn authorize(basic: Option<&[u8]>, headers: &HeaderMap) -> Result<(), Response> {
    let Some(expected) = basic else {
        return Ok(());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("basic")
                .then(|| {
                    base64::engine::general_purpose::STANDARD
                        .decode(rest.trim())
                        .ok()
                })
                .flatten()
        })
        .unwrap_or_default();
    if jaicp_core::secret::constant_time_eq(&given, expected) {
        Ok(())
    } else {
        let mut r = error_response(&ModelError::new(
            401,
            "Unauthorized",
            "missing or wrong credentials",
        ));
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ModelApi\""),
        );
        Err(r)
    }
}

/// Reads and parses a JSON body leniently: unknown fields are ignored and optional ones may be
/// missing, but the body must be a JSON object (sent as JSON, when a content type is given) with
/// the `required` fields present.
async fn parse<T: DeserializeOwned>(
    request: Request,
    required: &[&str],
    body_optional: bool,
    fix: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> Result<T, Response> {
    if let Some(ct) = request.headers().get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let essence = ct.split(';').next().unwrap_or("").trim();
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(error_response(&ModelError::new(
                415,
                "UnsupportedMediaType",
                "send the body as application/json",
            )));
        }
    }
    let bytes = match Bytes::from_request(request, &()).await {
        Ok(b) => b,
        Err(rejection) => {
            let status = rejection.status().as_u16();
            let code = if status == 413 {
                "BodyTooLarge"
            } else {
                "BadRequest"
            };
            return Err(error_response(&ModelError::new(
                status,
                code,
                rejection.body_text(),
            )));
        }
    };
    // The document does not require a body for classification: no body reads as `{}`.
    let bytes = if body_optional && bytes.iter().all(u8::is_ascii_whitespace) {
        Bytes::from_static(b"{}")
    } else {
        bytes
    };
    let mut value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        error_response(&ModelError::bad_request(
            "MalformedJson",
            format!("the body is not JSON: {e}"),
        ))
    })?;
    let Some(object) = value.as_object_mut() else {
        return Err(error_response(&ModelError::bad_request(
            "MalformedJson",
            "the body must be a JSON object",
        )));
    };
    fix(object);
    if let Some(missing) = required.iter().find(|k| !object.contains_key(**k)) {
        return Err(error_response(&ModelError::bad_request(
            "InvalidRequest",
            format!("the field `{missing}` is required"),
        )));
    }
    serde_json::from_value(value).map_err(|e| {
        error_response(&ModelError::bad_request(
            "InvalidRequest",
            format!("the body does not fit the request type: {e}"),
        ))
    })
}

/// Runs the service call, turning a panic into a 500.
async fn guarded<T: serde::Serialize>(
    call: impl std::future::Future<Output = Result<T, ModelError>>,
) -> Response {
    match AssertUnwindSafe(call).catch_unwind().await {
        Ok(Ok(body)) => axum::Json(body).into_response(),
        Ok(Err(e)) => error_response(&e),
        Err(_) => {
            tracing::error!("the Model API service panicked");
            error_response(&ModelError::internal("the service failed"))
        }
    }
}

fn no_fix(_: &mut serde_json::Map<String, Value>) {}

async fn process_text<S: ModelService>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if let Err(r) = authorize(shared.basic.as_deref(), &headers) {
        return r;
    }
    let body = match parse(request, &["documents", "language", "engine"], false, |o| {
        // The document's required list says `fix_spells`; accept that spelling too.
        if !o.contains_key("fixSpells")
            && let Some(v) = o.remove("fix_spells")
        {
            o.insert("fixSpells".into(), v);
        }
    })
    .await
    {
        Ok(b) => b,
        Err(r) => return r,
    };
    guarded(shared.service.process_text(body)).await
}

async fn ner<S: ModelService>(
    State(shared): State<Arc<Shared<S>>>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if let Err(r) = authorize(shared.basic.as_deref(), &headers) {
        return r;
    }
    let body = match parse(request, &[], false, no_fix).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    guarded(shared.service.ner(body)).await
}

async fn predict<S: ModelService>(
    State(shared): State<Arc<Shared<S>>>,
    Path((classifier, model)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    if let Err(r) = authorize(shared.basic.as_deref(), &headers) {
        return r;
    }
    let body = match parse(request, &[], true, no_fix).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    guarded(shared.service.predict(&classifier, &model, body)).await
}

async fn health<S: ModelService>(State(shared): State<Arc<Shared<S>>>) -> Response {
    if AssertUnwindSafe(shared.service.healthy())
        .catch_unwind()
        .await
        .unwrap_or(false)
    {
        (StatusCode::OK, "Ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "Unavailable").into_response()
    }
}

async fn version<S: ModelService>(State(shared): State<Arc<Shared<S>>>) -> Response {
    axum::Json(shared.service.version()).into_response()
}

/// Serves `router` on `addr` until `shutdown` completes.
pub async fn serve(
    router: Router,
    addr: std::net::SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "Model API service listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
