//! Shared by the fuzz targets: run one decoder over arbitrary bytes with a
//! sink that reads every inner stream to its end (so the decoder's own
//! reading is exercised) and never decodes further; and scan one capture the
//! way the scanner does, with small limits so the limit paths are reached.

use std::io::{self, Cursor, Read};
use std::sync::OnceLock;

use hihoji_scanner::decode::{decoders, Decoder, Event, InnerSink, Piece};
use hihoji_scanner::findings::{GuidelineCategory, Provenance};
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::rules::load_rules;
use hihoji_scanner::scan::{Engine, FileOutcome, Limits, Worker};

/// Reads what it is given and keeps nothing.
pub struct DrainSink {
    pub limits: Limits,
}

impl DrainSink {
    pub fn new() -> Self {
        DrainSink {
            limits: Limits {
                max_buffered_bytes: 1 << 20,
                max_members: 1000,
                ..Limits::default()
            },
        }
    }
}

impl Default for DrainSink {
    fn default() -> Self {
        Self::new()
    }
}

fn drain(reader: &mut dyn Read) -> io::Result<u64> {
    // Bounded: a fuzzer-made bomb must not make a run slow.
    io::copy(&mut reader.take(64 << 20), &mut io::sink())
}

impl InnerSink for DrainSink {
    fn push(&mut self, piece: Piece<'_>) -> io::Result<u64> {
        let n = drain(piece.reader)?;
        if let Some(origin) = piece.origin {
            for at in [0, n / 2, n.saturating_sub(1), n + 10] {
                origin.locate(at);
            }
        }
        Ok(n)
    }

    fn event(&mut self, _: Event) {}

    fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// The decoder called `name`.
pub fn decoder(name: &str) -> &'static dyn Decoder {
    decoders()
        .iter()
        .copied()
        .find(|d| d.name() == name)
        .unwrap_or_else(|| panic!("no decoder named {name}"))
}

/// Runs `name`'s sniffer and decoder over `data`, as a stream and, for
/// formats that can seek, in place.
pub fn run(name: &str, data: &[u8]) {
    let decoder = decoder(name);
    decoder.sniff(&data[..data.len().min(512)]);
    let _ = decoder.decode(&mut Cursor::new(data), name, &mut DrainSink::new());
    let _ = decoder.decode_seekable(&mut Cursor::new(data), name, &mut DrainSink::new());
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine {
        rules: load_rules(&[]).expect("embedded rules load"),
        fingerprinter: Fingerprinter::new(b"fuzz"),
        limits: Limits {
            max_stream_bytes: 4096,
            max_reassembly_bytes: 16384,
            ..Limits::default()
        },
    })
}

/// Scans `capture` as a file named `fuzz.pcap`; panics only on a bug.
pub fn scan_capture(capture: &[u8]) {
    let mut worker = Worker::new(engine());
    let mut out = FileOutcome::default();
    let provenance = Provenance::file("fuzz.pcap");
    let _ = worker.scan_stream(&mut &capture[..], &provenance, GuidelineCategory::Stored, 0, &mut out);
}
