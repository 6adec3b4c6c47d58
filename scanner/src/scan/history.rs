//! Scanning a git repository's history: every blob reachable from any ref,
//! once, each reported at its first appearance (commit, path, author). A
//! [`Source`], so a history combines with paths and processes in one scan.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use git2::Repository;

use super::source::{Haystack, Source};
use super::{FileOutcome, ScanError, Worker};
use crate::findings::{GuidelineCategory, LayerKind, Note, Provenance, Redacted, SkipReason, Skipped};
use crate::sources::git::{first_sightings, BlobSighting, History};

/// A repository's history as a source: each blob, once, is a haystack.
pub struct GitHistory {
    repo: PathBuf,
    history: History,
}

impl GitHistory {
    /// Walks the history of the repository at `repo` (its `.git` or working tree).
    pub fn open(repo: &Path) -> Result<Self, ScanError> {
        Ok(GitHistory {
            repo: repo.to_path_buf(),
            history: first_sightings(repo)?,
        })
    }
}

impl Source for GitHistory {
    fn roots(&self) -> Vec<Redacted> {
        vec![self.repo.to_string_lossy().into()]
    }

    fn total(&self) -> Option<(u64, u64)> {
        let blobs = &self.history.blobs;
        Some((blobs.len() as u64, blobs.iter().map(|s| s.size as u64).sum()))
    }

    fn haystacks(&self) -> Box<dyn Iterator<Item = Haystack<'_>> + Send + '_> {
        let repo = self.repo.as_path();
        Box::new(self.history.blobs.iter().map(move |sighting| {
            let mut annotations = BTreeMap::new();
            annotate(&mut annotations, sighting);
            Haystack {
                // Named with its commit, should scanning it fault.
                provenance: blob_place(sighting),
                category: GuidelineCategory::Stored,
                annotations,
                open: Box::new(move |worker: &mut Worker<'_>, _: &Provenance, category| {
                    with_repository(repo, |repo| match repo {
                        Ok(repo) => scan_blob(worker, repo, sighting, category),
                        Err(e) => skipped(sighting, SkipReason::ReadError, format!("git: {}", e.message())),
                    })
                }),
            }
        }))
    }

    fn finish(&self, worker: &mut Worker<'_>, all: &mut FileOutcome) {
        // Messages, authors, committers, branch and tag names are data too.
        for text in &self.history.texts {
            let mut place = text.place.iter();
            let Some(top) = place.next() else { continue };
            let provenance = place.fold(Provenance::file(top.as_str()), |p, layer| {
                p.child(LayerKind::Member, layer.as_str())
            });
            worker.scan_name(&text.text, &provenance, GuidelineCategory::Stored, all);
        }
        // A submodule's content is another repository's history: say so, never pass silently.
        all.notes.extend(self.history.submodules.iter().map(|s| {
            Note {
                provenance: Provenance::file(s.path.as_str()),
                kind: "git_submodule".to_string(),
                detail: format!(
                    "submodule (commit {}) not scanned: scan its own repository with --git-history",
                    short(&s.commit)
                )
                .into(),
                annotations: BTreeMap::from([("commit".to_string(), Redacted::object_id(&s.commit))]),
            }
        }));
    }
}

thread_local! {
    /// A git2 repository handle is not shared between threads: one per
    /// worker thread, opened at its first blob.
    static REPOSITORY: RefCell<Option<(PathBuf, Result<Repository, git2::Error>)>> = const { RefCell::new(None) };
}

/// Runs `work` with this thread's handle on the repository at `path`.
fn with_repository<T>(path: &Path, work: impl FnOnce(&Result<Repository, git2::Error>) -> T) -> T {
    REPOSITORY.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.as_ref().is_some_and(|(at, _)| at != path) {
            *cached = None;
        }
        let (_, repo) = cached.get_or_insert_with(|| (path.to_path_buf(), Repository::open(path)));
        work(repo)
    })
}

fn scan_blob(
    worker: &mut Worker<'_>,
    repo: &Repository,
    sighting: &BlobSighting,
    category: GuidelineCategory,
) -> FileOutcome {
    let provenance = &Provenance::file(sighting.path.as_str());
    if let Some(limit) = worker
        .engine
        .limits
        .max_file_size
        .filter(|&l| sighting.size as u64 > l)
    {
        let detail = format!("{} bytes, over the {limit}-byte limit", sighting.size);
        return skipped(sighting, SkipReason::TooLarge, detail);
    }
    let blob = match repo.find_blob(sighting.blob) {
        Ok(blob) => blob,
        Err(e) => return skipped(sighting, SkipReason::ReadError, format!("git: {}", e.message())),
    };
    let mut out = FileOutcome::default();
    // The path as committed is a name like any other.
    worker.scan_name(&sighting.path, provenance, category, &mut out);
    let mut content = blob.content();
    if let Err(e) = worker.scan_stream(&mut content, provenance, category, 0, &mut out) {
        out.skipped
            .extend(skipped(sighting, SkipReason::ReadError, e.to_string()).skipped);
    } else {
        out.coverage.files_scanned += 1;
    }
    out.coverage.bytes_scanned += sighting.size as u64;
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
        provenance: blob_place(sighting),
        reason,
        detail: detail.into(),
    })
}

/// A blob as a skip names it: its path at the commit where it first appeared.
fn blob_place(sighting: &BlobSighting) -> Provenance {
    Provenance::file(format!("{}@{}", sighting.path, short(&sighting.commit)))
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::super::{scan, Engine, Limits, ScanConfig, ScanObserver};
    use crate::mask::Fingerprinter;
    use crate::rules::load_rules;
    use crate::sources::walk::WalkOptions;

    /// Remembers the totals it is told.
    #[derive(Default)]
    struct Totals(Mutex<Vec<(u64, u64)>>);
    impl ScanObserver for Totals {
        fn total(&self, files: u64, bytes: u64) {
            self.0.lock().unwrap().push((files, bytes));
        }
    }

    /// A repository whose one commit holds `orders.csv` with a card number,
    /// since deleted from the working tree.
    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"1;4539875260181596\n").unwrap();
        let mut tree = repo.treebuilder(None).unwrap();
        tree.insert("orders.csv", blob, 0o100644).unwrap();
        let tree = repo.find_tree(tree.write().unwrap()).unwrap();
        let who = git2::Signature::now("Test Author", "author@example.com").unwrap();
        repo.commit(Some("HEAD"), &who, &who, "orders", &tree, &[])
            .unwrap();
        std::fs::write(dir.path().join("today.log"), "card 5425233430109903\n").unwrap();
        dir
    }

    fn scan_of(
        roots: Vec<std::path::PathBuf>,
        history: &std::path::Path,
        observer: &Totals,
    ) -> crate::outcome::ScanOutcome {
        let engine = Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"test key"),
            limits: Limits::default(),
        };
        let config = ScanConfig {
            roots,
            processes: None,
            walk: WalkOptions::default(),
            limits: Limits::default(),
            threads: 2,
            git_history: Some(history.to_path_buf()),
        };
        scan(&config, &engine, observer).unwrap()
    }

    #[test]
    fn a_history_alone_is_counted_up_front() {
        let dir = repository();
        let totals = Totals::default();
        let outcome = scan_of(Vec::new(), dir.path(), &totals);
        assert_eq!(*totals.0.lock().unwrap(), [(1, 19)]);
        let found: Vec<String> = outcome
            .findings
            .iter()
            .map(|f| f.provenance.to_string())
            .collect();
        assert_eq!(found, ["orders.csv"]);
        assert!(outcome.findings[0].annotations.contains_key("commit"));
    }

    #[test]
    fn paths_and_history_are_one_scan_and_one_outcome() {
        let dir = repository();
        let totals = Totals::default();
        let outcome = scan_of(vec![dir.path().join("today.log")], dir.path(), &totals);
        let mut found: Vec<(String, bool)> = outcome
            .findings
            .iter()
            .map(|f| {
                // A root that is a file is named by its path.
                let name = f.provenance.to_string();
                let name = name.rsplit('/').next().unwrap_or_default().to_string();
                (name, f.annotations.contains_key("commit"))
            })
            .collect();
        found.sort();
        assert_eq!(
            found,
            [("orders.csv".to_string(), true), ("today.log".to_string(), false)]
        );
        assert_eq!(outcome.roots.len(), 2);
        // A walk is counted as it goes: no total up front.
        assert!(totals.0.lock().unwrap().is_empty());
    }
}
