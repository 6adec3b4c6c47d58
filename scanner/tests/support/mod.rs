//! Helpers shared by the engine's integration tests: the synthetic card
//! numbers and fixture builders (`src/test_support.rs`, the one generator of
//! the workspace, also used by the unit tests), packet captures, and the
//! engine with the default rules scanning a tree or a stream of bytes.

#[path = "../../src/test_support.rs"]
mod generated;
pub use generated::*;

pub mod capture;

use std::io::Cursor;
use std::path::Path;

use hihoji_scanner::findings::{GuidelineCategory, Provenance};
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::rules::load_rules;
use hihoji_scanner::scan::{scan, Engine, FileOutcome, Limits, Quiet, ScanConfig, Worker};

/// The default rule pack with a fixed fingerprint key, under `limits`.
pub fn engine(limits: Limits) -> Engine {
    Engine {
        rules: load_rules(&[]).expect("default rules"),
        fingerprinter: Fingerprinter::new(b"test key"),
        limits,
    }
}

/// A scan of the tree at `dir` with `threads` workers, under `limits`.
pub fn scan_tree(dir: &Path, limits: Limits, threads: usize) -> ScanOutcome {
    let config = ScanConfig {
        roots: vec![dir.to_path_buf()],
        processes: None,
        walk: Default::default(),
        limits: limits.clone(),
        threads,
        git_history: None,
    };
    scan(&config, &engine(limits), &Quiet).expect("scan runs")
}

/// A scan of the tree at `dir` with one worker and the default limits.
pub fn scan_dir(dir: &Path) -> ScanOutcome {
    scan_tree(dir, Limits::default(), 1)
}

/// `bytes` scanned as the content of a stored file `name`, by one worker.
pub fn scan_bytes(name: &str, bytes: &[u8]) -> FileOutcome {
    let engine = engine(Limits::default());
    let mut worker = Worker::new(&engine);
    let mut out = FileOutcome::default();
    worker
        .scan_stream(
            &mut Cursor::new(bytes),
            &Provenance::file(name),
            GuidelineCategory::Stored,
            0,
            &mut out,
        )
        .unwrap();
    out
}
