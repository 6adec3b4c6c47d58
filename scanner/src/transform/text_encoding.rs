//! The text encoding of a whole stream, recognised from its first window.

use super::japanese::{self, Japanese};
use super::utf16::{self, Utf16Sniff};
use super::CharMap;

/// A stream whose text is not UTF-8 (or ASCII) and must be transcoded before
/// the detectors can read its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf16(Utf16Sniff),
    Japanese(Japanese),
}

impl TextEncoding {
    /// The encoding of a stream starting with `head`, when it needs transcoding.
    pub fn sniff(head: &[u8]) -> Option<TextEncoding> {
        utf16::sniff(head)
            .map(TextEncoding::Utf16)
            .or_else(|| japanese::sniff(head).map(TextEncoding::Japanese))
    }

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf16(s) => s.endian.encoding_name(),
            TextEncoding::Japanese(j) => j.encoding_name(),
        }
    }

    /// True when the raw bytes must be scanned too: UTF-16 recognised only by
    /// its NUL pattern may be a binary file whose ASCII runs hold data.
    pub fn scan_raw_too(self) -> bool {
        matches!(self, TextEncoding::Utf16(Utf16Sniff { bom_len: 0, .. }))
    }

    /// How many bytes to skip at a window starting at stream offset `base`
    /// so that transcoding starts on a character boundary (UTF-16 code units
    /// are 2-byte aligned from the end of the byte-order mark).
    pub fn align(self, base: u64) -> usize {
        match self {
            TextEncoding::Utf16(s) => {
                let bom = s.bom_len as u64;
                if base < bom {
                    (bom - base) as usize
                } else {
                    ((base - bom) % 2) as usize
                }
            }
            TextEncoding::Japanese(_) => 0,
        }
    }

    /// How many source bytes a transcoded byte takes at most (the read
    /// overlap is scaled by it so that hits and their context still fit).
    pub fn expansion(self) -> usize {
        match self {
            TextEncoding::Utf16(_) => 2,
            TextEncoding::Japanese(_) => 1,
        }
    }

    /// Transcodes `input` to UTF-8 (see [`utf16::transcode`]); returns the bytes consumed.
    pub fn transcode(self, input: &[u8], out: &mut Vec<u8>, map: &mut CharMap) -> usize {
        match self {
            TextEncoding::Utf16(s) => utf16::transcode(input, s.endian, out, map),
            TextEncoding::Japanese(j) => japanese::transcode(input, j, out, map),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::utf16::Endian;

    #[test]
    fn utf16_windows_align_to_code_units_after_the_bom() {
        let bom = TextEncoding::Utf16(Utf16Sniff {
            endian: Endian::Little,
            bom_len: 2,
        });
        assert_eq!(bom.align(0), 2);
        assert_eq!(bom.align(1), 1);
        assert_eq!(bom.align(2), 0);
        assert_eq!(bom.align(7), 1);
        let no_bom = TextEncoding::Utf16(Utf16Sniff {
            endian: Endian::Little,
            bom_len: 0,
        });
        assert_eq!(no_bom.align(4), 0);
        assert_eq!(no_bom.align(5), 1);
    }
}
