//! The one credential check every API's handlers start with: [`Authorized`], an extractor that
//! counts the request under its route's operation ([`crate::operation::op`]) and then lets the
//! API's [`Credential`] accept the request or answer its error (in the API's shape, see
//! [`crate::errors`]). Put it first in a handler's arguments: a request with a bad credential and
//! a bad body gets the credential's error.
//!
//! The unified Bearer token ([`crate::unified::Unified`]) and the chat-adapter APIs' path secrets
//! (a channel token, an Operator key, a pushback link: [`PathSecret`]) are checked here. NLP
//! Direct keys and Calls campaign tokens are checked where the work runs, under the API's lock
//! (`nlp::routes::Nlp::with`, `calls::routes::Calls::run`), because the work needs the project
//! or campaign the credential names.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::extract::PathParams;
use crate::operation::Op;
use crate::reply::Reply;
use crate::state::EmulatorState;

/// How one API accepts a request.
pub(crate) trait Credential {
    /// The request's secret when the API accepts it; otherwise the API's error answer.
    fn check(
        parts: &mut Parts,
        state: &EmulatorState,
    ) -> impl Future<Output = Result<String, Reply>> + Send;
}

/// An API whose secret is the route's only path parameter.
pub(crate) trait PathSecret {
    /// `Ok` when `secret` opens this API; otherwise the API's error answer.
    fn accept(state: &EmulatorState, secret: &str) -> Result<(), Reply>;
}

impl<S: PathSecret> Credential for S {
    async fn check(parts: &mut Parts, state: &EmulatorState) -> Result<String, Reply> {
        let PathParams(path) =
            PathParams::<HashMap<String, String>>::from_request_parts(parts, state).await?;
        let secret = path.into_values().next().unwrap_or_default();
        S::accept(state, &secret)?;
        Ok(secret)
    }
}

/// A request that `C` accepts, counted under its route's operation. Holds the state and the
/// secret, so handlers need no separate `State` or `Path` argument for them.
pub(crate) struct Authorized<C> {
    pub(crate) state: EmulatorState,
    pub(crate) secret: String,
    api: PhantomData<C>,
}

impl<C: Credential> FromRequestParts<EmulatorState> for Authorized<C> {
    type Rejection = Reply;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &EmulatorState,
    ) -> Result<Self, Self::Rejection> {
        Op::count(parts, state);
        let secret = C::check(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            secret,
            api: PhantomData,
        })
    }
}
