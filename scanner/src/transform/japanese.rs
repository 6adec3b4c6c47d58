//! Shift_JIS and EUC-JP text as UTF-8, so that Japanese context words
//! (カード番号, 有効期限, セキュリティコード) and full-width digits are seen.
//!
//! Digits are ASCII in both encodings, so a raw scan finds the numbers; what it
//! misses is every Japanese word around them. The transcoder walks characters
//! itself (to know each one's width for the [`CharMap`]) and lets encoding_rs
//! decode the multi-byte ones.

use encoding_rs::{Encoding, EUC_JP, SHIFT_JIS};

use super::CharMap;

/// A legacy Japanese text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Japanese {
    ShiftJis,
    EucJp,
}

impl Japanese {
    pub fn encoding_name(self) -> &'static str {
        match self {
            Japanese::ShiftJis => "shift_jis",
            Japanese::EucJp => "euc-jp",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            Japanese::ShiftJis => SHIFT_JIS,
            Japanese::EucJp => EUC_JP,
        }
    }

    /// Bytes in the character starting with `lead`.
    fn char_len(self, lead: u8) -> usize {
        match (self, lead) {
            (_, 0..=0x7F) => 1,
            (Japanese::ShiftJis, 0x81..=0x9F | 0xE0..=0xFC) => 2,
            (Japanese::ShiftJis, _) => 1,
            (Japanese::EucJp, 0x8E | 0xA1..=0xFE) => 2,
            (Japanese::EucJp, 0x8F) => 3,
            (Japanese::EucJp, _) => 1,
        }
    }
}

/// Shift_JIS or EUC-JP, when `head` is not UTF-8 but decodes cleanly as one of
/// them and holds Japanese characters.
pub fn sniff(head: &[u8]) -> Option<Japanese> {
    let sample = &head[..head.len().min(16 * 1024)];
    // Text in these encodings has ASCII spaces or line breaks; EBCDIC (whose
    // bytes may decode as kanji too) has neither.
    let ascii_layout = memchr::memchr3(b' ', b'\n', b'\t', sample).is_some();
    if sample.is_ascii() || sample.contains(&0) || !ascii_layout {
        return None;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return None,
        // Cut inside a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => return None,
        Err(_) => {}
    }
    // Do not judge a character cut at the end of the sample.
    let whole = match sample.iter().rposition(u8::is_ascii) {
        Some(_) if sample.len() == head.len() => sample,
        Some(last) => &sample[..=last],
        None => return None,
    };
    [Japanese::EucJp, Japanese::ShiftJis].into_iter().find(|j| {
        j.encoding()
            .decode_without_bom_handling_and_without_replacement(whole)
            .is_some_and(|text| text.chars().any(is_japanese))
    })
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Transcodes `input` to UTF-8 into `out` (cleared first), recording every
/// character's origin in `map`. Returns the bytes consumed: a character cut
/// at the end is left for the next piece.
pub fn transcode(input: &[u8], encoding: Japanese, out: &mut Vec<u8>, map: &mut CharMap) -> usize {
    out.clear();
    map.clear();
    out.reserve(input.len() + input.len() / 2);
    let mut at = 0;
    while at < input.len() {
        let ascii = input[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(input.len() - at);
        if ascii > 0 {
            map.push(out.len(), at, 1, 1);
            // One segment covers the whole ASCII run.
            out.extend_from_slice(&input[at..at + ascii]);
            at += ascii;
            continue;
        }
        let len = encoding.char_len(input[at]);
        if at + len > input.len() {
            break;
        }
        let out_start = out.len();
        let (text, _) = encoding
            .encoding()
            .decode_without_bom_handling(&input[at..at + len]);
        out.extend_from_slice(text.as_bytes());
        map.push(out_start, at, out.len() - out_start, len);
        at += len;
    }
    map.finish(out.len());
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_jis_and_euc_jp_are_told_apart() {
        let text = "カード番号：4526018159083012 有効期限 12/27\n";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        let (euc, _, _) = EUC_JP.encode(text);
        assert_eq!(sniff(&sjis), Some(Japanese::ShiftJis));
        assert_eq!(sniff(&euc), Some(Japanese::EucJp));
        assert_eq!(sniff(text.as_bytes()), None);
        assert_eq!(sniff(b"plain ascii"), None);
    }

    #[test]
    fn transcoded_digits_map_to_their_original_offsets() {
        let text = "カード番号：4526018159083012";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        let (mut out, mut map) = (Vec::new(), CharMap::default());
        assert_eq!(
            transcode(&sjis, Japanese::ShiftJis, &mut out, &mut map),
            sjis.len()
        );
        assert_eq!(out, text.as_bytes());
        let digits = text.find('4').unwrap();
        // Six double-byte characters precede the digits in Shift_JIS.
        assert_eq!(map.source_offset(digits), 12);
        assert_eq!(map.source_offset(digits + 3), 15);
    }

    #[test]
    fn a_character_cut_at_the_end_is_carried() {
        let (sjis, _, _) = SHIFT_JIS.encode("12カ");
        let (mut out, mut map) = (Vec::new(), CharMap::default());
        assert_eq!(transcode(&sjis[..3], Japanese::ShiftJis, &mut out, &mut map), 2);
        assert_eq!(out, b"12");
    }
}
