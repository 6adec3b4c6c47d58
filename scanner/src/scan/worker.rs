//! One worker thread's scanning of a file: open it safely, pick a decoder,
//! and push its bytes through the detectors.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::Path;

use super::budget::{FileBudget, LimitExceeded, Meter, Metered};
use super::entropy::EntropyMeter;
use super::heap;
use super::sparse;
use super::text::{fill, StreamLabel, TextScanner, TextSink};
use super::turns;
use super::{Engine, Limits};
use crate::decode::{self, Event, InnerSink, Piece, ReadSeek, SNIFF_LEN};
use crate::field::Field;
use crate::findings::{Finding, GuidelineCategory, Layer, LayerKind, Note, Provenance, SkipReason, Skipped};
use crate::outcome::Coverage;
use crate::sources::{open_regular_file, OpenedFile};

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
    /// Text scanners (detector scratch and read buffer), one per level of
    /// nesting in use: a container decoded from text (base64 of a gzip
    /// stream) is scanned while the text around it is still being read.
    scanners: Vec<TextScanner<'e>>,
    /// Scratch for [`Worker::scan_field`]: a value with its column's name.
    pub(super) field_text: Vec<u8>,
    /// Where a file's findings go mid-stream (`scan::collect`), while the
    /// file's own streams are read and nothing goes back over them.
    pub(super) spill: Option<super::collect::Spill>,
    /// Bytes read since the heap was last trimmed ([`heap`]).
    untrimmed: u64,
}

impl<'e> Worker<'e> {
    pub fn new(engine: &'e Engine) -> Self {
        Worker {
            engine,
            scanners: Vec::new(),
            field_text: Vec::new(),
            spill: None,
            untrimmed: 0,
        }
    }

    /// Counts `bytes` read; every [`heap::TRIM_AFTER_BYTES`] of them (one
    /// large file, or thousands of small archive members) the freed memory
    /// goes back to the system.
    pub(super) fn count_read(&mut self, bytes: u64) {
        self.untrimmed = self.untrimmed.saturating_add(bytes);
        if self.untrimmed >= heap::TRIM_AFTER_BYTES {
            heap::trim();
            self.untrimmed = 0;
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
        let OpenedFile {
            mut file,
            size,
            may_be_sparse,
        } = match open_regular_file(path) {
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
        if may_be_sparse && sparse::has_holes(&file, size) {
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
        let input = Input::File(&mut counted, path, size);
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
        self.count_read(budget.read.get());
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
        let head_len = match fill(&mut runs, &mut head) {
            (n, Ok(())) => n,
            (_, Err(_)) => return false,
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
        let budget = FileBudget::default();
        // A spent budget is recorded as skipped where it was hit.
        let scanned = self.scan_text(&mut rest, &label, 0, &budget, out, None).bytes;
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
            Input::File(file, ..) => fill(*file, &mut head),
            Input::Stream(reader) => fill(*reader, &mut head),
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
            let bytes = self
                .scan_text(&mut &head[..], &label, depth, budget, out, None)
                .into_result()?;
            out.coverage.add_stream("text", bytes);
            return Err(e);
        }
        let Some(decoder) = decode::sniff(head) else {
            let rest = match input {
                Input::File(file, ..) => Cursor::new(head).chain(file as &mut dyn Read),
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
            let scanned = self.scan_text(&mut rest, &label, depth, budget, out, None);
            if let Some(span) = rest.opaque_span() {
                out.skipped.push(span.skipped(provenance));
            }
            out.coverage.add_stream("text", scanned.into_result()?);
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
            Input::File(_, path, _) => Some(*path),
            Input::Stream(_) => None,
        };
        // Decodes that hold a lot of memory take turns (`turns`).
        let hungry = match &input {
            Input::File(_, _, size) => decoder.holds_input(true) || *size >= turns::LARGE_CONTAINER_BYTES,
            Input::Stream(_) => decoder.holds_input(false),
        };
        let took_turn = match self.spill.as_mut() {
            Some(spill) if hungry => spill.take_turn(),
            _ => false,
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
            Input::File(file, ..) => {
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
        if let (true, Some(spill)) = (took_turn, self.spill.as_mut()) {
            // What the decode freed goes back before the next one starts.
            heap::trim();
            self.untrimmed = 0;
            spill.end_turn();
        }
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

    /// Scans `reader` as text under `label`. Findings go to `found` when
    /// given (a caller that filters them first), else to `out`; containers
    /// that views decode inside the text (base64 of a gzip stream) are decoded
    /// at once, one level deeper under the same file's bomb budget.
    pub(super) fn scan_text(
        &mut self,
        reader: &mut dyn Read,
        label: &StreamLabel<'_>,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
        found: Option<&mut Vec<Finding>>,
    ) -> TextScan {
        let (bytes, limit) = self.with_text_scanner(depth, budget, out, found, |scanner, sink| {
            scanner.scan_reader(reader, label, sink)
        });
        TextScan { bytes, limit }
    }

    /// [`Worker::scan_text`] for bytes held in memory (a name, a table's value).
    pub(super) fn scan_text_bytes(
        &mut self,
        bytes: &[u8],
        label: &StreamLabel<'_>,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
        found: Option<&mut Vec<Finding>>,
    ) -> Option<io::Error> {
        let ((), limit) = self.with_text_scanner(depth, budget, out, found, |scanner, sink| {
            scanner.scan_bytes(bytes, label, sink)
        });
        limit
    }

    /// Runs `scan` with a text scanner not in use by an enclosing stream and
    /// a sink into `out`; returns what it returned and the bomb limit a
    /// container decoded from the text hit, if any.
    pub(super) fn with_text_scanner<T>(
        &mut self,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
        found: Option<&mut Vec<Finding>>,
        scan: impl FnOnce(&mut TextScanner<'e>, &mut dyn TextSink) -> T,
    ) -> (T, Option<io::Error>) {
        let mut scanner = self
            .scanners
            .pop()
            .unwrap_or_else(|| TextScanner::new(&self.engine.rules, &self.engine.fingerprinter));
        let mut sink = TextOut {
            worker: self,
            depth,
            budget,
            out,
            found,
            limit: None,
        };
        let result = scan(&mut scanner, &mut sink);
        let limit = sink.limit;
        self.scanners.push(scanner);
        (result, limit)
    }
}

/// What [`Worker::scan_text`] read.
pub(super) struct TextScan {
    /// Bytes of the stream read, or the error that stopped it.
    pub(super) bytes: io::Result<u64>,
    /// A bomb limit hit while decoding a container found in the text: the
    /// file's budget is spent, so the containers above stop too.
    pub(super) limit: Option<io::Error>,
}

impl TextScan {
    /// The bytes read, or the limit (first) or read error that stopped it.
    pub(super) fn into_result(self) -> io::Result<u64> {
        match self.limit {
            Some(limit) => Err(limit),
            None => self.bytes,
        }
    }
}

/// The text scanner's view of the worker: a container found in text goes
/// back through [`Worker::scan_input`], as a decoder's pushed [`Piece`] does.
struct TextOut<'w, 'e, 'o> {
    worker: &'w mut Worker<'e>,
    depth: u32,
    budget: &'w FileBudget,
    out: &'o mut FileOutcome,
    found: Option<&'o mut Vec<Finding>>,
    limit: Option<io::Error>,
}

impl TextSink for TextOut<'_, '_, '_> {
    fn finding(&mut self, finding: Finding) {
        match &mut self.found {
            Some(found) => found.push(finding),
            None => {
                self.out.findings.push(finding);
                if let Some(spill) = &mut self.worker.spill {
                    spill.offer(&mut self.out.findings);
                }
            }
        }
    }

    fn container(&mut self, provenance: &Provenance, category: GuidelineCategory, bytes: &[u8]) {
        if self.limit.is_some() {
            // The file's budget is spent: the skip is recorded where it was hit.
            return;
        }
        let input = Input::Stream(&mut &bytes[..]);
        let result =
            self.worker
                .scan_input(input, provenance, category, self.depth + 1, self.budget, self.out);
        // Reading from memory cannot fail; only a spent budget comes back.
        if let Err(e) = result {
            if LimitExceeded::of(&e).is_some() {
                self.limit = Some(e);
            }
        }
    }

    fn skipped(&mut self, skipped: Skipped) {
        self.out.skipped.push(skipped);
    }
}

/// What a stream is read from: a file on disk can seek (zip reads its
/// directory at the end in place) and has a path (SQLite opens it), an inner
/// stream cannot.
enum Input<'a> {
    /// A file, its path and its size.
    File(&'a mut dyn ReadSeek, &'a Path, u64),
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
    /// Rule ids and fingerprints of what [`InnerSink::field`] found, so
    /// that a scan of the same stream's raw bytes does not report it again.
    fields_found: HashSet<(String, String)>,
}

impl InnerSink for StreamSink<'_, '_, '_> {
    fn push(&mut self, piece: Piece<'_>) -> io::Result<u64> {
        let category = piece.category.unwrap_or(self.category);
        if piece.layers.is_empty() {
            return self.scan_here(piece.reader, piece.origin);
        }
        if !piece.decode {
            let child = self.named(piece.layers, category);
            let label = StreamLabel {
                provenance: &child,
                category,
                origin: piece.origin,
            };
            let bytes = self
                .worker
                .scan_text(piece.reader, &label, self.depth, self.budget, self.out, None)
                .into_result()?;
            self.out.coverage.add_stream("text", bytes);
            return Ok(bytes);
        }
        let limits = &self.worker.engine.limits;
        if let Some(spent) = self.budget.spent(limits) {
            return Err(spent.into_io());
        }
        let child = self.named(piece.layers, category);
        let mut metered;
        let reader: &mut dyn Read = if self.expands {
            metered = Metered {
                inner: piece.reader,
                limits,
                own: 0,
                container_read: self.container_read,
                container_out: &self.container_out,
                file: self.budget,
            };
            &mut metered
        } else {
            piece.reader
        };
        let mut counted = Counted {
            inner: reader,
            meter: Meter::default(),
        };
        let input = Input::Stream(&mut counted);
        self.worker
            .scan_input(input, &child, category, self.depth + 1, self.budget, self.out)?;
        // Members and decoded streams are buffered and freed: give their pages back.
        self.worker.count_read(counted.meter.get());
        Ok(counted.meter.get())
    }

    fn event(&mut self, event: Event) {
        let category = self.category;
        match event {
            Event::Note {
                layers,
                kind,
                detail,
                annotations,
            } => {
                let provenance = self.named(layers, category);
                self.worker.scan_name(&detail, &provenance, category, self.out);
                for value in annotations.values() {
                    self.worker.scan_name(value, &provenance, category, self.out);
                }
                self.out.notes.push(Note {
                    provenance,
                    kind,
                    detail: detail.into(),
                    annotations: annotations.into_iter().map(|(k, v)| (k, v.into())).collect(),
                });
            }
            Event::Skip {
                layers,
                reason,
                detail,
            } => {
                let provenance = self.named(layers, category);
                self.worker.scan_name(&detail, &provenance, category, self.out);
                self.out.skipped.push(Skipped {
                    provenance,
                    reason,
                    detail: detail.into(),
                });
            }
            Event::Name {
                layers,
                category,
                text,
            } => {
                let provenance = self.named(layers, category);
                self.worker.scan_name(&text, &provenance, category, self.out);
            }
        }
    }

    fn limits(&self) -> &Limits {
        &self.worker.engine.limits
    }

    fn path(&self) -> Option<&Path> {
        self.path
    }

    fn field(&mut self, field: &Field<'_>) -> io::Result<()> {
        let label = format!("{}.{}", field.table, field.column);
        let provenance = self
            .provenance
            .child(LayerKind::Member, label.as_str())
            .child(LayerKind::Stream, field.row);
        let before = self.out.findings.len();
        // The field's findings are gone over below: none may leave before.
        let spill = self.worker.spill.take();
        let scanned = self.worker.scan_field_within(
            &provenance,
            &label,
            field.value,
            self.category,
            self.depth,
            self.budget,
            self.out,
        );
        self.worker.spill = spill;
        scanned?;
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
    /// Scans bytes as this stream itself ([`Piece::here`]): a hit already
    /// reported at the same offset of this stream, or found in one of its
    /// table's fields, is not reported twice.
    fn scan_here(
        &mut self,
        reader: &mut dyn Read,
        origin: Option<&dyn crate::position::OffsetMap>,
    ) -> io::Result<u64> {
        let label = StreamLabel {
            provenance: self.provenance,
            category: self.category,
            origin,
        };
        let mut found = Vec::new();
        // Earlier findings of this stream are compared with `found` below:
        // none may leave before.
        let spill = self.worker.spill.take();
        let scanned = self.worker.scan_text(
            reader,
            &label,
            self.depth,
            self.budget,
            self.out,
            Some(&mut found),
        );
        self.worker.spill = spill;
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
        let bytes = scanned.into_result()?;
        self.out.coverage.add_stream("text", bytes);
        Ok(bytes)
    }

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

/// The skip reason and detail for an I/O error. The detail is the OS's
/// message, which never contains file content.
pub(super) fn io_skip(e: &std::io::Error) -> (SkipReason, String) {
    let reason = match e.kind() {
        std::io::ErrorKind::PermissionDenied => SkipReason::PermissionDenied,
        std::io::ErrorKind::NotFound => SkipReason::Vanished,
        _ => SkipReason::ReadError,
    };
    (reason, e.to_string())
}
