//! Calls an external NLU service speaking the Model API (`POST /process-text`, `POST /ner`,
//! `POST /classifiers/{classifierName}/predictnbest/{modelId}`), the way JAICP does when a
//! project's NLU is set to `external`.

use std::fmt;
use std::time::Duration;

use serde_json::{Value, json};

/// Where the external service is and how to authenticate to it.
#[derive(Clone)]
pub(crate) struct ExternalNlu {
    pub(crate) url: String,
    pub(crate) basic: Option<(String, String)>,
    pub(crate) classifier: String,
    pub(crate) model: String,
    client: reqwest::Client,
}

impl fmt::Debug for ExternalNlu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalNlu")
            .field("url", &self.url)
            .field("basic", &self.basic.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl ExternalNlu {
    pub(crate) fn new(url: &str, basic: Option<(String, String)>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        ExternalNlu {
            url: url.trim_end_matches('/').to_owned(),
            basic,
            classifier: "default".into(),
            model: "default".into(),
            client,
        }
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, String> {
        let mut req = self.client.post(format!("{}{path}", self.url)).json(body);
        if let Some((user, pass)) = &self.basic {
            req = req.basic_auth(user, Some(pass));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| format!("external NLU unreachable: {}", e.without_url()))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| format!("external NLU body: {}", e.without_url()))?;
        if !status.is_success() {
            return Err(format!("external NLU answered HTTP {}", status.as_u16()));
        }
        serde_json::from_slice(&bytes).map_err(|e| format!("external NLU sent bad JSON: {e}"))
    }

    /// n-best classes per text: `(class, score)`, best first.
    pub(crate) async fn predict(
        &self,
        texts: &[String],
    ) -> Result<Vec<Vec<(String, f64)>>, String> {
        let data: Vec<Value> = texts.iter().map(|t| json!({ "text": t })).collect();
        let path = format!(
            "/classifiers/{}/predictnbest/{}",
            self.classifier, self.model
        );
        let body = self.post(&path, &json!({ "data": data })).await?;
        let result = body
            .get("result")
            .and_then(Value::as_array)
            .ok_or("external NLU: no `result` array")?;
        Ok(result
            .iter()
            .map(|list| {
                let mut classes: Vec<(String, f64)> = list
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| {
                        Some((
                            c.get("class")?.as_str()?.to_owned(),
                            c.get("score").and_then(Value::as_f64).unwrap_or(0.0),
                        ))
                    })
                    .collect();
                classes.sort_by(|a, b| b.1.total_cmp(&a.1));
                classes
            })
            .collect())
    }

    /// Markup of one text (`MarkupData`).
    pub(crate) async fn markup(&self, text: &str, language: &str) -> Result<Value, String> {
        let body = self
            .post(
                "/process-text",
                &json!({ "documents": [text], "language": language, "engine": "default",
                         "markPatterns": false, "fixSpells": false }),
            )
            .await?;
        body.get("result")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .cloned()
            .ok_or_else(|| "external NLU: no markup returned".to_owned())
    }

    /// Entities found in one text (`NerItemData` objects).
    pub(crate) async fn ner(&self, text: &str, language: &str) -> Result<Vec<Value>, String> {
        let body = self
            .post("/ner", &json!({ "language": language, "texts": [text] }))
            .await?;
        Ok(body
            .get("result")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(|item| item.get("entities"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }
}
