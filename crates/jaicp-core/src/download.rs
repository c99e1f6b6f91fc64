//! Streaming downloads to any `AsyncWrite`, with progress, a size cap and stall detection.
//! Memory stays flat whatever the size of the file: chunks are written as they arrive.

use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::error::{Error, Result};
use crate::response::{StreamingResponse, next_chunk};

/// Options of a download.
#[derive(Default)]
#[non_exhaustive]
pub struct DownloadOptions<'a> {
    /// Refuse bodies larger than this many bytes.
    pub max_bytes: Option<u64>,
    /// Called after every chunk with (bytes so far, declared total when known).
    pub progress: Option<&'a mut (dyn FnMut(u64, Option<u64>) + Send)>,
}

impl<'a> DownloadOptions<'a> {
    /// Sets the size cap.
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.max_bytes = Some(limit);
        self
    }

    /// Sets the progress callback.
    pub fn progress(mut self, f: &'a mut (dyn FnMut(u64, Option<u64>) + Send)) -> Self {
        self.progress = Some(f);
        self
    }
}

impl StreamingResponse {
    /// Writes the body to `writer`, returning the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(
        mut self,
        writer: &mut W,
        mut options: DownloadOptions<'_>,
    ) -> Result<u64> {
        let op = self.op;
        if let (Some(limit), Some(len)) = (options.max_bytes, self.content_length)
            && len > limit
        {
            return Err(Error::BodyTooLarge { op, limit });
        }
        let total = self.content_length;
        let mut written: u64 = 0;
        while let Some(chunk) = next_chunk(&mut self).await? {
            written += chunk.len() as u64;
            if options.max_bytes.is_some_and(|limit| written > limit) {
                return Err(Error::BodyTooLarge {
                    op,
                    limit: options.max_bytes.unwrap_or(0),
                });
            }
            writer.write_all(&chunk).await.map_err(|e| Error::Io {
                op,
                message: e.to_string(),
            })?;
            if let Some(progress) = options.progress.as_mut() {
                progress(written, total);
            }
        }
        writer.flush().await.map_err(|e| Error::Io {
            op,
            message: e.to_string(),
        })?;
        Ok(written)
    }

    /// Reads the next chunk of the body (`None` at the end), failing on a stall.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>> {
        next_chunk(self).await
    }
}
