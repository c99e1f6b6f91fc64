//! What reaches the user's terminal: text that came from a server or a file is made harmless
//! before it is printed.

/// Drops control characters so that server data cannot move the cursor or recolour the terminal.
pub fn sanitize(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}
