//! bzip2, including concatenated streams (as `pbzip2` writes them).

use std::io::Read;

use bzip2::read::MultiBzDecoder;

use super::{push_decompressed, DecodeError, Decoder, InnerSink};

pub struct Bzip2;

impl Decoder for Bzip2 {
    fn name(&self) -> &'static str {
        "bzip2"
    }

    /// `BZh`, a block size digit, then a block's or the end's magic number.
    fn sniff(&self, head: &[u8]) -> bool {
        head.len() >= 10
            && head.starts_with(b"BZh")
            && (b'1'..=b'9').contains(&head[3])
            && (head[4..10] == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
                || head[4..10] == [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = MultiBzDecoder::new(input);
        push_decompressed(
            "bzip2",
            &mut decoder,
            name,
            &[(".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", "")],
            sink,
        )
    }
}
