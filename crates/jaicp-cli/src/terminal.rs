//! What reaches the user's terminal. Text that came from a server or an input file is printed with
//! its control and escape characters made visible (`\x1b`, `\u{9b}`), so a hostile answer cannot
//! clear the screen, move the cursor or recolour the terminal. Colour and confirmation prompts are
//! decided here too.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};

use clap::ValueEnum;

/// `--color`.
#[derive(Debug, Clone, Copy, Default, ValueEnum, PartialEq, Eq)]
pub enum ColorMode {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorMode {
    /// Whether stderr gets colour.
    pub fn stderr(self) -> bool {
        match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => no_color_unset() && std::io::stderr().is_terminal(),
        }
    }

    /// The same choice for clap's help and usage errors.
    pub fn clap(self) -> clap::ColorChoice {
        match self {
            ColorMode::Always => clap::ColorChoice::Always,
            ColorMode::Never => clap::ColorChoice::Never,
            ColorMode::Auto if !no_color_unset() => clap::ColorChoice::Never,
            ColorMode::Auto => clap::ColorChoice::Auto,
        }
    }
}

/// `NO_COLOR` (<https://no-color.org>): set to anything non-empty turns colour off in `auto`.
fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// One line of text with every control character escaped, newlines and tabs included: for table
/// cells and single-line messages.
pub fn visible(s: &str) -> String {
    escape(s, false)
}

/// Free text (a bot's answer, an error message): newlines and tabs are kept, every other control
/// character is escaped.
pub fn visible_text(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, keep_lines: bool) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether stdout is a terminal (tables and CSV printed there are made visible; progress bars and
/// prompts need one).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Asks `question [y/N]` on a terminal; `--yes`, or no terminal to ask on, answers yes (scripts
/// pass through). Anything but `y`/`yes` aborts.
pub fn confirm(yes: bool, question: &str) -> anyhow::Result<()> {
    if yes || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(());
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{} [y/N] ", visible(question))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(crate::error::Aborted.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(visible("x\u{9b}31m"), "x\\u{9b}31m");
        assert_eq!(visible("two\nlines"), "two\\nlines");
        assert_eq!(visible_text("two\nlines\u{7}"), "two\nlines\\x07");
        assert_eq!(visible("plain"), "plain");
    }
}
