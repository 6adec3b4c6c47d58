//! Linux: processes from `/proc`, memory copied with `process_vm_readv`.
//!
//! Nothing here attaches with ptrace or stops the process: `process_vm_readv`
//! copies pages from the target's address space as it runs, like a read of
//! `/proc/PID/mem`, and needs the same permission (the caller's own processes
//! when `kernel.yama.ptrace_scope` allows it; any process with root or
//! CAP_SYS_PTRACE). It is tried first because it needs no open file; when it
//! is refused outright (ENOSYS, or EPERM from a seccomp filter as in some
//! containers), `/proc/PID/mem` is read with `pread` instead.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

use super::maps::parse_maps;
use super::{AccessError, MemoryReader, ProcessInfo, ProcessMemory, Region};

/// `PF_KTHREAD` in `/proc/PID/stat`'s flags field: a kernel thread.
const PF_KTHREAD: u64 = 0x0020_0000;

/// The `/proc` file system.
pub struct ProcFs;

fn proc_path(pid: u32, file: &str) -> PathBuf {
    PathBuf::from("/proc").join(pid.to_string()).join(file)
}

impl ProcessMemory for ProcFs {
    fn process_ids(&self) -> io::Result<Vec<u32>> {
        let mut pids: Vec<u32> = std::fs::read_dir("/proc")?
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        Ok(pids)
    }

    fn inspect(&self, pid: u32) -> Result<ProcessInfo, AccessError> {
        let stat = std::fs::read_to_string(proc_path(pid, "stat")).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => AccessError::Exited("no such process".to_string()),
            _ => access_error(&e, "stat"),
        })?;
        let stat =
            parse_stat(&stat).ok_or_else(|| AccessError::Other("malformed /proc/PID/stat".to_string()))?;
        if matches!(stat.state, 'Z' | 'X') {
            return Err(AccessError::Exited("zombie: it keeps no memory".to_string()));
        }
        let executable = std::fs::read_link(proc_path(pid, "exe"))
            .ok()
            .map(|p| p.to_string_lossy().into_owned());
        let user = std::fs::read_to_string(proc_path(pid, "status"))
            .ok()
            .and_then(|status| real_uid(&status))
            .map(user_name);
        let command_line = std::fs::read(proc_path(pid, "cmdline"))
            .ok()
            .filter(|args| !args.is_empty())
            .map(|args| {
                let args = args.strip_suffix(&[0]).unwrap_or(&args);
                String::from_utf8_lossy(args).replace('\0', " ")
            });
        Ok(ProcessInfo {
            pid,
            name: stat.comm,
            executable,
            user,
            kernel_thread: stat.flags & PF_KTHREAD != 0,
            command_line,
        })
    }

    fn regions(&self, pid: u32) -> Result<Vec<Region>, AccessError> {
        let maps = std::fs::read_to_string(proc_path(pid, "maps")).map_err(|e| access_error(&e, "maps"))?;
        parse_maps(&maps).map_err(AccessError::Other)
    }

    /// A non-dumpable process leaves no core dump and cannot be read by
    /// other processes of its user: the chunks of other processes' memory in
    /// its buffers stay in its memory.
    fn protect_scanner(&self) {
        // SAFETY: prctl with PR_SET_DUMPABLE takes plain integer arguments.
        unsafe {
            libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
        }
    }

    fn open(&self, pid: u32) -> Result<Box<dyn MemoryReader>, AccessError> {
        let pid =
            libc::pid_t::try_from(pid).map_err(|_| AccessError::Exited("no such process".to_string()))?;
        // SAFETY: sysconf has no preconditions.
        let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Ok(Box::new(LinuxReader {
            pid,
            page_size: u64::try_from(page_size).unwrap_or(4096).max(1),
            vm_readv: true,
            mem: None,
        }))
    }
}

/// Reads one process's memory, `process_vm_readv` first.
struct LinuxReader {
    pid: libc::pid_t,
    page_size: u64,
    /// Cleared once `process_vm_readv` has been refused outright.
    vm_readv: bool,
    /// `/proc/PID/mem`, opened on the first fallback read.
    mem: Option<File>,
}

impl MemoryReader for LinuxReader {
    fn read_at(&mut self, address: u64, buf: &mut [u8]) -> Result<usize, AccessError> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.vm_readv {
            match vm_readv(self.pid, address, buf) {
                Ok(n) => return Ok(n),
                Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::ENOSYS)) => {
                    self.vm_readv = false
                }
                Err(e) => return Err(access_error(&e, "process_vm_readv")),
            }
        }
        let mem = match &self.mem {
            Some(mem) => mem,
            None => {
                let path = proc_path(self.pid.unsigned_abs(), "mem");
                let file = File::open(path).map_err(|e| access_error(&e, "open /proc/PID/mem"))?;
                self.mem.insert(file)
            }
        };
        match mem.read_at(buf, address) {
            // The kernel returns 0 once the process's memory is gone.
            Ok(0) if !is_alive(self.pid) => Err(AccessError::Exited("during the read".to_string())),
            Ok(0) => Err(AccessError::Unreadable("read returned nothing".to_string())),
            Ok(n) => Ok(n),
            Err(e) => Err(access_error(&e, "pread /proc/PID/mem")),
        }
    }

    fn page_size(&self) -> u64 {
        self.page_size
    }
}

/// One `process_vm_readv` call: from `address` in `pid` into `buf`.
fn vm_readv(pid: libc::pid_t, address: u64, buf: &mut [u8]) -> io::Result<usize> {
    let remote_base = usize::try_from(address).map_err(|_| io::Error::from_raw_os_error(libc::EFAULT))?;
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let remote = libc::iovec {
        iov_base: remote_base as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: `local` describes `buf`, which is valid for writes of its whole
    // length for the duration of the call; `remote` is an address in another
    // process, which the kernel checks and never dereferences in ours.
    let n = unsafe { libc::process_vm_readv(pid, &local, 1, &remote, 1, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n.unsigned_abs())
}

/// True while the process exists and is not a zombie.
fn is_alive(pid: libc::pid_t) -> bool {
    std::fs::read_to_string(proc_path(pid.unsigned_abs(), "stat"))
        .ok()
        .and_then(|s| parse_stat(&s))
        .is_some_and(|stat| !matches!(stat.state, 'Z' | 'X'))
}

/// What an OS error means for reading a process.
fn access_error(e: &io::Error, operation: &str) -> AccessError {
    let detail = format!("{operation}: {e}");
    match e.raw_os_error() {
        Some(libc::ESRCH | libc::ENOENT) => AccessError::Exited(detail),
        Some(libc::EPERM | libc::EACCES) => AccessError::Denied(detail),
        Some(libc::EFAULT | libc::EIO) => AccessError::Unreadable(detail),
        _ => AccessError::Other(detail),
    }
}

/// The fields of `/proc/PID/stat` this module needs.
struct Stat {
    comm: String,
    state: char,
    flags: u64,
}

/// `1234 (my app) S 1 1234 … flags …`: the command name is between the first
/// `(` and the last `)`, since it may itself hold parentheses and spaces.
fn parse_stat(stat: &str) -> Option<Stat> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    let mut fields = stat.get(close + 1..)?.split_ascii_whitespace();
    let state = fields.next()?.chars().next()?;
    // After the state: ppid, pgrp, session, tty_nr, tpgid, then flags.
    let flags = fields.nth(5)?.parse().ok()?;
    Some(Stat { comm, state, flags })
}

/// The real user id from `/proc/PID/status` (`Uid:\treal\teffective\t…`).
fn real_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_ascii_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The user's name, or the numeric id when the user database has none.
fn user_name(uid: u32) -> String {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value (null pointers, zero ids)
    // that getpwuid_r overwrites.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call, and `buf.len()` is the size
    // of the buffer the strings are written to.
    let rc = unsafe { libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || entry.pw_name.is_null() {
        return uid.to_string();
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    unsafe { std::ffi::CStr::from_ptr(entry.pw_name) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_parentheses_in_the_command_name_is_parsed() {
        let stat = parse_stat("42 (my (odd) app) S 1 42 42 0 -1 4194560 100 0").unwrap();
        assert_eq!(stat.comm, "my (odd) app");
        assert_eq!(stat.state, 'S');
        assert_eq!(stat.flags, 4194560);
        let kthread = parse_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0").unwrap();
        assert_ne!(kthread.flags & PF_KTHREAD, 0);
        assert!(parse_stat("42 no parens").is_none());
    }

    #[test]
    fn real_uid_is_the_first_uid_field() {
        assert_eq!(real_uid("Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t1\n"), Some(1000));
        assert_eq!(real_uid("Name:\tx\n"), None);
    }

    #[test]
    fn this_process_describes_itself_and_reads_its_own_memory() {
        let secret_free = *b"memory-probe";
        let info = ProcFs.inspect(std::process::id()).unwrap();
        assert!(!info.kernel_thread);
        assert!(info.executable.is_some());
        let mut reader = ProcFs.open(std::process::id()).unwrap();
        let mut copy = [0u8; 12];
        let n = reader.read_at(secret_free.as_ptr() as u64, &mut copy).unwrap();
        assert_eq!(&copy[..n], &secret_free);
    }

    #[test]
    fn nonexistent_process_is_exited() {
        let err = ProcFs.inspect(u32::MAX - 1).unwrap_err();
        assert!(matches!(err, AccessError::Exited(_)), "{err:?}");
    }
}
