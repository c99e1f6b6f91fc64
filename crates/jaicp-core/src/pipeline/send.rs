//! The ways to send a described request, each handing it to [`super::execute`].

use serde::de::DeserializeOwned;

use super::{Completed, Mode, execute};
use crate::body::{decode_json, decode_lenient_string};
use crate::error::{Error, Result};
use crate::request::{ApiContext, RequestBuilder};
use crate::response::{RawResponse, StreamingResponse, WithRaw};

// The `send_*` methods are plain functions that return the pipeline's future, boxed once by
// [`execute`], rather than `async fn`s: an `async fn` keeps its arguments (the whole request
// description) in its own state beside the future it awaits, so every layer would add a copy,
// and each copy is moved again when the caller moves the future (into a task, a
// `FuturesUnordered`). Nothing is sent until the future is polled, as before.
impl RequestBuilder {
    /// Sends and decodes a JSON response.
    pub fn send_json<T: DeserializeOwned>(self) -> impl Future<Output = Result<T>> + Send {
        let op = self.op_name();
        let response = self.buffered();
        async move {
            let (response, ctx) = response.await?;
            decode_json(op, &response.body, &ctx.shared().secrets)
        }
    }

    /// Sends, decodes a JSON response and keeps the response beside the value.
    pub fn send_json_with_raw<T: DeserializeOwned>(
        self,
    ) -> impl Future<Output = Result<WithRaw<T>>> + Send {
        let op = self.op_name();
        let response = self.buffered();
        async move {
            let (response, ctx) = response.await?;
            let value = decode_json(op, &response.body, &ctx.shared().secrets)?;
            Ok(WithRaw::new(value, response))
        }
    }

    /// Like [`Self::send_lenient_string`], keeping the response beside the value.
    pub fn send_lenient_string_with_raw(
        self,
    ) -> impl Future<Output = Result<WithRaw<String>>> + Send {
        let op = self.op_name();
        let response = self.send_raw();
        async move {
            let response = response.await?;
            let value = decode_lenient_string(op, &response.body)?;
            Ok(WithRaw::new(value, response))
        }
    }

    /// Sends and ignores the response body.
    pub fn send_unit(self) -> impl Future<Output = Result<()>> + Send {
        let response = self.send_raw();
        async move { response.await.map(|_| ()) }
    }

    /// Sends and returns the body as text.
    pub fn send_text(self) -> impl Future<Output = Result<String>> + Send {
        let op = self.op_name();
        let response = self.send_raw();
        async move {
            String::from_utf8(response.await?.body.to_vec()).map_err(|e| Error::Decode {
                op,
                path: ".".into(),
                message: format!("body is not UTF-8: {e}"),
                snippet: None,
            })
        }
    }

    /// Sends and returns a string that may come JSON-quoted (`"123"`) or bare (`123`).
    pub fn send_lenient_string(self) -> impl Future<Output = Result<String>> + Send {
        let op = self.op_name();
        let response = self.send_raw();
        async move { decode_lenient_string(op, &response.await?.body) }
    }

    /// Sends and returns status, headers and body, read into memory (up to the body cap).
    pub fn send_raw(self) -> impl Future<Output = Result<RawResponse>> + Send {
        let response = self.buffered();
        async move { Ok(response.await?.0) }
    }

    /// The response read into memory, with the request's context (for decoding errors).
    fn buffered(self) -> impl Future<Output = Result<(RawResponse, ApiContext)>> + Send {
        let completed = execute(self, Mode::Buffer);
        async move {
            match completed.await? {
                (Completed::Buffered(r), ctx) => Ok((r, ctx)),
                (Completed::Streaming(_), _) => Err(Error::Config(
                    "the pipeline answered a buffered request with a stream".into(),
                )),
            }
        }
    }

    /// Sends and returns the body unread, for downloads. Retries apply until the headers arrive.
    pub fn send_streaming(self) -> impl Future<Output = Result<StreamingResponse>> + Send {
        let completed = execute(self, Mode::Stream);
        async move {
            match completed.await?.0 {
                Completed::Streaming(r) => Ok(r),
                Completed::Buffered(_) => Err(Error::Config(
                    "the pipeline answered a streaming request with a buffer".into(),
                )),
            }
        }
    }
}
