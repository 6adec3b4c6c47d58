//! LZ4 frames (`.lz4`: Debian's apt lists, `lz4` command output), with
//! `lz4_flex` (pure Rust). Legacy frames and Mozilla's `mozlz4` block files
//! stay opaque (`decode::opaque`).

use std::io::Read;

use lz4_flex::frame::FrameDecoder;

use super::{push_decompressed, DecodeError, Decoder, InnerSink};

pub struct Lz4;

const MAGIC: &[u8] = b"\x04\x22\x4d\x18";
const SUFFIXES: &[(&str, &str)] = &[(".lz4", "")];

impl Decoder for Lz4 {
    fn name(&self) -> &'static str {
        "lz4"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(MAGIC)
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = FrameDecoder::new(input);
        push_decompressed("lz4", &mut decoder, name, SUFFIXES, sink)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn an_lz4_frame_is_recognised_and_decodes() {
        let mut encoder = lz4_flex::frame::FrameEncoder::new(Vec::new());
        encoder.write_all(b"Package: shop\n").unwrap();
        let frame = encoder.finish().unwrap();
        assert!(Lz4.sniff(&frame));
        let mut text = String::new();
        FrameDecoder::new(&frame[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, "Package: shop\n");
    }
}
