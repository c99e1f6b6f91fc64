//! Small text helpers of the add-phones engine: text from an input file or a server made safe
//! for a terminal, and human counts and rates (`34 k/s`, not `33971.9476/s`).

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (ESC, CR, BEL, DEL, C1 controls, …) shown as an escape
/// such as `\u{1b}`, so a hostile cell or server message cannot move the cursor or clear the
/// screen. Borrowed when there is nothing to escape (the usual case).
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Control characters, plus the bidirectional overrides that reorder what a terminal shows.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A count for people: `950`, `34 k`, `1.2 M` (three significant digits at most).
pub fn human_count(n: f64) -> String {
    let (value, unit) = if n >= 1e9 {
        (n / 1e9, " G")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        (n, "")
    };
    // One decimal below ten (`1.2 M`), none above (`34 k`, `950`).
    if value < 10.0 && !unit.is_empty() {
        format!("{value:.1}{unit}")
    } else {
        format!("{value:.0}{unit}")
    }
}

/// A rate for people: `34 k/s`.
pub fn human_rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "0/s".into();
    }
    format!("{}/s", human_count(per_second))
}

/// A duration for people: `850 ms`, `4.2 s`, `3 m 05 s`.
pub fn human_duration(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let whole = seconds.round() as u64;
        format!("{} m {:02} s", whole / 60, whole % 60)
    }
}

/// A whole number with thousands separators: `1,673,122`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(visible("Anna"), "Anna");
        assert!(matches!(visible("Anna"), Cow::Borrowed(_)));
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(visible("x\r\ny\u{7}"), "x\\r\\ny\\u{7}");
        assert_eq!(visible("\u{9b}31m"), "\\u{9b}31m", "C1 CSI");
        assert_eq!(visible("a\u{202e}b"), "a\\u{202e}b", "bidi override");
        assert_eq!(visible("Жанна"), "Жанна");
    }

    #[test]
    fn rates_are_human() {
        assert_eq!(human_rate(33_971.947_6), "34 k/s");
        assert_eq!(human_rate(950.2), "950/s");
        assert_eq!(human_rate(1_234_567.0), "1.2 M/s");
        assert_eq!(human_rate(0.0), "0/s");
        assert_eq!(human_rate(f64::NAN), "0/s");
        assert_eq!(human_count(10_000_000.0), "10 M");
    }

    #[test]
    fn durations_and_groups() {
        assert_eq!(human_duration(0.25), "250 ms");
        assert_eq!(human_duration(4.25), "4.2 s");
        assert_eq!(human_duration(185.0), "3 m 05 s");
        assert_eq!(grouped(1_673_122), "1,673,122");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
    }
}
