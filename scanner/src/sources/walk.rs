//! Walking the scan roots: every entry is either a file to scan or a
//! [`Skipped`] record with its reason. Nothing is dropped silently.

use std::path::{Path, PathBuf};

use globset::GlobSet;
use walkdir::WalkDir;

use super::shard::Shard;
use super::special::special_file_kind;
use crate::findings::{Provenance, SkipReason, Skipped};

/// Kernel pseudo-filesystems: their files are views of kernel state, not
/// stored data, and some block or never end when read. Process memory is a
/// separate source.
#[cfg(target_os = "linux")]
const PSEUDO_FILESYSTEMS: &[&str] = &["/proc", "/sys"];
#[cfg(not(target_os = "linux"))]
const PSEUDO_FILESYSTEMS: &[&str] = &[];

/// How to walk.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub exclude: GlobSet,
    /// Only entries (files and skip records alike) owned by this share.
    pub shard: Option<Shard>,
}

/// A walked entry.
#[derive(Debug)]
pub enum Entry {
    File { path: PathBuf, provenance: Provenance },
    Skipped(Skipped),
}

/// Entries under every root, one root after the other, sorted by name; with a
/// shard, only the entries it owns, so that the shards of one tree add up to it.
pub fn walk(roots: &[PathBuf], options: &WalkOptions) -> impl Iterator<Item = Entry> + Send + use<> {
    let shard = options.shard;
    walk_all(roots, options).filter(move |entry| {
        shard.is_none_or(|shard| {
            shard.owns(match entry {
                Entry::File { provenance, .. } => &provenance.artifact,
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
        std::iter::from_fn(move || loop {
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
                    detail: detail.to_string(),
                }))
            };
            let file_type = entry.file_type();
            let is_dir = file_type.is_dir();
            if entry.depth() > 0 && is_excluded(&options.exclude, &root, path) {
                if is_dir {
                    walker.skip_current_dir();
                }
                return skip(SkipReason::Excluded, "matches --exclude");
            }
            if is_dir {
                if PSEUDO_FILESYSTEMS.iter().any(|p| path == Path::new(p)) {
                    walker.skip_current_dir();
                    return skip(
                        SkipReason::PseudoFilesystem,
                        "kernel pseudo-filesystem, not stored data",
                    );
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
            return Some(Entry::File {
                path: path.to_path_buf(),
                provenance,
            });
        })
    })
}

/// The path as reports show it: relative to a single directory root, else as given.
fn display(root: &Path, display_base: Option<&Path>, path: &Path) -> String {
    match display_base {
        Some(_) => path.to_string_lossy().into_owned(),
        None => path
            .strip_prefix(root)
            .map(|rel| rel.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.to_string_lossy().into_owned()),
    }
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
        detail,
    }
}
