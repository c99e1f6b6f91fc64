//! What the chat-adapter APIs (Chat, Operator, Prompter, Pushgate, Imputer) share: a request
//! counted under its route's operation ([`crate::operation::op`]) whose path secret (a channel
//! token, an Operator key, a pushback link) the API accepts. Their error shape, Spring's
//! `{status, error, message}`, is built in [`crate::errors`].

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::extract::PathParams;
use crate::operation::Op;
use crate::reply::Reply;
use crate::state::EmulatorState;

/// How one API checks the secret in its path (the route's only path parameter).
pub(crate) trait PathSecret {
    /// `Ok` when `secret` opens this API; otherwise the API's error answer.
    fn check(state: &EmulatorState, secret: &str) -> Result<(), Reply>;
}

/// A request whose path secret `S` accepts, counted under its route's operation. Holds the
/// state and the secret, so handlers need no separate `State` or `Path` argument. Put it first
/// in a handler's arguments: a request with a bad secret and a bad body gets the secret's error.
pub(crate) struct Adapter<S> {
    pub(crate) state: EmulatorState,
    pub(crate) secret: String,
    api: PhantomData<S>,
}

impl<S: PathSecret> FromRequestParts<EmulatorState> for Adapter<S> {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        Op::count(parts, state);
        let PathParams(path) =
            PathParams::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let secret = path.into_values().next().unwrap_or_default();
        S::check(state, &secret)?;
        Ok(Self {
            state: state.clone(),
            secret,
            api: PhantomData,
        })
    }
}
