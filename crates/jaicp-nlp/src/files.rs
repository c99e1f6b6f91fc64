//! Export to and import from files, and the octet-stream intents export.

use std::path::Path;

use jaicp_core::download::DownloadOptions;
use jaicp_core::{Error, Result};
use tokio::io::AsyncWrite;

use crate::Nlp;
use crate::canonical::{CanonicalOptions, to_pretty_json};
use crate::models::{
    ImportFileStrategy, IntentData, IntentRecursiveUpdateData, IntentSummaryData,
    NamedEntityRecordData, ProjectExportImportData, RecordsFileType,
};
use crate::multipart::FilePart;
use crate::validate;

/// Options of [`Nlp::import_checked`] and [`Nlp::import_from_file`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ImportOptions {
    /// Refuse data larger than this (default [`validate::DEFAULT_MAX_IMPORT_BYTES`]).
    pub max_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            max_bytes: validate::DEFAULT_MAX_IMPORT_BYTES,
        }
    }
}

impl ImportOptions {
    /// Sets the size limit.
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.max_bytes = limit;
        self
    }
}

impl Nlp {
    /// Exports the project's NLU data in canonical order (see [`crate::canonical`]).
    pub async fn export_canonical(
        &self,
        options: &CanonicalOptions,
    ) -> Result<ProjectExportImportData> {
        let mut data = self.export_project().send().await?;
        crate::canonical::canonicalize(&mut data, options);
        Ok(data)
    }

    /// Exports the project's NLU data to a file as canonical pretty JSON, ready for git.
    /// Returns the number of bytes written.
    pub async fn export_to_file(
        &self,
        path: impl AsRef<Path>,
        options: &CanonicalOptions,
    ) -> Result<u64> {
        let path = path.as_ref();
        let data = self.export_project().send().await?;
        let bytes = to_pretty_json(&data, options);
        tokio::fs::write(path, &bytes)
            .await
            .map_err(|e| Error::file(path, e))?;
        Ok(bytes.len() as u64)
    }

    /// Checks the data ([`validate::project`] and the size limit), then replaces the project's
    /// NLU data with it. Bad data is refused before anything is sent.
    pub async fn import_checked(
        &self,
        data: ProjectExportImportData,
        options: &ImportOptions,
    ) -> Result<ProjectExportImportData> {
        validate::project(&data)?;
        validate::encoded_within(&data, options.max_bytes)?;
        self.import_project(data).send().await
    }

    /// Reads NLU data from a JSON file (an export) and imports it with [`Nlp::import_checked`].
    pub async fn import_from_file(
        &self,
        path: impl AsRef<Path>,
        options: &ImportOptions,
    ) -> Result<ProjectExportImportData> {
        let path = path.as_ref();
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| Error::file(path, e))?;
        if meta.len() > options.max_bytes {
            return Err(validate::too_large(meta.len(), options.max_bytes));
        }
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| Error::file(path, e))?;
        let data: ProjectExportImportData =
            serde_json::from_slice(&bytes).map_err(|e| Error::file(path, e))?;
        self.import_checked(data, options).await
    }

    /// Downloads the intents file (`exportIntents`) into `writer`; returns the bytes written.
    pub async fn export_intents_to<W: AsyncWrite + Unpin>(&self, writer: &mut W) -> Result<u64> {
        let body = self.export_intents().send().await?;
        body.write_to(writer, DownloadOptions::default()).await
    }

    /// Imports intents from a JSON file's bytes (`importIntents`, sent as a multipart file).
    pub async fn import_intents_file(
        &self,
        strategy: ImportFileStrategy,
        file_name: &str,
        json: Vec<u8>,
    ) -> Result<Vec<IntentSummaryData>> {
        let part = FilePart::new("file", file_name, "application/json", json);
        let (body, content_type) = part.encode();
        self.import_intents(strategy, body, content_type)
            .send()
            .await
    }

    /// Adds entity records from CSV bytes (`uploadRecords`, format `zb-csv`).
    pub async fn upload_entity_records_csv(
        &self,
        entity_id: i64,
        csv: Vec<u8>,
    ) -> Result<Vec<NamedEntityRecordData>> {
        let part = FilePart::new("file", "records.csv", "text/csv", csv);
        let (body, content_type) = part.encode();
        self.upload_entity_records(entity_id, RecordsFileType::ZbCsv, body, content_type)
            .send()
            .await
    }

    /// Replaces the spelling dictionary with tab-separated `word<TAB>number` lines.
    pub async fn upload_speller(&self, tsv: impl Into<Vec<u8>>) -> Result<String> {
        let part = FilePart::new("file", "speller.tsv", "text/plain", tsv.into());
        let (body, content_type) = part.encode();
        self.upload_speller_dictionary(body, content_type)
            .send()
            .await
    }

    /// The intent with this id; [`NlpError::UnknownIntent`](crate::NlpError::UnknownIntent)
    /// (through [`crate::NlpErrorExt`]) when there is none.
    pub async fn intent(&self, id: i64) -> Result<IntentData> {
        self.get_intent(id).send().await
    }

    /// Checks the intent, then updates it (with its children) by id; [`NlpError::UnknownIntent`](crate::NlpError::UnknownIntent)
    /// when there is no such intent.
    pub async fn update_intent(
        &self,
        id: i64,
        intent: IntentData,
    ) -> Result<IntentRecursiveUpdateData> {
        validate::intent("intent", &intent)?;
        self.recursive_update(id, intent).send().await
    }

    /// Checks the intent, then creates it.
    pub async fn create_intent_checked(&self, intent: IntentData) -> Result<IntentData> {
        validate::intent("intent", &intent)?;
        self.create_intent(intent).send().await
    }
}
