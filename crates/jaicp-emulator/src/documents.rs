//! Serves OpenAPI documents from a directory given at start-up
//! ([`crate::EmulatorBuilder::documents_dir`]) where a JAICP host serves them: the HTML pages
//! under `/api/api-gateway/static/specs/`, `/cailapub/static/openapi/` and
//! `/dialer/static/openapi/`, each loading its YAML from beside it, and the YAML files
//! themselves. It exists so that `cargo xtask specs fetch` can be tested without a live host.
//!
//! Which YAML a real page loads is not documented (the pages are known, their scripts are not);
//! the names here are the documents' own file names, and the pages use the two forms the fetcher
//! recognises (a Redoc `spec-url` attribute, a Swagger UI `url:` setting).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::extract::PathParams;
use crate::state::EmulatorState;

/// The directory, once set.
#[derive(Debug, Default)]
pub(crate) struct DocumentsDir(OnceLock<PathBuf>);

impl EmulatorState {
    /// Serves the OpenAPI documents in `dir` (see [`crate::EmulatorBuilder::documents_dir`]).
    /// Only the first call has an effect.
    pub(crate) fn set_documents_dir(&self, dir: PathBuf) {
        let _ = self.shared.documents.0.set(dir);
    }
}

pub(crate) fn routes() -> Router<EmulatorState> {
    Router::new()
        .route("/api/api-gateway/static/specs/{file}", get(gateway))
        .route("/cailapub/static/openapi/{file}", get(caila))
        .route("/dialer/static/openapi/{file}", get(dialer))
}

/// A Redoc page, as the API gateway serves them.
fn redoc(document: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>API</title></head><body>\n\
         <redoc spec-url=\"{document}\"></redoc>\n\
         <script src=\"https://cdn.redoc.ly/redoc/latest/bundles/redoc.standalone.js\"></script>\n\
         </body></html>\n"
    )
}

/// A Swagger UI page with its settings inline.
fn swagger(document: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>API</title></head><body><div id=\"swagger-ui\"></div>\n\
         <script>\nwindow.onload = function() {{\n  window.ui = SwaggerUIBundle({{\n    url: \"./{document}\",\n    dom_id: '#swagger-ui'\n  }});\n}};\n</script>\n\
         </body></html>\n"
    )
}

async fn gateway(
    State(state): State<EmulatorState>,
    PathParams(file): PathParams<String>,
) -> Response {
    serve(&state, &file, |page| {
        page.strip_suffix(".html")
            .map(|stem| redoc(&format!("{stem}.yml")))
    })
}

async fn caila(
    State(state): State<EmulatorState>,
    PathParams(file): PathParams<String>,
) -> Response {
    serve(&state, &file, |page| {
        (page == "direct-api-en.html").then(|| swagger("direct.yml"))
    })
}

async fn dialer(
    State(state): State<EmulatorState>,
    PathParams(file): PathParams<String>,
) -> Response {
    serve(&state, &file, |page| {
        (page == "index.html").then(|| redoc("calls.yml"))
    })
}

/// The page for `file` (when `page` makes one and the document it loads exists), or the
/// document file itself.
fn serve(state: &EmulatorState, file: &str, page: impl Fn(&str) -> Option<String>) -> Response {
    let Some(dir) = state.shared.documents.0.get() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // One plain file name: nothing outside the directory is reachable.
    if file.starts_with('.') || file.contains(['/', '\\']) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(html) = page(file) {
        let loads = html
            .split('"')
            .find(|part| part.ends_with(".yml"))
            .map(|p| p.trim_start_matches("./").to_owned());
        return match loads {
            Some(doc) if dir.join(&doc).is_file() => {
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
            }
            _ => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let media = match Path::new(file).extension().and_then(|e| e.to_str()) {
        Some("yml" | "yaml") => "application/yaml",
        Some("json") => "application/json",
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match std::fs::read(dir.join(file)) {
        Ok(bytes) => ([(header::CONTENT_TYPE, media)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
