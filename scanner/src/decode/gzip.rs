//! gzip (RFC 1952), including concatenated members as `logrotate` and `cat`
//! produce them.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::{decompressed_name, DecodeError, Decoder, InnerSink};
use crate::decode::Piece;
use crate::findings::{Layer, LayerKind};

pub struct Gzip;

/// Outer name endings and what the inner stream is called then.
const SUFFIXES: &[(&str, &str)] = &[(".tgz", ".tar"), (".gz", "")];

impl Decoder for Gzip {
    fn name(&self) -> &'static str {
        "gzip"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(&[0x1f, 0x8b, 0x08])
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = MultiGzDecoder::new(input);
        // The name stored in the header (gzip -N) is the original's; else derive it.
        let inner = decoder
            .header()
            .and_then(|h| h.filename())
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .unwrap_or_else(|| decompressed_name(name, "gz", SUFFIXES));
        let layer = Layer {
            kind: LayerKind::Member,
            name: inner,
        };
        sink.push(Piece::member(layer, &mut decoder))
            .map(|_| ())
            .map_err(|e| DecodeError::reading("gzip stream", e))
    }
}

#[cfg(test)]
mod tests {
    use super::{decompressed_name, SUFFIXES};

    #[test]
    fn inner_stream_is_named_after_the_outer() {
        assert_eq!(decompressed_name("logs/app.log.gz", "gz", SUFFIXES), "app.log");
        assert_eq!(decompressed_name("x.tgz", "gz", SUFFIXES), "x.tar");
        assert_eq!(decompressed_name("blob", "gz", SUFFIXES), "blob.ungz");
        assert_eq!(decompressed_name(".gz", "gz", SUFFIXES), ".gz.ungz");
    }
}
