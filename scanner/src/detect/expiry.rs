//! Expiry dates (有効期限) near a card number.
//!
//! Found either after an expiry label (`exp=12/27`, `有効期限：2027年12月`) or
//! written right after the number (`4526… 12/27`). Only their presence is
//! reported; the value stays out of every report.

use super::context::stands_as_word;
use crate::rules::KeywordSet;

/// True when an expiry date is written near the hit at `start..end`.
pub fn expiry_near(words: &KeywordSet, bytes: &[u8], start: usize, end: usize, window: usize) -> bool {
    // Written right after the number: `4526…3012 12/27`, `…3012,12/2027`.
    let mut at = end;
    while at < bytes.len()
        && at < end + 3
        && matches!(bytes[at], b' ' | b',' | b'\t' | b'|' | b';' | b'"' | b'\'')
    {
        at += 1;
    }
    if at > end && date_at(bytes, at).is_some() {
        return true;
    }
    let from = start.saturating_sub(window);
    let to = (end + window).min(bytes.len());
    words.automaton.find_iter(&bytes[from..to]).any(|m| {
        let (ws, we) = (from + m.start(), from + m.end());
        if words.ascii_word[m.pattern().as_usize()] && !stands_as_word(bytes, ws, we) {
            return false;
        }
        // The date follows its label within a few characters.
        (we..(we + 16).min(bytes.len()))
            .any(|p| (p == 0 || !bytes[p - 1].is_ascii_digit()) && date_at(bytes, p).is_some())
    })
}

/// Length of a date at `bytes[at..]`: `MM/YY`, `MM/YYYY`, `MM-YY`, `YYYY/MM`,
/// `YYYY-MM`, `MMYY`, `YYYY年MM月`, with a month from 1 to 12.
fn date_at(bytes: &[u8], at: usize) -> Option<usize> {
    let digits = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let month_ok = |text: &[u8]| {
        let m = text.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        (1..=12).contains(&m)
    };
    let first = digits(at);
    let sep = bytes.get(at + first).copied();
    let is_sep = matches!(sep, Some(b'/' | b'-'));
    let nen = bytes[at + first..].starts_with("年".as_bytes());
    let second_at = at + first + if nen { 3 } else { 1 };
    let second = if is_sep || nen { digits(second_at) } else { 0 };
    let no_more = |end: usize| !bytes.get(end).is_some_and(u8::is_ascii_digit);
    match (first, second) {
        (1 | 2, 2 | 4) if is_sep && month_ok(&bytes[at..at + first]) => Some(second_at + second - at),
        (4, 1 | 2) if (is_sep || nen) && month_ok(&bytes[second_at..second_at + second]) => {
            Some(second_at + second - at)
        }
        (4, 0) if no_more(at + 4) && (month_ok(&bytes[at..at + 2]) || month_ok(&bytes[at + 2..at + 4])) => {
            Some(4)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::date_at;

    #[test]
    fn date_forms() {
        assert_eq!(date_at(b"12/27 x", 0), Some(5));
        assert_eq!(date_at(b"12/2027", 0), Some(7));
        assert_eq!(date_at(b"2027-12", 0), Some(7));
        assert_eq!(date_at("2027年12月".as_bytes(), 0), Some(9));
        assert_eq!(date_at(b"1227", 0), Some(4));
        assert_eq!(date_at(b"13/27", 0), None);
        assert_eq!(date_at(b"123456", 0), None);
    }
}
