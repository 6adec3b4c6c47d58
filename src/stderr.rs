//! Everything hihoji says on standard error passes here: the one redaction
//! step (a card number in a path, an argument or a parser's message is
//! masked) and terminal escaping (a name cannot move the cursor).

use std::io::Write;

use hihoji_scanner::redact::{redact, terminal_safe};

/// The text as it may be shown: masked, with control characters escaped.
/// Line breaks of the message itself are kept.
pub fn printable(text: &str) -> String {
    let masked = redact(text);
    masked
        .split('\n')
        .map(|line| terminal_safe(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints one message (a line, or several) on standard error.
pub fn say(text: &str) {
    let mut err = std::io::stderr().lock();
    // Nothing to do when standard error is gone.
    let _ = writeln!(err, "{}", printable(text.trim_end_matches('\n')));
}
