//! Fields the Reporter document requires under one name but declares under another: both names
//! are fields of the model, and these accessors read whichever the server sent.

use crate::models::StateRoutesInfo;

impl StateRoutesInfo {
    /// The states of the route, from `states` (the name the document requires) or `stateRoutes`
    /// (the name it declares); which one the server sends is unconfirmed.
    pub fn route_states(&self) -> &[String] {
        if self.states.is_empty() {
            &self.state_routes
        } else {
            &self.states
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_spelling_gives_the_states() {
        for wire in [
            r#"{"states": ["/Start", "/Order"], "sessionsCount": 3}"#,
            r#"{"stateRoutes": ["/Start", "/Order"], "sessionsCount": 3}"#,
        ] {
            let info: StateRoutesInfo = serde_json::from_str(wire).unwrap();
            assert_eq!(info.route_states(), ["/Start", "/Order"], "{wire}");
        }
    }
}
