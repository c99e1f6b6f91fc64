//! Exit codes, and how a command's outcome becomes the process's exit status and its last words
//! on stderr.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (also: stdout was closed by the reader, e.g. `| head`) |
//! | 1 | error |
//! | 2 | usage: bad arguments, a bad input file, an unknown profile |
//! | 3 | credentials or permission: missing/empty token, HTTP 401/403 |
//! | 4 | not found: HTTP 404 |
//! | 5 | partial success: some rows rejected or still pending |
//! | 130 | interrupted (Ctrl-C); a server (`emulator serve`) stops normally on Ctrl-C and exits 0 |

use std::fmt;
use std::process::ExitCode;

use crate::terminal::{ColorMode, visible_text};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0.
    Success = 0,
    /// 1.
    Error = 1,
    /// 2.
    Usage = 2,
    /// 3.
    Credentials = 3,
    /// 4.
    NotFound = 4,
    /// 5.
    Partial = 5,
    /// 130.
    Interrupted = 130,
}

/// A usage error: wrong arguments or input; exit 2.
#[derive(Debug)]
pub struct Usage(pub String);

/// A missing, empty or refused credential; exit 3.
#[derive(Debug)]
pub struct Credentials(pub String);

/// Some of the work was done, some was not; exit 5. The summary has been printed already.
#[derive(Debug)]
pub struct Partial(pub String);

/// The user answered no to a confirmation; exit 1.
#[derive(Debug)]
pub struct Aborted;

/// Ctrl-C; exit 130.
#[derive(Debug)]
pub struct Interrupted;

/// The command's deadline (`--timeout`) passed; exit 1.
#[derive(Debug)]
pub struct DeadlineExceeded(pub std::time::Duration);

macro_rules! message_error {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::error::Error for $t {}
    )*};
}
message_error!(Usage, Credentials, Partial);

impl fmt::Display for Aborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("aborted; nothing was changed")
    }
}
impl std::error::Error for Aborted {}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}
impl std::error::Error for Interrupted {}

impl fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up after {} (the command's deadline; raise it with --timeout)",
            crate::duration::human(self.0)
        )
    }
}
impl std::error::Error for DeadlineExceeded {}

/// A usage error as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Usage(message.into()).into()
}

/// The exit code for an error: the first cause in the chain that says more than "error" wins.
pub fn classify(e: &anyhow::Error) -> Exit {
    for cause in e.chain() {
        if cause.is::<Usage>() {
            return Exit::Usage;
        }
        if cause.is::<Credentials>() {
            return Exit::Credentials;
        }
        if cause.is::<Partial>() {
            return Exit::Partial;
        }
        if cause.is::<Interrupted>() {
            return Exit::Interrupted;
        }
        if let Some(e) = cause.downcast_ref::<jaicp_core::Error>() {
            match e {
                jaicp_core::Error::InvalidInput { .. } => return Exit::Usage,
                jaicp_core::Error::TaskFailed(_) => return Exit::Error,
                _ => {}
            }
            return match e.status() {
                Some(401 | 403) => Exit::Credentials,
                Some(404) => Exit::NotFound,
                _ => Exit::Error,
            };
        }
        if let Some(e) = cause.downcast_ref::<clap::Error>() {
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            };
        }
    }
    Exit::Error
}

/// Whether the error is only "the reader of stdout went away" (`jaicp … | head`).
pub fn is_closed_stdout(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints the error (if any) and turns the outcome into the exit status. A closed stdout ends
/// quietly with 0: the reader has what it wanted.
pub fn finish(result: anyhow::Result<()>, color: ColorMode) -> ExitCode {
    let Err(e) = result else {
        return ExitCode::SUCCESS;
    };
    if is_closed_stdout(&e) {
        return ExitCode::SUCCESS;
    }
    // add-phones has printed its summary and message already; only its code is left.
    if let Some(exit) = e.downcast_ref::<crate::addphones::command::Exit>() {
        return ExitCode::from(exit.0);
    }
    let code = classify(&e);
    // Errors from the SDK are already redacted; the message may still hold text a server chose,
    // so its control characters are made visible.
    let prefix = if color.stderr() {
        "\u{1b}[1;31merror:\u{1b}[0m"
    } else {
        "error:"
    };
    eprintln!("jaicp: {prefix} {}", visible_text(&format!("{e:#}")));
    ExitCode::from(code as u8)
}

/// Prints a warning on stderr (unless `quiet`).
pub fn warn(color: ColorMode, message: &str) {
    let prefix = if color.stderr() {
        "\u{1b}[1;33mwarning:\u{1b}[0m"
    } else {
        "warning:"
    };
    eprintln!("jaicp: {prefix} {}", visible_text(message));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_cause() {
        assert_eq!(classify(&usage("x")), Exit::Usage);
        assert_eq!(
            classify(&anyhow::Error::new(Credentials("x".into())).context("ctx")),
            Exit::Credentials
        );
        assert_eq!(classify(&anyhow::anyhow!("plain")), Exit::Error);
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_closed_stdout(&pipe));
    }
}
