//! Packed BCD card numbers in binary records, as ISO 8583 field 2 carries
//! them: a length byte (binary or BCD) followed by two digits per byte, an
//! odd count padded with a `0` or `F` nibble.
//!
//! Only binary streams are searched: in text, almost every byte is valid BCD.
//! A candidate must start with a brand digit (2–8) and not be a fill pattern;
//! the detectors then apply the Luhn check and the brand table as for any number.

use super::{Decoded, View, MIN_PAN_DIGITS};

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
        let decimal = |b: u8| ((b >> 4) <= 9) & ((b & 0x0F) <= 9);
        let mut next = 0;
        let mut sample = 1;
        // A packed number of 13 or more digits spans at least 7 bytes, so four
        // of them follow one of these sample points: only there, and only when
        // those four bytes are decimal and not all zero, are the few bytes
        // before them tried as the length byte.
        while sample + 4 <= window.len() {
            let i = sample;
            sample += SAMPLE_STRIDE;
            let four = [window[i], window[i + 1], window[i + 2], window[i + 3]];
            let candidate = four.iter().fold(true, |all, &b| all & decimal(b)) & (four != [0; 4]);
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
}

/// Distance between sample points (see [`PackedBcd::decode`]).
const SAMPLE_STRIDE: usize = 4;

/// A length byte at `at` and the packed card number it announces.
fn field_at(window: &[u8], at: usize) -> Option<Decoded> {
    let length = window[at];
    let counts = [
        usize::from(length),
        usize::from(length >> 4) * 10 + usize::from(length & 0x0F),
    ];
    counts
        .into_iter()
        .filter(|n| (MIN_PAN_DIGITS..=MAX_PAN_DIGITS).contains(n))
        .find_map(|n| digits_after(window, at, n))
}

/// The `count` packed digits after the length byte at `at`, if they are a plausible card number.
fn digits_after(window: &[u8], at: usize, count: usize) -> Option<Decoded> {
    let packed = window.get(at + 1..at + 1 + count.div_ceil(2))?;
    // Cheap rejections first: a brand digit (or a left pad) leads, and every
    // byte but a padded last one holds two decimal digits.
    let decimal = |b: &u8| (b >> 4) <= 9 && (b & 0x0F) <= 9;
    let lead_ok = matches!(packed[0] >> 4, 0 | 2..=8);
    if !lead_ok || !packed[..packed.len() - 1].iter().all(decimal) {
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
    // Fill patterns (`4000000000000…`) are not card numbers.
    let mut distinct = [false; 10];
    nibbles.iter().for_each(|&(n, _)| distinct[usize::from(n)] = true);
    if distinct.iter().filter(|&&d| d).count() < 4 {
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
    fn fill_patterns_are_not_candidates() {
        let mut out = Vec::new();
        PackedBcd.decode(&[0x16, 0x40, 0, 0, 0, 0, 0, 0, 0], &mut out);
        assert!(out.is_empty());
    }
}
