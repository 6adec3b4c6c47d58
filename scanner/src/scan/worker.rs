//! One worker thread's scanning of a file: open it safely, pick a decoder,
//! and push its bytes through the detectors.

use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};
use std::path::Path;

use super::text::{StreamLabel, TextScanner};
use super::{Engine, Limits};
use crate::decode::{self, InnerSink, OffsetMap, SNIFF_LEN};
use crate::findings::{Finding, GuidelineCategory, Layer, LayerKind, Note, Provenance, SkipReason, Skipped};
use crate::outcome::Coverage;
use crate::sources::open_regular_file;

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub notes: Vec<Note>,
    pub coverage: Coverage,
}

/// Per-thread scanning state.
pub struct Worker<'e> {
    pub(super) engine: &'e Engine,
    pub(super) text: TextScanner<'e>,
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
            skip(
                &mut out,
                SkipReason::TooLarge,
                format!("{size} bytes, over the {limit}-byte limit"),
            );
            return out;
        }
        let mut counted = CountingReader {
            inner: &mut file,
            count: 0,
        };
        let result = self.scan_stream(&mut counted, &provenance, GuidelineCategory::Stored, 0, &mut out);
        out.coverage.bytes_scanned += counted.count;
        match result {
            Ok(()) => out.coverage.files_scanned += 1,
            Err(e) => {
                let (reason, detail) = io_skip(&e);
                skip(&mut out, reason, format!("read failed part-way: {detail}"));
            }
        }
        out
    }

    /// Scans one stream: decoded by the decoder that recognises it, else as
    /// bytes. Decoding problems are recorded in `out`; only a read error of
    /// this stream itself is returned.
    pub fn scan_stream(
        &mut self,
        reader: &mut dyn Read,
        provenance: &Provenance,
        category: GuidelineCategory,
        depth: u32,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        let mut head = [0u8; SNIFF_LEN];
        let head_len = read_up_to(reader, &mut head)?;
        let head = &head[..head_len];
        let mut input = Cursor::new(head).chain(reader);
        if let Some(decoder) = decode::sniff(head) {
            if depth >= self.engine.limits.max_depth {
                out.skipped.push(Skipped {
                    provenance: provenance.clone(),
                    reason: SkipReason::BombLimit,
                    detail: format!(
                        "{} nested deeper than {} levels",
                        decoder.name(),
                        self.engine.limits.max_depth
                    ),
                });
                return Ok(());
            }
            let name = provenance
                .layers
                .last()
                .map_or(provenance.artifact.as_str(), |l| l.name.as_str());
            let mut counted = CountingReader {
                inner: &mut input,
                count: 0,
            };
            let mut sink = StreamSink {
                worker: self,
                provenance,
                category,
                depth,
                out,
            };
            let result = decoder.decode(&mut counted, name, &mut sink);
            out.coverage.add_stream(decoder.name(), counted.count);
            if let Err(e) = result {
                out.skipped.push(Skipped {
                    provenance: provenance.clone(),
                    reason: e.skip_reason(),
                    detail: format!("{}: {e}; anything readable before it was scanned", decoder.name()),
                });
            }
            return Ok(());
        }
        let label = StreamLabel {
            provenance,
            category,
            origin: None,
        };
        let bytes = self.text.scan_reader(&mut input, &label, &mut out.findings);
        self.scan_pending(depth, out);
        out.coverage.add_stream("text", bytes?);
        Ok(())
    }

    /// Decodes the containers that views found inside the last text stream
    /// (base64 of a gzip stream), like any inner stream.
    pub(super) fn scan_pending(&mut self, depth: u32, out: &mut FileOutcome) {
        out.skipped.append(&mut self.text.skipped);
        for pending in std::mem::take(&mut self.text.pending) {
            let mut reader = Cursor::new(pending.bytes);
            // Reading from memory cannot fail.
            let _ = self.scan_stream(&mut reader, &pending.provenance, pending.category, depth + 1, out);
        }
    }
}

/// A decoder's view of the worker: inner streams go back through [`Worker::scan_stream`].
struct StreamSink<'w, 'e, 'o> {
    worker: &'w mut Worker<'e>,
    provenance: &'w Provenance,
    category: GuidelineCategory,
    depth: u32,
    out: &'o mut FileOutcome,
}

impl InnerSink for StreamSink<'_, '_, '_> {
    fn stream(&mut self, layer: Layer, reader: &mut dyn Read) -> io::Result<u64> {
        self.stream_as(layer, self.category, reader)
    }

    fn stream_as(
        &mut self,
        layer: Layer,
        category: GuidelineCategory,
        reader: &mut dyn Read,
    ) -> io::Result<u64> {
        let child = self.provenance.child(layer.kind, layer.name);
        let mut counted = CountingReader {
            inner: reader,
            count: 0,
        };
        let result = self
            .worker
            .scan_stream(&mut counted, &child, category, self.depth + 1, self.out);
        result.map(|()| counted.count)
    }

    fn stream_mapped(
        &mut self,
        layer: Layer,
        category: GuidelineCategory,
        reader: &mut dyn Read,
        origin: &dyn OffsetMap,
    ) -> io::Result<u64> {
        let child = self.provenance.child(layer.kind, layer.name);
        let label = StreamLabel {
            provenance: &child,
            category,
            origin: Some(origin),
        };
        let bytes = self
            .worker
            .text
            .scan_reader(reader, &label, &mut self.out.findings);
        self.worker.scan_pending(self.depth, self.out);
        let bytes = bytes?;
        self.out.coverage.add_stream("text", bytes);
        Ok(bytes)
    }

    fn note(&mut self, name: &str, kind: &str, detail: String, annotations: BTreeMap<String, String>) {
        self.out.notes.push(Note {
            provenance: self.provenance.child(LayerKind::Stream, name),
            kind: kind.to_string(),
            detail,
            annotations,
        });
    }

    fn skipped(&mut self, name: &str, reason: SkipReason, detail: String) {
        self.out.skipped.push(Skipped {
            provenance: self.provenance.child(LayerKind::Member, name),
            reason,
            detail,
        });
    }

    fn limits(&self) -> &Limits {
        &self.worker.engine.limits
    }
}

/// Counts the bytes read through it.
struct CountingReader<'a> {
    inner: &'a mut dyn Read,
    count: u64,
}

impl Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// Reads until `buf` is full or the stream ends.
fn read_up_to(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
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
