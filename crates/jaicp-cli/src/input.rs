//! User-given files. `-` as a file argument means stdin (for input) or stdout (for output).

use std::io::Read;
use std::path::Path;

use anyhow::Context;

/// Whether a path argument is `-`.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads a whole file, or stdin for `-`; the error names the file.
pub fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    if is_stdio(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
        return Ok(bytes);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a whole UTF-8 file, or stdin for `-`; the error names the file.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes)
        .map_err(|_| crate::error::usage(format!("{} is not UTF-8 text", display(path))))
}

/// A path for messages: `stdin`/`stdout` for `-`.
pub fn display(path: &Path) -> String {
    if is_stdio(path) {
        "standard input/output".to_owned()
    } else {
        path.display().to_string()
    }
}
