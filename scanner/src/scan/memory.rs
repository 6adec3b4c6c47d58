//! One worker thread's scanning of a process's memory: region by region,
//! through the same windowed [`TextScanner`](super::TextScanner) as files, so a hit across two
//! chunks of a region is found exactly once.
//!
//! Region contents go from the target process into the worker's read buffer
//! and from there only to the detectors: nothing read is ever written out,
//! logged or kept, only the masked values and fingerprints of findings.

use std::collections::BTreeMap;
use std::io::{self, Read};

use super::budget::FileBudget;
use super::text::StreamLabel;
use super::worker::{FileOutcome, Worker};
use crate::findings::{GuidelineCategory, LayerKind, Provenance, SkipReason, Skipped};
use crate::outcome::{ProcessCoverage, ProcessStatus};
use crate::position::{OffsetMap, SourcePosition};
use crate::sources::process::{AccessError, MemoryReader, ProcessInfo, ProcessMemory, Region};

/// Name under which process memory appears in the coverage's decoder counts.
pub const PROCESS_MEMORY: &str = "process_memory";

impl Worker<'_> {
    /// Scans the selected regions of one process. Every region is read or
    /// counted as excluded or recorded as skipped; a process that exits or
    /// refuses part-way keeps what was found before.
    pub fn scan_process(
        &mut self,
        memory: &dyn ProcessMemory,
        process: &ProcessInfo,
        all_regions: bool,
    ) -> FileOutcome {
        let mut out = FileOutcome::default();
        let provenance = process.provenance();
        // Its names and arguments are data being processed too.
        for name in [
            Some(&process.name),
            process.executable.as_ref(),
            process.command_line.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            self.scan_name(name, &provenance, GuidelineCategory::Processed, &mut out);
        }
        let mut coverage = process_coverage(process.pid, Some(process));
        let opened = memory
            .regions(process.pid)
            .and_then(|regions| Ok((regions, memory.open(process.pid)?)));
        let (regions, mut reader) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                skip_process(&mut out, coverage, provenance, &error, "");
                return out;
            }
        };
        let annotations = process.annotations();
        let selected = regions
            .iter()
            .filter(|r| r.exclusion(all_regions).is_none())
            .count();
        for region in &regions {
            if region.exclusion(all_regions).is_some() {
                coverage.regions_excluded += 1;
                coverage.bytes_excluded += region.len();
                continue;
            }
            let region_provenance = provenance.child(LayerKind::Stream, region.label());
            let mut skip = |out: &mut FileOutcome, reason, detail: String| {
                coverage.regions_skipped += 1;
                out.skipped.push(Skipped {
                    provenance: region_provenance.clone(),
                    reason,
                    detail: detail.into(),
                });
            };
            if let Some(limit) = self
                .engine
                .limits
                .max_region_size
                .filter(|&limit| region.len() > limit)
            {
                let detail = format!("{} bytes, over the {limit}-byte region limit", region.len());
                skip(&mut out, SkipReason::TooLarge, detail);
                continue;
            }
            let origin = RegionOrigin {
                start: region.start,
                annotations: &annotations,
            };
            let mut region_reader = RegionReader::new(reader.as_mut(), region);
            // Containers that views decode in the region (base64 of a gzip
            // stream) are decoded as they are found, under a budget per region.
            let budget = FileBudget::default();
            let scanned = self.scan_text(
                &mut region_reader,
                &label(&region_provenance, &origin),
                0,
                &budget,
                &mut out,
                None,
            );
            if let Some(e) = scanned.limit {
                out.skipped.push(Skipped {
                    provenance: region_provenance.clone(),
                    reason: SkipReason::BombLimit,
                    detail: format!("decoded content: {e}").into(),
                });
            }
            let read = region_read(scanned.bytes, region_reader);
            match read {
                Ok(read) => {
                    let readable = region.len() - read.unreadable;
                    out.coverage.add_stream(PROCESS_MEMORY, readable);
                    if readable > 0 {
                        coverage.regions_scanned += 1;
                        coverage.bytes_scanned += readable;
                    }
                    if let Some(error) = read.first_unreadable {
                        let detail = if readable == 0 {
                            format!("{error}")
                        } else {
                            format!(
                                "{} of {} bytes are {error}; the rest was read",
                                read.unreadable,
                                region.len()
                            )
                        };
                        skip(&mut out, SkipReason::ReadError, detail);
                    }
                }
                Err(error @ (AccessError::Exited(_) | AccessError::Denied(_))) => {
                    let done = coverage.regions_scanned + coverage.regions_skipped;
                    let context = format!(" after {done} of {selected} regions");
                    skip_process(&mut out, coverage, provenance, &error, &context);
                    return out;
                }
                Err(error) => skip(&mut out, error.skip_reason(), error.to_string()),
            }
        }
        out.coverage.processes.push(coverage);
        out
    }
}

/// A process that could not be described at all (it exited, or its details are denied).
pub fn unreadable_process(pid: u32, error: &AccessError) -> FileOutcome {
    let mut out = FileOutcome::default();
    let provenance = crate::sources::process::process_provenance(pid, None);
    skip_process(&mut out, process_coverage(pid, None), provenance, error, "");
    out
}

fn process_coverage(pid: u32, process: Option<&ProcessInfo>) -> ProcessCoverage {
    ProcessCoverage {
        pid,
        name: process.map(|p| p.name.as_str().into()),
        executable: process.and_then(|p| p.executable.as_deref()).map(Into::into),
        user: process.and_then(|p| p.user.as_deref()).map(Into::into),
        status: ProcessStatus::Scanned,
        regions_scanned: 0,
        bytes_scanned: 0,
        regions_skipped: 0,
        regions_excluded: 0,
        bytes_excluded: 0,
        reason: None,
        detail: None,
    }
}

/// Records why a process was not (completely) read.
fn skip_process(
    out: &mut FileOutcome,
    mut coverage: ProcessCoverage,
    provenance: Provenance,
    error: &AccessError,
    context: &str,
) {
    let detail = format!("{error}{context}");
    coverage.status = if coverage.regions_scanned > 0 {
        ProcessStatus::Partial
    } else {
        ProcessStatus::Skipped
    };
    coverage.reason = Some(error.skip_reason());
    coverage.detail = Some(detail.as_str().into());
    out.coverage.processes.push(coverage);
    out.skipped.push(Skipped {
        provenance,
        reason: error.skip_reason(),
        detail: detail.into(),
    });
}

/// What reading a region came to.
struct RegionRead {
    /// Bytes in pages that could not be read (scanned as zeros).
    unreadable: u64,
    first_unreadable: Option<AccessError>,
}

/// How reading a region went, from the scan's result and the reader's own errors.
fn region_read(result: io::Result<u64>, mut reader: RegionReader<'_>) -> Result<RegionRead, AccessError> {
    finish(result, reader.error.take())?;
    Ok(RegionRead {
        unreadable: reader.unreadable,
        first_unreadable: reader.first_unreadable,
    })
}

fn label<'a>(provenance: &'a Provenance, origin: &'a RegionOrigin<'_>) -> StreamLabel<'a> {
    StreamLabel {
        provenance,
        category: GuidelineCategory::Processed,
        origin: Some(origin),
    }
}

/// The process's error if reading it failed, else the scan's own.
fn finish(result: io::Result<u64>, error: Option<AccessError>) -> Result<(), AccessError> {
    match (error, result) {
        (Some(error), _) => Err(error),
        (None, Err(e)) => Err(AccessError::Other(e.to_string())),
        (None, Ok(_)) => Ok(()),
    }
}

/// A region as a byte stream. Pages that cannot be read become zeros (so
/// no digits join across them) and are counted; an exited or refusing process
/// ends the stream with an error kept in `error`.
struct RegionReader<'m> {
    memory: &'m mut dyn MemoryReader,
    start: u64,
    len: u64,
    pos: u64,
    unreadable: u64,
    first_unreadable: Option<AccessError>,
    error: Option<AccessError>,
}

impl<'m> RegionReader<'m> {
    fn new(memory: &'m mut dyn MemoryReader, region: &Region) -> Self {
        RegionReader {
            memory,
            start: region.start,
            len: region.len(),
            pos: 0,
            unreadable: 0,
            first_unreadable: None,
            error: None,
        }
    }
}

impl Read for RegionReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let remaining = self.len - self.pos;
        if remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = usize::try_from(remaining).unwrap_or(usize::MAX).min(buf.len());
        let address = self.start + self.pos;
        let error = match self.memory.read_at(address, &mut buf[..want]) {
            Ok(n) if n > 0 => {
                let n = n.min(want);
                self.pos += n as u64;
                return Ok(n);
            }
            Ok(_) => AccessError::Unreadable("no bytes returned".to_string()),
            Err(error) => error,
        };
        if !matches!(error, AccessError::Unreadable(_)) {
            let message = error.to_string();
            self.error = Some(error);
            return Err(io::Error::other(message));
        }
        let page = self.memory.page_size();
        let to_boundary = page - address % page;
        let n = usize::try_from(to_boundary).unwrap_or(want).min(want);
        buf[..n].fill(0);
        self.pos += n as u64;
        self.unreadable += n as u64;
        self.first_unreadable.get_or_insert(error);
        Ok(n)
    }
}

/// Reports a region's findings at their offset in the region, with the
/// process's details and the absolute address.
struct RegionOrigin<'a> {
    start: u64,
    annotations: &'a BTreeMap<String, String>,
}

impl OffsetMap for RegionOrigin<'_> {
    fn locate(&self, offset: u64) -> SourcePosition {
        let mut annotations = self.annotations.clone();
        annotations.insert("address".to_string(), format!("0x{:x}", self.start + offset));
        SourcePosition { offset, annotations }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::Fingerprinter;
    use crate::rules::load_rules;
    use crate::scan::{Engine, Limits, CHUNK};
    use crate::sources::process::RegionKind;

    const PAGE: u64 = 4096;

    /// A process whose memory is a few byte vectors. Reads of `exits_at`
    /// report the process gone; pages in `holes` are unreadable.
    struct FakeProcess {
        regions: Vec<(u64, Vec<u8>)>,
        holes: Vec<u64>,
        exits_at: Option<u64>,
    }

    struct FakeReader {
        regions: Vec<(u64, Vec<u8>)>,
        holes: Vec<u64>,
        exits_at: Option<u64>,
    }

    impl ProcessMemory for FakeProcess {
        fn process_ids(&self) -> io::Result<Vec<u32>> {
            Ok(vec![42])
        }
        fn inspect(&self, _pid: u32) -> Result<ProcessInfo, AccessError> {
            Ok(info())
        }
        fn regions(&self, _pid: u32) -> Result<Vec<Region>, AccessError> {
            Ok(self
                .regions
                .iter()
                .map(|(start, bytes)| Region {
                    start: *start,
                    end: start + bytes.len() as u64,
                    readable: true,
                    writable: true,
                    executable: false,
                    shared: false,
                    kind: RegionKind::Anonymous,
                    name: "[anon]".to_string(),
                })
                .collect())
        }
        fn open(&self, _pid: u32) -> Result<Box<dyn MemoryReader>, AccessError> {
            Ok(Box::new(FakeReader {
                regions: self.regions.clone(),
                holes: self.holes.clone(),
                exits_at: self.exits_at,
            }))
        }
    }

    impl MemoryReader for FakeReader {
        fn read_at(&mut self, address: u64, buf: &mut [u8]) -> Result<usize, AccessError> {
            if self.exits_at.is_some_and(|at| address >= at) {
                return Err(AccessError::Exited(
                    "process_vm_readv: No such process".to_string(),
                ));
            }
            if self.holes.contains(&(address / PAGE * PAGE)) {
                return Err(AccessError::Unreadable("EFAULT".to_string()));
            }
            let (start, bytes) = self
                .regions
                .iter()
                .find(|(start, bytes)| (*start..start + bytes.len() as u64).contains(&address))
                .ok_or_else(|| AccessError::Unreadable("unmapped".to_string()))?;
            let from = (address - start) as usize;
            // Like the kernel: stop at the next unreadable page.
            let next_hole = self.holes.iter().filter(|&&h| h > address).min().copied();
            let limit = next_hole.map_or(usize::MAX, |h| (h - address) as usize);
            let n = buf.len().min(bytes.len() - from).min(limit);
            buf[..n].copy_from_slice(&bytes[from..from + n]);
            Ok(n)
        }
        fn page_size(&self) -> u64 {
            PAGE
        }
    }

    fn info() -> ProcessInfo {
        ProcessInfo {
            pid: 42,
            name: "pos".to_string(),
            executable: Some("/opt/pos/bin/pos".to_string()),
            user: Some("pos".to_string()),
            kernel_thread: false,
            command_line: None,
        }
    }

    fn engine() -> Engine {
        Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        }
    }

    /// `len` bytes of filler with `text` written at `at`.
    fn memory_with(len: usize, writes: &[(usize, &str)]) -> Vec<u8> {
        let mut bytes = vec![0u8; len];
        for (at, text) in writes {
            bytes[*at..at + text.len()].copy_from_slice(text.as_bytes());
        }
        bytes
    }

    #[test]
    fn process_that_exits_during_the_scan_keeps_earlier_findings_and_is_recorded_as_vanished() {
        let process = FakeProcess {
            regions: vec![
                (0x10000, memory_with(8192, &[(100, " 4526018159083012 ")])),
                (0x20000, memory_with(8192, &[(100, " 3530186252760186 ")])),
            ],
            holes: vec![],
            exits_at: Some(0x20000),
        };
        let engine = engine();
        let out = Worker::new(&engine).scan_process(&process, &info(), false);
        assert_eq!(out.findings.len(), 1);
        let finding = &out.findings[0];
        assert_eq!(finding.masked, "452601******3012");
        assert_eq!(finding.category, GuidelineCategory::Processed);
        assert_eq!(finding.provenance.to_string(), "pid:42(pos)#[anon]@0x10000");
        assert_eq!(finding.location.offset, 101);
        assert_eq!(finding.annotations["address"], "0x10065");
        assert_eq!(finding.annotations["executable"], "/opt/pos/bin/pos");
        assert_eq!(finding.annotations["user"], "pos");
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].reason, SkipReason::Vanished);
        assert_eq!(out.skipped[0].provenance.to_string(), "pid:42(pos)");
        assert!(
            out.skipped[0].detail.contains("after 1 of 2 regions"),
            "{}",
            out.skipped[0].detail
        );
        let coverage = &out.coverage.processes[0];
        assert_eq!(coverage.status, ProcessStatus::Partial);
        assert_eq!(coverage.regions_scanned, 1);
        assert_eq!(coverage.reason, Some(SkipReason::Vanished));
    }

    #[test]
    fn unreadable_page_is_recorded_and_digits_never_join_across_it() {
        // A PAN's first half ends the page before the hole, its second half
        // starts the page after: reading around the hole must not join them.
        let start = 0x40000;
        let len = 4 * PAGE as usize;
        let bytes = memory_with(
            len,
            &[
                (100, " 4526018159083012 "),
                (2 * PAGE as usize - 9, " 45260181"),
                (3 * PAGE as usize, "59083012 "),
                (3 * PAGE as usize + 200, " 3530186252760186 "),
            ],
        );
        let process = FakeProcess {
            regions: vec![(start, bytes)],
            holes: vec![start + 2 * PAGE],
            exits_at: None,
        };
        let engine = engine();
        let out = Worker::new(&engine).scan_process(&process, &info(), false);
        let masked: Vec<&str> = out.findings.iter().map(|f| f.masked.as_str()).collect();
        assert_eq!(masked, vec!["452601******3012", "353018******0186"]);
        assert_eq!(out.skipped.len(), 1);
        assert_eq!(out.skipped[0].reason, SkipReason::ReadError);
        assert!(
            out.skipped[0].detail.starts_with("4096 of 16384 bytes"),
            "{}",
            out.skipped[0].detail
        );
        let coverage = &out.coverage.processes[0];
        assert_eq!(coverage.status, ProcessStatus::Scanned);
        assert_eq!(coverage.bytes_scanned, 3 * PAGE);
    }

    #[test]
    fn pan_across_a_chunk_boundary_of_a_region_is_found_once() {
        let at = CHUNK - 7;
        let bytes = memory_with(3 * CHUNK, &[(at, " 6011170342366718 ")]);
        let process = FakeProcess {
            regions: vec![(0x100000, bytes)],
            holes: vec![],
            exits_at: None,
        };
        let engine = engine();
        let out = Worker::new(&engine).scan_process(&process, &info(), false);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].location.offset, at as u64 + 1);
    }

    #[test]
    fn region_over_the_size_limit_is_skipped_as_too_large() {
        let process = FakeProcess {
            regions: vec![(0x10000, memory_with(8192, &[(10, " 4526018159083012 ")]))],
            holes: vec![],
            exits_at: None,
        };
        let mut engine = engine();
        engine.limits.max_region_size = Some(4096);
        let out = Worker::new(&engine).scan_process(&process, &info(), false);
        assert!(out.findings.is_empty());
        assert_eq!(out.skipped[0].reason, SkipReason::TooLarge);
        assert_eq!(
            out.skipped[0].provenance.to_string(),
            "pid:42(pos)#[anon]@0x10000"
        );
        assert_eq!(out.coverage.processes[0].regions_skipped, 1);
    }
}
