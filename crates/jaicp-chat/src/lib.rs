//! Typed client for the JAICP Chat API: talk to a bot (or an agent behind it) as an end user.
//!
//! ```no_run
//! # async fn demo() -> jaicp_core::Result<()> {
//! use futures_util::StreamExt;
//! use jaicp_chat::{Chat, Turn};
//! use jaicp_core::{ChatApiToken, Client};
//!
//! let client = Client::from_env()?;                    // JAICP_HOST, default app.jaicp.com
//! let chat = Chat::new(&client, &ChatApiToken::from_env()?);
//! let turn = chat.send("user-42", Turn::text("Hello")).await?;
//! for reply in jaicp_chat::replies(&turn) {
//!     println!("bot: {}", jaicp_chat::reply_text(reply).unwrap_or("(not text)"));
//! }
//! let id = chat.send_async("user-42", Turn::event("promo")).await?; // answer comes later
//! let mut events = chat.events("user-42").stream();    // long poll, each questionId once
//! if let Some(event) = events.next().await {
//!     println!("{id}: {:?}", event?.question_id());
//! }
//! # Ok(()) }
//! ```
//!
//! Every operation of our Chat API description (`specs/chat.yml`) is a method on [`Chat`]
//! returning a request builder from [`operations`]; the hand-written layer adds [`Chat::send`],
//! [`Chat::send_async`], the [`Chat::events`] stream, history and client state with configurable
//! routes ([`ChatPaths`]), the webhook payload decoder ([`webhook::decode`]) and, with the
//! `server` feature, an axum receiver for the webhook ([`server`]).
//!
//! Chat sends are never retried once the request may have reached the server: a repeated turn
//! would be a second turn.
#![forbid(unsafe_code)]

pub mod events;
mod generated;
mod handle;
mod send;
#[cfg(feature = "server")]
pub mod server;
pub mod webhook;

pub use events::{Event, Events};
pub use generated::models;
pub use generated::operations;
pub use handle::{Chat, ChatPaths};
pub use send::{Turn, replies, reply_text};
