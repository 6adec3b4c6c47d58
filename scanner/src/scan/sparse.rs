//! Sparse files: a 100 GB file made by `truncate -s 100G` holds no data but
//! reads as 100 GB of zeros. Its holes are found with `SEEK_DATA` /
//! `SEEK_HOLE` and not read: a hole is zeros, which hold no card data. Only
//! the data runs are scanned, each hole standing as one zero byte so that no
//! number is joined across it, and offsets are mapped back to the file's.
//! The bytes skipped are counted in the coverage (not a gap: nothing unread
//! could hold anything).

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Read};
use std::rc::Rc;

use crate::position::{OffsetMap, SourcePosition};

/// Whether `file` (of `size` bytes, read from its start) has a hole before
/// its end. The file's offset is back at its start afterwards.
#[cfg(target_os = "linux")]
pub fn has_holes(file: &File, size: u64) -> bool {
    let holes = size > 0 && seek(file, 0, libc::SEEK_HOLE).is_ok_and(|hole| hole < size);
    // SEEK_HOLE moved the shared offset, which a plain read starts from. If
    // it cannot be put back, the sparse path (which reads at offsets) reads.
    let rewound = seek(file, 0, libc::SEEK_SET).is_ok();
    holes || !rewound
}

#[cfg(not(target_os = "linux"))]
pub fn has_holes(_file: &File, _size: u64) -> bool {
    false
}

/// `lseek` on the file's descriptor. It moves the shared file offset: data
/// runs are read with `read_at`, which does not use it.
#[cfg(target_os = "linux")]
fn seek(file: &File, offset: u64, whence: libc::c_int) -> io::Result<u64> {
    use std::os::fd::AsRawFd;
    let offset = libc::off_t::try_from(offset).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: lseek on an open descriptor has no memory effects.
    let at = unsafe { libc::lseek(file.as_raw_fd(), offset, whence) };
    if at < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(at as u64)
}

/// Where each piece of the scanned view starts in the file.
#[derive(Debug, Default, Clone)]
pub struct RunMap {
    /// (view offset, file offset) at the start of each piece, in order.
    starts: Rc<RefCell<Vec<(u64, u64)>>>,
}

impl OffsetMap for RunMap {
    fn locate(&self, offset: u64) -> SourcePosition {
        let starts = self.starts.borrow();
        let i = starts.partition_point(|&(view, _)| view <= offset);
        let file = match i.checked_sub(1).and_then(|i| starts.get(i)) {
            Some(&(view, file)) => file + (offset - view),
            None => offset,
        };
        SourcePosition {
            offset: file,
            annotations: Default::default(),
        }
    }
}

/// Reads a sparse file's data runs, a zero byte for each hole.
pub struct DataRuns<'f> {
    file: &'f File,
    size: u64,
    /// Next file offset to read.
    pos: u64,
    /// End of the data run `pos` is in.
    run_end: u64,
    /// Bytes handed out so far.
    view: u64,
    /// A hole was passed and its zero byte is still to be handed out.
    hole_mark: bool,
    map: RunMap,
    /// Bytes of holes passed over.
    pub skipped: u64,
    /// Bytes of data read.
    pub read: u64,
}

impl<'f> DataRuns<'f> {
    pub fn new(file: &'f File, size: u64) -> Self {
        DataRuns {
            file,
            size,
            pos: 0,
            run_end: 0,
            view: 0,
            hole_mark: false,
            map: RunMap::default(),
            skipped: 0,
            read: 0,
        }
    }

    /// The offset map of what has been read (shared: it grows as reading goes on).
    pub fn map(&self) -> RunMap {
        self.map.clone()
    }

    /// Moves to the next data run at or after `pos`; false at the end.
    #[cfg(target_os = "linux")]
    fn next_run(&mut self) -> io::Result<bool> {
        let data = match seek(self.file, self.pos, libc::SEEK_DATA) {
            Ok(data) => data.min(self.size),
            // ENXIO: no data after `pos`, the rest is a hole.
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => self.size,
            Err(e) => return Err(e),
        };
        if data > self.pos {
            self.skipped += data - self.pos;
            self.hole_mark = true;
            // The hole's zero byte stands at the hole's start.
            self.map.starts.borrow_mut().push((self.view, self.pos));
        }
        self.pos = data;
        if data >= self.size {
            return Ok(false);
        }
        self.run_end = seek(self.file, data, libc::SEEK_HOLE)?.clamp(data + 1, self.size);
        Ok(true)
    }

    #[cfg(not(target_os = "linux"))]
    fn next_run(&mut self) -> io::Result<bool> {
        self.run_end = self.size;
        Ok(self.pos < self.size)
    }
}

impl Read for DataRuns<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pos >= self.run_end && !self.hole_mark {
            let more = self.next_run()?;
            if !self.hole_mark && !more {
                return Ok(0);
            }
        }
        if self.hole_mark {
            self.hole_mark = false;
            buf[0] = 0;
            self.view += 1;
            if self.pos < self.size {
                self.map.starts.borrow_mut().push((self.view, self.pos));
            }
            return Ok(1);
        }
        if self.view == 0 && self.map.starts.borrow().is_empty() {
            self.map.starts.borrow_mut().push((0, self.pos));
        }
        let want = buf
            .len()
            .min(usize::try_from(self.run_end - self.pos).unwrap_or(usize::MAX));
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        if n == 0 {
            // The file shrank: stop here.
            self.run_end = self.pos;
            self.size = self.pos;
            return Ok(0);
        }
        self.pos += n as u64;
        self.view += n as u64;
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::*;

    #[test]
    fn holes_are_skipped_and_offsets_map_back_to_the_file() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"head").unwrap();
        file.seek(SeekFrom::Start(64 << 20)).unwrap();
        file.write_all(b"tail").unwrap();
        let size = file.metadata().unwrap().len();
        if !has_holes(&file, size) {
            return; // a filesystem without holes (tmpfs without support): nothing to test
        }
        let mut runs = DataRuns::new(&file, size);
        let mut view = Vec::new();
        runs.read_to_end(&mut view).unwrap();
        assert!(view.len() < 1 << 20, "the hole was read: {} bytes", view.len());
        let at = view.windows(4).position(|w| w == b"tail").unwrap() as u64;
        assert_eq!(runs.map().locate(at).offset, 64 << 20);
        assert_eq!(runs.map().locate(1).offset, 1);
        assert!(runs.skipped > 60 << 20);
        assert!(view.contains(&0), "the hole stands as a zero byte");
    }
}
