//! `cargo xtask specs fetch --host URL [--out DIR]`: downloads the official OpenAPI documents from
//! a live JAICP host, at the places listed under `[[fetch]]` in `codegen.toml`.
//!
//! A listed URL may be the document itself or the HTML page that shows it; from a page, the
//! document's URL is read from a Redoc `spec-url` attribute, a Swagger UI `url:` setting, or (one
//! level deep) a script the page loads. Every external `$ref` of a document (`common.yml#/...`)
//! is fetched beside it. Nothing is followed to another host.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use url::Url;

use crate::config::FetchSource;

/// What was fetched: (file name, bytes) per document, in list order, plus failures.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Saved documents: file name and size.
    pub saved: Vec<(String, usize)>,
    /// Documents that could not be fetched: file name and why.
    pub failed: Vec<(String, String)>,
}

/// Fetches every source from `host` into `out`.
pub fn fetch(host: &str, sources: &[FetchSource], out: &Path) -> Result<Fetched> {
    let base = Url::parse(host).with_context(|| format!("`{host}` is not a URL"))?;
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        bail!("--host must be an http(s) URL with a host name");
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()?;
    let mut result = Fetched::default();
    let mut done = BTreeSet::new();
    for source in sources {
        let fetched = runtime.block_on(fetch_one(&client, &base, source, out, &mut done));
        match fetched {
            Ok(saved) => result.saved.extend(saved),
            Err(e) => result.failed.push((source.file.clone(), format!("{e:#}"))),
        }
    }
    Ok(result)
}

async fn get(client: &reqwest::Client, url: &Url) -> Result<(String, String)> {
    let response = client
        .get(url.clone())
        .send()
        .await
        .with_context(|| format!("GET {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("GET {url}: HTTP {status}");
    }
    let media = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let text = response
        .text()
        .await
        .with_context(|| format!("GET {url}"))?;
    Ok((media, text))
}

/// Whether the text is an HTML page rather than a document.
fn is_html(media: &str, text: &str) -> bool {
    media.contains("html") || text.trim_start().starts_with('<')
}

/// Candidate document URLs named in a page or a script, in the order found.
pub fn document_links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for key in ["spec-url=", "url:", "\"url\":", "Redoc.init("] {
        let mut rest = text;
        while let Some(at) = rest.find(key) {
            rest = &rest[at + key.len()..];
            let trimmed = rest.trim_start();
            let Some(quote) = trimmed
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\'' | '`'))
            else {
                continue;
            };
            if let Some(end) = trimmed[1..].find(quote) {
                let link = &trimmed[1..1 + end];
                let path = link.split(['?', '#']).next().unwrap_or(link);
                if [".yml", ".yaml", ".json"].iter().any(|e| path.ends_with(e)) {
                    found.push(link.to_owned());
                }
            }
        }
    }
    found
}

/// Scripts a page loads (for pages that keep their settings in a separate file).
fn script_links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("<script") {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if let Some(src) = tag.find("src=") {
            let value = &tag[src + 4..];
            if let Some(q) = value.chars().next().filter(|c| matches!(c, '"' | '\''))
                && let Some(end) = value[1..].find(q)
            {
                found.push(value[1..1 + end].to_owned());
            }
        }
        rest = &rest[tag_end..];
    }
    found
}

/// Resolves `link` against `page`; links to another host are refused.
fn same_host(page: &Url, link: &str) -> Result<Url> {
    let url = page
        .join(link)
        .with_context(|| format!("bad link `{link}`"))?;
    if url.host_str() != page.host_str()
        || url.port_or_known_default() != page.port_or_known_default()
    {
        bail!("`{link}` points to another host; not followed");
    }
    Ok(url)
}

/// Finds the document a page loads.
async fn document_of_page(client: &reqwest::Client, page: &Url, html: &str) -> Result<Url> {
    if let Some(link) = document_links(html).first() {
        return same_host(page, link);
    }
    for script in script_links(html) {
        let Ok(url) = same_host(page, &script) else {
            continue;
        };
        if let Ok((_, js)) = get(client, &url).await
            && let Some(link) = document_links(&js).first()
        {
            // Swagger UI resolves the setting against the page, not the script.
            return same_host(page, link);
        }
    }
    bail!("the page {page} names no OpenAPI document")
}

/// The file parts of external `$ref`s (`common.yml` of `common.yml/#/components/...`).
pub fn external_refs(doc: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref"
                        && let Some(r) = v.as_str()
                    {
                        let file = r.split('#').next().unwrap_or("").trim_end_matches('/');
                        if !file.is_empty() {
                            out.insert(file.to_owned());
                        }
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(doc, &mut out);
    out
}

/// Parses a downloaded document and checks it is one.
fn parse_document(text: &str, what: &str) -> Result<Value> {
    let value: Value =
        serde_norway::from_str(text).with_context(|| format!("{what} is not YAML or JSON"))?;
    if value.get("openapi").is_none() && value.get("swagger").is_none() {
        bail!("{what} is not an OpenAPI document");
    }
    Ok(value)
}

/// A file name that stays inside `out`.
fn plain_name(name: &str) -> Result<&str> {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        bail!("`{name}` is not a plain file name");
    }
    Ok(name)
}

async fn fetch_one(
    client: &reqwest::Client,
    base: &Url,
    source: &FetchSource,
    out: &Path,
    done: &mut BTreeSet<String>,
) -> Result<Vec<(String, usize)>> {
    let first = same_host(base, &source.url)?;
    let (media, text) = get(client, &first).await?;
    let (url, text) = if is_html(&media, &text) {
        let url = document_of_page(client, &first, &text).await?;
        let (_, text) = get(client, &url).await?;
        (url, text)
    } else {
        (first, text)
    };
    let doc = parse_document(&text, &format!("{url}"))?;
    let mut saved = Vec::new();
    let name = plain_name(&source.file)?;
    std::fs::write(out.join(name), &text)?;
    done.insert(name.to_owned());
    saved.push((name.to_owned(), text.len()));
    // External references, breadth first, each once.
    let mut queue: Vec<(Url, Value)> = vec![(url, doc)];
    while let Some((from, doc)) = queue.pop() {
        for file in external_refs(&doc) {
            let target = same_host(&from, &file)?;
            let local = target
                .path_segments()
                .and_then(|mut s| s.next_back())
                .unwrap_or("")
                .to_owned();
            let local = plain_name(&local)?.to_owned();
            if !done.insert(local.clone()) {
                continue;
            }
            let (_, text) = get(client, &target).await?;
            let value = parse_document(&text, &format!("{target}"))?;
            std::fs::write(out.join(&local), &text)?;
            saved.push((local, text.len()));
            queue.push((target, value));
        }
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_documents_in_redoc_and_swagger_pages() {
        assert_eq!(
            document_links(r#"<redoc spec-url="project-api.yml"></redoc>"#),
            vec!["project-api.yml"]
        );
        assert_eq!(
            document_links("SwaggerUIBundle({\n url: './direct.yml', dom_id: '#x' })"),
            vec!["./direct.yml"]
        );
        assert_eq!(
            document_links(r#"Redoc.init("/specs/calls.yaml?v=2", {}, el)"#),
            vec!["/specs/calls.yaml?v=2"]
        );
        assert!(document_links(r#"<a href="x.html">url: "page.html"</a>"#).is_empty());
        assert_eq!(
            script_links(r#"<script src="./swagger-initializer.js" charset="UTF-8"></script>"#),
            vec!["./swagger-initializer.js"]
        );
    }

    #[test]
    fn external_references_and_file_names() {
        let doc = serde_json::json!({"a": {"$ref": "common.yml/#/components/schemas/X"},
                                     "b": [{"$ref": "#/components/schemas/Y"}]});
        assert_eq!(
            external_refs(&doc).into_iter().collect::<Vec<_>>(),
            vec!["common.yml"]
        );
        assert!(plain_name("../etc/passwd").is_err());
        assert!(plain_name("calls.yml").is_ok());
        let page = Url::parse("http://127.0.0.1:8080/dialer/static/openapi/index.html").unwrap();
        assert_eq!(
            same_host(&page, "calls.yml").unwrap().path(),
            "/dialer/static/openapi/calls.yml"
        );
        assert!(same_host(&page, "https://evil.example/calls.yml").is_err());
    }
}
