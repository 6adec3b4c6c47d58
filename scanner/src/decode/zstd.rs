//! Zstandard, including concatenated frames. libzstd's default window limit
//! (128 MiB) bounds the memory a frame can make it allocate.

use std::io::{BufReader, Read};

use super::{push_decompressed, DecodeError, Decoder, InnerSink};

pub struct Zstd;

impl Decoder for Zstd {
    fn name(&self) -> &'static str {
        "zstd"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = zstd::stream::read::Decoder::with_buffer(BufReader::new(input))
            .map_err(|e| DecodeError::Corrupt(format!("zstd: {e}")))?;
        push_decompressed(
            "zstd",
            &mut decoder,
            name,
            &[(".tzst", ".tar"), (".zst", "")],
            sink,
        )
    }
}
