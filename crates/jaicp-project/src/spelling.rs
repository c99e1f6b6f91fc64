//! Fields the Project API document requires under one name but declares under another: both
//! names are fields of the model, and these accessors read whichever the server sent.

use crate::models::{ChannelType, ProjectDtoBotChannelsItem};

impl ProjectDtoBotChannelsItem {
    /// The channel's type, from `type` (the name the document requires) or `channelType` (the
    /// name it declares); which one the server sends is unconfirmed.
    pub fn kind(&self) -> Option<&ChannelType> {
        self.r#type.as_ref().or(self.channel_type.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_spelling_gives_the_type() {
        for wire in [
            r#"{"id": 5, "type": "CHAT_API"}"#,
            r#"{"id": 5, "channelType": "CHAT_API"}"#,
            r#"{"id": 5, "type": "CHAT_API", "channelType": "CHAT_API"}"#,
        ] {
            let item: ProjectDtoBotChannelsItem = serde_json::from_str(wire).unwrap();
            assert_eq!(
                item.kind().map(ChannelType::as_str),
                Some("CHAT_API"),
                "{wire}"
            );
        }
    }
}
