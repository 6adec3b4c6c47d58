//! One worker thread's scanning of a file: open it safely, pick a decoder,
//! and push its bytes through the detectors.

use std::path::Path;

use super::text::{StreamLabel, TextScanner};
use super::Engine;
use crate::findings::{Finding, GuidelineCategory, Provenance, SkipReason, Skipped};
use crate::outcome::Coverage;
use crate::sources::open_regular_file;

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub coverage: Coverage,
}

/// Per-thread scanning state.
pub struct Worker<'e> {
    engine: &'e Engine,
    text: TextScanner<'e>,
}

impl<'e> Worker<'e> {
    pub fn new(engine: &'e Engine) -> Self {
        Worker {
            engine,
            text: TextScanner::new(&engine.rules, &engine.fingerprinter),
        }
    }

    /// Scans one file from disk.
    pub fn scan_file(&mut self, path: &Path, provenance: Provenance) -> FileOutcome {
        let mut out = FileOutcome::default();
        let skip = |out: &mut FileOutcome, reason, detail: String| {
            out.skipped.push(Skipped {
                provenance: provenance.clone(),
                reason,
                detail,
            })
        };
        let (mut file, size) = match open_regular_file(path) {
            Ok(Ok(opened)) => opened,
            Ok(Err(kind)) => {
                skip(&mut out, SkipReason::SpecialFile, kind.to_string());
                return out;
            }
            Err(e) => {
                let (reason, detail) = io_skip(&e);
                skip(&mut out, reason, detail);
                return out;
            }
        };
        if let Some(limit) = self.engine.limits.max_file_size.filter(|&limit| size > limit) {
            skip(&mut out, SkipReason::TooLarge, format!("{size} bytes, over the {limit}-byte limit"));
            return out;
        }
        let label = StreamLabel {
            provenance: &provenance,
            category: GuidelineCategory::Stored,
        };
        match self.text.scan_reader(&mut file, &label, &mut out.findings) {
            Ok(bytes) => {
                out.coverage.files_scanned += 1;
                out.coverage.bytes_scanned += bytes;
                out.coverage.add_stream("text", bytes);
            }
            Err(e) => {
                let (reason, detail) = io_skip(&e);
                skip(&mut out, reason, format!("read failed part-way: {detail}"));
            }
        }
        out
    }
}

/// The skip reason and detail for an I/O error. The detail is the OS's
/// message, which never contains file content.
fn io_skip(e: &std::io::Error) -> (SkipReason, String) {
    let reason = match e.kind() {
        std::io::ErrorKind::PermissionDenied => SkipReason::PermissionDenied,
        std::io::ErrorKind::NotFound => SkipReason::Vanished,
        _ => SkipReason::ReadError,
    };
    (reason, e.to_string())
}
