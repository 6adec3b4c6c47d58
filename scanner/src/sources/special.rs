//! Telling regular files from special ones, per platform.
//!
//! A FIFO blocks its reader until a writer comes; a device may never end.
//! Neither is ever opened for reading: walking decides from the directory
//! entry's type, and opening re-checks the opened handle, so a file replaced by
//! a FIFO between the two is caught too.

use std::fs::{File, FileType};
use std::io;
use std::path::Path;

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

/// Opens `path` for reading only if it is a regular file. Returns the file and
/// its size, or `Ok(Err(kind))` naming the special kind it turned out to be.
pub fn open_regular_file(path: &Path) -> io::Result<Result<(File, u64), &'static str>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Non-blocking, so that opening a FIFO that appeared since the walk cannot hang.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK | libc::O_NOCTTY);
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err(
            special_file_kind(&meta.file_type()).unwrap_or("not a regular file")
        ));
    }
    Ok(Ok((file, meta.len())))
}
