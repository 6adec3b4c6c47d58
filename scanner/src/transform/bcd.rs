//! Packed BCD card numbers in binary records, as ISO 8583 field 2 carries
//! them: a length byte (binary or BCD) followed by two digits per byte, an
//! odd count padded with a `0` or `F` nibble; and as EMV tag `5A` carries
//! them: the tag, a length in bytes, and the digits padded with `F`.
//!
//! Only binary streams are searched: in text, almost every byte is valid BCD.
//! A candidate must start with a brand digit (2–8) and not be a fill pattern;
//! the detectors then apply the Luhn check and the brand table as for any number.
//!
//! A length byte and a few packed digits also occur by chance: about one
//! such run per 2 MB of random bytes, and ten thousand in 1.7 GB of system
//! libraries and programs, pass Luhn and the brand table (measured, issue 3).
//! So a field is reported at full level only inside the structure that
//! carries card numbers: after an ISO 8583 message type and a bitmap whose
//! field-2 bit is set, or after the EMV tag `5A`. Elsewhere it is marked
//! [`Decoded::unframed`] and its hits are notes.

use std::cell::RefCell;

use super::{Decoded, View, MIN_PAN_DIGITS};
use crate::simd::{self, packed_digits, PairTest};

pub struct PackedBcd;

/// Longest card number.
const MAX_PAN_DIGITS: usize = 19;

impl View for PackedBcd {
    fn name(&self) -> &'static str {
        "bcd"
    }

    fn applies_to(&self, binary: bool) -> bool {
        binary
    }

    /// Memory is full of bytes that read as a length and packed digits: in
    /// a few megabytes of an ordinary process's heap and libraries, about one
    /// such run per megabyte also passes Luhn and the brand table.
    fn applies_to_memory(&self) -> bool {
        false
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        FOUR_PACKED.with(|words| match words.try_borrow_mut() {
            Ok(mut words) => decode_sampled(window, &mut words, out),
            Err(_) => decode_sampled(window, &mut FourPacked::default(), out),
        });
    }
}

thread_local! {
    static FOUR_PACKED: RefCell<FourPacked> = RefCell::new(FourPacked::default());
}

/// Per-thread buffers of [`four_packed_bytes`].
#[derive(Default)]
struct FourPacked {
    starts: Vec<u64>,
    zeros: Vec<u64>,
    lengths: Vec<u64>,
}

/// A packed number of 13 or more digits spans at least 7 bytes, so four of
/// them follow one of the sample points, every [`SAMPLE_STRIDE`] bytes: only
/// there, and only when those four bytes are decimal and not all zero, are
/// the few bytes before them tried as the length byte. The sample points
/// come from bit masks of the whole window ([`four_packed_bytes`]), so
/// binary bytes that are not packed digits cost no per-byte work.
fn decode_sampled(window: &[u8], words: &mut FourPacked, out: &mut Vec<Decoded>) {
    four_packed_bytes(window, words);
    let mut next = 0;
    let mut sample = 1;
    while let Some(i) = simd::next_on_grid(&words.starts, sample) {
        sample = i + SAMPLE_STRIDE;
        let from = i.saturating_sub(SAMPLE_STRIDE).max(next);
        if let Some(piece) = (from..i).find_map(|at| field_at(window, at)) {
            next = piece.end;
            sample = sample.max(next);
            out.push(piece);
        }
    }
}

/// Sets bit `i` of word `k` of `words.starts` when the four bytes from
/// `64 * k + i` are all packed digits, not all zero, and one of the four
/// bytes before them can be a length byte ([`field_at`] finds nothing
/// where none is).
fn four_packed_bytes(window: &[u8], words: &mut FourPacked) {
    simd::pairs(window, PairTest::PackedDigits, &mut words.starts);
    simd::pairs(window, PairTest::Zeros, &mut words.zeros);
    simd::pairs(window, PairTest::BcdLength, &mut words.lengths);
    // Pair `i` and pair `i + 2` cover bytes `i..i + 4`.
    let two_on = |w: &[u64], k: usize| (w[k] >> 2) | w.get(k + 1).map_or(0, |next| next << 62);
    let mut previous = 0u64;
    for k in 0..words.starts.len() {
        let (packed_on, zeros_on) = (two_on(&words.starts, k), two_on(&words.zeros, k));
        let zero_four = words.zeros[k] & zeros_on;
        // Bit `i` set when a length byte sits at `i - 4..i`, in this word or
        // at the end of the one before.
        let lengths = words.lengths[k];
        let length_near = lengths << 1 | lengths << 2 | lengths << 3 | lengths << 4;
        let length_near = length_near | previous >> 60 | previous >> 61 | previous >> 62 | previous >> 63;
        previous = lengths;
        words.starts[k] &= packed_on & !zero_four & length_near;
    }
}

/// The sampling loop one sample point at a time: the reference
/// [`decode_sampled`] is tested against.
#[cfg(test)]
fn decode_reference(window: &[u8], out: &mut Vec<Decoded>) {
    let mut next = 0;
    let mut sample = 1;
    while sample + 4 <= window.len() {
        let i = sample;
        sample += SAMPLE_STRIDE;
        let four = [window[i], window[i + 1], window[i + 2], window[i + 3]];
        let candidate = four.iter().all(|&b| packed_digits(b)) & (four != [0; 4]);
        if !candidate {
            continue;
        }
        let from = i.saturating_sub(SAMPLE_STRIDE).max(next);
        if let Some(piece) = (from..i).find_map(|at| field_at(window, at)) {
            next = piece.end;
            sample = sample.max(next);
            out.push(piece);
        }
    }
}

/// Distance between sample points (see [`decode_sampled`]).
const SAMPLE_STRIDE: usize = simd::GRID_STRIDE;

/// A length byte at `at` and the packed card number it announces.
fn field_at(window: &[u8], at: usize) -> Option<Decoded> {
    let length = window[at];
    if at > 0 && window[at - 1] == EMV_PAN_TAG {
        // EMV counts bytes, and pads an odd count of digits with `F`.
        let bytes = usize::from(length);
        if (MIN_PAN_DIGITS.div_ceil(2)..=MAX_PAN_DIGITS.div_ceil(2)).contains(&bytes) {
            let padded = window.get(at + bytes).is_some_and(|&last| last & 0x0F == 0x0F);
            if let Some(mut piece) = digits_after(window, at, 2 * bytes - usize::from(padded)) {
                piece.unframed = !before_emv_card_tag(window, piece.end);
                return Some(piece);
            }
        }
    }
    let counts = [
        usize::from(length),
        usize::from(length >> 4) * 10 + usize::from(length & 0x0F),
    ];
    let mut piece = counts
        .into_iter()
        .filter(|n| (MIN_PAN_DIGITS..=MAX_PAN_DIGITS).contains(n))
        .find_map(|n| digits_after(window, at, n))?;
    piece.unframed = !after_iso8583_header(window, at, piece.end);
    Some(piece)
}

/// EMV tag of the application PAN.
const EMV_PAN_TAG: u8 = 0x5A;

/// Whether the EMV tag that follows a `5A` field at `at` is one of the card
/// record's own, with a plausible length and value: `5F24` expiry or `5F25`
/// effective date (3 BCD bytes), `5F34` PAN sequence number, `5F20` name,
/// `57` track 2 equivalent. A `5A` byte (an ASCII `Z`) followed by
/// a length and packed digits occurs by chance in binaries; followed by the
/// next tag of a card record as well, practically never.
fn before_emv_card_tag(window: &[u8], at: usize) -> bool {
    let bcd = |from: usize, n: usize| {
        window
            .get(from..from + n)
            .is_some_and(|v| v.iter().all(|&b| packed_digits(b)))
    };
    match (window.get(at), window.get(at + 1), window.get(at + 2)) {
        // Dates (YYMMDD) and the PAN sequence number, with their lengths, in BCD.
        (Some(0x5F), Some(0x24 | 0x25), Some(0x03)) => bcd(at + 3, 3),
        (Some(0x5F), Some(0x34), Some(0x01)) => bcd(at + 3, 1),
        // The cardholder name, 2 to 26 bytes.
        (Some(0x5F), Some(0x20), Some(&len)) => (2..=26).contains(&len),
        // Track 2 equivalent data, 13 to 19 bytes, starting with packed digits.
        (Some(0x57), Some(&len), _) => (13..=19).contains(&len) && bcd(at + 2, 6),
        _ => false,
    }
}

/// Whether field 2 starting at `at` follows an ISO 8583 header: a message
/// type in BCD (`0100`, `0200`, …, versions 0–2, classes 1–9) and a primary
/// bitmap with the field-2 bit set, or a primary and a secondary bitmap.
/// The bitmap must also announce fields 3 and 4 (processing code and
/// amount, which every financial request carries), and they must follow
/// field 2 in BCD: nine bytes of packed digits. With field 3 alone, random
/// bytes of system libraries still framed a few dozen numbers per 10 GB.
fn after_iso8583_header(window: &[u8], at: usize, field_end: usize) -> bool {
    // Messages that carry a card number: authorization (x1xx), financial
    // (x2xx) and reversal (x4xx) requests, responses and advices of
    // versions 0–2, from the acquirer or the issuer (origin 0 or 1).
    let message_type = |from: usize| {
        window.get(from..from + 2).is_some_and(|mti| {
            mti[0] >> 4 <= 2
                && matches!(mti[0] & 0x0F, 1 | 2 | 4)
                && matches!(mti[1], 0x00 | 0x01 | 0x10 | 0x11 | 0x20 | 0x21 | 0x30 | 0x31)
        })
    };
    let bitmap_at = if at >= 10 && window[at - 8] & 0xC0 == 0x40 && message_type(at - 10) {
        at - 8
    } else if at >= 18 && window[at - 16] & 0xC0 == 0xC0 && message_type(at - 18) {
        at - 16
    } else {
        return false;
    };
    let fields_3_and_4_announced = window[bitmap_at] & 0x30 == 0x30;
    // Field 3 starts with a transaction type: purchase, cash, purchase with
    // cashback, refund, balance inquiry, payment, transfer.
    let transaction_type = window
        .get(field_end)
        .is_some_and(|&t| matches!(t, 0x00 | 0x01 | 0x09 | 0x20 | 0x21 | 0x28 | 0x30 | 0x31 | 0x40));
    fields_3_and_4_announced
        && transaction_type
        && window
            .get(field_end..field_end + 9)
            .is_some_and(|fields| fields.iter().all(|&b| packed_digits(b)))
}

/// The `count` packed digits after the length byte at `at`, if they are a plausible card number.
fn digits_after(window: &[u8], at: usize, count: usize) -> Option<Decoded> {
    let packed = window.get(at + 1..at + 1 + count.div_ceil(2))?;
    // Cheap rejections first: a brand digit (or a left pad) leads, and every
    // byte but a padded last one holds two decimal digits.
    let lead_ok = matches!(packed[0] >> 4, 0 | 2..=8);
    if !lead_ok || !packed[..packed.len() - 1].iter().all(|&b| packed_digits(b)) {
        return None;
    }
    let mut nibbles: Vec<(u8, usize)> = packed
        .iter()
        .enumerate()
        .flat_map(|(i, &b)| [(b >> 4, at + 1 + i), (b & 0x0F, at + 1 + i)])
        .collect();
    if count % 2 == 1 {
        // Right-padded with F or 0 (most common), else left-padded with 0.
        match (nibbles.first(), nibbles.last()) {
            (_, Some(&(0xF, _))) => {
                nibbles.pop();
            }
            (Some(&(0, _)), _) => {
                nibbles.remove(0);
            }
            _ => {
                nibbles.pop();
            }
        }
    }
    if nibbles.iter().any(|&(n, _)| n > 9) || !matches!(nibbles.first(), Some((2..=8, _))) {
        return None;
    }
    // Fill patterns and constants (`4000000000000…`, `3000…8944`) are not
    // card numbers: 13 or more random digits almost always hold six kinds.
    let mut distinct = [false; 10];
    nibbles.iter().for_each(|&(n, _)| distinct[usize::from(n)] = true);
    if distinct.iter().filter(|&&d| d).count() < 6 {
        return None;
    }
    let end = at + 1 + packed.len();
    Some(Decoded::from_pairs(
        at,
        end,
        nibbles.into_iter().map(|(n, pos)| (b'0' + n, pos)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The masks pick the same sample points as the byte-by-byte loop:
        /// random binary, zero runs and embedded fields at every offset.
        #[test]
        fn sampled_decode_equals_the_reference(
            pieces in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..80),
                    proptest::collection::vec(prop_oneof![Just(0u8), Just(0x45), Just(0x99), Just(0x26), Just(0x9F)], 0..80),
                    Just(vec![0x16, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12]),
                    Just(vec![0x5A, 0x08, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12, 0x5F, 0x34, 0x01, 0x01]),
                    Just(vec![0; 70]),
                ],
                0..12,
            ),
        ) {
            let window = pieces.concat();
            let (mut fast, mut reference) = (Vec::new(), Vec::new());
            PackedBcd.decode(&window, &mut fast);
            decode_reference(&window, &mut reference);
            prop_assert_eq!(fast, reference);
        }

        /// The masks give the first sample point on `from`'s grid whose
        /// four bytes are packed digits, not all zero, after a length byte.
        #[test]
        fn the_masks_mark_every_candidate_sample(
            window in proptest::collection::vec(prop_oneof![Just(0u8), Just(0x45), Just(0x9A), Just(0x13), Just(0x0A), any::<u8>()], 0..300),
            from in 0usize..320,
        ) {
            let mut words = FourPacked::default();
            four_packed_bytes(&window, &mut words);
            let expected = (from..window.len().saturating_sub(3)).step_by(SAMPLE_STRIDE).find(|&i| {
                let four = &window[i..i + 4];
                let length_before = window[i.saturating_sub(4)..i].iter().any(|&b| matches!(b, 0x07..=0x0A | 0x0D..=0x19));
                four.iter().all(|&b| packed_digits(b)) && four.iter().any(|&b| b != 0) && length_before
            });
            prop_assert_eq!(simd::next_on_grid(&words.starts, from), expected);
        }
    }

    #[test]
    fn iso8583_field_2_is_unpacked() {
        let record = [
            0x02, 0x00, 0x16, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12, 0x00, 0x30,
        ];
        let mut out = Vec::new();
        PackedBcd.decode(&record, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].bytes, b"4526018159083012");
        assert_eq!((out[0].start, out[0].end), (2, 11));
        // Amex, 15 digits with a binary length and an F pad.
        let amex = [0x0F, 0x37, 0x23, 0x19, 0x48, 0x75, 0x74, 0x91, 0x9F];
        out.clear();
        PackedBcd.decode(&amex, &mut out);
        assert_eq!(out[0].bytes, b"372319487574919");
    }

    #[test]
    fn sampling_finds_a_field_at_any_offset() {
        for shift in 0..9 {
            let mut record = vec![0xAAu8; shift];
            record.extend([0x16, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12, 0xAA]);
            let mut out = Vec::new();
            PackedBcd.decode(&record, &mut out);
            assert_eq!(out.len(), 1, "shift {shift}");
            assert_eq!(out[0].bytes, b"4526018159083012");
        }
    }

    #[test]
    fn a_field_after_an_iso8583_header_is_framed() {
        // MTI 0200, a primary bitmap with fields 2, 3 and 4, then field 2.
        let mut message = vec![0x02, 0x00, 0x70, 0x00, 0, 0, 0, 0, 0, 0];
        message.extend([0x16, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12]);
        // Field 3 (processing code) and field 4 (amount, 1200) in BCD.
        message.extend([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00]);
        let mut out = Vec::new();
        PackedBcd.decode(&message, &mut out);
        assert_eq!(out[0].bytes, b"4526018159083012");
        assert!(!out[0].unframed);
        // The same field alone is found, but unframed.
        out.clear();
        PackedBcd.decode(&message[10..], &mut out);
        assert_eq!(out[0].bytes, b"4526018159083012");
        assert!(out[0].unframed);
    }

    #[test]
    fn emv_tag_5a_is_framed() {
        // 5A 08 then 16 digits; and an Amex in 8 bytes with an F pad.
        let tlv = [
            0x9F, 0x02, 0x5A, 0x08, 0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12, 0x5F, 0x24, 0x03, 0x27,
            0x12, 0x31,
        ];
        // (5F24, the expiry, follows the PAN as in a card record.)
        let mut out = Vec::new();
        PackedBcd.decode(&tlv, &mut out);
        assert_eq!(out[0].bytes, b"4526018159083012");
        assert!(!out[0].unframed);
        let amex = [
            0x00, 0x5A, 0x08, 0x37, 0x23, 0x19, 0x48, 0x75, 0x74, 0x91, 0x9F, 0x5F, 0x34, 0x01, 0x00,
        ];
        out.clear();
        PackedBcd.decode(&amex, &mut out);
        assert_eq!(out[0].bytes, b"372319487574919");
        assert!(!out[0].unframed);
        // A `Z`, a length and packed digits with no card tag after them: by chance.
        let chance = [
            0x00, 0x5A, 0x08, 0x37, 0x23, 0x19, 0x48, 0x75, 0x74, 0x91, 0x9F, 0x00, 0x00,
        ];
        out.clear();
        PackedBcd.decode(&chance, &mut out);
        assert!(out[0].unframed);
    }

    #[test]
    fn fill_patterns_are_not_candidates() {
        let mut out = Vec::new();
        PackedBcd.decode(&[0x16, 0x40, 0, 0, 0, 0, 0, 0, 0], &mut out);
        assert!(out.is_empty());
    }
}
