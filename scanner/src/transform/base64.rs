//! Base64 segments (standard and URL-safe alphabets, MIME-wrapped lines)
//! long enough to hold a card number.
//!
//! The trigger is cheap and specific: three ASCII digits encode to four base64
//! characters of a fixed shape (`[MNO][DTjz][AEIMQUYcgk][w-z0-5]`), so a
//! segment holding a run of digits shows that shape at least once wherever the
//! run starts. Segments starting with a container's signature (gzip `H4sI`,
//! zip `UEsDB`, PDF `JVBERi0`) are decoded too; the worker then decodes the container.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use super::{Decoded, View};
use crate::simd::{self, PairTest};

pub struct Base64;

/// Fewest base64 characters in a segment worth decoding (15 bytes).
const MIN_CHARS: usize = 20;

/// Longest line that MIME wrapping may end without ending the segment is any
/// multiple of 4 from this length up (RFC 2045 wraps at 76).
const MIN_WRAPPED_LINE: usize = 40;

/// The base64 of the signatures of the containers most often embedded in
/// text (gzip, zip and everything zip-based, PDF). Their first two
/// characters are found in the same SIMD pass as the digit trigger's
/// ([`PairTest::Base64Trigger`]): a `memmem` pass per signature and a
/// `memchr3` for `M`, `N`, `O` (stopping at every `Nov` of an access log)
/// cost twice as many instructions (callgrind, issue 3).
const CONTAINER_SIGNATURES: [&[u8]; 3] = [b"H4sI", b"UEsDB", b"JVBERi0"];

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

impl View for Base64 {
    fn name(&self) -> &'static str {
        "base64"
    }

    fn applies_to(&self, _binary: bool) -> bool {
        true
    }

    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>) {
        let is_trigger = |at: usize| {
            let signature = CONTAINER_SIGNATURES
                .iter()
                .any(|s| window[at..].starts_with(s) && (at == 0 || !is_base64(window[at - 1])));
            signature || encodes_digits(window, at)
        };
        simd::with_pairs(window, PairTest::Base64Trigger, |pairs| {
            let mut next = 0;
            for at in set_bits(pairs) {
                if at < next || !is_trigger(at) {
                    continue;
                }
                let chars = segment_around(window, at);
                next = chars.last().map_or(at + 1, |&last| last as usize + 1);
                if chars.len() < MIN_CHARS {
                    continue;
                }
                // Start decoding in step with the trigger's quad.
                let lead = chars.iter().position(|&c| c as usize == at).unwrap_or(0) % 4;
                if let Some(piece) = decode_segment(window, &chars[lead..]) {
                    out.push(piece);
                }
            }
        });
    }

    fn open_run(&self, window: &[u8]) -> Option<usize> {
        open_segment(window)
    }
}

/// The start of the base64 segment at the end of `window`, if it is long enough to decode.
fn open_segment(window: &[u8]) -> Option<usize> {
    let text = window.strip_suffix(b"\n").unwrap_or(window);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    let last = text
        .len()
        .checked_sub(1)
        .filter(|&last| is_base64(window[last]))?;
    let chars = segment_around(window, last);
    (chars.len() >= MIN_CHARS).then(|| chars[0] as usize)
}

/// Positions of the set bits of `words`, in order.
fn set_bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(k, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                64 * k + bit
            })
        })
    })
}

fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// Whether the four characters at `at` are the base64 of three ASCII digits.
fn encodes_digits(window: &[u8], at: usize) -> bool {
    match window.get(at..at + 4) {
        Some(&[a, b, c, d]) => {
            matches!(a, b'M' | b'N' | b'O')
                && matches!(b, b'D' | b'T' | b'j' | b'z')
                && matches!(
                    c,
                    b'A' | b'E' | b'I' | b'M' | b'Q' | b'U' | b'Y' | b'c' | b'g' | b'k'
                )
                && matches!(d, b'w'..=b'z' | b'0'..=b'5')
        }
        _ => false,
    }
}

/// Window positions of the characters of the base64 segment around `at`,
/// joining MIME-wrapped lines.
fn segment_around(window: &[u8], at: usize) -> Vec<u32> {
    let line_of = |from: usize| {
        let mut start = from;
        while start > 0 && is_base64(window[start - 1]) {
            start -= 1;
        }
        let mut end = from;
        while end < window.len() && is_base64(window[end]) {
            end += 1;
        }
        (start, end)
    };
    let wrapped = |(start, end): (usize, usize)| (end - start) >= MIN_WRAPPED_LINE && (end - start) % 4 == 0;
    let (first, last) = {
        let (mut first, mut last) = (line_of(at), line_of(at));
        // Earlier lines: a full-length line ending in a line break just before this one.
        while let Some(prev_end) = line_break_before(window, first.0) {
            let prev = line_of(prev_end);
            if prev.1 != prev_end || !wrapped(prev) || prev.0 == prev.1 {
                break;
            }
            first = prev;
        }
        // Later lines: this line is full-length and ends in a line break.
        while wrapped(last) {
            let Some(next_start) = line_break_after(window, last.1) else {
                break;
            };
            let next = line_of(next_start);
            if next.0 != next_start || next.0 == next.1 {
                break;
            }
            last = next;
        }
        (first, last)
    };
    let mut chars = Vec::with_capacity(last.1 - first.0);
    let mut pos = first.0;
    while pos < last.1 {
        if is_base64(window[pos]) {
            chars.push(pos as u32);
        }
        pos += 1;
    }
    chars
}

/// The end of the line before a line that starts at `start`, if a line break precedes it.
fn line_break_before(window: &[u8], start: usize) -> Option<usize> {
    let before = window.get(..start)?;
    let before = before.strip_suffix(b"\n")?;
    Some(before.strip_suffix(b"\r").unwrap_or(before).len())
}

/// Where the next line starts, if a line break (optionally after padding) follows `end`.
fn line_break_after(window: &[u8], end: usize) -> Option<usize> {
    let rest = window.get(end..)?;
    let rest = rest.strip_prefix(b"\r").unwrap_or(rest);
    rest.strip_prefix(b"\n")?;
    Some(window.len() - rest.len() + 1)
}

/// Decodes the characters at `chars` (standard or URL-safe alphabet).
fn decode_segment(window: &[u8], chars: &[u32]) -> Option<Decoded> {
    let usable = chars.len() - chars.len() % 4 + if chars.len() % 4 >= 2 { chars.len() % 4 } else { 0 };
    let text: Vec<u8> = chars[..usable]
        .iter()
        .map(|&at| match window[at as usize] {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    let bytes = ENGINE.decode(&text).ok()?;
    // Byte k of a quad's three comes from character k of its four.
    let origin = (0..bytes.len()).map(|k| chars[(k / 3) * 4 + k % 3]).collect();
    let start = *chars.first()? as usize;
    let end = *chars.get(usable.checked_sub(1)?)? as usize + 1;
    Some(Decoded {
        start,
        end,
        bytes,
        origin,
        unframed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn decoded(text: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        Base64.decode(text.as_bytes(), &mut out);
        out.into_iter().map(|d| d.bytes).collect()
    }

    #[test]
    fn base64_of_text_with_digits_is_decoded() {
        let inner = b"{\"card\":\"4526018159083012\",\"exp\":\"12/27\"}";
        let text = format!("payload={} end", STANDARD.encode(inner));
        assert_eq!(decoded(&text), vec![inner.to_vec()]);
    }

    #[test]
    fn mime_wrapped_lines_are_joined() {
        let inner =
            "Customer order. カード番号 4526-0181-5908-3012, 有効期限 12/27. Thank you for shopping with us.";
        let encoded = STANDARD.encode(inner);
        let wrapped: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        let text = format!(
            "Content-Transfer-Encoding: base64\r\n\r\n{}\r\n\r\n--b--",
            wrapped.join("\r\n")
        );
        assert_eq!(decoded(&text), vec![inner.as_bytes().to_vec()]);
    }

    #[test]
    fn url_safe_alphabet_and_missing_padding_decode() {
        let inner = b"pan=4526018159083012&ok=1?>";
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(inner);
        assert_eq!(decoded(&format!("t={encoded}")), vec![inner.to_vec()]);
    }

    #[test]
    fn text_without_encoded_digits_is_not_decoded() {
        assert!(decoded("INFO NOTE: OMG the MOON is made of cheese, MDN docs").is_empty());
        let random = STANDARD.encode([
            0x9a, 0x11, 0xfe, 0x00, 0x42, 0x77, 0x18, 0xc3, 0x5d, 0xe0, 0x01, 0x93, 0x6b, 0x2f, 0xa4,
        ]);
        assert!(decoded(&random).is_empty());
    }
}
