//! Percent-encoded digits in URLs, query strings and form bodies
//! (`pan=%34%35%32%36…`). `%20` and `+` between plain digits are handled by
//! the detectors already; this view decodes digits that are themselves encoded.

use super::{transliterate, Decoded, NumberAlphabet, Step, View, MIN_PAN_DIGITS};

pub struct Percent;

impl View for Percent {
    fn name(&self) -> &'static str {
        "percent"
    }

    fn applies_to(&self, _binary: bool) -> bool {
        true
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        let mut clusters = Vec::new();
        let mut next = 0;
        for at in memchr::memchr_iter(b'%', window) {
            if at < next
                || window.get(at + 1) != Some(&b'3')
                || !window.get(at + 2).is_some_and(u8::is_ascii_digit)
            {
                continue;
            }
            let (start, end, digits) = ALPHABET.number_from(window, start_of_number(window, at));
            next = end;
            if digits >= MIN_PAN_DIGITS {
                clusters.push((start, end));
            }
        }
        transliterate(window, &clusters, step, out);
    }
}

/// An encoded digit (`%34`) or a plain one at `at`: its value and length.
fn digit_at(window: &[u8], at: usize) -> Option<Step> {
    match window.get(at..at + 3) {
        Some([b'%', b'3', d]) if d.is_ascii_digit() => Some((*d, 3)),
        _ => window.get(at).filter(|b| b.is_ascii_digit()).map(|&d| (d, 1)),
    }
}

/// A separator that may join digit groups, encoded or not.
fn separator_at(window: &[u8], at: usize) -> Option<usize> {
    match window.get(at..at + 3) {
        Some([b'%', b'2', b'0' | b'D' | b'd']) => Some(3),
        _ => matches!(window.get(at), Some(b'+' | b'-' | b' ')).then_some(1),
    }
}

/// Digits and separators as this view reads them.
const ALPHABET: NumberAlphabet = NumberAlphabet {
    digit_at,
    separator_len: separator_at,
};

/// Walks back from the first encoded digit over plain digits and separators.
fn start_of_number(window: &[u8], mut at: usize) -> usize {
    while at > 0 && matches!(window[at - 1], b'0'..=b'9' | b'+' | b'-' | b' ') {
        at -= 1;
    }
    at
}

/// Decodes one character: `%XX` with two hex digits is a byte.
fn step(window: &[u8], at: usize) -> Step {
    if window[at] == b'%' {
        if let Some(byte) = window.get(at + 1..at + 3).and_then(hex_byte) {
            return (byte, 3);
        }
    }
    (window[at], 1)
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let nibble = |c: u8| (c as char).to_digit(16).map(|n| n as u8);
    Some(nibble(pair[0])? << 4 | nibble(pair[1])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        Percent.decode(text.as_bytes(), &mut out);
        out.iter()
            .map(|d| String::from_utf8_lossy(&d.bytes).into_owned())
            .collect()
    }

    #[test]
    fn encoded_digits_are_decoded_with_their_context() {
        let pieces = decoded("GET /pay?card%5Fno=%34%35%32%36%30%31%38%31%35%39%30%38%33%30%31%32&x=1");
        assert_eq!(pieces, vec!["GET /pay?card_no=4526018159083012&x=1"]);
        let mixed = decoded("n=4526%2001%38%31+5908%203012");
        assert_eq!(mixed, vec!["n=4526 0181+5908 3012"]);
    }

    #[test]
    fn separators_before_the_number_do_not_hide_it() {
        assert_eq!(
            decoded("a=+ -%34%35%32%36%30%31%38%31%35%39%30%38%33%30%31%32").len(),
            1
        );
    }

    #[test]
    fn short_encoded_numbers_and_plain_text_are_left_alone() {
        assert!(decoded("q=%31%32%33&r=%41%42").is_empty());
        assert!(decoded("plain 4526018159083012 text").is_empty());
    }
}
