//! Telling regular files from special ones, per platform.
//!
//! A FIFO blocks its reader until a writer comes; a device may never end.
//! Neither is ever opened for reading: walking decides from the directory
//! entry's type, and opening re-checks the opened handle, so a file replaced by
//! a FIFO between the two is caught too.
//!
//! Kernel pseudo-filesystems (proc, sysfs, debugfs, …) are told by their
//! filesystem type, not their path: they can be mounted anywhere, reached
//! through a symbolic link, and their "files" (`/proc/self/pagemap`) can be
//! endless views of kernel state rather than stored data.

use std::fs::{File, FileType};
use std::io;
use std::path::Path;

use crate::findings::SkipReason;

/// A name for the kind of a special file, or `None` for a regular file or directory.
#[cfg(unix)]
pub fn special_file_kind(file_type: &FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("FIFO (named pipe)")
    } else if file_type.is_socket() {
        Some("socket")
    } else if file_type.is_block_device() {
        Some("block device")
    } else if file_type.is_char_device() {
        Some("character device")
    } else {
        None
    }
}

#[cfg(not(unix))]
pub fn special_file_kind(file_type: &FileType) -> Option<&'static str> {
    (!file_type.is_file() && !file_type.is_dir() && !file_type.is_symlink()).then_some("special file")
}

/// Why an opened path is not read as a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRegular {
    /// A FIFO, socket or device (named).
    Special(&'static str),
    /// A file on a kernel pseudo-filesystem (named by its type).
    PseudoFilesystem(&'static str),
}

impl NotRegular {
    pub fn skip_reason(self) -> SkipReason {
        match self {
            NotRegular::Special(_) => SkipReason::SpecialFile,
            NotRegular::PseudoFilesystem(_) => SkipReason::PseudoFilesystem,
        }
    }

    pub fn detail(self) -> String {
        match self {
            NotRegular::Special(kind) => kind.to_string(),
            NotRegular::PseudoFilesystem(fs) => pseudo_filesystem_detail(fs),
        }
    }
}

/// The skip detail for a directory or file on the pseudo-filesystem `fs`.
pub fn pseudo_filesystem_detail(fs: &str) -> String {
    format!("kernel pseudo-filesystem ({fs}): a view of kernel state, not stored data")
}

/// Kernel pseudo-filesystems by their `statfs` magic (linux/magic.h): views
/// of kernel state, some of which block or never end when read. Process
/// memory is its own source (`--processes`). tmpfs and devtmpfs are not
/// here: they hold ordinary files (`/dev/shm`, `/run`, `/tmp`).
#[cfg(target_os = "linux")]
const PSEUDO_FILESYSTEMS: &[(u64, &str)] = &[
    (0x9fa0, "proc"),
    (0x6265_6572, "sysfs"),
    (0x6462_6720, "debugfs"),
    (0x7472_6163, "tracefs"),
    (0x0027_e0eb, "cgroup"),
    (0x6367_7270, "cgroup2"),
    (0x1cd1, "devpts"),
    (0x7363_6673, "securityfs"),
    (0x6165_676c, "pstore"),
    (0xcafe_4a11, "bpf"),
    (0x6265_6570, "configfs"),
    (0x6573_5543, "fusectl"),
    (0x1980_0202, "mqueue"),
    (0xf97c_ff8c, "selinuxfs"),
    (0x4341_5d53, "smackfs"),
    (0xde5e_81e4, "efivarfs"),
    (0x4249_4e4d, "binfmt_misc"),
    (0x6e73_6673, "nsfs"),
    (0x0765_5821, "resctrl"),
    (0x6c6f_6f70, "binderfs"),
];

/// The pseudo-filesystem a `statfs` filesystem type is, if any.
#[cfg(target_os = "linux")]
fn pseudo_filesystem_type(f_type: u64) -> Option<&'static str> {
    let magic = f_type & 0xffff_ffff;
    PSEUDO_FILESYSTEMS
        .iter()
        .find(|(m, _)| *m == magic)
        .map(|(_, name)| *name)
}

/// The kernel pseudo-filesystem `path` is on (symbolic links followed), if any.
#[cfg(target_os = "linux")]
pub fn pseudo_filesystem(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: the path is NUL-terminated and `st` is valid for writing one statfs.
    let rc = unsafe { libc::statfs(c_path.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statfs succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    pseudo_filesystem_type(st.f_type as u64)
}

#[cfg(not(target_os = "linux"))]
pub fn pseudo_filesystem(_path: &Path) -> Option<&'static str> {
    None
}

/// The kernel pseudo-filesystem an open file on device `device` is on, if
/// any. The kernel is asked once per device and thread: a scan opens tens
/// of thousands of files on the same few filesystems.
#[cfg(target_os = "linux")]
fn pseudo_filesystem_of(file: &File, device: u64) -> Option<&'static str> {
    use std::cell::RefCell;
    use std::os::fd::AsRawFd;
    thread_local! {
        static KNOWN: RefCell<Vec<(u64, u64)>> = const { RefCell::new(Vec::new()) };
    }
    let known = KNOWN.with(|known| known.borrow().iter().find(|(d, _)| *d == device).map(|&(_, t)| t));
    let fs_type = match known {
        Some(fs_type) => fs_type,
        None => {
            let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
            // SAFETY: the descriptor is open for the call and `st` is valid for writing one statfs.
            let rc = unsafe { libc::fstatfs(file.as_raw_fd(), st.as_mut_ptr()) };
            if rc != 0 {
                return None;
            }
            // SAFETY: fstatfs succeeded, so it filled `st`.
            let fs_type = unsafe { st.assume_init() }.f_type as u64;
            KNOWN.with(|known| known.borrow_mut().push((device, fs_type)));
            fs_type
        }
    };
    pseudo_filesystem_type(fs_type)
}

#[cfg(not(target_os = "linux"))]
fn pseudo_filesystem_of(_file: &File, _device: u64) -> Option<&'static str> {
    None
}

/// A regular file opened for reading.
pub struct OpenedFile {
    pub file: File,
    pub size: u64,
    /// Fewer bytes are allocated to it than its size: it may have holes
    /// (`scan::sparse` looks). A file with all its bytes allocated has none.
    pub may_be_sparse: bool,
}

/// Opens `path` for reading only if it is a regular file on a filesystem
/// that stores data. Returns the file, or `Ok(Err(why))`.
pub fn open_regular_file(path: &Path) -> io::Result<Result<OpenedFile, NotRegular>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Non-blocking, so that opening a FIFO that appeared since the walk cannot hang.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err(NotRegular::Special(
            special_file_kind(&meta.file_type()).unwrap_or("not a regular file"),
        )));
    }
    #[cfg(unix)]
    let device = std::os::unix::fs::MetadataExt::dev(&meta);
    #[cfg(not(unix))]
    let device = 0;
    if let Some(fs) = pseudo_filesystem_of(&file, device) {
        return Ok(Err(NotRegular::PseudoFilesystem(fs)));
    }
    #[cfg(unix)]
    let may_be_sparse = std::os::unix::fs::MetadataExt::blocks(&meta).saturating_mul(512) < meta.len();
    #[cfg(not(unix))]
    let may_be_sparse = true;
    Ok(Ok(OpenedFile {
        size: meta.len(),
        file,
        may_be_sparse,
    }))
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn proc_and_sys_are_pseudo_filesystems_by_type_and_tmp_is_not() {
        if Path::new("/proc/self").exists() {
            assert_eq!(pseudo_filesystem(Path::new("/proc/self")), Some("proc"));
            let opened = open_regular_file(Path::new("/proc/self/status")).unwrap();
            assert_eq!(opened.err(), Some(NotRegular::PseudoFilesystem("proc")));
        }
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(pseudo_filesystem(dir.path()), None);
    }

    /// The filesystem type is kept per device: files on a data filesystem
    /// and on procfs, opened in turn on one thread, each get their own.
    #[test]
    fn each_device_keeps_its_own_filesystem_type() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "text").unwrap();
        for _ in 0..2 {
            assert!(open_regular_file(&plain).unwrap().is_ok());
            let proc = open_regular_file(Path::new("/proc/self/status")).unwrap();
            assert_eq!(proc.err(), Some(NotRegular::PseudoFilesystem("proc")));
        }
    }

    #[test]
    fn a_file_with_fewer_bytes_allocated_than_its_size_may_be_sparse() {
        let dir = tempfile::tempdir().unwrap();
        let written = dir.path().join("written");
        std::fs::write(&written, vec![b'x'; 64 * 1024]).unwrap();
        let truncated = dir.path().join("truncated");
        File::create(&truncated).unwrap().set_len(64 << 20).unwrap();
        let opened = |path: &Path| open_regular_file(path).unwrap().ok().unwrap();
        assert!(!opened(&written).may_be_sparse);
        assert!(opened(&truncated).may_be_sparse);
        assert_eq!(opened(&truncated).size, 64 << 20);
    }
}
