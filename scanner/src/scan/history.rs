//! Scanning a git repository's history: every blob reachable from any ref,
//! once, each reported at its first appearance (commit, path, author).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

use git2::Repository;
use rayon::prelude::*;

use super::{assemble, guard, Engine, FileOutcome, ScanError, ScanObserver, Worker};
use crate::findings::{GuidelineCategory, LayerKind, Note, Provenance, Redacted, SkipReason, Skipped};
use crate::outcome::ScanOutcome;
use crate::sources::git::{first_sightings, BlobSighting};

/// Scans the history of the repository at `repo` (its `.git` or working tree).
pub fn scan_git_history(
    repo: &Path,
    engine: &Engine,
    threads: usize,
    observer: &dyn ScanObserver,
) -> Result<ScanOutcome, ScanError> {
    let started = SystemTime::now();
    let history = first_sightings(repo)?;
    let sightings = history.blobs;
    let bytes = sightings.iter().map(|s| s.size as u64).sum();
    observer.total(sightings.len() as u64, bytes);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ScanError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let collected = Mutex::new(FileOutcome::default());
    pool.install(|| {
        sightings.par_iter().for_each_init(
            // A git2 repository handle is not shared between threads: one each.
            || (Worker::new(engine), Repository::open(repo)),
            |(worker, opened), sighting| {
                let outcome = match opened {
                    Ok(repository) => guard(|| scan_blob(worker, repository, sighting, engine))
                        .unwrap_or_else(|fault| {
                            // The worker's scratch may be half-updated: start afresh.
                            *worker = Worker::new(engine);
                            skipped(sighting, SkipReason::InternalError, fault.detail())
                        }),
                    Err(e) => skipped(sighting, SkipReason::ReadError, format!("git: {}", e.message())),
                };
                observer.file_done(outcome.coverage.bytes_scanned, outcome.findings.len());
                if let Ok(mut all) = collected.lock() {
                    all.absorb(outcome);
                }
            },
        );
    });
    let mut all = collected
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // Messages, authors, committers, branch and tag names are data too.
    let mut worker = Worker::new(engine);
    for text in &history.texts {
        let mut place = text.place.iter();
        let Some(top) = place.next() else { continue };
        let provenance = place.fold(Provenance::file(top.as_str()), |p, layer| {
            p.child(LayerKind::Member, layer.as_str())
        });
        worker.scan_name(&text.text, &provenance, GuidelineCategory::Stored, &mut all);
    }
    // A submodule's content is another repository's history: say so, never pass silently.
    all.notes.extend(history.submodules.into_iter().map(|s| {
        Note {
            provenance: Provenance::file(s.path),
            kind: "git_submodule".to_string(),
            detail: format!(
                "submodule (commit {}) not scanned: scan its own repository with --git-history",
                short(&s.commit)
            )
            .into(),
            annotations: BTreeMap::from([("commit".to_string(), Redacted::object_id(&s.commit))]),
        }
    }));
    Ok(assemble(
        vec![repo.to_string_lossy().into()],
        started,
        engine,
        all,
    ))
}

fn scan_blob(
    worker: &mut Worker<'_>,
    repo: &Repository,
    sighting: &BlobSighting,
    engine: &Engine,
) -> FileOutcome {
    if let Some(limit) = engine.limits.max_file_size.filter(|&l| sighting.size as u64 > l) {
        let detail = format!("{} bytes, over the {limit}-byte limit", sighting.size);
        return skipped(sighting, SkipReason::TooLarge, detail);
    }
    let blob = match repo.find_blob(sighting.blob) {
        Ok(blob) => blob,
        Err(e) => return skipped(sighting, SkipReason::ReadError, format!("git: {}", e.message())),
    };
    let mut out = FileOutcome::default();
    let provenance = Provenance::file(sighting.path.as_str());
    // The path as committed is a name like any other.
    worker.scan_name(&sighting.path, &provenance, GuidelineCategory::Stored, &mut out);
    let mut content = blob.content();
    if let Err(e) = worker.scan_stream(&mut content, &provenance, GuidelineCategory::Stored, 0, &mut out) {
        out.skipped
            .extend(skipped(sighting, SkipReason::ReadError, e.to_string()).skipped);
    } else {
        out.coverage.files_scanned += 1;
    }
    out.coverage.bytes_scanned += sighting.size as u64;
    for finding in &mut out.findings {
        annotate(&mut finding.annotations, sighting);
    }
    out
}

fn annotate(annotations: &mut BTreeMap<String, Redacted>, sighting: &BlobSighting) {
    annotations.insert("commit".to_string(), Redacted::object_id(&sighting.commit));
    annotations.insert("author".to_string(), sighting.author.as_str().into());
    annotations.insert(
        "blob".to_string(),
        Redacted::object_id(&sighting.blob.to_string()),
    );
}

fn skipped(sighting: &BlobSighting, reason: SkipReason, detail: String) -> FileOutcome {
    FileOutcome::skipped(Skipped {
        provenance: Provenance::file(format!("{}@{}", sighting.path, short(&sighting.commit))),
        reason,
        detail: detail.into(),
    })
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}
