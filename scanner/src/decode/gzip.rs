//! gzip (RFC 1952), including concatenated members as `logrotate` and `cat`
//! produce them.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::{DecodeError, Decoder, InnerSink};
use crate::findings::{Layer, LayerKind};

pub struct Gzip;

impl Decoder for Gzip {
    fn name(&self) -> &'static str {
        "gzip"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(&[0x1f, 0x8b, 0x08])
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut decoder = MultiGzDecoder::new(input);
        let inner = decoder
            .header()
            .and_then(|h| h.filename())
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .unwrap_or_else(|| inner_name(name));
        let layer = Layer {
            kind: LayerKind::Member,
            name: inner,
        };
        sink.stream(layer, &mut decoder)
            .map(|_| ())
            .map_err(|e| DecodeError::Corrupt(format!("gzip stream: {e}")))
    }
}

/// `orders.csv.gz` holds `orders.csv`; `x.tgz` holds `x.tar`.
fn inner_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if let Some(stem) = base.strip_suffix(".tgz") {
        format!("{stem}.tar")
    } else if let Some(stem) = base.strip_suffix(".gz") {
        stem.to_string()
    } else {
        format!("{base}.ungz")
    }
}

#[cfg(test)]
mod tests {
    use super::inner_name;

    #[test]
    fn inner_stream_is_named_after_the_outer() {
        assert_eq!(inner_name("logs/app.log.gz"), "app.log");
        assert_eq!(inner_name("x.tgz"), "x.tar");
        assert_eq!(inner_name("blob"), "blob.ungz");
    }
}
