//! xz (LZMA2), including concatenated streams, with the pure-Rust `lzma-rust2`.

use std::io::Read;

use lzma_rust2::XzReader;

use super::{push_decompressed, DecodeError, Decoder, InnerSink};

/// Most memory (KiB) an xz stream may ask for its dictionary: `xz -9` uses
/// 64 MiB; a stream asking for more is refused rather than allocated.
const MEM_LIMIT_KIB: u32 = 128 * 1024;

pub struct Xz;

impl Decoder for Xz {
    fn name(&self) -> &'static str {
        "xz"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00])
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = XzReader::new_mem_limit(input, true, MEM_LIMIT_KIB);
        push_decompressed("xz", &mut decoder, name, &[(".txz", ".tar"), (".xz", "")], sink)
    }
}
