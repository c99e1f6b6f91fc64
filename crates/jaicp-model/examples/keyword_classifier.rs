//! A Model API service that classifies by keywords and regular expressions, and finds a `number`
//! entity. Run it and point JAICP (or the emulator's `external_nlu`) at it:
//!
//! ```sh
//! MODEL_API_LOGIN=jaicp MODEL_API_PASSWORD=secret \
//!   cargo run -p jaicp-model --example keyword_classifier --features server -- --port 8090
//! ```
//!
//! Without the two variables the service needs no credentials.

use std::net::SocketAddr;

use jaicp_model::models::{
    NerItemData, NerMarkupItems, NerRequestData, NerResponseData, PredictRequestData,
    PredictResponseData, PredictedClassData,
};
use jaicp_model::server::{ServerOptions, router, serve};
use jaicp_model::{ModelError, ModelService, async_trait};
use regex::Regex;

/// One intent: its JAICP path, keywords (any word matches) and patterns.
struct Rule {
    path: &'static str,
    keywords: &'static [&'static str],
    patterns: Vec<Regex>,
}

struct KeywordClassifier {
    rules: Vec<Rule>,
    number: Regex,
}

impl KeywordClassifier {
    fn new() -> Result<Self, regex::Error> {
        Ok(KeywordClassifier {
            rules: vec![
                Rule {
                    path: "/Greeting",
                    keywords: &["hello", "hi", "hey"],
                    patterns: vec![Regex::new(r"(?i)\bgood (morning|evening)\b")?],
                },
                Rule {
                    path: "/Order/Pizza",
                    keywords: &["pizza", "margherita", "pepperoni"],
                    patterns: vec![Regex::new(r"(?i)\b(order|want)\b.*\bpizzas?\b")?],
                },
                Rule {
                    path: "/Goodbye",
                    keywords: &["bye", "goodbye"],
                    patterns: vec![Regex::new(r"(?i)\bsee you\b")?],
                },
            ],
            number: Regex::new(r"\d+")?,
        })
    }

    /// Scores of every rule for one text, best first (at most `limit`).
    fn classify(&self, text: &str, limit: usize) -> Vec<PredictedClassData> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut scored: Vec<(f64, &str)> = self
            .rules
            .iter()
            .map(|r| {
                let hits = words
                    .iter()
                    .filter(|w| r.keywords.contains(&w.as_str()))
                    .count();
                let by_pattern = r.patterns.iter().any(|p| p.is_match(text));
                let score = if by_pattern {
                    0.95
                } else if hits > 0 {
                    (0.6 + 0.1 * hits as f64).min(0.9)
                } else {
                    0.0
                };
                (score, r.path)
            })
            .filter(|(s, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(limit)
            .map(|(score, path)| PredictedClassData {
                class: Some(path.to_owned()),
                score: Some(score),
            })
            .collect()
    }
}

#[async_trait]
impl ModelService for KeywordClassifier {
    async fn predict(
        &self,
        classifier: &str,
        model: &str,
        request: PredictRequestData,
    ) -> Result<PredictResponseData, ModelError> {
        // One rule set serves every classifier and model name; a service with several models
        // would answer `ModelError::not_found` for names it does not know.
        let _ = (classifier, model);
        let result = request
            .data
            .unwrap_or_default()
            .iter()
            .map(|item| self.classify(item.text.as_deref().unwrap_or(""), 3))
            .collect();
        Ok(PredictResponseData {
            result: Some(result),
        })
    }

    async fn ner(&self, request: NerRequestData) -> Result<NerResponseData, ModelError> {
        let result = request
            .texts
            .unwrap_or_default()
            .into_iter()
            .map(|text| {
                let entities = self
                    .number
                    .find_iter(&text)
                    .map(|m| {
                        // Offsets in characters, end exclusive.
                        let start = text[..m.start()].chars().count() as i64;
                        let len = m.as_str().chars().count() as i64;
                        NerItemData {
                            entity: Some("number".into()),
                            start_pos: Some(start),
                            end_pos: Some(start + len),
                            text: Some(m.as_str().to_owned()),
                            value: Some(m.as_str().to_owned()),
                        }
                    })
                    .collect();
                NerMarkupItems {
                    text: Some(text),
                    entities: Some(entities),
                }
            })
            .collect();
        Ok(NerResponseData {
            result: Some(result),
        })
    }
}

fn port_from_args() -> Result<u16, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut port = 8090;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?;
            }
            other => return Err(format!("unknown argument `{other}` (usage: --port N)")),
        }
    }
    Ok(port)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = port_from_args()?;
    let mut options = ServerOptions::default();
    if let (Ok(login), Ok(password)) = (
        std::env::var("MODEL_API_LOGIN"),
        std::env::var("MODEL_API_PASSWORD"),
    ) {
        options = options.basic_auth(&login, &password);
    }
    let app = router(KeywordClassifier::new()?, options);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    println!("keyword classifier listening on http://{addr}");
    serve(app, addr, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
