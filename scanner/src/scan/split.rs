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
use crate::sources::{open_regular_file, OpenedFile};

/// Bytes per part. Counted with callgrind (docs/performance.md): a part
/// costs an open, a second look at the file's first window and one overlap
/// read again, about 2% of scanning 16 MiB of dense text (8% at 4 MiB); and
/// a 100 MB file still becomes six parts.
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
        // Asked of every file the walk yields, most of them small: their
        // size is looked up before anything is opened.
        if std::fs::metadata(path).ok()?.len() / splitting.part_bytes < 2 {
            return None;
        }
        let OpenedFile {
            mut file,
            size,
            may_be_sparse,
        } = open_regular_file(path).ok()?.ok()?;
        let parts = size / splitting.part_bytes;
        if parts < 2 || splitting.max_file_size.is_some_and(|limit| size > limit) {
            return None;
        }
        if may_be_sparse && super::sparse::has_holes(&file, size) {
            return None;
        }
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
        let OpenedFile { file, .. } =
            open_regular_file(&split.path)?.map_err(|why| std::io::Error::other(why.detail()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::limits::Limits;
    use crate::mask::Fingerprinter;
    use crate::outcome::ScanOutcome;
    use crate::rules::load_rules;
    use crate::scan::{scan_sources, Engine, Paths, Quiet};
    use crate::sources::walk::WalkOptions;
    use proptest::prelude::*;
    use std::sync::OnceLock;
    use std::time::SystemTime;

    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        })
    }

    /// Scans `dir` on `threads` workers, its files split into parts of
    /// `part_bytes` when given.
    fn scan(dir: &Path, threads: usize, part_bytes: Option<u64>) -> ScanOutcome {
        let engine = engine();
        let roots = [dir.to_path_buf()];
        let walk = WalkOptions::default();
        let overlap = Detector::new(&engine.rules).overlap();
        let paths = Paths {
            roots: &roots,
            walk: &walk,
            split: part_bytes.map(|p| Splitting::new(p, overlap, None)),
        };
        scan_sources(&[&paths], threads, SystemTime::now(), engine, &Quiet).unwrap()
    }

    /// A Luhn-valid Visa number from `n` (synthetic).
    fn visa(n: u64) -> String {
        let body = format!("4{:014}", n % 100_000_000_000_000);
        let sum: u32 = body
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                match (i % 2 == 0, d * 2 > 9) {
                    (true, true) => d * 2 - 9,
                    (true, false) => d * 2,
                    (false, _) => d,
                }
            })
            .sum();
        format!("{body}{}", (10 - sum % 10) % 10)
    }

    /// A text of about `len` bytes from `seed`: log lines with timestamps,
    /// ids, amounts, card words, Japanese text, sometimes very long lines,
    /// with card numbers (plain, spaced, base64-encoded) written across the
    /// offsets in `around`.
    fn text(seed: u64, len: usize, around: &[(u64, i32, u8)]) -> Vec<u8> {
        use base64::Engine as _;
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = Vec::with_capacity(len + 4096);
        while out.len() < len {
            let r = next();
            let line = match r % 9 {
                0 => format!(
                    "{} card_number={} exp 12/29\n",
                    1_700_000_000_000 + r % 1000,
                    visa(r >> 8)
                ),
                1 => format!(
                    "order {} amount {}.{:02} id {}\n",
                    r % 1_000_000_007,
                    r % 9999,
                    r % 100,
                    r
                ),
                2 => format!("カード番号 {} 有効期限 03/27\n", visa(r >> 4)),
                3 => "x".repeat((r % 600) as usize) + " ",
                4 => format!(
                    "blob={}\n",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("card {} cvv 123 ", visa(r >> 3)).repeat((r % 40) as usize + 1))
                ),
                5 => format!("{},{},{},{}\n", r % 100_000, r >> 20, visa(r >> 5), r % 77),
                _ => format!("GET /item/{} HTTP/1.1 200 {}\n", r % 100_000, r % 5000),
            };
            out.extend_from_slice(line.as_bytes());
        }
        for &(boundary, shift, kind) in around {
            let token = match kind % 4 {
                0 => format!(" card {} ", visa(boundary.wrapping_add(shift as u64))),
                1 => format!(
                    " {} ",
                    visa(boundary * 3)
                        .as_bytes()
                        .chunks(4)
                        .map(|c| std::str::from_utf8(c).unwrap())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                2 => format!(
                    " data={} ",
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("card_number {} ", visa(boundary + 7)).repeat(300))
                ),
                _ => format!(" 有効 {} exp 01/30\n", visa(boundary + 11)),
            };
            let at = (boundary as i64 + i64::from(shift) - token.len() as i64 / 2).max(0) as usize;
            let at = at.min(out.len().saturating_sub(token.len()));
            out[at..at + token.len()].copy_from_slice(token.as_bytes());
        }
        out
    }

    fn assert_same(whole: &ScanOutcome, split: &ScanOutcome) {
        assert_eq!(whole.findings.len(), split.findings.len(), "finding count");
        for (i, (w, s)) in whole.findings.iter().zip(&split.findings).enumerate() {
            assert_eq!(w, s, "finding {i}");
        }
        assert_eq!(whole.skipped, split.skipped);
        assert_eq!(whole.notes, split.notes);
        assert_eq!(whole.coverage, split.coverage);
    }

    const C: u64 = CHUNK as u64;

    #[test]
    fn a_split_file_gives_the_findings_of_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let around: Vec<(u64, i32, u8)> = (1..6)
            .flat_map(|k| (0..4).map(move |kind| (k * C, (kind as i32 - 2) * 150, kind)))
            .collect();
        std::fs::write(dir.path().join("big.log"), text(7, 6 * CHUNK + 1000, &around)).unwrap();
        std::fs::write(dir.path().join("small.log"), format!("card {}\n", visa(5))).unwrap();
        let whole = scan(dir.path(), 1, None);
        assert!(whole.findings.len() > 100, "{}", whole.findings.len());
        assert!(
            whole
                .findings
                .iter()
                .any(|f| f.location.line.is_some_and(|l| l > 100)),
            "lines are counted"
        );
        for (threads, part) in [(2, C), (2, 2 * C), (1, C), (3, C)] {
            assert_same(&whole, &scan(dir.path(), threads, Some(part)));
        }
    }

    #[test]
    fn a_near_random_span_across_parts_is_one_span() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = text(3, 5 * CHUNK, &[]);
        let mut state = 99u64;
        for b in &mut bytes[(C as usize + 1000)..(3 * C as usize - 5000)] {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *b = (state >> 33) as u8;
        }
        std::fs::write(dir.path().join("mixed.dat"), bytes).unwrap();
        let whole = scan(dir.path(), 1, None);
        assert_eq!(whole.skipped.len(), 1, "{:?}", whole.skipped);
        assert_same(&whole, &scan(dir.path(), 2, Some(C)));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
        #[test]
        fn split_scans_equal_the_whole_scan(
            seed in any::<u64>(),
            extra in 0usize..(2 * CHUNK),
            around in proptest::collection::vec((1u64..5, -3000i32..3000, any::<u8>()), 0..12),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let around: Vec<(u64, i32, u8)> = around.into_iter().map(|(k, s, kind)| (k * C, s, kind)).collect();
            std::fs::write(dir.path().join("f.log"), text(seed, 3 * CHUNK + extra, &around)).unwrap();
            let whole = scan(dir.path(), 1, None);
            assert_same(&whole, &scan(dir.path(), 2, Some(C)));
        }
    }
}
