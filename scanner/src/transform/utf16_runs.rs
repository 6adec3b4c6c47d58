//! UTF-16 runs inside binary streams, transcoded for the detectors.

use super::utf16::{transcode, Endian, Utf16Map};
use super::{Decoded, View};
use crate::simd::{self, PairTest};

/// UTF-16 runs inside binary streams (SQLite databases, memory images, unknown
/// formats): the raw scan reads their ASCII runs, this view their UTF-16 ones.
///
/// Runs are read as little-endian (Windows, and most memory): an ASCII run in
/// big-endian reads the same one byte earlier, so guessing the order could
/// only report the same text twice.
pub struct Utf16Runs;

/// Fewest digits in a run worth transcoding: enough for a masked number
/// (first 6 and last 4), which is reported as a note.
const MIN_RUN_DIGITS: usize = 10;

/// Distance between sample points (see [`Utf16Runs::decode`]).
const SAMPLE_STRIDE: usize = simd::GRID_STRIDE;

/// Longest UTF-16 run transcoded as one piece.
const MAX_RUN_BYTES: usize = 64 * 1024;

impl View for Utf16Runs {
    fn name(&self) -> &'static str {
        "utf-16"
    }

    fn applies_to(&self, binary: bool) -> bool {
        binary
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        simd::with_pairs(window, PairTest::Utf16Digit, |digits| {
            let mut next = 0;
            let mut from = 0;
            // Every group of four or more UTF-16 digits starts its first digit
            // pair within one stride of a sample point: the masks mark the
            // sample points `i` where one starts at `i` or `i + 1`.
            while let Some(i) = simd::next_on_grid_with(digits, from, two_digits_near) {
                from = i + SAMPLE_STRIDE;
                if i + 5 > window.len() {
                    break;
                }
                if i >= next {
                    next = transcode_run_at(window, i, out);
                }
            }
        });
    }
}

/// Bits of sample points where two UTF-16 digits start at `i` or `i + 1`,
/// from the [`PairTest::Utf16Digit`] words `digits` (word `k` and `k + 1`).
fn two_digits_near(digits: &[u64], k: usize) -> u64 {
    let word = digits[k];
    let on = |shift: u32| word >> shift | digits.get(k + 1).map_or(0, |next| next << (64 - shift));
    (word & on(2)) | (on(1) & on(3))
}

/// Transcodes the run of UTF-16 text around the digit pair at sample point
/// `i` (or `i + 1`) if it holds enough digits; returns where the next run
/// may start.
fn transcode_run_at(window: &[u8], i: usize, out: &mut Vec<Decoded>) -> usize {
    let endian = Endian::Little;
    let pair_at = |j: usize| {
        window[j].is_ascii_digit()
            & (window[j + 1] == 0)
            & window[j + 2].is_ascii_digit()
            & (window[j + 3] == 0)
    };
    let at = if pair_at(i) { i } else { i + 1 };
    let (start, end, digits) = run_around(window, at, endian);
    if digits >= MIN_RUN_DIGITS {
        let (mut text, mut map) = (Vec::new(), Utf16Map::default());
        transcode(&window[start..end], endian, &mut text, &mut map);
        let origin = (0..text.len()).map(|i| start + map.source_offset(i) as usize);
        let pairs: Vec<(u8, usize)> = text.iter().copied().zip(origin).collect();
        out.push(Decoded::from_pairs(start, end, pairs));
    }
    end.max(at + 4)
}

/// The sampling loop one sample point at a time: the reference
/// [`Utf16Runs::decode`] is tested against.
#[cfg(test)]
fn decode_reference(window: &[u8], out: &mut Vec<Decoded>) {
    let mut next = 0;
    let mut sample = 0;
    while sample + 5 <= window.len() {
        let i = sample;
        sample += SAMPLE_STRIDE;
        let pair_at = |j: usize| {
            window[j].is_ascii_digit()
                & (window[j + 1] == 0)
                & window[j + 2].is_ascii_digit()
                & (window[j + 3] == 0)
        };
        if !(pair_at(i) | pair_at(i + 1)) || i < next {
            continue;
        }
        next = transcode_run_at(window, i, out);
    }
}

/// The text-like UTF-16 run around the digits at `at`, and how many digits it holds.
fn run_around(window: &[u8], at: usize, endian: Endian) -> (usize, usize, usize) {
    let unit_at = |i: usize| endian.unit([window[i], window[i + 1]]);
    let text_like = |u: u16| matches!(u, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x3000..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF5E | 0xFF61..=0xFF9F);
    let mut start = at;
    while start >= 2 && at - start < MAX_RUN_BYTES / 2 && text_like(unit_at(start - 2)) {
        start -= 2;
    }
    let mut end = at;
    while end + 2 <= window.len() && end - start < MAX_RUN_BYTES && text_like(unit_at(end)) {
        end += 2;
    }
    let digits = (start..end)
        .step_by(2)
        .filter(|&i| window[i].is_ascii_digit() && window[i + 1] == 0)
        .count();
    (start, end, digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn masked_sampling_equals_the_reference(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..40),
                    proptest::collection::vec(prop_oneof![Just(0u8), Just(b'4'), Just(b'='), Just(0xFF)], 0..80),
                    "[0-9 =a-z]{0,30}".prop_map(|t| t.encode_utf16().flat_map(u16::to_le_bytes).collect()),
                ],
                0..10,
            ),
        ) {
            let window = pieces.concat();
            let (mut fast, mut reference) = (Vec::new(), Vec::new());
            Utf16Runs.decode(&window, &mut fast);
            decode_reference(&window, &mut reference);
            prop_assert_eq!(fast, reference);
        }
    }

    #[test]
    fn runs_with_enough_digits_are_transcoded_whole() {
        let mut blob = vec![7u8, 0, 0, 0xFF];
        blob.extend("id=452601******3012;".encode_utf16().flat_map(u16::to_le_bytes));
        blob.extend([0u8, 0, 9]);
        let mut out = Vec::new();
        Utf16Runs.decode(&blob, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].bytes, b"id=452601******3012;");
        assert_eq!((out[0].start, out[0].origin[3]), (4, 10));
        out.clear();
        Utf16Runs.decode(
            &"12345"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            &mut out,
        );
        assert!(out.is_empty());
    }
}
