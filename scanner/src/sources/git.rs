//! Git as a source: the files changed since a commit (for a pull-request
//! gate), and every blob reachable from any ref with where it first appeared
//! (card data that was committed and later deleted is still in the history).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use git2::{DiffOptions, ObjectType, Oid, Repository, Sort, Tree};

use super::walk::resolved_dir;

/// Why git could not be read: libgit2's message once (not also as a source,
/// which an error chain would print a second time), without its class and
/// code numbers.
#[derive(Debug, thiserror::Error)]
#[error("git {what} in {repo}: {}", error.message())]
pub struct GitError {
    repo: PathBuf,
    what: String,
    error: git2::Error,
}

fn context(repo: &Path, what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
    let repo = repo.to_path_buf();
    let what = what.into();
    move |error| GitError { repo, what, error }
}

/// The files in the working tree of the repository around `dir` that differ
/// from commit `base` — modified, added, staged or untracked — as
/// [`resolved_dir`] gives them (deleted files are gone and need no scan).
pub fn changed_files(dir: &Path, base: &str) -> Result<HashSet<PathBuf>, GitError> {
    let repo = Repository::discover(dir).map_err(context(dir, "open repository"))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| git2::Error::from_str("bare repository has no working tree"))
        .map_err(context(dir, "diff"))?
        .to_path_buf();
    let tree = repo
        .revparse_single(base)
        .and_then(|object| object.peel_to_tree())
        .map_err(context(dir, format!("resolve {base:?}")))?;
    let mut options = DiffOptions::new();
    options.include_untracked(true).recurse_untracked_dirs(true);
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut options))
        .map_err(context(dir, format!("diff against {base:?}")))?;
    Ok(diff
        .deltas()
        .filter_map(|delta| delta.new_file().path().map(|p| workdir.join(p)))
        .filter(|path| path.symlink_metadata().is_ok())
        .filter_map(|path| resolved_dir(&path))
        .collect())
}

/// Where a blob was first seen: the oldest commit (parents before children)
/// whose tree holds it, and its path there.
#[derive(Clone)]
pub struct BlobSighting {
    pub blob: Oid,
    pub size: usize,
    pub path: String,
    pub commit: String,
    /// `Name <email>` of the commit's author.
    pub author: String,
}

/// Shows the path and author only redacted.
impl std::fmt::Debug for BlobSighting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobSighting")
            .field("blob", &self.blob)
            .field("size", &self.size)
            .field("path", &crate::redact::Redacted::new(&self.path))
            .field("commit", &self.commit)
            .field("author", &crate::redact::Redacted::new(&self.author))
            .finish()
    }
}

/// A submodule met in the history: its blobs live in another repository.
#[derive(Debug, Clone)]
pub struct SubmoduleSighting {
    pub path: String,
    /// The submodule commit recorded the first time the path was seen.
    pub commit: String,
}

/// Text of a history that is not file content — a commit's message, author
/// and committer, a branch or tag name — to be scanned as data.
#[derive(Clone)]
pub struct HistoryText {
    /// Where it is: `commit:<id>!/message`, or the ref's own name.
    pub place: Vec<String>,
    pub text: String,
}

/// Never prints the text, which may hold a card number.
impl std::fmt::Debug for HistoryText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HistoryText({} bytes)", self.text.len())
    }
}

/// What a history holds: every blob once, the submodules it points to, and
/// the text around them.
#[derive(Debug, Default)]
pub struct History {
    pub blobs: Vec<BlobSighting>,
    pub submodules: Vec<SubmoduleSighting>,
    pub texts: Vec<HistoryText>,
}

/// Every blob reachable from every ref, once, with its first sighting.
pub fn first_sightings(repo_path: &Path) -> Result<History, GitError> {
    let repo = Repository::open(repo_path).map_err(context(repo_path, "open repository"))?;
    let mut walk = repo.revwalk().map_err(context(repo_path, "walk history"))?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)
        .map_err(context(repo_path, "walk history"))?;
    let refs = repo.references().map_err(context(repo_path, "list refs"))?;
    let mut history = History::default();
    for reference in refs.flatten() {
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        history.texts.push(HistoryText {
            place: vec![name.clone()],
            text: name,
        });
        // Refs that do not lead to a commit (tags of blobs, notes) have no history to walk.
        if let Ok(commit) = reference.peel_to_commit() {
            walk.push(commit.id())
                .map_err(context(repo_path, "walk history"))?;
        }
    }
    let odb = repo.odb().map_err(context(repo_path, "open object database"))?;
    let mut seen_trees = HashSet::new();
    let mut seen_blobs = HashSet::new();
    for oid in walk {
        let oid = oid.map_err(context(repo_path, "walk history"))?;
        let commit = repo
            .find_commit(oid)
            .map_err(context(repo_path, format!("read commit {oid}")))?;
        let signature = |s: git2::Signature<'_>| {
            format!(
                "{} <{}>",
                String::from_utf8_lossy(s.name_bytes()),
                String::from_utf8_lossy(s.email_bytes())
            )
        };
        let author = signature(commit.author());
        // The short id: a 12-digit prefix is never masked.
        let full = oid.to_string();
        let place = format!("commit:{}", &full[..full.len().min(12)]);
        for (what, text) in [
            (
                "message",
                String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            ),
            ("author", author.clone()),
            ("committer", signature(commit.committer())),
        ] {
            history.texts.push(HistoryText {
                place: vec![place.clone(), what.to_string()],
                text,
            });
        }
        let tree = commit
            .tree()
            .map_err(context(repo_path, format!("read tree of {oid}")))?;
        let mut found = FirstSeen {
            repo: &repo,
            odb: &odb,
            seen_trees: &mut seen_trees,
            seen_blobs: &mut seen_blobs,
            commit: oid.to_string(),
            author,
            out: &mut history,
        };
        found
            .tree(&tree, "")
            .map_err(context(repo_path, format!("read tree of {oid}")))?;
    }
    Ok(history)
}

/// One commit's tree walk, skipping subtrees and blobs seen in earlier commits.
struct FirstSeen<'a> {
    repo: &'a Repository,
    odb: &'a git2::Odb<'a>,
    seen_trees: &'a mut HashSet<Oid>,
    seen_blobs: &'a mut HashSet<Oid>,
    commit: String,
    author: String,
    out: &'a mut History,
}

impl FirstSeen<'_> {
    fn tree(&mut self, tree: &Tree<'_>, prefix: &str) -> Result<(), git2::Error> {
        if !self.seen_trees.insert(tree.id()) {
            return Ok(());
        }
        for entry in tree.iter() {
            let name = String::from_utf8_lossy(entry.name_bytes());
            let path = format!("{prefix}{name}");
            match entry.kind() {
                Some(ObjectType::Tree) => {
                    let subtree = self.repo.find_tree(entry.id())?;
                    self.tree(&subtree, &format!("{path}/"))?;
                }
                Some(ObjectType::Blob) if self.seen_blobs.insert(entry.id()) => {
                    // The header alone gives the size without inflating the blob.
                    let (size, _) = self.odb.read_header(entry.id())?;
                    self.out.blobs.push(BlobSighting {
                        blob: entry.id(),
                        size,
                        path,
                        commit: self.commit.clone(),
                        author: self.author.clone(),
                    });
                }
                Some(ObjectType::Commit) if !self.out.submodules.iter().any(|s| s.path == path) => {
                    self.out.submodules.push(SubmoduleSighting {
                        path,
                        commit: entry.id().to_string(),
                    });
                }
                // Blobs and submodules seen before are done.
                _ => {}
            }
        }
        Ok(())
    }
}
