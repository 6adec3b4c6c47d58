//! In-source allow comments: `hihoji:allow RULE_ID reason=...` on the same
//! line as a finding marks it as suppressed (a test fixture, a documented
//! sample). The finding is still reported — with the reason — so an auditor
//! sees every allowance; it only stops failing the scan.
//!
//! Several ids may be given, separated by commas or spaces
//! (`hihoji:allow PAN,CVV reason=fixture`). The reason may be quoted; without
//! quotes it runs to the end of the line, less a trailing comment closer.

use crate::findings::Suppression;

const MARKER: &[u8] = b"hihoji:allow";
/// A reason is the comment author's text, but it sits in scanned content: it
/// is cut to this many characters, and digits are hidden when there are
/// enough of them to be a card number.
const MAX_REASON: usize = 160;
const MAX_REASON_DIGITS: usize = 11;

/// The suppression that `line` grants to a finding of `rule_id`, if any.
pub fn allowance(line: &[u8], rule_id: &str) -> Option<Suppression> {
    let mut rest = line;
    while let Some(at) = memchr::memmem::find(rest, MARKER) {
        let after = &rest[at + MARKER.len()..];
        if let Some(suppression) = parse_allow(after, rule_id) {
            return Some(suppression);
        }
        rest = after;
    }
    None
}

/// Parses what follows the marker: ids, then an optional `reason=`.
fn parse_allow(after: &[u8], rule_id: &str) -> Option<Suppression> {
    // The marker must stand alone: "hihoji:allowed" is not an allowance.
    if !after.first().is_some_and(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let text = String::from_utf8_lossy(after);
    let (ids, reason) = match text.find("reason=") {
        Some(at) => (&text[..at], Some(&text[at + "reason=".len()..])),
        None => (&text[..], None),
    };
    let mut listed = ids
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .take_while(|t| {
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if !listed.any(|id| id == rule_id) {
        return None;
    }
    let justification = reason
        .map(reason_text)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "(no reason given)".to_string());
    Some(Suppression {
        justification: justification.into(),
    })
}

/// The reason: quoted, or to the end of the line without a comment closer.
fn reason_text(raw: &str) -> String {
    let raw = raw.trim_start();
    let text = match raw.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(""),
        None => {
            let mut t = raw.trim_end();
            for closer in ["*/", "-->", "#}", "%>", "?>"] {
                t = t.strip_suffix(closer).unwrap_or(t).trim_end();
            }
            t
        }
    };
    let cut: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_REASON)
        .collect();
    if cut.chars().filter(char::is_ascii_digit).count() > MAX_REASON_DIGITS {
        cut.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::allowance;

    #[test]
    fn allow_comment_with_reason_suppresses_its_rule() {
        let line = b"card = \"4526018159083012\"  # hihoji:allow PAN reason=fixture for the parser";
        let s = allowance(line, "PAN").unwrap();
        assert_eq!(s.justification, "fixture for the parser");
    }

    #[test]
    fn allow_comment_names_only_its_rules() {
        let line = b"x // hihoji:allow CVV,TRACK2 reason=sample";
        assert!(allowance(line, "PAN").is_none());
        assert_eq!(allowance(line, "TRACK2").unwrap().justification, "sample");
    }

    #[test]
    fn quoted_reason_and_comment_closer_are_trimmed() {
        let quoted = b"<!-- hihoji:allow PAN reason=\"demo page\" --> 4526018159083012";
        assert_eq!(allowance(quoted, "PAN").unwrap().justification, "demo page");
        let closed = b"/* hihoji:allow PAN reason=test data */";
        assert_eq!(allowance(closed, "PAN").unwrap().justification, "test data");
    }

    #[test]
    fn reason_never_carries_a_card_number() {
        let line = b"hihoji:allow PAN reason=was 4526018159083012";
        let s = allowance(line, "PAN").unwrap();
        assert!(
            !s.justification.contains("4526018159083012"),
            "{}",
            s.justification
        );
    }

    #[test]
    fn marker_must_stand_alone() {
        assert!(allowance(b"hihoji:allowed PAN reason=x", "PAN").is_none());
        assert!(allowance(b"no marker PAN reason=x", "PAN").is_none());
    }

    #[test]
    fn missing_reason_is_said() {
        let s = allowance(b"# hihoji:allow PAN", "PAN").unwrap();
        assert_eq!(s.justification, "(no reason given)");
    }
}
