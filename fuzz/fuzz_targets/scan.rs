#![no_main]
//! The whole engine over arbitrary bytes: sniffing, every decoder, nesting,
//! bomb limits and detection never panic.

use std::sync::OnceLock;

use hihoji_scanner::findings::{GuidelineCategory, Provenance};
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::rules::load_rules;
use hihoji_scanner::scan::{Engine, FileOutcome, Limits, Worker};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine {
        rules: load_rules(&[]).expect("default rules load"),
        fingerprinter: Fingerprinter::new(b"fuzz"),
        limits: Limits {
            max_total_bytes: 64 << 20,
            ratio_floor: 1 << 20,
            max_buffered_bytes: 1 << 20,
            ..Limits::default()
        },
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut worker = Worker::new(engine());
    let mut out = FileOutcome::default();
    let provenance = Provenance::file("fuzz");
    let _ = worker.scan_stream(&mut &data[..], &provenance, GuidelineCategory::Stored, 0, &mut out);
});
