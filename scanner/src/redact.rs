//! The one redaction step every displayable string passes (DESIGN.md §6).
//!
//! Names, parser messages, annotations and arguments are text hihoji did not
//! read as content, yet they can hold a card number (`4526018159083012.csv`).
//! [`Redacted`] is the only type the findings model and the writers accept for
//! such text, and its only constructor masks: so no writer can be handed a raw
//! `String`, and JSON read back (`hihoji report`) is masked again on the way in.
//!
//! What is masked is a superset of what the detectors read as a card number:
//! every run of 13 or more digits — ASCII, full-width or other Unicode digits,
//! `%3N`-encoded, or UTF-16 (a NUL after each digit) — joined by up to three
//! separators (spaces, dashes, dots, underscores, slashes, `+`, `%20`, NUL,
//! zero-width characters) keeps its first 6 and last 4 digits, and every digit
//! between becomes `*`. Luhn and brand are not asked: masking a harmless id is
//! cheap, leaking a number is not. The one thing left alone is a git object
//! id that hihoji itself read from a repository ([`Redacted::object_id`]).

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Fewest digits in a run that is masked (the shortest card number).
const MIN_DIGITS: usize = 13;
/// Digits shown at the start and at the end of a masked run.
const SHOW_FIRST: usize = 6;
const SHOW_LAST: usize = 4;
/// Most separator characters between two digits of one run (`4\0 \0` in UTF-16 is three).
const MAX_SEPARATORS: usize = 3;

/// Text that has passed redaction: no run of 13 or more digits in it shows
/// more than its first 6 and last 4.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Redacted(String);

impl Redacted {
    /// Masks `text`.
    pub fn new(text: &str) -> Self {
        Redacted(redact(text).into_owned())
    }

    /// A git object id (40 or 64 hex digits) as it is, since its digits are
    /// a hash and masking them would break it; anything else is masked.
    pub fn object_id(id: &str) -> Self {
        if is_object_id(id) {
            Redacted(id.to_string())
        } else {
            Redacted::new(id)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for Redacted {
    fn from(text: String) -> Self {
        match redact(&text) {
            Cow::Borrowed(_) => Redacted(text),
            Cow::Owned(masked) => Redacted(masked),
        }
    }
}

impl From<&str> for Redacted {
    fn from(text: &str) -> Self {
        Redacted::new(text)
    }
}

impl From<&String> for Redacted {
    fn from(text: &String) -> Self {
        Redacted::new(text)
    }
}

impl From<Cow<'_, str>> for Redacted {
    fn from(text: Cow<'_, str>) -> Self {
        Redacted::from(text.into_owned())
    }
}

impl From<Redacted> for String {
    fn from(text: Redacted) -> Self {
        text.0
    }
}

impl Deref for Redacted {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Redacted {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Redacted {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl PartialEq<str> for Redacted {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Redacted {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Redacted {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<Redacted> for str {
    fn eq(&self, other: &Redacted) -> bool {
        self == other.0
    }
}

impl PartialEq<Redacted> for &str {
    fn eq(&self, other: &Redacted) -> bool {
        *self == other.0
    }
}

impl PartialEq<Redacted> for String {
    fn eq(&self, other: &Redacted) -> bool {
        *self == other.0
    }
}

impl Serialize for Redacted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Input is never trusted: a report read back is masked again (object ids,
/// which reports carry for commits, excepted).
impl<'de> Deserialize<'de> for Redacted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(if is_object_id(&text) {
            Redacted(text)
        } else {
            Redacted::from(text)
        })
    }
}

/// A git object id or a keyed fingerprint: exactly 40 or 64 lower-case hex
/// digits, at least one a letter.
pub fn is_object_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64)
        && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && text.bytes().any(|b| b.is_ascii_alphabetic())
}

/// One character of the text as redaction sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Digit,
    Separator,
    Other,
}

/// The unit starting at byte `at` of `text` and its length in bytes; with
/// `percent`, `%3N` is one digit and `%20` one separator.
fn unit_at(text: &str, at: usize, percent: bool) -> (Unit, usize) {
    let bytes = text.as_bytes();
    if percent && bytes[at] == b'%' {
        if let Some((unit, len)) = percent_unit(&bytes[at..]) {
            return (unit, len);
        }
    }
    let c = text[at..].chars().next().unwrap_or('\0');
    let unit = if c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) {
        Unit::Digit
    } else if matches!(
        c,
        ' ' | '-'
            | '.'
            | '_'
            | '/'
            | '+'
            | '\t'
            | '\0'
            | '\u{a0}'
            | '\u{ad}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2010}'..='\u{2015}'
            | '\u{2060}'
            | '\u{2212}'
            | '\u{3000}'
            | '\u{feff}'
            | '\u{ff0d}'
            | '\u{ff0e}'
            | '\u{ff0f}'
            | '\u{ff3f}'
    ) {
        Unit::Separator
    } else {
        Unit::Other
    };
    (unit, c.len_utf8())
}

/// A percent-encoded digit or separator (`%34`, `%20`, and once more encoded, `%2534`).
fn percent_unit(bytes: &[u8]) -> Option<(Unit, usize)> {
    let (hex, len) = match bytes {
        [b'%', b'2', b'5', h, l, ..] => ([*h, *l], 5),
        [b'%', h, l, ..] => ([*h, *l], 3),
        _ => return None,
    };
    let value = u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?;
    match value {
        b'0'..=b'9' => Some((Unit::Digit, len)),
        b' ' | b'-' | b'.' | b'_' | b'/' | b'+' | 0 => Some((Unit::Separator, len)),
        _ => None,
    }
}

/// `text` with every card-number-like digit run masked; borrowed when nothing was.
///
/// Runs are read twice: as written, then with %-encoding decoded. `%34532…`
/// is a plain run after a `%` to a reader, and `%34%35…` an encoded one; each
/// reading masks what it sees.
pub fn redact(text: &str) -> Cow<'_, str> {
    match mask_runs(text, false) {
        Cow::Borrowed(_) => mask_runs(text, true),
        Cow::Owned(once) => Cow::Owned(mask_runs(&once, true).into_owned()),
    }
}

/// One reading of [`redact`].
fn mask_runs(text: &str, percent: bool) -> Cow<'_, str> {
    if !may_hold_run(text) {
        return Cow::Borrowed(text);
    }
    let mut masked: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    let mut digits: Vec<(usize, usize)> = Vec::new();
    while at < text.len() {
        let (unit, len) = unit_at(text, at, percent);
        if unit != Unit::Digit {
            at += len;
            continue;
        }
        // A run: digits joined by at most MAX_SEPARATORS separators.
        digits.clear();
        let mut end = at;
        let mut cursor = at;
        let mut separators = 0;
        while cursor < text.len() {
            let (unit, len) = unit_at(text, cursor, percent);
            match unit {
                Unit::Digit => {
                    digits.push((cursor, cursor + len));
                    separators = 0;
                    cursor += len;
                    end = cursor;
                }
                Unit::Separator if separators < MAX_SEPARATORS => {
                    separators += 1;
                    cursor += len;
                }
                _ => break,
            }
        }
        if digits.len() >= MIN_DIGITS {
            let out = masked.get_or_insert_with(|| String::with_capacity(text.len()));
            for &(start, stop) in &digits[SHOW_FIRST..digits.len() - SHOW_LAST] {
                out.push_str(&text[copied..start]);
                out.push('*');
                copied = stop;
            }
        }
        at = end;
    }
    match masked {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Whether `text` holds a run redaction masks: only then can the detectors,
/// which read a subset of those forms, find a card number in it (the first
/// look before a name is scanned as data).
pub fn may_hold_number(text: &str) -> bool {
    matches!(redact(text), Cow::Owned(_))
}

/// A cheap first look: fewer than 13 digit-like characters cannot make a run.
fn may_hold_run(text: &str) -> bool {
    let digits = text
        .chars()
        .filter(|c| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()))
        .count();
    // `%34` holds one ASCII digit of its own plus the encoded one: counted above.
    digits >= MIN_DIGITS
}

/// `text` safe to print on a terminal: control characters, and the bidi
/// controls that reorder what a line shows, are written as escapes (like
/// `ls -b`), so a name cannot move the cursor, clear a line or forge one.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if needs_escape(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::luhn_complete;

    #[test]
    fn plain_number_keeps_first_six_and_last_four() {
        assert_eq!(redact("4526018159083012.csv"), "452601******3012.csv");
    }

    #[test]
    fn grouped_number_keeps_its_separators() {
        assert_eq!(redact("card 4526 0181 5908 3012 x"), "card 4526 01** **** 3012 x");
        assert_eq!(redact("4526-0181-5908-3012"), "4526-01**-****-3012");
    }

    #[test]
    fn percent_encoded_number_is_masked() {
        let r = redact("q=%34%35%32%36%30%31%38%31%35%39%30%38%33%30%31%32");
        assert_eq!(r.matches('*').count(), 6, "{r}");
        assert!(!r.contains("%38%31%35%39"), "{r}");
        assert_eq!(redact("4526%200181%205908%203012"), "4526%2001**%20****%203012");
    }

    #[test]
    fn digits_after_a_percent_sign_are_masked_read_either_way() {
        assert_eq!(redact("%34532015112830"), "%345320****2830");
    }

    #[test]
    fn utf16_and_full_width_numbers_are_masked() {
        let utf16: String = "4526018159083012".chars().flat_map(|c| [c, '\0']).collect();
        let r = redact(&utf16);
        assert_eq!(r.matches('*').count(), 6);
        assert_eq!(
            redact("４５２６０１８１５９０８３０１２"),
            "４５２６０１******３０１２"
        );
    }

    #[test]
    fn any_long_run_is_masked_luhn_or_not() {
        assert_eq!(redact("id 1234567890123"), "id 123456***0123");
        assert_eq!(redact("12345678901234567890123"), "123456*************0123");
    }

    #[test]
    fn short_runs_timestamps_and_addresses_are_left_alone() {
        for text in [
            "order 123456789012",
            "2026-12-02T00:38:04Z",
            "tcp:10.0.0.5:51234->10.0.0.9:80",
            "452601******3012",
        ] {
            assert_eq!(redact(text), text);
            assert!(matches!(redact(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn object_ids_are_kept_only_where_hihoji_made_them() {
        let commit = "3f2a1b9c4526018159083012e5d7a9b1c3d5e7f9";
        assert_eq!(Redacted::object_id(commit), commit);
        let read: Redacted = serde_json::from_str(&format!("\"{commit}\"")).unwrap();
        assert_eq!(read, commit);
        // The same text as a name is masked.
        assert_ne!(Redacted::new(commit), commit);
        assert_ne!(redact("x4526018159083012y"), "x4526018159083012y");
    }

    #[test]
    fn redaction_is_idempotent() {
        let once = redact("a 4526 0181 5908 3012 1234567890123 b").into_owned();
        assert_eq!(redact(&once), once);
    }

    #[test]
    fn deserializing_masks_again() {
        let r: Redacted = serde_json::from_str("\"4526018159083012\"").unwrap();
        assert_eq!(r, "452601******3012");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"452601******3012\"");
    }

    /// The number in one of the forms a name can carry it in.
    fn written(number: &str, form: u8) -> String {
        let groups: Vec<&str> = (0..number.len())
            .step_by(4)
            .map(|i| &number[i..(i + 4).min(number.len())])
            .collect();
        match form % 6 {
            0 => number.to_string(),
            1 => groups.join(" "),
            2 => groups.join("-"),
            3 => number.chars().map(|c| format!("%3{c}")).collect(),
            4 => number.chars().flat_map(|c| [c, '\0']).collect(),
            _ => number
                .chars()
                .map(|c| char::from_u32(0xff10 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
                .collect(),
        }
    }

    /// The digits a reader gets back from `text`, in every form above.
    fn digits_in(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                let hex: String = chars.clone().take(2).collect();
                if let Ok(v) = u8::from_str_radix(&hex, 16) {
                    chars.next();
                    chars.next();
                    if v.is_ascii_digit() {
                        out.push(char::from(v));
                    }
                    continue;
                }
            }
            if c.is_ascii_digit() {
                out.push(c);
            } else if ('\u{ff10}'..='\u{ff19}').contains(&c) {
                out.push(char::from(b'0' + (c as u32 - 0xff10) as u8));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn redacted_names_never_show_the_middle_digits(
            body in "[0-9]{12,18}",
            form in 0u8..6,
            before in "[a-zA-Z_ ./日本-]{0,12}",
            after in "[a-zA-Z_ ./語-]{0,12}",
        ) {
            let number = luhn_complete(&body);
            let name = format!("{before}{}{after}", written(&number, form));
            let shown = digits_in(&redact(&name));
            let expected = format!("{}{}", &number[..6], &number[number.len() - 4..]);
            proptest::prop_assert_eq!(shown, expected, "{:?} -> {:?}", name, redact(&name));
        }

        #[test]
        fn no_name_shows_a_whole_number_whatever_surrounds_it(
            body in "[0-9]{12,18}",
            form in 0u8..6,
            before in "[a-z0-9 %_-]{0,16}",
            after in "[a-z0-9 %_-]{0,16}",
        ) {
            let number = luhn_complete(&body);
            let name = format!("{before}{}{after}", written(&number, form));
            let redacted = redact(&name);
            let decoded = digits_in(&redacted);
            let plain: String = redacted.chars().filter(char::is_ascii_digit).collect();
            proptest::prop_assert!(
                !decoded.contains(&number) && !plain.contains(&number),
                "{:?} -> {:?}", name, redacted
            );
        }
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_for_terminals() {
        assert_eq!(terminal_safe("a\r\x1b[2Kb"), "a\\r\\x1b[2Kb");
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal_safe("plain/日本語.csv"), "plain/日本語.csv");
    }
}
