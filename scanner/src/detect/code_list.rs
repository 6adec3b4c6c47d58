//! Numbers in a program's argument and literal lists.
//!
//! Test code and numeric libraries write long constants as bare integer
//! literals among other numbers: `check_normalize(<16 digits>, 446, 11)`,
//! `mpf((0, <15 digits>, -55, 50))`, `{274177: 1, <14 digits>: 1}`. One in
//! thirty such constants passes Luhn and a brand range by chance. A card
//! number in code is a string or sits next to a card word; an unquoted number
//! whose list holds other numbers that are not cards (a long, signed or
//! decimal one, or three of them), on a line that calls a function, is a
//! constant. A month and a year beside it are an expiry, not constants.
//!
//! SQL rows (`VALUES (1, <pan>, 2500)`) look the same and are where stored
//! cards live: a line with `VALUES` is never read as code.

use super::pan::is_card_number;
use super::Digits;
use crate::rules::RuleSet;

/// How far along the line, on each side, the list is looked for.
const REACH: usize = 256;

/// Whether the unquoted number at `start..end` is an item of a bracketed
/// list on a line of code whose other items include a number that is not a
/// card number, and none that is.
pub fn in_code_list(bytes: &[u8], start: usize, end: usize, rules: &RuleSet) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    let from = line_start.max(start.saturating_sub(REACH));
    let to = line_end.min(end + REACH);
    let line = &bytes[from..to];
    let (start, end) = (start - from, end - from);
    if !calls_a_function(line) || has_word(line, b"values") {
        return false;
    }
    let Some(open) = enclosing_open(line, start) else {
        return false;
    };
    let close = matching_close(line, open);
    let (mut others, mut constant_like) = (0usize, false);
    let mut previous: Option<&[u8]> = None;
    for (item_start, item_end) in items(line, open + 1, close) {
        let (s, e) = trim(line, item_start, item_end);
        if s <= start && end <= e {
            // The candidate must be the whole item, not part of an expression or a string.
            if (s, e) != (start, end) {
                return false;
            }
            previous = None;
            continue;
        }
        let item = &line[s..e];
        if !is_bare_number(item) {
            previous = None;
            continue;
        }
        let digits = Digits::from_ascii(item.strip_prefix(b"-").unwrap_or(item));
        if digits.is_some_and(|d| is_card_number(&d, rules)) {
            return false;
        }
        if previous.is_some_and(|month| is_month_and_year(month, item)) {
            return false; // `pay(<pan>, 12, 2026)`: a card's expiry goes with it
        }
        others += 1;
        constant_like |= item.len() >= 7 || !item.iter().all(u8::is_ascii_digit);
        previous = Some(item);
    }
    // One small number beside it may be an amount (`pay(<pan>, 5000)`): a
    // constant's list holds a long, signed or decimal number, or three more.
    others > 0 && (constant_like || others >= 3)
}

/// `12` then `2026` (or `26`): a month and a year an expiry could have.
fn is_month_and_year(month: &[u8], year: &[u8]) -> bool {
    let value = |ascii: &[u8]| -> Option<u32> { std::str::from_utf8(ascii).ok()?.parse().ok() };
    matches!(value(month), Some(1..=12)) && matches!(value(year), Some(15..=45 | 2015..=2045))
}

/// An identifier followed by `(` (`check(`, `assert_eq!(`, `mpmath.mpf(`).
fn calls_a_function(line: &[u8]) -> bool {
    line.windows(2).enumerate().any(|(i, w)| {
        w[1] == b'(' && (w[0].is_ascii_alphanumeric() || w[0] == b'_' || w[0] == b'!') && {
            let word_start = line[..=i]
                .iter()
                .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'!')))
                .map_or(0, |p| p + 1);
            line[word_start..=i].iter().any(u8::is_ascii_alphabetic)
        }
    })
}

/// `word` (lower case) stands in `line` as a whole word, in any case.
fn has_word(line: &[u8], word: &[u8]) -> bool {
    line.windows(word.len()).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(word)
            && (i == 0 || !line[i - 1].is_ascii_alphanumeric())
            && line
                .get(i + word.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// The innermost bracket opened before `at` and not closed before it.
fn enclosing_open(line: &[u8], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..at).rev() {
        match line[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth == 0 => return Some(i),
            b'(' | b'[' | b'{' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Where the list opened at `open` closes (or the line's end).
fn matching_close(line: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, &b) in line.iter().enumerate().skip(open + 1) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return i,
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    line.len()
}

/// The top-level items of `line[from..to]`, split at `,` and `:`.
fn items(line: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut item_start) = (0usize, from);
    for (i, &b) in line.iter().enumerate().take(to).skip(from) {
        match b {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' | b':' if depth == 0 => {
                out.push((item_start, i));
                item_start = i + 1;
            }
            _ => {}
        }
    }
    out.push((item_start, to));
    out
}

fn trim(line: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && line[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && line[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// An unquoted integer or decimal literal: `446`, `-55`, `1.5e-3`, `86_400`.
fn is_bare_number(item: &[u8]) -> bool {
    let body = item
        .strip_prefix(b"-")
        .or_else(|| item.strip_prefix(b"+"))
        .unwrap_or(item);
    body.first().is_some_and(u8::is_ascii_digit)
        && body
            .iter()
            .all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'e' | b'E' | b'-' | b'+'))
}

#[cfg(test)]
mod tests {
    use super::in_code_list;
    use crate::rules::load_rules;

    const CARD: &str = "4526018159083012";

    fn code_list(line: &str) -> bool {
        let rules = load_rules(&[]).expect("default rules");
        let start = line.find(CARD).expect("number");
        in_code_list(line.as_bytes(), start, start + CARD.len(), &rules)
    }

    #[test]
    fn constants_among_numbers_in_code_are_a_list() {
        assert!(code_list(
            "    check_normalize(4526018159083012, 446, 11, 11270725851789228032, 435);"
        ));
        assert!(code_list(
            "'(mpmath.mpf((0, 4526018159083012, -55, 50))*(-1 + x)'"
        ));
        assert!(code_list(
            "    assert factorint(2**64 + 1) == {274177: 1, 4526018159083012: 1}"
        ));
        assert!(code_list(
            "    assert [f(n) for n in range(7)] == [1, 1, 4, 108, 27648, 4526018159083012]"
        ));
    }

    #[test]
    fn cards_in_rows_strings_and_card_lists_are_not() {
        // An SQL row: where stored cards live.
        assert!(!code_list(
            "INSERT INTO t(id, x) VALUES (1, 4526018159083012, 2500);"
        ));
        assert!(!code_list(
            "INSERT INTO t VALUES(1,4526018159083012,2500),(2,5555555555554444,100);"
        ));
        // A string literal, and an item that is an expression.
        assert!(!code_list("charge(\"4526018159083012\", 1226, 123)"));
        assert!(!code_list("f(4526018159083012 + 1, 2)"));
        // Next to another card number.
        assert!(!code_list("load([4526018159083012, 4111111111111111, 7])"));
        // A list, but no function call on the line: data, not code.
        assert!(!code_list("(4526018159083012, 12, 26)"));
        assert!(!code_list("{\"id\": 7, \"n\": [4526018159083012, 5]}"));
        // Alone in its call, beside an amount, or beside an expiry.
        assert!(!code_list("pay(4526018159083012)"));
        assert!(!code_list("pay(4526018159083012, 5000)"));
        assert!(!code_list(
            "    assert_eq!(b(1e308_f64), (4526018159083012, 971));"
        ));
        assert!(!code_list("charge(4526018159083012, 12, 2026, 123)"));
    }
}
