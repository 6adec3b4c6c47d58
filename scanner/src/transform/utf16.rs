//! UTF-16 text as UTF-8 that the detectors can read, with the origin of
//! every transcoded byte.
//!
//! Windows writes text files, registry exports and much of its process memory
//! in UTF-16; a card number there is `4\05\02\06\0…`, which no byte scanner
//! sees. [`transcode`] turns UTF-16 bytes into UTF-8 and fills a [`Utf16Map`]
//! so that a hit in the UTF-8 text is reported at its offset in the original
//! bytes.

pub use super::charmap::CharMap as Utf16Map;

/// Byte order of UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

impl Endian {
    /// The encoding's name as it appears in provenance and annotations.
    pub fn encoding_name(self) -> &'static str {
        match self {
            Endian::Little => "utf-16le",
            Endian::Big => "utf-16be",
        }
    }

    /// The code unit `pair` holds in this byte order.
    pub fn unit(self, pair: [u8; 2]) -> u16 {
        match self {
            Endian::Little => u16::from_le_bytes(pair),
            Endian::Big => u16::from_be_bytes(pair),
        }
    }
}

/// How a stream announces (or betrays) that it is UTF-16.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf16Sniff {
    pub endian: Endian,
    /// Bytes of byte-order mark to skip (0 when detected by the NUL pattern).
    pub bom_len: usize,
}

/// UTF-16 by its byte-order mark, or by the NUL bytes that interleave ASCII
/// characters (`4\05\0` is little-endian, `\04\05` big-endian).
pub fn sniff(head: &[u8]) -> Option<Utf16Sniff> {
    if head.starts_with(&[0xFF, 0xFE]) && !head.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Some(Utf16Sniff {
            endian: Endian::Little,
            bom_len: 2,
        });
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Some(Utf16Sniff {
            endian: Endian::Big,
            bom_len: 2,
        });
    }
    let sample = &head[..head.len().min(1024) & !1];
    let pairs = sample.len() / 2;
    if pairs < 8 {
        return None;
    }
    let (mut low_nul, mut high_nul, mut both) = (0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        match (pair[0] == 0, pair[1] == 0) {
            (true, true) => both += 1,
            (false, true) => low_nul += 1,
            (true, false) => high_nul += 1,
            (false, false) => {}
        }
    }
    // Mostly ASCII-range characters, hardly any NUL characters, and NULs on one side only.
    let mostly = |n: usize| n * 10 >= pairs * 6;
    let rare = |n: usize| n * 20 <= pairs;
    let endian = if mostly(low_nul) && rare(high_nul) {
        Endian::Little
    } else if mostly(high_nul) && rare(low_nul) {
        Endian::Big
    } else {
        return None;
    };
    rare(both).then_some(Utf16Sniff { endian, bom_len: 0 })
}

/// Transcodes UTF-16 `input` to UTF-8 into `out` (cleared first), recording
/// the origin of every output byte in `map` (cleared, base 0). Unpaired
/// surrogates become U+FFFD. Returns how many input bytes were consumed: an
/// odd last byte, or a high surrogate whose pair is cut off at the end, is
/// left for the caller to carry into the next piece.
pub fn transcode(input: &[u8], endian: Endian, out: &mut Vec<u8>, map: &mut Utf16Map) -> usize {
    out.clear();
    map.clear();
    out.reserve(input.len() / 2 + 16);
    let mut at = 0;
    while at + 1 < input.len() {
        let unit = endian.unit([input[at], input[at + 1]]);
        let (c, width) = if (0xD800..0xDC00).contains(&unit) {
            if at + 3 >= input.len() {
                break;
            }
            let low = endian.unit([input[at + 2], input[at + 3]]);
            if (0xDC00..0xE000).contains(&low) {
                let scalar = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                (char::from_u32(scalar).unwrap_or(char::REPLACEMENT_CHARACTER), 4)
            } else {
                (char::REPLACEMENT_CHARACTER, 2)
            }
        } else {
            (
                char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER),
                2,
            )
        };
        let out_start = out.len();
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
        map.push(out_start, at, out.len() - out_start, width);
        at += width;
    }
    map.finish(out.len());
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn ascii_maps_every_byte_to_twice_its_offset() {
        let input = le("card 4526018159083012");
        let (mut out, mut map) = (Vec::new(), Utf16Map::default());
        assert_eq!(transcode(&input, Endian::Little, &mut out, &mut map), input.len());
        assert_eq!(out, b"card 4526018159083012");
        assert_eq!(map.source_offset(5), 10);
        assert_eq!(map.output_offset(10), 5);
        map.set_base(1000);
        assert_eq!(map.source_offset(20), 1040);
    }

    #[test]
    fn japanese_and_astral_characters_map_to_their_units() {
        let text = "カード番号😀:4526";
        let input: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let (mut out, mut map) = (Vec::new(), Utf16Map::default());
        transcode(&input, Endian::Big, &mut out, &mut map);
        assert_eq!(out, text.as_bytes());
        let colon = text.find(':').unwrap();
        // 5 BMP characters (2 bytes each) and one surrogate pair (4 bytes) precede the colon.
        assert_eq!(map.source_offset(colon), 14);
        assert_eq!(map.source_offset(colon + 1), 16);
        assert_eq!(map.output_offset(14), colon);
    }

    #[test]
    fn cut_surrogate_and_odd_byte_are_left_for_the_next_piece() {
        let mut input = le("12");
        input.extend_from_slice(&[0x3D, 0xD8]); // high surrogate of 😀, its pair missing
        let (mut out, mut map) = (Vec::new(), Utf16Map::default());
        assert_eq!(transcode(&input, Endian::Little, &mut out, &mut map), 4);
        assert_eq!(transcode(&le("12")[..3], Endian::Little, &mut out, &mut map), 2);
        assert_eq!(out, b"1");
    }

    #[test]
    fn unpaired_low_surrogate_becomes_a_replacement_character() {
        let input = [0x00, 0xDC, b'7', 0];
        let (mut out, mut map) = (Vec::new(), Utf16Map::default());
        transcode(&input, Endian::Little, &mut out, &mut map);
        assert_eq!(out, "\u{FFFD}7".as_bytes());
        assert_eq!(map.source_offset(3), 2);
    }

    #[test]
    fn sniffs_bom_and_nul_pattern() {
        assert_eq!(
            sniff(&[0xFF, 0xFE, b'a', 0]).map(|s| s.endian),
            Some(Endian::Little)
        );
        assert_eq!(sniff(&[0xFE, 0xFF, 0, b'a']).map(|s| s.bom_len), Some(2));
        let no_bom = le("order 1: card 4526018159083012 ok");
        assert_eq!(
            sniff(&no_bom),
            Some(Utf16Sniff {
                endian: Endian::Little,
                bom_len: 0
            })
        );
        let be: Vec<u8> = "plain ascii text here"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(sniff(&be).map(|s| s.endian), Some(Endian::Big));
        assert_eq!(sniff(b"plain ascii text, no NULs at all"), None);
        assert_eq!(sniff(&[0u8; 64]), None);
    }
}
