//! Hex-encoded text (`34353236…` is `4526…`): digits written as the hex of
//! their ASCII codes, as a logger or a protocol dump prints bytes.

use super::{Decoded, View, MIN_PAN_DIGITS};
use crate::simd::{self, PairTest};

pub struct Hex;

/// Hex-encoded ASCII digits in a row (`3X` pairs) before a run is decoded:
/// one group of a grouped card number. A random hash holds four such pairs
/// in a row about once in 7,000; decoding it then finds nothing.
const TRIGGER_DIGITS: usize = 4;

impl View for Hex {
    fn name(&self) -> &'static str {
        "hex"
    }

    fn applies_to(&self, _binary: bool) -> bool {
        true
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        let mut next = 0;
        for_each_encoded_digits(window, |at| {
            if at < next {
                return;
            }
            let mut start = at;
            while start > 0 && window[start - 1].is_ascii_hexdigit() {
                start -= 1;
            }
            let mut end = at;
            while end < window.len() && window[end].is_ascii_hexdigit() {
                end += 1;
            }
            next = end;
            if end - start < 2 * MIN_PAN_DIGITS {
                return;
            }
            let Some(digits) = (start..end).find(|&i| encoded_digits_from(window, i, TRIGGER_DIGITS)) else {
                return;
            };
            // Pair the run up so that the `3X` digits are whole bytes.
            let start = start + (digits - start) % 2;
            let end = end - (end - start) % 2;
            let bytes = window[start..end]
                .chunks_exact(2)
                .filter_map(|pair| hex::decode(pair).ok().and_then(|b| b.first().copied()));
            let origin = (start..end).step_by(2);
            out.push(Decoded::from_pairs(start, end, bytes.zip(origin)));
        });
    }

    fn open_run(&self, window: &[u8]) -> Option<usize> {
        let run = window.iter().rev().take_while(|b| b.is_ascii_hexdigit()).count();
        (run >= 2 * MIN_PAN_DIGITS).then(|| window.len() - run)
    }
}

/// Calls `found` with every position where [`TRIGGER_DIGITS`] hex-encoded
/// ASCII digits start (`3X3X3X3X`), in order, read off SIMD bit masks of the
/// window: most text is never looked at byte by byte.
fn for_each_encoded_digits(window: &[u8], mut found: impl FnMut(usize)) {
    simd::with_pairs(window, PairTest::HexDigit, |pairs| {
        for (k, &word) in pairs.iter().enumerate() {
            let next = pairs.get(k + 1).copied().unwrap_or(0);
            let wide = u128::from(word) | (u128::from(next) << 64);
            let mut four = (wide & (wide >> 2) & (wide >> 4) & (wide >> 6)) as u64;
            while four != 0 {
                found(64 * k + four.trailing_zeros() as usize);
                four &= four - 1;
            }
        }
    });
}

/// `count` hex-encoded ASCII digits (`3` then a digit, repeated) from `at`.
fn encoded_digits_from(window: &[u8], at: usize, count: usize) -> bool {
    window
        .get(at..at + 2 * count)
        .is_some_and(|run| run.chunks_exact(2).all(|p| p[0] == b'3' && p[1].is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        Hex.decode(text.as_bytes(), &mut out);
        out.into_iter().map(|d| d.bytes).collect()
    }

    #[test]
    fn hex_of_ascii_digits_is_decoded() {
        assert_eq!(
            decoded("data=34353236303138313539303833303132;"),
            vec![b"4526018159083012".to_vec()]
        );
        // Hex of a whole line, the digits at an odd offset of the run.
        let line = hex::encode("pan: 4526 0181 5908 3012");
        assert_eq!(
            decoded(&format!("x{line} ")),
            vec![b"pan: 4526 0181 5908 3012".to_vec()]
        );
    }

    #[test]
    fn sampling_finds_an_encoded_number_at_any_offset() {
        for number in ["4526018159083012", "4526 0181 5908 3012", "3723-194875-74919"] {
            for shift in 0..30 {
                let text = format!("{} {} end", "x".repeat(shift), hex::encode(number));
                assert_eq!(
                    decoded(&text),
                    vec![number.as_bytes().to_vec()],
                    "{number} at {shift}"
                );
            }
        }
    }

    #[test]
    fn hashes_and_uuids_are_not_decoded() {
        assert!(
            decoded("sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08").is_empty()
        );
        assert!(decoded("id=33343536-3738-3930-3132-333435363738").is_empty());
        assert!(decoded("3131313131 3131").is_empty());
    }
}
