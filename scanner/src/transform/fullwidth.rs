//! Full-width digits (全角数字 `４５２６…`, U+FF10–FF19) and full-width
//! separators, common in Japanese forms and spreadsheets, read as ASCII.
//!
//! The view works on UTF-8 text; Shift_JIS and EUC-JP streams are transcoded
//! to UTF-8 first, so their full-width digits are found here too.

use memchr::memmem;

use super::{transliterate, Decoded, NumberAlphabet, Step, View, MIN_PAN_DIGITS};

pub struct FullWidth;

impl View for FullWidth {
    fn name(&self) -> &'static str {
        "fullwidth"
    }

    fn applies_to(&self, binary: bool) -> bool {
        !binary
    }

    /// Every full-width digit starts with the byte EF.
    fn needs_byte_from(&self) -> u8 {
        0xEF
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        let mut clusters = Vec::new();
        let mut next = 0;
        for at in memmem::find_iter(window, b"\xEF\xBC") {
            if at < next || !matches!(window.get(at + 2), Some(0x90..=0x99)) {
                continue;
            }
            let (start, end, digits) = ALPHABET.number_from(window, start_of_number(window, at));
            next = end.max(at + 3);
            if digits >= MIN_PAN_DIGITS {
                clusters.push((start, end));
            }
        }
        transliterate(window, &clusters, step, out);
    }
}

/// A digit, full-width or ASCII, at `at`.
fn digit_at(window: &[u8], at: usize) -> Option<Step> {
    match window.get(at..at + 3) {
        Some([0xEF, 0xBC, d @ 0x90..=0x99]) => Some((b'0' + (d - 0x90), 3)),
        _ => window.get(at).filter(|b| b.is_ascii_digit()).map(|&d| (d, 1)),
    }
}

/// A separator between digit groups: ASCII or full-width space and hyphen,
/// and the dashes Japanese input methods produce in their place.
fn separator_at(window: &[u8], at: usize) -> Option<Step> {
    match window.get(at..at + 3) {
        Some([0xE3, 0x80, 0x80]) => Some((b' ', 3)), // U+3000 ideographic space
        Some([0xEF, 0xBC, 0x8D]) => Some((b'-', 3)), // U+FF0D full-width hyphen-minus
        Some([0xE3, 0x83, 0xBC]) => Some((b'-', 3)), // U+30FC long vowel mark ー
        Some([0xE2, 0x80, 0x90..=0x95]) => Some((b'-', 3)), // U+2010–2015 hyphens and dashes
        Some([0xE2, 0x88, 0x92]) => Some((b'-', 3)), // U+2212 minus sign
        _ => match window.get(at) {
            Some(&b @ (b' ' | b'-')) => Some((b, 1)),
            _ => None,
        },
    }
}

/// Digits and separators as this view reads them.
const ALPHABET: NumberAlphabet = NumberAlphabet {
    digit_at,
    separator_len,
};

fn separator_len(window: &[u8], at: usize) -> Option<usize> {
    separator_at(window, at).map(|(_, len)| len)
}

/// Walks back from the first full-width digit over digits and separators.
fn start_of_number(window: &[u8], mut at: usize) -> usize {
    loop {
        let back3 = at.checked_sub(3).filter(|&b| {
            digit_at(window, b).is_some_and(|(_, len)| len == 3)
                || separator_at(window, b).is_some_and(|(_, len)| len == 3)
        });
        if let Some(b) = back3 {
            at = b;
        } else if at > 0 && matches!(window[at - 1], b'0'..=b'9' | b' ' | b'-') {
            at -= 1;
        } else {
            return at;
        }
    }
}

/// Digits become ASCII; separators too, where a digit follows (a ー in カード stays).
fn step(window: &[u8], at: usize) -> Step {
    digit_at(window, at)
        .or_else(|| separator_at(window, at).filter(|&(_, len)| digit_at(window, at + len).is_some()))
        .unwrap_or((window[at], 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        FullWidth.decode(text.as_bytes(), &mut out);
        out.iter()
            .map(|d| String::from_utf8_lossy(&d.bytes).into_owned())
            .collect()
    }

    #[test]
    fn full_width_digits_and_separators_become_ascii() {
        assert_eq!(
            decoded("カード番号：４５２６０１８１５９０８３０１２"),
            vec!["カード番号：4526018159083012"]
        );
        assert_eq!(
            decoded("番号 ４５２６－０１８１－５９０８－３０１２。"),
            vec!["番号 4526-0181-5908-3012。"]
        );
        assert_eq!(
            decoded("４５２６\u{3000}０１８１\u{3000}５９０８\u{3000}３０１２"),
            vec!["4526 0181 5908 3012"]
        );
    }

    #[test]
    fn spaces_before_the_number_do_not_hide_it() {
        assert_eq!(decoded(",  ４５２６０１８１５９０８３０１２").len(), 1);
    }

    #[test]
    fn short_full_width_numbers_are_left_alone() {
        assert!(decoded("電話 ０３－１２３４－５６７８").is_empty());
    }
}
