//! The emulator's classifier: a deterministic matcher over training phrases and patterns.
//!
//! Not JAICP's algorithm, only something that behaves plausibly and predictably:
//! - a pattern that matches the whole phrase scores 1.0;
//! - a training phrase scores 1.0 when equal to the query (case and punctuation ignored), else
//!   0.9 × the word overlap (Jaccard);
//! - intents scoring under [`MIN_SCORE`] are not returned; ties go to the smaller path.
//!
//! Pattern syntax understood: words, `*` (any words), `(a|b c)` alternatives, `[a|b]` optional
//! alternatives, `{a b}` any order, `~word` (word prefix), `@entity` (a record of the entity, or a
//! number for `@duckling.number`), `$name` and `$regexp<...>` (any one word).

use std::collections::BTreeSet;

/// Scores below this do not count as a match.
pub(crate) const MIN_SCORE: f64 = 0.2;

/// A word of a text with its character offsets (`end` exclusive).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) source: String,
    pub(crate) word: String,
    pub(crate) punctuation: bool,
}

/// Splits a text into words and punctuation marks (offsets in characters).
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '\'') {
                i += 1;
            }
            let source: String = chars[start..i].iter().collect();
            out.push(Token {
                start,
                end: i,
                word: source.to_lowercase(),
                source,
                punctuation: false,
            });
        } else {
            if !c.is_whitespace() {
                out.push(Token {
                    start: i,
                    end: i + 1,
                    source: c.to_string(),
                    word: c.to_string(),
                    punctuation: true,
                });
            }
            i += 1;
        }
    }
    out
}

/// The lower-cased words of a text, punctuation dropped.
pub(crate) fn words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| !t.punctuation)
        .map(|t| t.word)
        .collect()
}

/// Looks up the records of an entity for `@name` in patterns.
pub(crate) trait EntityRules {
    /// Word sequences that the entity matches.
    fn rules(&self, entity: &str) -> Vec<Vec<String>>;
}

#[derive(Debug, Clone)]
enum Node {
    Word(String),
    Prefix(String),
    AnyWord,
    Star,
    Number,
    Entity(String),
    Alt(Vec<Vec<Node>>),
    Opt(Vec<Vec<Node>>),
    AnyOrder(Vec<Node>),
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    _text: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Alternatives separated by `|` until `close` (or the end).
    fn alts(&mut self, close: Option<char>) -> Vec<Vec<Node>> {
        let mut alts = vec![Vec::new()];
        while let Some(c) = self.peek() {
            if Some(c) == close {
                self.pos += 1;
                break;
            }
            match c {
                '|' => {
                    self.pos += 1;
                    alts.push(Vec::new());
                }
                _ => {
                    if let Some(node) = self.node()
                        && let Some(last) = alts.last_mut()
                    {
                        last.push(node);
                    }
                }
            }
        }
        alts
    }

    fn node(&mut self) -> Option<Node> {
        let c = self.peek()?;
        match c {
            c if c.is_whitespace() || c == ',' => {
                self.pos += 1;
                None
            }
            '*' => {
                self.pos += 1;
                Some(Node::Star)
            }
            '(' => {
                self.pos += 1;
                Some(Node::Alt(self.alts(Some(')'))))
            }
            '[' => {
                self.pos += 1;
                Some(Node::Opt(self.alts(Some(']'))))
            }
            '{' => {
                self.pos += 1;
                let items = self.alts(Some('}')).into_iter().flatten().collect();
                Some(Node::AnyOrder(items))
            }
            ')' | ']' | '}' => {
                self.pos += 1;
                None
            }
            '~' | '@' | '$' => {
                self.pos += 1;
                let name = self.name();
                if c == '$' && self.peek() == Some('<') {
                    let mut depth = 0;
                    while let Some(ch) = self.peek() {
                        self.pos += 1;
                        match ch {
                            '<' => depth += 1,
                            '>' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Some(match c {
                    '~' => Node::Prefix(stem(&name.to_lowercase())),
                    '@' if name.starts_with("duckling.number") => Node::Number,
                    '@' => Node::Entity(name),
                    _ => Node::AnyWord,
                })
            }
            _ => {
                let name = self.name();
                if name.is_empty() {
                    self.pos += 1;
                    return None;
                }
                // A word of several tokens (`don't`, `e-mail`) becomes a sequence.
                let mut parts: Vec<Node> = words(&name).into_iter().map(Node::Word).collect();
                match parts.len() {
                    0 => None,
                    1 => parts.pop(),
                    _ => Some(Node::Alt(vec![parts])),
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || "._-'".contains(c) {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.chars[start..self.pos].iter().collect()
    }
}

/// A crude stem for `~word`: common English endings removed, else the last letter of a long word.
fn stem(word: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(root) = word.strip_suffix(suffix)
            && root.chars().count() >= 3
        {
            return root.to_owned();
        }
    }
    let n = word.chars().count();
    if n > 4 {
        word.chars().take(n - 1).collect()
    } else {
        word.to_owned()
    }
}

/// A parsed pattern.
#[derive(Debug, Clone)]
pub(crate) struct Pattern(Vec<Vec<Node>>);

impl Pattern {
    pub(crate) fn parse(text: &str) -> Pattern {
        let mut p = Parser {
            chars: text.chars().collect(),
            pos: 0,
            _text: text,
        };
        Pattern(p.alts(None))
    }

    /// True when the pattern covers all of `words`.
    pub(crate) fn matches(&self, words: &[String], entities: &dyn EntityRules) -> bool {
        let m = Matcher { words, entities };
        self.0
            .iter()
            .any(|seq| m.seq_ends(seq, 0, 0).contains(&words.len()))
    }
}

struct Matcher<'a> {
    words: &'a [String],
    entities: &'a dyn EntityRules,
}

const MAX_DEPTH: usize = 64;

impl Matcher<'_> {
    fn seq_ends(&self, seq: &[Node], start: usize, depth: usize) -> BTreeSet<usize> {
        let mut current = BTreeSet::from([start]);
        if depth > MAX_DEPTH {
            return BTreeSet::new();
        }
        for node in seq {
            let mut next = BTreeSet::new();
            for &i in &current {
                next.extend(self.node_ends(node, i, depth + 1));
            }
            if next.is_empty() {
                return next;
            }
            current = next;
        }
        current
    }

    fn node_ends(&self, node: &Node, i: usize, depth: usize) -> BTreeSet<usize> {
        let w = self.words;
        let one = |ok: bool| {
            if ok {
                BTreeSet::from([i + 1])
            } else {
                BTreeSet::new()
            }
        };
        match node {
            Node::Word(word) => one(w.get(i) == Some(word)),
            Node::Prefix(p) => one(w.get(i).is_some_and(|x| x.starts_with(p.as_str()))),
            Node::AnyWord => one(i < w.len()),
            Node::Number => one(w
                .get(i)
                .is_some_and(|x| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit()))),
            Node::Star => (i..=w.len()).collect(),
            Node::Entity(name) => {
                let mut ends = BTreeSet::new();
                for rule in self.entities.rules(name) {
                    if !rule.is_empty()
                        && w.len() >= i + rule.len()
                        && w[i..i + rule.len()] == rule[..]
                    {
                        ends.insert(i + rule.len());
                    }
                }
                ends
            }
            Node::Alt(alts) => alts
                .iter()
                .flat_map(|seq| self.seq_ends(seq, i, depth))
                .collect(),
            Node::Opt(alts) => {
                let mut ends: BTreeSet<usize> = alts
                    .iter()
                    .flat_map(|seq| self.seq_ends(seq, i, depth))
                    .collect();
                ends.insert(i);
                ends
            }
            Node::AnyOrder(items) => {
                if items.len() > 5 {
                    return self.seq_ends(items, i, depth);
                }
                let mut ends = BTreeSet::new();
                permute(items.len(), &mut |order| {
                    let seq: Vec<Node> = order.iter().map(|&k| items[k].clone()).collect();
                    ends.extend(self.seq_ends(&seq, i, depth));
                });
                ends
            }
        }
    }
}

fn permute(n: usize, f: &mut dyn FnMut(&[usize])) {
    fn go(order: &mut Vec<usize>, used: &mut Vec<bool>, f: &mut dyn FnMut(&[usize])) {
        if order.len() == used.len() {
            f(order);
            return;
        }
        for k in 0..used.len() {
            if !used[k] {
                used[k] = true;
                order.push(k);
                go(order, used, f);
                order.pop();
                used[k] = false;
            }
        }
    }
    go(&mut Vec::with_capacity(n), &mut vec![false; n], f);
}

/// Similarity of a query to a training phrase.
pub(crate) fn phrase_score(query: &[String], phrase: &[String]) -> f64 {
    if query.is_empty() || phrase.is_empty() {
        return 0.0;
    }
    if query == phrase {
        return 1.0;
    }
    let a: BTreeSet<&String> = query.iter().collect();
    let b: BTreeSet<&String> = phrase.iter().collect();
    let inter = a.intersection(&b).count() as f64;
    let union = a.union(&b).count() as f64;
    0.9 * inter / union
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rules;
    impl EntityRules for Rules {
        fn rules(&self, entity: &str) -> Vec<Vec<String>> {
            if entity == "city" {
                vec![words("new york"), words("paris")]
            } else {
                Vec::new()
            }
        }
    }

    fn m(p: &str, text: &str) -> bool {
        Pattern::parse(p).matches(&words(text), &Rules)
    }

    #[test]
    fn patterns_match() {
        assert!(m("* book * table *", "please book a table for two"));
        assert!(m("(hi|hello) [there]", "Hello!"));
        assert!(m("(hi|hello) [there]", "hi there"));
        assert!(!m("(hi|hello) [there]", "hi you"));
        assert!(m("{red apple}", "apple red"));
        assert!(m("fly to @city", "fly to New York"));
        assert!(!m("fly to @city", "fly to london"));
        assert!(m("~booking *", "booked a room"));
        assert!(m("@duckling.number people", "4 people"));
        assert!(m("$regexp<\\d+> x", "12 x"));
    }

    #[test]
    fn scores() {
        assert_eq!(phrase_score(&words("Hi!"), &words("hi")), 1.0);
        let s = phrase_score(&words("book table"), &words("book a table"));
        assert!(s > 0.5 && s < 0.9);
        assert_eq!(phrase_score(&words("x"), &words("y")), 0.0);
    }

    #[test]
    fn token_offsets_are_exclusive_chars() {
        let t = tokens("Привет, мир");
        assert_eq!((t[0].start, t[0].end), (0, 6));
        assert!(t[1].punctuation);
        assert_eq!(t[2].source, "мир");
    }
}
