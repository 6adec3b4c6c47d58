//! Walking the scan roots: every entry is either a file to scan or a
//! [`Skipped`] record with its reason. Nothing is dropped silently.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::GlobSet;
use ignore::gitignore::Gitignore;
use ignore::Match;
use walkdir::WalkDir;

use super::shard::Shard;
use super::special::{pseudo_filesystem, pseudo_filesystem_detail, special_file_kind};
use crate::findings::{Provenance, SkipReason, Skipped};
use crate::redact::may_hold_number;

/// The ignore file hihoji always honours, in gitignore syntax, in any directory.
pub const IGNORE_FILE: &str = ".hihojiignore";

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub exclude: GlobSet,
    /// Only entries (files and skip records alike) owned by this share.
    pub shard: Option<Shard>,
    /// Also honour `.gitignore` files. Off by default: the files a repository
    /// ignores (dumps, logs, local exports) are exactly where card data leaks.
    pub respect_gitignore: bool,
    /// When set, only these files are scanned (paths as [`resolved_dir`]
    /// gives them), e.g. the files changed since a git commit; other files
    /// are out of scope.
    pub only: Option<Arc<HashSet<PathBuf>>>,
    /// Files hihoji itself reads or writes (a baseline, its reports), as
    /// canonical paths with what they are: recorded as excluded, because
    /// they hold masked values that would otherwise be reported.
    pub own_files: Vec<(PathBuf, String)>,
}

/// The ignore files of the directories from the root down to the current one.
#[derive(Default)]
struct IgnoreStack {
    /// (depth of the directory, its matcher, the file's name).
    levels: Vec<(usize, Gitignore, &'static str)>,
}

impl IgnoreStack {
    /// Forgets directories that are not ancestors of an entry at `depth`.
    fn leave_to(&mut self, depth: usize) {
        while self.levels.last().is_some_and(|(d, _, _)| *d >= depth) {
            self.levels.pop();
        }
    }

    /// Loads a directory's ignore files (a line that is not a valid glob is
    /// left out by the matcher; the rest of the file still applies).
    fn enter(&mut self, dir: &Path, depth: usize, respect_gitignore: bool) {
        let names: &[&'static str] = if respect_gitignore {
            &[".gitignore", IGNORE_FILE]
        } else {
            &[IGNORE_FILE]
        };
        for name in names {
            let file = dir.join(name);
            if file.is_file() {
                let (matcher, _partial_error) = Gitignore::new(&file);
                if !matcher.is_empty() {
                    self.levels.push((depth, matcher, name));
                }
            }
        }
    }

    /// The ignore file that excludes `path`, if any (the deepest match wins,
    /// and a `!pattern` re-includes).
    fn excluded_by(&self, path: &Path, is_dir: bool) -> Option<&'static str> {
        for (_, matcher, name) in self.levels.iter().rev() {
            match matcher.matched(path, is_dir) {
                Match::Ignore(_) => return Some(name),
                Match::Whitelist(_) => return None,
                Match::None => {}
            }
        }
        None
    }
}

/// The ignore file in a directory above the file `path` that excludes it,
/// by the file's own name or one of its directories' (the deepest file
/// decides, and a `!pattern` re-includes).
fn ancestors_ignore(path: &Path, respect_gitignore: bool) -> Option<&'static str> {
    let path = std::path::absolute(path).ok()?;
    let mut stack = IgnoreStack::default();
    for (depth, dir) in path
        .ancestors()
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .enumerate()
    {
        stack.enter(dir, depth, respect_gitignore);
    }
    for (_, matcher, name) in stack.levels.iter().rev() {
        match matcher.matched_path_or_any_parents(&path, false) {
            Match::Ignore(_) => return Some(name),
            Match::Whitelist(_) => return None,
            Match::None => {}
        }
    }
    None
}

/// A walked entry.
pub enum Entry {
    File {
        path: PathBuf,
        provenance: Provenance,
    },
    Skipped(Skipped),
    /// The raw name of an entry below a root (file, directory, link, …) that
    /// may hold a card number: names are scanned as data (DESIGN.md §6).
    Name {
        name: String,
        provenance: Provenance,
    },
}

/// Shows a name only redacted.
impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::File { provenance, .. } => write!(f, "File({provenance})"),
            Entry::Skipped(skipped) => write!(f, "Skipped({skipped:?})"),
            Entry::Name { provenance, .. } => write!(f, "Name({provenance})"),
        }
    }
}

/// Entries under every root, one root after the other, sorted by name; with a
/// shard, only the entries it owns, so that the shards of one tree add up to it.
pub fn walk(roots: &[PathBuf], options: &WalkOptions) -> impl Iterator<Item = Entry> + Send + use<> {
    let shard = options.shard;
    walk_all(roots, options).filter(move |entry| {
        shard.is_none_or(|shard| {
            shard.owns(match entry {
                Entry::File { provenance, .. } | Entry::Name { provenance, .. } => &provenance.artifact,
                Entry::Skipped(skipped) => &skipped.provenance.artifact,
            })
        })
    })
}

fn walk_all(roots: &[PathBuf], options: &WalkOptions) -> impl Iterator<Item = Entry> + Send + use<> {
    let options = options.clone();
    let single_root = roots.len() == 1;
    let roots = roots.to_vec();
    roots.into_iter().flat_map(move |root| {
        let display_base = (!single_root || !root.is_dir()).then(|| root.clone());
        let options = options.clone();
        let mut walker = WalkDir::new(&root)
            .follow_links(options.follow_symlinks)
            .sort_by_file_name()
            .into_iter();
        let mut ignores = IgnoreStack::default();
        // A file named on the command line (as a pre-commit hook names the
        // staged files) obeys the ignore files of the directories above it.
        let root_ignored = root
            .is_file()
            .then(|| ancestors_ignore(&root, options.respect_gitignore))
            .flatten()
            .map(|file| {
                Entry::Skipped(Skipped {
                    provenance: Provenance::file(display(&root, display_base.as_deref(), &root)),
                    reason: SkipReason::Excluded,
                    detail: format!("matches {file}").into(),
                })
            });
        // A root on a pseudo-filesystem (`/proc/self`, a link to it) is one
        // skip, not a walk of its entries.
        let mut root_ignored = root_ignored.or_else(|| {
            pseudo_filesystem(&root).map(|fs| {
                Entry::Skipped(Skipped {
                    provenance: Provenance::file(root.to_string_lossy().into_owned()),
                    reason: SkipReason::PseudoFilesystem,
                    detail: pseudo_filesystem_detail(fs).into(),
                })
            })
        });
        let root_is_ignored = root_ignored.is_some();
        // An entry's name, returned right after the entry itself.
        let mut name: Option<Entry> = None;
        std::iter::from_fn(move || loop {
            if root_is_ignored {
                return root_ignored.take();
            }
            if name.is_some() {
                return name.take();
            }
            let entry = match walker.next()? {
                Ok(entry) => entry,
                Err(err) => return Some(Entry::Skipped(walk_error(&root, display_base.as_deref(), &err))),
            };
            let path = entry.path();
            let provenance = Provenance::file(display(&root, display_base.as_deref(), path));
            let skip = |reason, detail: &str| {
                Some(Entry::Skipped(Skipped {
                    provenance: provenance.clone(),
                    reason,
                    detail: detail.into(),
                }))
            };
            let file_type = entry.file_type();
            let is_dir = file_type.is_dir();
            if let Some(only) = options.only.as_ref().filter(|_| !is_dir) {
                if !resolved_dir(path).is_some_and(|p| only.contains(&p)) {
                    continue;
                }
            }
            if entry.depth() > 0 && is_excluded(&options.exclude, &root, path) {
                if is_dir {
                    walker.skip_current_dir();
                }
                return skip(SkipReason::Excluded, "matches --exclude");
            }
            ignores.leave_to(entry.depth());
            if let Some(file) = ignores.excluded_by(path, is_dir) {
                if is_dir {
                    walker.skip_current_dir();
                }
                return skip(SkipReason::Excluded, &format!("matches {file}"));
            }
            if entry.depth() > 0 {
                let raw = entry.file_name().to_string_lossy();
                if may_hold_number(&raw) {
                    name = Some(Entry::Name {
                        name: raw.into_owned(),
                        provenance: provenance.clone(),
                    });
                }
            }
            if is_dir {
                ignores.enter(path, entry.depth(), options.respect_gitignore);
                // By filesystem type: a directory on proc, sysfs, … is
                // skipped whole, wherever it is mounted or linked from.
                if let Some(fs) = pseudo_filesystem(path) {
                    walker.skip_current_dir();
                    return skip(SkipReason::PseudoFilesystem, &pseudo_filesystem_detail(fs));
                }
                continue;
            }
            if file_type.is_symlink() {
                return skip(
                    SkipReason::Symlink,
                    "symbolic link not followed (use --follow-symlinks)",
                );
            }
            if let Some(kind) = special_file_kind(&file_type) {
                return skip(SkipReason::SpecialFile, kind);
            }
            if let Some(what) = own_file(&options.own_files, path) {
                return skip(SkipReason::Excluded, &format!("hihoji's own {what}"));
            }
            if is_office_lock_file(&entry) {
                return skip(
                    SkipReason::Excluded,
                    "Office lock file (~$…): it holds the name of whoever has the document open, not its content",
                );
            }
            return Some(Entry::File {
                path: path.to_path_buf(),
                provenance,
            });
        })
    })
}

/// Word, Excel and PowerPoint write `~$name.docx` next to an open document:
/// a few hundred bytes naming the user, often locked while the document is
/// open. A larger file with such a name is scanned like any other.
fn is_office_lock_file(entry: &walkdir::DirEntry) -> bool {
    const MAX_LOCK_FILE: u64 = 4096;
    entry.file_name().as_encoded_bytes().starts_with(b"~$")
        && entry.metadata().is_ok_and(|m| m.len() <= MAX_LOCK_FILE)
}

/// The path as reports show it: relative to a single directory root, else as
/// given; the root itself as given (never an empty path).
fn display(root: &Path, display_base: Option<&Path>, path: &Path) -> String {
    match display_base {
        Some(_) => path.to_string_lossy().into_owned(),
        None => match path.strip_prefix(root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => path.to_string_lossy().into_owned(),
        },
    }
}

/// `path` with its directory made canonical and its last component kept as
/// it is (a changed symbolic link is itself, not its target).
pub fn resolved_dir(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

/// What `path` is when it is one of hihoji's own files. Only files with the
/// same name are resolved, so the check costs nothing on other files.
fn own_file<'a>(own: &'a [(PathBuf, String)], path: &Path) -> Option<&'a str> {
    let name = path.file_name()?;
    own.iter()
        .filter(|(own_path, _)| own_path.file_name() == Some(name))
        .find(|(own_path, _)| std::fs::canonicalize(path).is_ok_and(|p| &p == own_path))
        .map(|(_, what)| what.as_str())
}

fn is_excluded(exclude: &GlobSet, root: &Path, path: &Path) -> bool {
    if exclude.is_empty() {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    exclude.is_match(rel) || path.file_name().is_some_and(|name| exclude.is_match(name))
}

fn walk_error(root: &Path, display_base: Option<&Path>, err: &walkdir::Error) -> Skipped {
    let path = err.path().unwrap_or(root);
    let (reason, detail) = if err.loop_ancestor().is_some() {
        (SkipReason::Symlink, "symbolic link loop".to_string())
    } else {
        match err.io_error().map(|e| e.kind()) {
            Some(std::io::ErrorKind::PermissionDenied) => {
                (SkipReason::PermissionDenied, "permission denied".to_string())
            }
            Some(std::io::ErrorKind::NotFound) => (SkipReason::Vanished, "no longer exists".to_string()),
            _ => (SkipReason::ReadError, err.to_string()),
        }
    };
    Skipped {
        provenance: Provenance::file(display(root, display_base, path)),
        reason,
        detail: detail.into(),
    }
}

#[cfg(test)]
mod lock_file_tests {
    use super::*;

    #[test]
    fn office_lock_files_are_skipped_with_a_reason_and_big_namesakes_scanned() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("~$report.xlsx"), [b'u'; 162]).unwrap();
        std::fs::write(dir.path().join("~$export.csv"), vec![b'1'; 10_000]).unwrap();
        std::fs::write(dir.path().join("report.xlsx"), b"PK").unwrap();
        let entries: Vec<Entry> = walk(&[dir.path().to_path_buf()], &WalkOptions::default()).collect();
        let skipped: Vec<&Skipped> = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Skipped(s) => Some(s),
                Entry::File { .. } | Entry::Name { .. } => None,
            })
            .collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].provenance.artifact, "~$report.xlsx");
        assert_eq!(skipped[0].reason, SkipReason::Excluded);
        assert!(skipped[0].detail.contains("Office lock file"));
        assert_eq!(entries.len(), 3, "the big namesake and the document are scanned");
    }
}
