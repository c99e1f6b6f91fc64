//! The trait your NLU service implements.

use async_trait::async_trait;
use serde::Serialize;

use crate::error::ModelError;
use crate::markup::tokenize;
use crate::models::{
    NerMarkupItems, NerRequestData, NerResponseData, PredictRequestData, PredictResponseData,
    TextPreprocessorRequestData, TextPreprocessorResponseData,
};

/// What `GET /version` answers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionInfo {
    /// The service's name.
    #[serde(rename = "projectArtifactId")]
    pub name: String,
    /// Its version.
    #[serde(rename = "projectVersion")]
    pub version: String,
}

/// An NLU service that JAICP calls through the Model API. Implement [`ModelService::predict`]
/// (intent classification); markup and entity recognition have simple defaults you may replace.
///
/// Requests arrive parsed and tolerant (missing fields are empty); return a [`ModelError`] to
/// answer with the protocol's error body.
#[async_trait]
pub trait ModelService: Send + Sync + 'static {
    /// `POST /classifiers/{classifier}/predictnbest/{model}`: for every text in `request.data`,
    /// the candidate classes best first. A class should be a JAICP intent path (`/Order/Pizza`).
    /// Answer [`ModelError::not_found`] for a classifier or model you do not have.
    async fn predict(
        &self,
        classifier: &str,
        model: &str,
        request: PredictRequestData,
    ) -> Result<PredictResponseData, ModelError>;

    /// `POST /process-text`: markup per document, in order. The default splits into words and
    /// punctuation ([`tokenize`]) without spelling correction.
    async fn process_text(
        &self,
        request: TextPreprocessorRequestData,
    ) -> Result<TextPreprocessorResponseData, ModelError> {
        let mark = request.mark_patterns.unwrap_or(false);
        Ok(TextPreprocessorResponseData {
            result: Some(
                request
                    .documents
                    .iter()
                    .map(|d| tokenize(d, mark))
                    .collect(),
            ),
        })
    }

    /// `POST /ner`: entities per text, in order. The default finds none.
    async fn ner(&self, request: NerRequestData) -> Result<NerResponseData, ModelError> {
        Ok(NerResponseData {
            result: Some(
                request
                    .texts
                    .unwrap_or_default()
                    .into_iter()
                    .map(|text| NerMarkupItems {
                        text: Some(text),
                        entities: Some(Vec::new()),
                    })
                    .collect(),
            ),
        })
    }

    /// `GET /version`.
    fn version(&self) -> VersionInfo {
        VersionInfo {
            name: "jaicp-model".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// `GET /healthCheck`: `Ok` while this returns true.
    async fn healthy(&self) -> bool {
        true
    }
}
