//! A baseline made from findings as they stream by, in bounded memory.
//!
//! Entries are gathered a run at a time; each full run is sorted and written
//! to an unnamed temporary file, one JSON line per entry, and the baseline is
//! written by merging the runs. The runs hold what the baseline file itself
//! holds (fingerprints, rule ids, paths and masked values), never a number.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::{entry, BaselineEntry, BASELINE_VERSION};
use crate::findings::Finding;

/// Entries held in memory before they are written out as a run (a few MB).
const RUN_ENTRIES: usize = 16 * 1024;

/// The entries of a baseline being made; repeats (the same number on the
/// same rule in the same file) are kept once.
#[derive(Default)]
pub struct Accepted {
    pending: BTreeSet<BaselineEntry>,
    runs: Vec<File>,
    /// A run that could not be written: the baseline would miss entries.
    failed: Option<io::Error>,
}

impl Accepted {
    pub fn add(&mut self, finding: &Finding) -> io::Result<()> {
        self.pending.insert(entry(finding));
        if self.pending.len() >= RUN_ENTRIES && self.failed.is_none() {
            if let Err(e) = self.write_run() {
                let kept = io::Error::new(e.kind(), e.to_string());
                self.failed = Some(e);
                return Err(kept);
            }
        }
        Ok(())
    }

    fn write_run(&mut self) -> io::Result<()> {
        let mut run = BufWriter::new(tempfile::tempfile()?);
        for entry in std::mem::take(&mut self.pending) {
            serde_json::to_writer(&mut run, &entry)?;
            run.write_all(b"\n")?;
        }
        let mut file = run.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        self.runs.push(file);
        Ok(())
    }

    /// Writes the baseline file of every entry added and of `also` (an
    /// existing baseline's entries, for `baseline update`), sorted and each
    /// once, as `serde_json::to_writer_pretty` writes a [`Baseline`](super::Baseline);
    /// returns how many entries it holds.
    pub fn write(self, out: &mut dyn Write, also: Vec<BaselineEntry>) -> io::Result<usize> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let mut sources: Vec<Box<dyn Iterator<Item = io::Result<BaselineEntry>>>> = Vec::new();
        for run in self.runs {
            sources.push(Box::new(
                BufReader::new(run)
                    .lines()
                    .map(|line| serde_json::from_str(&line?).map_err(io::Error::from)),
            ));
        }
        sources.push(Box::new(self.pending.into_iter().map(Ok)));
        let mut also = also;
        also.sort();
        sources.push(Box::new(also.into_iter().map(Ok)));
        let failed = RefCell::new(None);
        let written = Cell::new(0);
        let merged = Merged::new(sources, &failed).inspect(|_| written.set(written.get() + 1));
        let file = Streamed {
            tool_version: env!("CARGO_PKG_VERSION"),
            entries: RefCell::new(Some(merged)),
        };
        serde_json::to_writer_pretty(&mut *out, &file)?;
        out.write_all(b"\n")?;
        match failed.into_inner() {
            Some(e) => Err(e),
            None => Ok(written.get()),
        }
    }
}

/// Sorted sources merged into one sorted sequence without repeats. A
/// source that fails ends the sequence; the error is kept in `failed`.
struct Merged<'f> {
    sources: Vec<Box<dyn Iterator<Item = io::Result<BaselineEntry>>>>,
    heads: BinaryHeap<Reverse<(BaselineEntry, usize)>>,
    last: Option<BaselineEntry>,
    failed: &'f RefCell<Option<io::Error>>,
}

impl<'f> Merged<'f> {
    fn new(
        sources: Vec<Box<dyn Iterator<Item = io::Result<BaselineEntry>>>>,
        failed: &'f RefCell<Option<io::Error>>,
    ) -> Self {
        let mut merged = Merged {
            sources,
            heads: BinaryHeap::new(),
            last: None,
            failed,
        };
        for index in 0..merged.sources.len() {
            merged.advance(index);
        }
        merged
    }

    /// Puts the next entry of source `index` among the heads.
    fn advance(&mut self, index: usize) {
        match self.sources[index].next() {
            Some(Ok(entry)) => self.heads.push(Reverse((entry, index))),
            Some(Err(e)) => {
                self.failed.borrow_mut().get_or_insert(e);
            }
            None => {}
        }
    }
}

impl Iterator for Merged<'_> {
    type Item = BaselineEntry;

    fn next(&mut self) -> Option<BaselineEntry> {
        while self.failed.borrow().is_none() {
            let Reverse((entry, index)) = self.heads.pop()?;
            self.advance(index);
            if self.last.as_ref() != Some(&entry) {
                self.last = Some(entry.clone());
                return Some(entry);
            }
        }
        None
    }
}

/// A [`Baseline`](super::Baseline) whose entries are serialized as they come.
struct Streamed<I> {
    tool_version: &'static str,
    entries: RefCell<Option<I>>,
}

impl<I: Iterator<Item = BaselineEntry>> Serialize for Streamed<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut file = serializer.serialize_struct("Baseline", 3)?;
        file.serialize_field("version", &BASELINE_VERSION)?;
        file.serialize_field("tool_version", self.tool_version)?;
        file.serialize_field("entries", &Once(&self.entries))?;
        file.end()
    }
}

/// A sequence serialized from an iterator, once.
struct Once<'i, I>(&'i RefCell<Option<I>>);

impl<I: Iterator<Item = BaselineEntry>> Serialize for Once<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.borrow_mut().take().into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::Accepted;
    use crate::baseline::{Baseline, BaselineEntry};
    use crate::test_support::{synthetic_visa, Rng};

    fn entry(rng: &mut Rng) -> BaselineEntry {
        let n = rng.next() % 50;
        BaselineEntry {
            fingerprint: format!("fp{n:02}"),
            rule_id: "pan".into(),
            path: format!("file-{}.csv", n % 7).into(),
            masked: crate::test_support::masked(&synthetic_visa(n)).into(),
        }
    }

    #[test]
    fn runs_merged_give_the_file_one_list_would() {
        let mut rng = Rng::new(7);
        let found: Vec<BaselineEntry> = (0..300).map(|_| entry(&mut rng)).collect();
        let existing: Vec<BaselineEntry> = (0..40).map(|_| entry(&mut rng)).collect();
        for run_entries in [1, 3, 16, usize::MAX] {
            let mut accepted = Accepted::default();
            for e in &found {
                accepted.pending.insert(e.clone());
                if accepted.pending.len() >= run_entries {
                    accepted.write_run().unwrap();
                }
            }
            assert_eq!(run_entries == usize::MAX, accepted.runs.is_empty());
            let mut streamed = Vec::new();
            let count = accepted.write(&mut streamed, existing.clone()).unwrap();

            let mut entries: Vec<BaselineEntry> = found.iter().chain(&existing).cloned().collect();
            entries.sort();
            entries.dedup();
            let whole = Baseline {
                version: super::BASELINE_VERSION,
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                entries,
            };
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            assert_eq!(count, whole.entries.len());
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                expected,
                "runs of {run_entries}"
            );
        }
    }
}
