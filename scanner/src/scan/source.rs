//! Sources: what a scan reads, as one abstraction. A [`Source`] yields
//! [`Haystack`]s — one file, one git blob, one process — and the scan feeds
//! the haystacks of every source to the same pool of workers and gathers
//! what they find into one outcome, so `hihoji scan . --git-history .
//! --processes` is one scan and one report.
//!
//! A new source (a database server, a cloud bucket) is one `impl Source`: it
//! says what it scans (its roots), yields its haystacks in a fixed order, and
//! how each is opened is a closure run on a worker thread.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::split::{Split, Splitting};
use super::worker::{FileOutcome, Worker};
use super::ScanError;
use crate::findings::{GuidelineCategory, Note, Provenance, Redacted};
use crate::sources::process::{self, ProcessMemory, ProcessTargets, Target};
use crate::sources::walk::{walk, Entry, WalkOptions};

/// How a haystack is opened and scanned, on a worker thread.
pub type Open<'s> =
    Box<dyn FnOnce(&mut Worker<'_>, &Provenance, GuidelineCategory) -> FileOutcome + Send + 's>;

/// One item for a worker to scan.
pub struct Haystack<'s> {
    /// Where it is; it is recorded as skipped under this name if scanning faults.
    pub provenance: Provenance,
    /// The guideline category of what is in it (file contents are 保存,
    /// a process's memory 処理).
    pub category: GuidelineCategory,
    /// Added to every finding made in it (a git blob's commit and author).
    pub annotations: BTreeMap<String, Redacted>,
    pub open: Open<'s>,
}

impl Haystack<'_> {
    /// Opens and scans the haystack, its annotations on every finding.
    pub fn scan(self, worker: &mut Worker<'_>) -> FileOutcome {
        let Haystack {
            provenance,
            category,
            annotations,
            open,
        } = self;
        let mut out = open(worker, &provenance, category);
        if !annotations.is_empty() {
            for finding in &mut out.findings {
                finding
                    .annotations
                    .extend(annotations.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
    }
}

/// Something to scan: files under roots, a repository's history, running processes.
pub trait Source: Sync {
    /// What the report lists as scanned (a root path, `pid:1234`, a repository).
    fn roots(&self) -> Vec<Redacted>;

    /// How many haystacks and bytes there are, when known before scanning
    /// (a git history's blobs); a walk of files is counted as it goes.
    fn total(&self) -> Option<(u64, u64)> {
        None
    }

    /// Every haystack, in an order that does not depend on timing.
    fn haystacks(&self) -> Box<dyn Iterator<Item = Haystack<'_>> + Send + '_>;

    /// What belongs to the source as a whole rather than to one haystack,
    /// once its haystacks are scanned (a commit message, a submodule, a
    /// process that could not be listed).
    fn finish(&self, _worker: &mut Worker<'_>, _out: &mut FileOutcome) {}
}

/// Files under the scan roots, as the walk finds them: each file, each
/// name that may hold a number, each entry the walk had to skip.
pub struct Paths<'c> {
    pub roots: &'c [PathBuf],
    pub walk: &'c WalkOptions,
    /// Large plain files become several haystacks, one per part, when set.
    pub split: Option<Splitting>,
}

impl Source for Paths<'_> {
    fn roots(&self) -> Vec<Redacted> {
        self.roots.iter().map(|r| r.to_string_lossy().into()).collect()
    }

    fn haystacks(&self) -> Box<dyn Iterator<Item = Haystack<'_>> + Send + '_> {
        let split = self.split;
        Box::new(walk(self.roots, self.walk).flat_map(move |entry| {
            let (provenance, open): (Provenance, Open<'_>) = match entry {
                Entry::File { path, provenance } => match split.and_then(|s| Split::plan(&path, &s)) {
                    Some(split) => return file_parts(split, provenance),
                    None => (
                        provenance,
                        Box::new(move |worker: &mut Worker<'_>, provenance: &Provenance, _| {
                            worker.scan_file(&path, provenance.clone())
                        }),
                    ),
                },
                Entry::Skipped(skipped) => (
                    skipped.provenance.clone(),
                    Box::new(move |_: &mut Worker<'_>, _: &Provenance, _| FileOutcome::skipped(skipped)),
                ),
                Entry::Name { name, provenance } => (
                    provenance,
                    Box::new(
                        move |worker: &mut Worker<'_>, provenance: &Provenance, category| {
                            let mut out = FileOutcome::default();
                            worker.scan_name(&name, provenance, category, &mut out);
                            out
                        },
                    ),
                ),
            };
            vec![Haystack {
                provenance,
                category: GuidelineCategory::Stored,
                annotations: BTreeMap::new(),
                open,
            }]
        }))
    }
}

/// One haystack per part of a split file, in order (see [`super::split`]).
fn file_parts<'s>(split: Arc<Split>, provenance: Provenance) -> Vec<Haystack<'s>> {
    (0..split.parts())
        .map(|index| {
            let split = Arc::clone(&split);
            Haystack {
                provenance: provenance.clone(),
                category: GuidelineCategory::Stored,
                annotations: BTreeMap::new(),
                open: Box::new(move |worker: &mut Worker<'_>, provenance: &Provenance, _| {
                    worker.scan_file_part(&split, index, provenance)
                }),
            }
        })
        .collect()
}

/// The memory of the running processes asked for, each process one haystack.
pub struct Processes<'c> {
    memory: &'static dyn ProcessMemory,
    targets: &'c ProcessTargets,
    picked: Vec<Target>,
    /// Processes left out, and why (hihoji itself, kernel threads).
    notes: Vec<Note>,
}

impl<'c> Processes<'c> {
    /// Lists the processes `targets` asks for; fails where process memory
    /// cannot be read at all (not Linux) or the processes cannot be listed.
    pub fn resolve(targets: &'c ProcessTargets) -> Result<Self, ScanError> {
        let memory = process::system().ok_or(ScanError::ProcessesUnsupported)?;
        memory.protect_scanner();
        let (picked, notes) = process::resolve(memory, targets).map_err(ScanError::Processes)?;
        Ok(Processes {
            memory,
            targets,
            picked,
            notes,
        })
    }
}

impl Source for Processes<'_> {
    fn roots(&self) -> Vec<Redacted> {
        self.targets.roots().into_iter().map(Into::into).collect()
    }

    fn haystacks(&self) -> Box<dyn Iterator<Item = Haystack<'_>> + Send + '_> {
        let memory = self.memory;
        let all_regions = self.targets.all_regions;
        Box::new(self.picked.iter().map(move |target| {
            let provenance = match target {
                Target::Process(info) => process::process_provenance(info.pid, Some(&info.name)),
                Target::Unreadable { pid, .. } => process::process_provenance(*pid, None),
            };
            Haystack {
                provenance,
                category: GuidelineCategory::Processed,
                annotations: BTreeMap::new(),
                open: Box::new(move |worker: &mut Worker<'_>, _: &Provenance, _| match target {
                    Target::Process(info) => worker.scan_process(memory, info, all_regions),
                    Target::Unreadable { pid, error } => super::memory::unreadable_process(*pid, error),
                }),
            }
        }))
    }

    fn finish(&self, _worker: &mut Worker<'_>, out: &mut FileOutcome) {
        out.notes.extend(self.notes.iter().cloned());
    }
}
