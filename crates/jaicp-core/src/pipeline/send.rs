//! The ways to send a described request, each handing it to [`super::execute`].

use serde::de::DeserializeOwned;

use super::{Completed, Mode, execute};
use crate::body::{decode_json, decode_lenient_string};
use crate::error::{Error, Result};
use crate::request::RequestBuilder;
use crate::response::{RawResponse, StreamingResponse, WithRaw};

impl RequestBuilder {
    /// Sends and decodes a JSON response.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T> {
        let op = self.op_name();
        let ctx = self.ctx.clone();
        let response = self.send_raw().await?;
        decode_json(op, &response.body, &ctx.shared().secrets)
    }

    /// Sends, decodes a JSON response and keeps the response beside the value.
    pub async fn send_json_with_raw<T: DeserializeOwned>(self) -> Result<WithRaw<T>> {
        let op = self.op_name();
        let ctx = self.ctx.clone();
        let response = self.send_raw().await?;
        let value = decode_json(op, &response.body, &ctx.shared().secrets)?;
        Ok(WithRaw::new(value, response))
    }

    /// Like [`Self::send_lenient_string`], keeping the response beside the value.
    pub async fn send_lenient_string_with_raw(self) -> Result<WithRaw<String>> {
        let op = self.op_name();
        let response = self.send_raw().await?;
        let value = decode_lenient_string(op, &response.body)?;
        Ok(WithRaw::new(value, response))
    }

    /// Sends and ignores the response body.
    pub async fn send_unit(self) -> Result<()> {
        self.send_raw().await.map(|_| ())
    }

    /// Sends and returns the body as text.
    pub async fn send_text(self) -> Result<String> {
        let op = self.op_name();
        let response = self.send_raw().await?;
        String::from_utf8(response.body.to_vec()).map_err(|e| Error::Decode {
            op,
            path: ".".into(),
            message: format!("body is not UTF-8: {e}"),
            snippet: None,
        })
    }

    /// Sends and returns a string that may come JSON-quoted (`"123"`) or bare (`123`).
    pub async fn send_lenient_string(self) -> Result<String> {
        let op = self.op_name();
        let response = self.send_raw().await?;
        decode_lenient_string(op, &response.body)
    }

    /// Sends and returns status, headers and body, read into memory (up to the body cap).
    pub async fn send_raw(self) -> Result<RawResponse> {
        match execute(self, Mode::Buffer).await? {
            Completed::Buffered(r) => Ok(r),
            Completed::Streaming(_) => Err(Error::Config(
                "the pipeline answered a buffered request with a stream".into(),
            )),
        }
    }

    /// Sends and returns the body unread, for downloads. Retries apply until the headers arrive.
    pub async fn send_streaming(self) -> Result<StreamingResponse> {
        match execute(self, Mode::Stream).await? {
            Completed::Streaming(r) => Ok(r),
            Completed::Buffered(_) => Err(Error::Config(
                "the pipeline answered a streaming request with a buffer".into(),
            )),
        }
    }
}
