//! The JAICP Prompter API: suggestions for live agents from a bot.
//!
//! [`Prompter`] asks for suggestions; the result JAICP posts back to the integrator is described
//! by [`models`] (route in [`operations`]).
#![forbid(unsafe_code)]

mod generated;

pub use generated::models;
pub use generated::operations;

use jaicp_core::{ApiContext, Auth, Client, PrompterToken};

/// The Prompter API of one channel. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Prompter {
    ctx: ApiContext,
}

impl Prompter {
    /// The Prompter API of the channel whose token is given (in the path, redacted).
    pub fn new(client: &Client, token: &PrompterToken) -> Self {
        Prompter {
            ctx: client.api(Auth::path_token("token", token)),
        }
    }

    /// The underlying context.
    pub fn context(&self) -> &ApiContext {
        &self.ctx
    }
}
