//! The scripted bot: deterministic answers from a rules file (`rules/chat-bot.json` by default).

use serde::Deserialize;
use serde_json::Value;

/// The default rules, shipped with the crate.
pub const DEFAULT_RULES: &str = include_str!("../../rules/chat-bot.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    /// Matches an event with this name.
    #[serde(default)]
    pub(crate) event: Option<String>,
    /// Matches a text containing one of these words (case-insensitive).
    #[serde(default)]
    pub(crate) words: Vec<String>,
    #[serde(default)]
    pub(crate) state: Option<String>,
    #[serde(default)]
    pub(crate) replies: Vec<Value>,
    #[serde(default)]
    pub(crate) new_session: bool,
    #[serde(default)]
    pub(crate) end_session: bool,
}

/// A parsed rules file.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Rules {
    rules: Vec<Rule>,
    fallback: Rule,
}

/// What the bot says to one turn.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) replies: Vec<Value>,
    pub(crate) state: String,
    pub(crate) confidence: f64,
    pub(crate) new_session: bool,
    pub(crate) end_session: bool,
}

impl Rules {
    /// Parses a rules file; the error says what is wrong.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let rules: Rules =
            serde_json::from_str(text).map_err(|e| format!("bad chat rules file: {e}"))?;
        for (i, rule) in rules.rules.iter().enumerate() {
            if rule.event.is_none() && rule.words.is_empty() {
                return Err(format!("chat rule {i} has neither `event` nor `words`"));
            }
        }
        Ok(rules)
    }

    pub(crate) fn default_rules() -> Self {
        // The shipped file is checked by a unit test; an unreadable one would be a build bug,
        // and even then the emulator answers with an empty fallback instead of panicking.
        Self::parse(DEFAULT_RULES).unwrap_or_else(|_| Rules {
            rules: Vec::new(),
            fallback: Rule {
                event: None,
                words: Vec::new(),
                state: Some("/CatchAll".into()),
                replies: Vec::new(),
                new_session: false,
                end_session: false,
            },
        })
    }

    /// The answer to a text (`query`) or an event.
    pub(crate) fn answer(&self, query: Option<&str>, event: Option<&str>) -> Answer {
        let lowered = query.map(str::to_lowercase);
        let hit = self.rules.iter().find(|r| match (event, &lowered) {
            (Some(e), _) => r.event.as_deref() == Some(e),
            (None, Some(q)) => r.words.iter().any(|w| q.contains(&w.to_lowercase())),
            (None, None) => false,
        });
        let (rule, confidence) = match hit {
            Some(r) => (r, 1.0),
            None => (&self.fallback, 0.0),
        };
        let shown = query.or(event).unwrap_or_default();
        let replies = rule
            .replies
            .iter()
            .map(|r| fill(r.clone(), shown, rule.state.as_deref()))
            .collect();
        Answer {
            replies,
            state: rule.state.clone().unwrap_or_else(|| "/".into()),
            confidence,
            new_session: rule.new_session,
            end_session: rule.end_session,
        }
    }
}

fn fill(mut reply: Value, query: &str, state: Option<&str>) -> Value {
    if let Some(obj) = reply.as_object_mut() {
        if let Some(Value::String(text)) = obj.get_mut("text") {
            *text = text.replace("{query}", query);
        }
        if let Some(state) = state {
            obj.entry("state")
                .or_insert_with(|| Value::String(state.into()));
        }
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_parse_and_answer_deterministically() {
        let rules = Rules::parse(DEFAULT_RULES).unwrap();
        let a = rules.answer(Some("Hello there"), None);
        assert_eq!(a.state, "/Hello");
        assert_eq!(a.replies[1]["type"], "buttons");
        let b = rules.answer(Some("what does it COST?"), None);
        assert_eq!(b.state, "/Prices");
        let start = rules.answer(None, Some("/start"));
        assert!(start.new_session);
        let bye = rules.answer(Some("bye"), None);
        assert!(bye.end_session);
        let other = rules.answer(Some("zebra"), None);
        assert_eq!(other.state, "/CatchAll");
        assert!(other.replies[0]["text"].as_str().unwrap().contains("zebra"));
        assert_eq!(other.confidence, 0.0);
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        assert!(Rules::parse("{").is_err());
        let no_match = r#"{"rules":[{"replies":[]}],"fallback":{"replies":[]}}"#;
        assert!(Rules::parse(no_match).unwrap_err().contains("rule 0"));
    }
}
