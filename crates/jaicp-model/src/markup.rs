//! A plain tokenizer that services can use for `/process-text` (and that the default
//! [`crate::ModelService::process_text`] uses).

use crate::models::{MarkupData, WordMarkupData, WordMarkupDataAnnotations};

/// Splits `source` into words and punctuation marks. Offsets count characters, `end_pos` is
/// exclusive; `word` is lower-cased; the lemma is the word itself; with `mark_patterns`, a token
/// `$name` is one token marked `pattern`.
pub fn tokenize(source: &str, mark_patterns: bool) -> MarkupData {
    let chars: Vec<char> = source.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    let pos = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    while i < chars.len() {
        let c = chars[i];
        let is_word = |ch: char| ch.is_alphanumeric() || ch == '_' || ch == '\'';
        if c.is_whitespace() {
            i += 1;
        } else if is_word(c)
            || (mark_patterns && c == '$' && chars.get(i + 1).is_some_and(|n| n.is_alphabetic()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && is_word(chars[i]) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let word = text.to_lowercase();
            let pattern = text.starts_with('$');
            words.push(WordMarkupData {
                start_pos: pos(start),
                end_pos: pos(i),
                source: text,
                annotations: (!pattern).then(|| WordMarkupDataAnnotations {
                    lemma: Some(word.clone()),
                    pos: None,
                }),
                word,
                pattern: pattern.then_some(true),
                punctuation: None,
            });
        } else {
            words.push(WordMarkupData {
                start_pos: pos(i),
                end_pos: pos(i + 1),
                source: c.to_string(),
                word: c.to_string(),
                punctuation: Some(true),
                ..Default::default()
            });
            i += 1;
        }
    }
    MarkupData {
        source: source.to_owned(),
        corrected_text: Some(source.to_owned()),
        words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_flags() {
        let m = tokenize("Hi, $Name is here", true);
        let w: Vec<(&str, i64, i64)> = m
            .words
            .iter()
            .map(|w| (w.source.as_str(), w.start_pos, w.end_pos))
            .collect();
        assert_eq!(
            w,
            vec![
                ("Hi", 0, 2),
                (",", 2, 3),
                ("$Name", 4, 9),
                ("is", 10, 12),
                ("here", 13, 17)
            ]
        );
        assert_eq!(m.words[1].punctuation, Some(true));
        assert_eq!(m.words[2].pattern, Some(true));
        assert_eq!(m.words[0].word, "hi");
        assert_eq!(m.corrected_text.as_deref(), Some("Hi, $Name is here"));
        let plain = tokenize("$Name", false);
        assert_eq!(plain.words[0].source, "$");
    }
}
