//! How a command's outcome becomes the process's exit status and its last words on stderr.

use std::process::ExitCode;

/// Prints the error (if any) and turns the outcome into the exit status.
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // add-phones has printed its summary and message already; only its code is left.
            if let Some(exit) = e.downcast_ref::<crate::addphones::command::Exit>() {
                return ExitCode::from(exit.0);
            }
            // Errors from the SDK are already redacted.
            eprintln!("jaicp: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
