//! EBCDIC text from mainframe exports: code page 037 and the single-byte
//! part of the Japanese code pages 930/939, whose digits are all F0–F9.
//!
//! The trigger is a byte that can start a card number in EBCDIC (F2–F6, F8):
//! such bytes never appear in UTF-8 text. A run of EBCDIC digits (with
//! EBCDIC spaces or hyphens between groups) is transcoded to ASCII together
//! with the context around it, so that labels such as `CARD NO` count.

use super::{transliterate, Decoded, Step, View, MIN_PAN_DIGITS};

pub struct Ebcdic;

impl View for Ebcdic {
    fn name(&self) -> &'static str {
        "ebcdic"
    }

    fn applies_to(&self, _binary: bool) -> bool {
        true
    }

    /// EBCDIC digits that can start a card number are F2–F8.
    fn needs_byte_from(&self) -> u8 {
        0xF2
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        if memchr::memchr3(0xF3, 0xF4, 0xF5, window).is_none()
            && memchr::memchr3(0xF2, 0xF6, 0xF8, window).is_none()
        {
            return;
        }
        let mut clusters = Vec::new();
        let mut next = 0;
        let mut sample = 0;
        // A number of 13 or more EBCDIC digits holds one of these sample
        // points; the run around it is measured only there.
        while sample < window.len() {
            let i = sample;
            sample += MIN_PAN_DIGITS - 1;
            if i < next || !(is_digit(window[i]) | is_separator(window[i])) {
                continue;
            }
            let mut start = i;
            while start > next && (is_digit(window[start - 1]) || is_separator(window[start - 1])) {
                start -= 1;
            }
            while start < window.len() && !is_digit(window[start]) {
                start += 1;
            }
            let mut at = start;
            let mut digits = 0;
            while at < window.len() {
                if is_digit(window[at]) {
                    digits += 1;
                    at += 1;
                } else if is_separator(window[at]) && window.get(at + 1).is_some_and(|&b| is_digit(b)) {
                    at += 1;
                } else {
                    break;
                }
            }
            next = at.max(i + 1);
            if digits >= MIN_PAN_DIGITS {
                clusters.push((start, at));
            }
        }
        transliterate(window, &clusters, step, out);
    }
}

fn is_digit(b: u8) -> bool {
    (0xF0..=0xF9).contains(&b)
}

/// EBCDIC space and hyphen.
fn is_separator(b: u8) -> bool {
    matches!(b, 0x40 | 0x60)
}

fn step(window: &[u8], at: usize) -> Step {
    (to_ascii(window[at]), 1)
}

/// Code page 037 to ASCII for digits, letters, common punctuation and line
/// ends; anything else becomes a space (it only serves as context).
fn to_ascii(b: u8) -> u8 {
    match b {
        0xF0..=0xF9 => b'0' + (b - 0xF0),
        0xC1..=0xC9 => b'A' + (b - 0xC1),
        0xD1..=0xD9 => b'J' + (b - 0xD1),
        0xE2..=0xE9 => b'S' + (b - 0xE2),
        0x81..=0x89 => b'a' + (b - 0x81),
        0x91..=0x99 => b'j' + (b - 0x91),
        0xA2..=0xA9 => b's' + (b - 0xA2),
        0x15 | 0x25 => b'\n',
        0x4B => b'.',
        0x4E => b'+',
        0x5C => b'*',
        0x60 => b'-',
        0x61 => b'/',
        0x6B => b',',
        0x6D => b'_',
        0x7A => b':',
        0x7E => b'=',
        0x7D => b'\'',
        0x7F => b'"',
        _ => b' ',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ASCII to code page 037 for the characters the tests use.
    fn ebcdic(text: &str) -> Vec<u8> {
        text.bytes()
            .map(|c| {
                (0u8..=255)
                    .find(|&b| to_ascii(b) == c && (c != b' ' || b == 0x40))
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn ebcdic_digits_are_read_with_their_context() {
        let record = ebcdic("CARD NO: 4526 0181 5908 3012 EXP 12/27");
        let mut out = Vec::new();
        Ebcdic.decode(&record, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].bytes, b"CARD NO: 4526 0181 5908 3012 EXP 12/27");
        assert_eq!((out[0].start, out[0].end), (9, 28));
    }

    #[test]
    fn sampling_finds_a_number_at_any_offset() {
        for shift in 0..14 {
            let record = ebcdic(&format!("{}4526018159083012 X", "A".repeat(shift)));
            let mut out = Vec::new();
            Ebcdic.decode(&record, &mut out);
            assert_eq!(out.len(), 1, "shift {shift}");
        }
    }

    #[test]
    fn utf8_text_does_not_trigger() {
        let mut out = Vec::new();
        Ebcdic.decode("絵文字 😀 4526018159083012".as_bytes(), &mut out);
        assert!(out.is_empty());
    }
}
