//! zlib streams (RFC 1950): git's loose objects (`.git/objects/ab/cdef…`),
//! and any file that is one raw zlib stream.
//!
//! A zlib header is only two bytes and a valid one can start a text file
//! (`x^` is 0x78 0x5e), so a stream is claimed only when its first bytes
//! also inflate cleanly: the whole stream ends with a valid checksum inside
//! them, or all of them inflate without an error. Text almost never
//! survives that: a back-reference before the start of the output, or an
//! invalid block type, stops inflation within a few bytes.

use std::io::Read;

use flate2::read::ZlibDecoder;
use flate2::{Decompress, FlushDecompress, Status};

use super::{push_decompressed, DecodeError, Decoder, InnerSink, SNIFF_LEN};

pub struct Zlib;

const SUFFIXES: &[(&str, &str)] = &[(".zz", ""), (".zlib", "")];

impl Decoder for Zlib {
    fn name(&self) -> &'static str {
        "zlib"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        has_zlib_header(head) && inflates_cleanly(head)
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = ZlibDecoder::new(input);
        push_decompressed("zlib", &mut decoder, name, SUFFIXES, sink)
    }
}

/// CMF says deflate with a window of at most 32 KiB, no preset dictionary,
/// and the FCHECK bits make the header a multiple of 31.
pub(crate) fn has_zlib_header(head: &[u8]) -> bool {
    let [cmf, flg, ..] = *head else {
        return false;
    };
    cmf & 0x0f == 8 && cmf >> 4 <= 7 && flg & 0x20 == 0 && (u16::from(cmf) << 8 | u16::from(flg)) % 31 == 0
}

/// True when `head` inflates without an error: to the end of the stream
/// (checksum verified), or through every byte of a full sniff window.
fn inflates_cleanly(head: &[u8]) -> bool {
    let mut inflater = Decompress::new(true);
    let mut out = [0u8; 8192];
    loop {
        let (in_before, out_before) = (inflater.total_in(), inflater.total_out());
        let consumed = usize::try_from(in_before).unwrap_or(usize::MAX);
        let Some(rest) = head.get(consumed..) else {
            return false;
        };
        match inflater.decompress(rest, &mut out, FlushDecompress::None) {
            Ok(Status::StreamEnd) => return true,
            Ok(_) if inflater.total_in() as usize >= head.len() => return head.len() >= SNIFF_LEN,
            // No progress on input that is there: stuck, not a stream.
            Ok(_) if inflater.total_in() == in_before && inflater.total_out() == out_before => return false,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::zlib;

    #[test]
    fn a_git_loose_object_is_zlib_and_text_starting_like_a_header_is_not() {
        let object = zlib(b"blob 24\0card=4539875260181596\n");
        assert!(Zlib.sniff(&object));
        let mut x = 12345u64;
        let varied: String = (0..2000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("{} ", x >> 40)
            })
            .collect();
        let long = zlib(varied.as_bytes());
        assert!(long.len() > SNIFF_LEN);
        assert!(
            Zlib.sniff(&long[..SNIFF_LEN]),
            "a long stream is claimed by its first bytes"
        );
        for text in [
            &b"x^2 + y^2 = r^2, the circle's equation, and more text after it"[..],
            b"x\x9c",
            b"x^",
        ] {
            assert!(!Zlib.sniff(text), "{:?}", String::from_utf8_lossy(text));
        }
        let mut corrupt = object.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert!(!Zlib.sniff(&corrupt), "a bad checksum is not a clean stream");
    }
}
