//! One worker thread's scanning of a file: open it safely, pick a decoder,
//! and push its bytes through the detectors.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use super::budget::{FileBudget, LimitExceeded, Meter, Metered};
use super::entropy::EntropyMeter;
use super::sparse;
use super::text::{StreamLabel, TextScanner};
use super::{Engine, Limits};
use crate::decode::{self, InnerSink, OffsetMap, ReadSeek, SNIFF_LEN};
use crate::field::Field;
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
    /// Scratch for [`Worker::scan_field`]: a value with its column's name.
    pub(super) field_text: Vec<u8>,
}

impl<'e> Worker<'e> {
    pub fn new(engine: &'e Engine) -> Self {
        Worker {
            engine,
            text: TextScanner::new(&engine.rules, &engine.fingerprinter),
            field_text: Vec::new(),
        }
    }

    /// Scans one file from disk.
    pub fn scan_file(&mut self, path: &Path, provenance: Provenance) -> FileOutcome {
        // A fault to isolate, for the test that the scan survives one.
        #[cfg(test)]
        if path.file_name().is_some_and(|n| n == super::tests::FAULTY_FILE) {
            panic!("a fault while scanning");
        }
        let mut out = FileOutcome::default();
        let skip = |out: &mut FileOutcome, reason, detail: String| {
            out.skipped.push(Skipped {
                provenance: provenance.clone(),
                reason,
                detail: detail.into(),
            })
        };
        let (mut file, size) = match open_regular_file(path) {
            Ok(Ok(opened)) => opened,
            Ok(Err(why)) => {
                skip(&mut out, why.skip_reason(), why.detail());
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
        if sparse::has_holes(&file, size) {
            if self.scan_sparse(&file, size, &provenance, &mut out) {
                return out;
            }
            // A decoder takes it: read it whole, from the start (finding the
            // data runs moved the file's offset).
            if let Err(e) = file.seek(SeekFrom::Start(0)) {
                let (reason, detail) = io_skip(&e);
                skip(&mut out, reason, detail);
                return out;
            }
        }
        let budget = FileBudget::default();
        let mut counted = Counted {
            inner: &mut file,
            meter: budget.read.clone(),
        };
        let input = Input::File(&mut counted, path);
        let result = self.scan_input(
            input,
            &provenance,
            GuidelineCategory::Stored,
            0,
            &budget,
            &mut out,
        );
        // A decoder that seeks (zip) may read some bytes twice; count the file once.
        out.coverage.bytes_scanned += budget.read.get().min(size);
        match result {
            Ok(()) => out.coverage.files_scanned += 1,
            // Recorded as skipped where it was hit; what came before was scanned.
            Err(e) if LimitExceeded::of(&e).is_some() => out.coverage.files_scanned += 1,
            Err(e) => {
                let (reason, detail) = io_skip(&e);
                skip(&mut out, reason, format!("read failed part-way: {detail}"));
            }
        }
        out
    }

    /// Scans a sparse file's data runs as bytes, skipping its holes
    /// ([`sparse`]). Returns false, having scanned nothing, when a decoder
    /// recognises the file: it is then read as any other file.
    fn scan_sparse(
        &mut self,
        file: &File,
        size: u64,
        provenance: &Provenance,
        out: &mut FileOutcome,
    ) -> bool {
        let mut runs = sparse::DataRuns::new(file, size);
        let mut head = [0u8; SNIFF_LEN];
        let head_len = match read_up_to(&mut runs, &mut head) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if decode::sniff(&head[..head_len]).is_some() {
            return false;
        }
        let map = runs.map();
        let label = StreamLabel {
            provenance,
            category: GuidelineCategory::Stored,
            origin: Some(&map),
        };
        let mut rest = Cursor::new(&head[..head_len]).chain(&mut runs);
        let scanned = self.text.scan_reader(&mut rest, &label, &mut out.findings);
        let budget = FileBudget::default();
        // A spent budget is recorded as skipped where it was hit.
        let _ = self.scan_pending(0, &budget, out);
        out.coverage.bytes_scanned += runs.read;
        out.coverage.sparse_bytes_skipped += runs.skipped;
        match scanned {
            Ok(bytes) => {
                out.coverage.add_stream("text", bytes);
                out.coverage.files_scanned += 1;
            }
            Err(e) => {
                let (reason, detail) = io_skip(&e);
                out.skipped.push(Skipped {
                    provenance: provenance.clone(),
                    reason,
                    detail: format!("read failed part-way: {detail}").into(),
                });
            }
        }
        true
    }

    /// Scans one top-level stream that is not a file on disk: decoded by the
    /// decoder that recognises it, else as bytes. Decoding problems are
    /// recorded in `out`; only a read error of this stream itself is returned.
    pub fn scan_stream(
        &mut self,
        reader: &mut dyn Read,
        provenance: &Provenance,
        category: GuidelineCategory,
        depth: u32,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        let budget = FileBudget::default();
        let mut counted = Counted {
            inner: reader,
            meter: budget.read.clone(),
        };
        self.scan_input(
            Input::Stream(&mut counted),
            provenance,
            category,
            depth,
            &budget,
            out,
        )
    }

    /// [`Worker::scan_stream`] under the bomb budget of the file it is part of.
    pub(super) fn scan_stream_within(
        &mut self,
        reader: &mut dyn Read,
        provenance: &Provenance,
        category: GuidelineCategory,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        self.scan_input(Input::Stream(reader), provenance, category, depth, budget, out)
    }

    /// Sniffs `input` and decodes it, or scans it as bytes. A decoding problem
    /// is recorded as a skip of this stream; an error is returned when this
    /// stream's own read failed or the whole file's bomb budget is spent (so
    /// the containers above stop too).
    fn scan_input(
        &mut self,
        mut input: Input<'_>,
        provenance: &Provenance,
        category: GuidelineCategory,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        let mut head = [0u8; SNIFF_LEN];
        let (head_len, failed) = match &mut input {
            Input::File(file, _) => fill_head(*file, &mut head),
            Input::Stream(reader) => fill_head(*reader, &mut head),
        };
        let head = &head[..head_len];
        if let Err(e) = failed {
            // The stream failed within its first bytes (a gzip member followed
            // by garbage): what came before the failure is still scanned.
            let label = StreamLabel {
                provenance,
                category,
                origin: None,
            };
            let bytes = self.text.scan_reader(&mut &head[..], &label, &mut out.findings);
            self.scan_pending(depth, budget, out)?;
            out.coverage.add_stream("text", bytes?);
            return Err(e);
        }
        let Some(decoder) = decode::sniff(head) else {
            let rest = match input {
                Input::File(file, _) => Cursor::new(head).chain(file as &mut dyn Read),
                Input::Stream(reader) => Cursor::new(head).chain(reader),
            };
            // Stored bytes that look compressed or encrypted are not "scanned"
            // (memory and media are near-random by nature).
            let measure = category == GuidelineCategory::Stored && !decode::legitimately_binary(head);
            let mut rest = EntropyMeter::new(rest, measure);
            let label = StreamLabel {
                provenance,
                category,
                origin: None,
            };
            let bytes = self.text.scan_reader(&mut rest, &label, &mut out.findings);
            if let Some(span) = rest.opaque_span() {
                out.skipped.push(Skipped {
                    provenance: provenance.clone(),
                    reason: SkipReason::NotDecodable,
                    detail: format!(
                        "{} bytes from byte {} look compressed or encrypted in a format hihoji cannot read; its raw bytes were scanned",
                        span.bytes, span.start
                    )
                    .into(),
                });
            }
            self.scan_pending(depth, budget, out)?;
            out.coverage.add_stream("text", bytes?);
            return Ok(());
        };
        let limits = &self.engine.limits;
        if depth >= limits.max_depth {
            out.skipped.push(Skipped {
                provenance: provenance.clone(),
                reason: SkipReason::BombLimit,
                detail: format!(
                    "{} nested deeper than {} levels (--max-depth)",
                    decoder.name(),
                    limits.max_depth
                )
                .into(),
            });
            return Ok(());
        }
        let name = provenance
            .layers
            .last()
            .map_or(provenance.artifact.as_str(), |l| l.name.as_str());
        let container_read = Meter::default();
        let path = match &input {
            Input::File(_, path) => Some(*path),
            Input::Stream(_) => None,
        };
        let mut sink = StreamSink {
            path,
            fields_found: HashSet::new(),
            worker: self,
            provenance,
            category,
            depth,
            budget,
            expands: decoder.expands(),
            container_read: &container_read,
            container_out: Meter::default(),
            out,
        };
        let result = match input {
            Input::File(file, _) => {
                file.seek(SeekFrom::Start(0))?;
                let mut counted = Counted {
                    inner: file,
                    meter: container_read.clone(),
                };
                decoder.decode_seekable(&mut counted, name, &mut sink)
            }
            Input::Stream(reader) => {
                let mut counted = Counted {
                    inner: Cursor::new(head).chain(reader),
                    meter: container_read.clone(),
                };
                decoder.decode(&mut counted, name, &mut sink)
            }
        };
        out.coverage.add_stream(decoder.name(), container_read.get());
        if let Err(e) = result {
            // A parser's message may quote a name or a value (a tar header's path).
            let message = e.to_string();
            self.scan_name(&message, provenance, category, out);
            out.skipped.push(Skipped {
                provenance: provenance.clone(),
                reason: e.skip_reason(),
                detail: format!(
                    "{}: {message}; anything readable before it was scanned",
                    decoder.name()
                )
                .into(),
            });
        }
        match budget.spent(&self.engine.limits) {
            Some(spent) => Err(spent.into_io()),
            None => Ok(()),
        }
    }

    /// Decodes the containers that views found inside the last text stream
    /// (base64 of a gzip stream), like any inner stream, under the same
    /// file's bomb budget. Reading from memory cannot fail; only a spent
    /// budget is returned.
    pub(super) fn scan_pending(
        &mut self,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        out.skipped.append(&mut self.text.skipped);
        for pending in std::mem::take(&mut self.text.pending) {
            let mut reader = Cursor::new(pending.bytes);
            let input = Input::Stream(&mut reader);
            let result = self.scan_input(
                input,
                &pending.provenance,
                pending.category,
                depth + 1,
                budget,
                out,
            );
            if let Err(e) = result {
                if LimitExceeded::of(&e).is_some() {
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

/// What a stream is read from: a file on disk can seek (zip reads its
/// directory at the end in place) and has a path (SQLite opens it), an inner
/// stream cannot.
enum Input<'a> {
    File(&'a mut dyn ReadSeek, &'a Path),
    Stream(&'a mut dyn Read),
}

/// A decoder's view of the worker: inner streams go back through
/// [`Worker::scan_input`], metered when the decoder decompresses.
struct StreamSink<'w, 'e, 'o> {
    worker: &'w mut Worker<'e>,
    provenance: &'w Provenance,
    category: GuidelineCategory,
    depth: u32,
    budget: &'w FileBudget,
    /// Whether the decoder decompresses (its streams count against the bomb limits).
    expands: bool,
    /// Compressed bytes the decoder has read, and what it has produced from them.
    container_read: &'w Meter,
    container_out: Meter,
    out: &'o mut FileOutcome,
    /// The file on disk, when the stream is one.
    path: Option<&'w Path>,
    /// Rule ids and fingerprints of what [`InnerSink::scan_field`] found, so
    /// that a scan of the same stream's raw bytes does not report it again.
    fields_found: HashSet<(String, String)>,
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
        let limits = &self.worker.engine.limits;
        if let Some(spent) = self.budget.spent(limits) {
            return Err(spent.into_io());
        }
        let child = self.provenance.child(layer.kind, layer.name.as_str());
        self.worker.scan_name(&layer.name, &child, category, self.out);
        let mut metered;
        let reader: &mut dyn Read = if self.expands {
            metered = Metered {
                inner: reader,
                limits,
                own: 0,
                container_read: self.container_read,
                container_out: &self.container_out,
                file: self.budget,
            };
            &mut metered
        } else {
            reader
        };
        let mut counted = Counted {
            inner: reader,
            meter: Meter::default(),
        };
        let input = Input::Stream(&mut counted);
        self.worker
            .scan_input(input, &child, category, self.depth + 1, self.budget, self.out)?;
        Ok(counted.meter.get())
    }

    fn scan_here(&mut self, reader: &mut dyn Read, origin: Option<&dyn OffsetMap>) -> io::Result<u64> {
        let label = StreamLabel {
            provenance: self.provenance,
            category: self.category,
            origin,
        };
        let mut found = Vec::new();
        let bytes = self.worker.text.scan_reader(reader, &label, &mut found);
        self.worker.scan_pending(self.depth, self.budget, self.out)?;
        let seen: HashSet<(&str, u64, &str)> = self
            .out
            .findings
            .iter()
            .filter(|f| &f.provenance == self.provenance)
            .map(|f| (f.rule_id.as_str(), f.location.offset, f.fingerprint.as_str()))
            .collect();
        found.retain(|f| !seen.contains(&(f.rule_id.as_str(), f.location.offset, f.fingerprint.as_str())));
        if !self.fields_found.is_empty() {
            found.retain(|f| {
                !self
                    .fields_found
                    .contains(&(f.rule_id.clone(), f.fingerprint.clone()))
            });
        }
        self.out.findings.append(&mut found);
        let bytes = bytes?;
        self.out.coverage.add_stream("text", bytes);
        Ok(bytes)
    }

    fn stream_mapped(
        &mut self,
        layer: Layer,
        category: GuidelineCategory,
        reader: &mut dyn Read,
        origin: &dyn OffsetMap,
    ) -> io::Result<u64> {
        self.stream_mapped_at(vec![layer], category, reader, origin)
    }

    fn stream_mapped_at(
        &mut self,
        layers: Vec<Layer>,
        category: GuidelineCategory,
        reader: &mut dyn Read,
        origin: &dyn OffsetMap,
    ) -> io::Result<u64> {
        let child = self.named(layers, category);
        let label = StreamLabel {
            provenance: &child,
            category,
            origin: Some(origin),
        };
        let bytes = self
            .worker
            .text
            .scan_reader(reader, &label, &mut self.out.findings);
        self.worker.scan_pending(self.depth, self.budget, self.out)?;
        let bytes = bytes?;
        self.out.coverage.add_stream("text", bytes);
        Ok(bytes)
    }

    fn note(&mut self, name: &str, kind: &str, detail: String, annotations: BTreeMap<String, String>) {
        let category = self.category;
        let provenance = self.named(
            vec![Layer {
                kind: LayerKind::Stream,
                name: name.to_string(),
            }],
            category,
        );
        self.worker.scan_name(&detail, &provenance, category, self.out);
        for value in annotations.values() {
            self.worker.scan_name(value, &provenance, category, self.out);
        }
        self.out.notes.push(Note {
            provenance,
            kind: kind.to_string(),
            detail: detail.into(),
            annotations: annotations.into_iter().map(|(k, v)| (k, v.into())).collect(),
        });
    }

    fn name(&mut self, layers: Vec<Layer>, category: GuidelineCategory, text: &str) {
        let provenance = self.named(layers, category);
        self.worker.scan_name(text, &provenance, category, self.out);
    }

    fn skipped(&mut self, name: &str, reason: SkipReason, detail: String) {
        self.skipped_at(
            vec![Layer {
                kind: LayerKind::Member,
                name: name.to_string(),
            }],
            reason,
            detail,
        );
    }

    fn skipped_at(&mut self, layers: Vec<Layer>, reason: SkipReason, detail: String) {
        let category = self.category;
        let provenance = self.named(layers, category);
        self.worker.scan_name(&detail, &provenance, category, self.out);
        self.out.skipped.push(Skipped {
            provenance,
            reason,
            detail: detail.into(),
        });
    }

    fn limits(&self) -> &Limits {
        &self.worker.engine.limits
    }

    fn path(&self) -> Option<&Path> {
        self.path
    }

    fn scan_field(&mut self, field: &Field<'_>) -> io::Result<()> {
        let label = format!("{}.{}", field.table, field.column);
        let provenance = self
            .provenance
            .child(LayerKind::Member, label.as_str())
            .child(LayerKind::Stream, field.row);
        let before = self.out.findings.len();
        self.worker.scan_field_within(
            &provenance,
            &label,
            field.value,
            self.category,
            self.depth,
            self.budget,
            self.out,
        )?;
        if field.recovered {
            let live = &self.fields_found;
            let new = self.out.findings.split_off(before);
            self.out.findings.extend(
                new.into_iter()
                    .filter(|f| !live.contains(&(f.rule_id.clone(), f.fingerprint.clone()))),
            );
        }
        for finding in &self.out.findings[before..] {
            self.fields_found
                .insert((finding.rule_id.clone(), finding.fingerprint.clone()));
        }
        Ok(())
    }
}

impl StreamSink<'_, '_, '_> {
    /// This stream's provenance with `layers` inside it, each layer's raw
    /// name scanned as data on the way.
    fn named(&mut self, layers: Vec<Layer>, category: GuidelineCategory) -> Provenance {
        let mut provenance = self.provenance.clone();
        for layer in layers {
            provenance = provenance.child(layer.kind, layer.name.as_str());
            self.worker
                .scan_name(&layer.name, &provenance, category, self.out);
        }
        provenance
    }
}

/// Counts the bytes read through it; seeks pass through.
struct Counted<R> {
    inner: R,
    meter: Meter,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.meter.add(n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Reads until `buf` is full, the stream ends or a read fails; returns what
/// was read in every case.
fn fill_head(reader: &mut dyn Read, buf: &mut [u8]) -> (usize, io::Result<()>) {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (filled, Err(e)),
        }
    }
    (filled, Ok(()))
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
