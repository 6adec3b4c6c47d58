//! Splitting a large plain file into parts that several workers scan at
//! once, so that one 200 MB file does not leave a core idle at the end of a
//! scan.
//!
//! Only a file the scan reads as its own bytes is split: no decoder takes
//! it, it is not transcoded (UTF-16, Shift_JIS), it has no holes. Such a
//! file is read in windows on a fixed grid (`TextScanner::scan_part`), so a
//! part that starts on the grid starts with the window a scan of the whole
//! file makes there, and the exactly-once rule of overlapping windows
//! (`Window::decides`) gives each hit to exactly one part, with the same
//! context. Each part is one item of the walk; the findings collector
//! (`scan::collect`) joins them back: lines numbered on from the parts
//! before, findings in the batches and order of an unsplit scan, what the
//! file as a whole gets (counted as scanned, a near-random span) once.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::budget::FileBudget;
use super::collect::{PartEnd, PartTag};
use super::entropy::EntropyMeter;
use super::text::{fill, read_untranscoded, PartWindows, StreamLabel, CHUNK};
use super::worker::{io_skip, FileOutcome, Worker};
use crate::decode::{self, SNIFF_LEN};
use crate::findings::{GuidelineCategory, Provenance, Skipped};
use crate::sources::open_regular_file;

/// Bytes per part. Measured on the 2-core machine (docs/performance.md):
/// a part costs an open, a seek and one read window; at 16 MiB that is
/// under 1% of scanning it, and a 100 MB file still becomes six parts.
pub const PART_BYTES: u64 = 16 * 1024 * 1024;

/// When files are split, and what a part's first window needs.
#[derive(Debug, Clone, Copy)]
pub struct Splitting {
    /// Bytes per part, a multiple of [`CHUNK`]; files of two parts or more are split.
    pub part_bytes: u64,
    /// Bytes a window carries into the next (`Detector::overlap`).
    pub overlap: usize,
    /// Files over `--max-file-size` are skipped, never split.
    pub max_file_size: Option<u64>,
}

impl Splitting {
    pub fn new(part_bytes: u64, overlap: usize, max_file_size: Option<u64>) -> Self {
        let chunk = CHUNK as u64;
        Splitting {
            part_bytes: part_bytes.div_ceil(chunk).max(1) * chunk,
            overlap,
            max_file_size,
        }
    }
}

/// How one file is split.
pub struct Split {
    path: PathBuf,
    /// The file's first window: how its bytes are read is decided from it.
    head: Vec<u8>,
    /// Where each part starts: 0, then multiples of [`CHUNK`].
    starts: Vec<u64>,
    /// Where each part but the last stops: the next part's start plus the overlap.
    stops: Vec<u64>,
}

impl Split {
    /// The parts of the file at `path` when it is worth splitting and read
    /// as its own bytes; `None` leaves it to the worker whole (which also
    /// records why it could not be read).
    pub fn plan(path: &Path, splitting: &Splitting) -> Option<Arc<Split>> {
        let (mut file, size) = open_regular_file(path).ok()?.ok()?;
        let parts = size / splitting.part_bytes;
        if parts < 2 || splitting.max_file_size.is_some_and(|limit| size > limit) {
            return None;
        }
        if super::sparse::has_holes(&file, size) {
            return None;
        }
        file.seek(SeekFrom::Start(0)).ok()?;
        let mut head = vec![0; CHUNK + splitting.overlap];
        let (read, status) = fill(&mut file, &mut head);
        status.ok()?;
        head.truncate(read);
        if decode::sniff(&head[..read.min(SNIFF_LEN)]).is_some() || !read_untranscoded(&head) {
            return None;
        }
        let starts: Vec<u64> = (0..parts).map(|k| k * splitting.part_bytes).collect();
        let overlap = splitting.overlap as u64;
        let stops = starts[1..].iter().map(|start| start + overlap).collect();
        Some(Arc::new(Split {
            path: path.to_path_buf(),
            head,
            starts,
            stops,
        }))
    }

    pub fn parts(&self) -> usize {
        self.starts.len()
    }

    /// Where part `index` ends (the next one starts); the last part reads to the end.
    fn end(&self, index: usize) -> Option<u64> {
        self.starts.get(index + 1).copied()
    }
}

impl Worker<'_> {
    /// Scans part `index` of a split file. The file as a whole is counted by
    /// its first part; the collector joins the parts (`scan::collect`).
    pub fn scan_file_part(&mut self, split: &Split, index: usize, provenance: &Provenance) -> FileOutcome {
        let tag = PartTag {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            last: index + 1 == split.parts(),
        };
        if let Some(spill) = &mut self.spill {
            spill.part = Some(tag);
        }
        let mut out = FileOutcome::default();
        let mut end = PartEnd {
            provenance: provenance.clone(),
            lines: None,
            covers: 0,
            opaque_runs: Vec::new(),
        };
        if let Err(e) = self.read_part(split, index, provenance, &mut out, &mut end) {
            let (reason, detail) = io_skip(&e);
            let detail = if index == 0 {
                detail
            } else {
                format!("read failed part-way: {detail}")
            };
            out.skipped.push(Skipped {
                provenance: provenance.clone(),
                reason,
                detail: detail.into(),
            });
        }
        if let Some(spill) = &mut self.spill {
            spill.part_end = Some(end);
        }
        out
    }

    fn read_part(
        &mut self,
        split: &Split,
        index: usize,
        provenance: &Provenance,
        out: &mut FileOutcome,
        end: &mut PartEnd,
    ) -> std::io::Result<()> {
        let start = split.starts[index];
        let (file, _) = open_regular_file(&split.path)?.map_err(|why| std::io::Error::other(why.detail()))?;
        let mut at: &File = &file;
        at.seek(SeekFrom::Start(start))?;
        let owned = split.end(index).map(|end| end - start);
        let head = &split.head;
        let measure = !decode::legitimately_binary(&head[..head.len().min(SNIFF_LEN)]);
        let metered = EntropyMeter::for_part(at.take(owned.unwrap_or(u64::MAX)), measure, start);
        let mut reader = metered.chain(at);
        let label = StreamLabel {
            provenance,
            category: GuidelineCategory::Stored,
            origin: None,
        };
        let windows = PartWindows {
            start,
            stops: &split.stops[index.min(split.stops.len())..],
        };
        let budget = FileBudget::default();
        // A bomb limit hit in a container decoded from the text is recorded
        // as skipped where it was hit.
        let (read, _limit) = self.with_text_scanner(0, &budget, out, None, |scanner, sink| {
            scanner.scan_part(&mut reader, head, &windows, &label, sink)
        });
        let (metered, _) = reader.into_inner();
        end.opaque_runs = metered.into_runs();
        end.lines = read.lines;
        end.covers = read.covers;
        let read_to = read.bytes?;
        let bytes = owned.map_or(read_to, |owned| (start + owned).min(read_to)) - start;
        self.count_read(read_to - start);
        out.coverage.bytes_scanned += bytes;
        let text = out.coverage.by_decoder.entry("text".to_string()).or_default();
        text.bytes += bytes;
        if index == 0 {
            text.streams += 1;
            out.coverage.files_scanned += 1;
        }
        Ok(())
    }
}
