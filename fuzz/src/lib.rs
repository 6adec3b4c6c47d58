//! Shared by the fuzz targets: scanning one capture the way the scanner does,
//! with small limits so that the limit paths are reached too.

use std::sync::OnceLock;

use hihoji_scanner::findings::{GuidelineCategory, Provenance};
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::rules::load_rules;
use hihoji_scanner::scan::{Engine, FileOutcome, Limits, Worker};

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
