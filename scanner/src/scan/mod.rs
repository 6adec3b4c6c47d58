//! Running a scan: read every source, scan its haystacks in parallel,
//! collect the outcome.
//!
//! Each [`Source`] (the files under the roots, a git history, processes)
//! yields haystacks on the calling thread, one source after another, into a
//! rayon pool; each pool thread keeps one [`Worker`] (detector scratch and
//! read buffer) for all the haystacks it scans. Findings leave the workers
//! as they are made and reach one [`FindingSink`] in walk order
//! ([`collect`]), so the outcome does not depend on thread timing and memory
//! does not grow with the findings.

mod allow;
mod budget;
mod category;
mod collect;
mod entropy;
mod executable;
mod fault;
mod field;
mod heap;
mod history;
mod memory;
mod names;
mod source;
mod sparse;
mod split;
mod text;
mod turns;
mod worker;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::SystemTime;

use rayon::prelude::*;

pub use crate::field::{integral_real, Field, FieldValue};
pub use crate::limits::{LimitExceeded, Limits, DEFAULT_MAX_REGION_SIZE};
pub use collect::{CHANNEL_PARCELS, MAX_WAITING, SPILL_AT};
pub use fault::{guard, Fault};
pub use history::GitHistory;
pub use memory::PROCESS_MEMORY;
pub use source::{Haystack, Open, Paths, Processes, Source};
pub use split::{Splitting, PART_BYTES};
pub use text::{looks_like_text, StreamLabel, TextScanner, TextSink, CHUNK};
pub use worker::{FileOutcome, Worker};

use crate::findings::{Finding, FindingSink, GuidelineCategory, Redacted, SkipReason, Skipped};
use crate::mask::Fingerprinter;
use crate::outcome::{RulePackInfo, ScanOutcome};
use crate::redact::redact;
use crate::rules::{RuleSet, RuleSpec};
use crate::sources::process::ProcessTargets;
use crate::sources::walk::WalkOptions;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub roots: Vec<PathBuf>,
    /// Processes whose memory to scan, if any.
    pub processes: Option<ProcessTargets>,
    pub walk: WalkOptions,
    pub limits: Limits,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// A git repository whose history to scan too (`--git-history`).
    pub git_history: Option<PathBuf>,
}

/// Told about progress as files finish, from any worker thread.
pub trait ScanObserver: Sync {
    fn file_done(&self, _bytes: u64, _findings: usize) {}
    /// A part of a large file split between workers is done; the file is
    /// done (`file_done`) with its last part.
    fn part_done(&self, _bytes: u64, _findings: usize) {}
    /// How much there is to scan, when the source knows it up front (a git
    /// history's blobs); a walk of files is counted by the observer itself.
    fn total(&self, _files: u64, _bytes: u64) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl ScanObserver for Quiet {}

/// The rules and key a scan runs with, shared read-only by every worker.
#[derive(Debug)]
pub struct Engine {
    pub rules: RuleSet,
    pub fingerprinter: Fingerprinter,
    pub limits: Limits,
}

/// Why a scan could not run at all (a file that cannot be read is not this:
/// it is recorded as skipped).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("scan root {path}")]
    Root {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error(transparent)]
    Git(#[from] crate::sources::git::GitError),
    #[error("scanning process memory is supported on Linux only (--processes, --pid, --process-name)")]
    ProcessesUnsupported,
    #[error("listing processes: {0}")]
    Processes(#[source] std::io::Error),
    #[error("writing findings: {0}")]
    Findings(#[source] std::io::Error),
}

/// Scans every root, and the git history and processes asked for, as one
/// scan: their haystacks share one pool of workers and one outcome, which
/// holds every finding. A scan that may find millions streams them instead:
/// [`scan_into`].
pub fn scan(
    config: &ScanConfig,
    engine: &Engine,
    observer: &dyn ScanObserver,
) -> Result<ScanOutcome, ScanError> {
    let mut findings = Vec::new();
    let mut outcome = scan_into(config, engine, observer, &mut findings)?;
    outcome.findings = findings;
    Ok(outcome)
}

/// [`scan`], handing each finding to `sink` in walk order as it is made;
/// returns the rest of the outcome (its `findings` left empty).
pub fn scan_into(
    config: &ScanConfig,
    engine: &Engine,
    observer: &dyn ScanObserver,
    sink: &mut dyn FindingSink,
) -> Result<ScanOutcome, ScanError> {
    for root in &config.roots {
        check_root(root).map_err(|source| ScanError::Root {
            path: root.clone(),
            source,
        })?;
    }
    let started = SystemTime::now();
    let paths = Paths {
        roots: &config.roots,
        walk: &config.walk,
        split: splitting(config, engine),
    };
    let history = config.git_history.as_deref().map(GitHistory::open).transpose()?;
    let processes = config.processes.as_ref().map(Processes::resolve).transpose()?;
    let mut sources: Vec<&dyn Source> = Vec::new();
    // No roots (`--git-history` or `--processes` alone): no walk, so the
    // other sources' totals are the scan's.
    if !config.roots.is_empty() {
        sources.push(&paths);
    }
    if let Some(history) = &history {
        sources.push(history);
    }
    if let Some(processes) = &processes {
        sources.push(processes);
    }
    let mut outcome = scan_sources_into(&sources, config.threads, started, engine, observer, sink)?;
    outcome.roots = roots(config);
    outcome.shard = config.walk.shard.map(|s| s.to_string());
    Ok(outcome)
}

/// How large files are split between workers: not at all on one thread.
fn splitting(config: &ScanConfig, engine: &Engine) -> Option<Splitting> {
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    let overlap = crate::detect::Detector::new(&engine.rules).overlap();
    (threads > 1).then(|| Splitting::new(PART_BYTES, overlap, engine.limits.max_file_size))
}

/// The outcome as known before a scan starts (tool, host, roots, start
/// time, rule pack, rules): what a streaming report writes first.
pub fn outcome_head(config: &ScanConfig, engine: &Engine) -> ScanOutcome {
    let mut outcome = assemble(roots(config), SystemTime::now(), engine, FileOutcome::default());
    outcome.shard = config.walk.shard.map(|s| s.to_string());
    outcome
}

/// The roots of a scan as reports name them, in the order of its sources:
/// paths, a git history, processes.
fn roots(config: &ScanConfig) -> Vec<Redacted> {
    let paths = config.roots.iter().map(|r| r.to_string_lossy().into());
    let history = config.git_history.iter().map(|r| r.to_string_lossy().into());
    let processes = config
        .processes
        .iter()
        .flat_map(ProcessTargets::roots)
        .map(Into::into);
    paths.chain(history).chain(processes).collect()
}

/// Scans the haystacks of every source in one pool; each pool thread keeps
/// one [`Worker`] for all the haystacks it scans. The outcome holds every finding.
pub fn scan_sources(
    sources: &[&dyn Source],
    threads: usize,
    started: SystemTime,
    engine: &Engine,
    observer: &dyn ScanObserver,
) -> Result<ScanOutcome, ScanError> {
    let mut findings = Vec::new();
    let mut outcome = scan_sources_into(sources, threads, started, engine, observer, &mut findings)?;
    outcome.findings = findings;
    Ok(outcome)
}

/// [`scan_sources`], each finding handed to `sink` in walk order as it is
/// made (see [`collect`]); the outcome's `findings` are left empty.
pub fn scan_sources_into(
    sources: &[&dyn Source],
    threads: usize,
    started: SystemTime,
    engine: &Engine,
    observer: &dyn ScanObserver,
    sink: &mut dyn FindingSink,
) -> Result<ScanOutcome, ScanError> {
    let totals: Option<Vec<(u64, u64)>> = sources.iter().map(|s| s.total()).collect();
    if let Some(totals) = totals {
        let (files, bytes) = totals.iter().fold((0, 0), |(f, b), (tf, tb)| (f + tf, b + tb));
        observer.total(files, bytes);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let (sender, parcels) = mpsc::sync_channel(collect::CHANNEL_PARCELS);
    let gate = Arc::new(collect::Gate::default());
    let turns = Arc::new(turns::Turns::default());
    let mut all = FileOutcome::default();
    let written = std::thread::scope(|threads| {
        let writer = threads.spawn(|| collect::write_in_order(parcels, &gate, &mut *sink, &mut all));
        pool.install(|| {
            let haystacks = sources.iter().flat_map(|source| source.haystacks());
            haystacks.enumerate().par_bridge().for_each_init(
                || {
                    (
                        Worker::new(engine),
                        collect::Outbox::new(sender.clone(), Arc::clone(&gate)),
                    )
                },
                |(worker, outbox), (seq, haystack)| {
                    let seq = seq as u64;
                    let spill = collect::Spill::new(seq, Arc::clone(outbox), Arc::clone(&turns));
                    let (outcome, spill) = run_haystack(worker, engine, haystack, spill);
                    let spill = spill
                        .unwrap_or_else(|| collect::Spill::new(seq, Arc::clone(outbox), Arc::clone(&turns)));
                    let memory_bytes: u64 = outcome.coverage.processes.iter().map(|p| p.bytes_scanned).sum();
                    let bytes = outcome.coverage.bytes_scanned + memory_bytes;
                    let findings = spill.sent + outcome.findings.len();
                    // A split file is done when its last part is.
                    match spill.part {
                        Some(part) if !part.last => observer.part_done(bytes, findings),
                        _ => observer.file_done(bytes, findings),
                    }
                    spill.finish(outcome);
                },
            );
        });
        drop(sender);
        writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the findings writer faulted")))
    });
    written.map_err(ScanError::Findings)?;
    let mut worker = Worker::new(engine);
    let mut rest = FileOutcome::default();
    for source in sources {
        source.finish(&mut worker, &mut rest);
    }
    // What the sources found as a whole (a commit message) comes last.
    sort_findings(&mut rest.findings);
    for finding in std::mem::take(&mut rest.findings) {
        sink.finding(finding).map_err(ScanError::Findings)?;
    }
    all.absorb(rest);
    let roots = sources.iter().flat_map(|s| s.roots()).collect();
    Ok(assemble(roots, started, engine, all))
}

/// Scans one haystack, a fault costing that haystack only. Returns the rest
/// of its outcome (its last findings sorted, so that a file's order does not
/// depend on its decoders' order) and the spill, which the worker held
/// while a file's own streams were read.
fn run_haystack<'e>(
    worker: &mut Worker<'e>,
    engine: &'e Engine,
    haystack: Haystack<'_>,
    spill: collect::Spill,
) -> (FileOutcome, Option<collect::Spill>) {
    let item = haystack.provenance.clone();
    // Findings leave mid-way only where nothing goes back over them: not
    // those a haystack's annotations are added to afterwards (git blobs),
    // nor process memory's.
    let mut kept = None;
    if haystack.annotations.is_empty() && haystack.category == GuidelineCategory::Stored {
        worker.spill = Some(spill);
    } else {
        kept = Some(spill);
    }
    let scanned = guard(|| haystack.scan(worker));
    let spill = kept.or_else(|| worker.spill.take());
    // A part of a split file: the collector sorts the file's last findings.
    let part = spill.as_ref().is_some_and(|s| s.part.is_some());
    let mut outcome = scanned.unwrap_or_else(|fault| {
        // The worker's scratch may be half-updated: start afresh.
        *worker = Worker::new(engine);
        FileOutcome::skipped(Skipped {
            provenance: item,
            reason: SkipReason::InternalError,
            detail: fault.detail().into(),
        })
    });
    if !part {
        sort_findings(&mut outcome.findings);
    }
    (outcome, spill)
}

/// A root that is missing or cannot be read makes the scan fatal (exit 2):
/// a scan of nothing must never pass. A directory must list, a file must
/// open (a root that is a symbolic link is followed, as the walk follows it);
/// a special file is left to the walk, which records it.
fn check_root(root: &std::path::Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(root)?;
    if meta.is_dir() {
        std::fs::read_dir(root).map(drop)
    } else if meta.is_file() {
        crate::sources::open_regular_file(root).map(drop)
    } else {
        Ok(())
    }
}

/// Sorts findings by provenance (as written), offset and rule id. A scan can
/// hold a hundred thousand findings from a few files, so the sort keys are
/// ranks among the distinct provenances and rule ids, not a copy of their
/// text per finding (peak memory).
fn sort_findings(findings: &mut [Finding]) {
    let names: Vec<String> = findings
        .iter()
        .map(|f| f.provenance.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f.rule_id.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let keys: Vec<(usize, u64, usize)> = findings
        .iter()
        .map(|f| {
            let name = names.binary_search(&f.provenance.to_string()).unwrap_or(0);
            let rule = rules.binary_search(&f.rule_id.as_str()).unwrap_or(0);
            (name, f.location.offset, rule)
        })
        .collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    drop(keys);
    apply_order(findings, order);
}

/// Puts `items[order[0]]` first, `items[order[1]]` second, and so on, in
/// place: each cycle of the permutation is followed once, carrying its
/// first item along.
fn apply_order<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// The outcome of a scan from everything its workers produced, sorted so it
/// does not depend on thread timing.
fn assemble(
    roots: Vec<crate::findings::Redacted>,
    started: SystemTime,
    engine: &Engine,
    mut all: FileOutcome,
) -> ScanOutcome {
    sort_findings(&mut all.findings);
    all.skipped.sort_by_cached_key(|s| s.provenance.to_string());
    all.notes.sort_by_cached_key(|n| n.provenance.to_string());
    all.coverage.processes.sort_by_key(|p| p.pid);
    ScanOutcome {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        host: host_name().into(),
        roots,
        started_at: humantime::format_rfc3339_seconds(started).to_string(),
        finished_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        rule_pack: RulePackInfo {
            id: redact(&engine.rules.pack.id).into_owned(),
            version: redact(&engine.rules.pack.version).into_owned(),
            sha256: engine.rules.pack_sha256.clone(),
        },
        rules: engine
            .rules
            .rules
            .iter()
            .map(|r| reported_rule(&r.meta))
            .collect(),
        findings: all.findings,
        skipped: all.skipped,
        notes: all.notes,
        coverage: all.coverage,
        shard: None,
        inputs: Vec::new(),
        policy: Default::default(),
        totals: None,
    }
}

/// A rule as reports show it: a user pack's words pass the redaction step
/// like every other string, and its examples stay out.
fn reported_rule(meta: &RuleSpec) -> RuleSpec {
    let mut rule = meta.clone();
    for text in [&mut rule.name, &mut rule.description, &mut rule.help] {
        *text = redact(text).into_owned();
    }
    if let Some(ja) = &mut rule.ja {
        for text in [&mut ja.name, &mut ja.description, &mut ja.help] {
            *text = redact(text).into_owned();
        }
    }
    rule.examples = Default::default();
    rule
}

/// This machine's name, for reports that merge many hosts.
pub fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its whole length, and gethostname
        // writes at most that many bytes.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown".to_string())
}

/// Keeps a skipped record with the rest of a file's outcome.
impl FileOutcome {
    pub fn skipped(skipped: Skipped) -> Self {
        FileOutcome {
            skipped: vec![skipped],
            ..FileOutcome::default()
        }
    }

    pub(crate) fn absorb(&mut self, mut other: FileOutcome) {
        // Append the shorter list to the longer: one huge file's findings
        // are then moved, not copied next to themselves (peak memory).
        if other.findings.len() > self.findings.len() {
            std::mem::swap(&mut self.findings, &mut other.findings);
        }
        self.findings.append(&mut other.findings);
        self.skipped.extend(other.skipped);
        self.notes.extend(other.notes);
        self.coverage.merge(&other.coverage);
    }
}

#[cfg(test)]
mod sort_tests {
    use super::apply_order;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn apply_order_permutes_like_indexing(keys in proptest::collection::vec(0u8..20, 0..200)) {
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| keys[i]);
            let expected: Vec<u8> = order.iter().map(|&i| keys[i]).collect();
            let mut items = keys.clone();
            apply_order(&mut items, order);
            prop_assert_eq!(items, expected);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::findings::SkipReason;
    use crate::rules::load_rules;
    use crate::test_support::{gzip, synthetic_visa, zip};

    /// A file whose scan panics (see `Worker::scan_file`).
    pub(crate) const FAULTY_FILE: &str = "hihoji-test-fault";

    fn engine() -> Engine {
        Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        }
    }

    fn scan_dir(dir: &std::path::Path, engine: &Engine) -> ScanOutcome {
        let config = ScanConfig {
            roots: vec![dir.to_path_buf()],
            processes: None,
            walk: WalkOptions::default(),
            limits: engine.limits.clone(),
            threads: 1,
            git_history: None,
        };
        scan(&config, engine, &Quiet).unwrap()
    }

    /// `text` gzipped, then base64-encoded.
    fn base64_of_gzip(text: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(gzip(text.as_bytes()))
    }

    #[test]
    fn a_container_decoded_from_text_is_scanned_wherever_the_text_is() {
        let dir = tempfile::tempdir().unwrap();
        let payload = base64_of_gzip("order 17 card_number 4539875260181596 exp 12/29\n");
        std::fs::write(dir.path().join("app.log"), format!("blob={payload}\n")).unwrap();
        // The same text one container down: the zip member's text goes
        // through the decoder's sink, the gzip stream through the text's.
        let inner = format!("blob={payload}\n");
        std::fs::write(
            dir.path().join("logs.zip"),
            zip(&[("inner.log", inner.as_bytes())]),
        )
        .unwrap();
        let outcome = scan_dir(dir.path(), &engine());
        let mut found: Vec<String> = outcome
            .findings
            .iter()
            .filter(|f| f.rule_id == "PAN")
            .map(|f| f.provenance.to_string())
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                "app.log!/base64@5!/base64@5.ungz",
                "logs.zip!/inner.log!/base64@5!/base64@5.ungz"
            ],
            "{:?}",
            outcome.skipped
        );
        assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    }

    #[test]
    fn a_container_in_text_over_the_bomb_limit_is_recorded_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let payload = base64_of_gzip(&"0".repeat(200_000));
        std::fs::write(dir.path().join("app.log"), format!("blob={payload}\n")).unwrap();
        let mut engine = engine();
        engine.limits.max_member_bytes = 1000;
        let outcome = scan_dir(dir.path(), &engine);
        assert!(
            outcome.skipped.iter().any(|s| s.reason == SkipReason::BombLimit
                && s.provenance.to_string().starts_with("app.log!/base64@5")),
            "{:?}",
            outcome.skipped
        );
    }

    fn streamed(dir: &std::path::Path, threads: usize) -> (Vec<Finding>, ScanOutcome) {
        let engine = Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        };
        let config = ScanConfig {
            roots: vec![dir.to_path_buf()],
            processes: None,
            walk: WalkOptions::default(),
            limits: Limits::default(),
            threads,
            git_history: None,
        };
        let mut findings = Vec::new();
        let outcome = scan_into(&config, &engine, &Quiet, &mut findings).unwrap();
        (findings, outcome)
    }

    #[test]
    fn findings_stream_in_walk_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        // Two files with more findings than the reorder buffer holds, among
        // small ones, so that batches overtake each other and workers wait.
        let per_big = collect::MAX_WAITING + collect::SPILL_AT;
        for (name, from) in [("0-big.csv", 0), ("m-big.csv", 50_000)] {
            let big = (from..from + per_big as u64)
                .map(|i| format!("card_number,{}\n", synthetic_visa(i)))
                .collect::<String>();
            std::fs::write(dir.path().join(name), big).unwrap();
        }
        for i in 0..40u64 {
            let text = format!(
                "card {}\ncard {}\n",
                synthetic_visa(100_000 + i),
                synthetic_visa(200_000 + i)
            );
            std::fs::write(dir.path().join(format!("{i:02}.log")), text).unwrap();
        }
        let key = |f: &Finding| (f.provenance.to_string(), f.location.offset, f.fingerprint.clone());
        let (one, outcome) = streamed(dir.path(), 1);
        assert!(outcome.findings.is_empty(), "the findings went to the sink");
        assert_eq!(one.len(), 2 * per_big + 80, "every number, once");
        let walk: Vec<String> = one.iter().map(|f| f.provenance.artifact.to_string()).collect();
        let mut files = walk.clone();
        files.dedup();
        assert_eq!(files.len(), 42, "each file's findings together");
        assert_eq!(files.first().map(String::as_str), Some("0-big.csv"));
        assert_eq!(files.last().map(String::as_str), Some("m-big.csv"));
        for threads in [2, 4] {
            let (many, _) = streamed(dir.path(), threads);
            assert_eq!(
                many.iter().map(key).collect::<Vec<_>>(),
                one.iter().map(key).collect::<Vec<_>>(),
                "{threads} threads"
            );
        }
    }

    #[test]
    fn a_fault_in_one_file_costs_that_file_only() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..4 {
            std::fs::write(dir.path().join(format!("{i}.log")), "card 4539875260181596\n").unwrap();
        }
        std::fs::write(dir.path().join(FAULTY_FILE), "card 4539875260181596\n").unwrap();
        let engine = Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        };
        let config = ScanConfig {
            roots: vec![dir.path().to_path_buf()],
            processes: None,
            walk: WalkOptions::default(),
            limits: Limits::default(),
            threads: 2,
            git_history: None,
        };
        let outcome = scan(&config, &engine, &Quiet).unwrap();
        assert_eq!(outcome.findings.len(), 4, "the other files are all scanned");
        assert_eq!(outcome.skipped.len(), 1);
        let fault = &outcome.skipped[0];
        assert_eq!(fault.provenance.artifact, FAULTY_FILE);
        assert_eq!(fault.reason, SkipReason::InternalError);
        assert!(fault.detail.contains("worker.rs"), "{}", fault.detail);
        assert!(
            !fault.detail.contains("a fault while scanning"),
            "never the message"
        );
        assert_eq!(outcome.verdict(), crate::verdict::Verdict::RetentionFound);
    }
}
