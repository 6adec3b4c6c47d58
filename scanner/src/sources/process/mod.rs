//! Process memory: the source for card data being processed (処理, DESIGN.md §2).
//!
//! A [`ProcessMemory`] lists processes, describes one, lists its memory
//! regions and reads them. The engine asks nothing else, so a Windows
//! implementation (`ReadProcessMemory`, `VirtualQueryEx`) can be added beside
//! the Linux one without touching the scanner. Reading never stops or attaches
//! to a process: the Linux implementation copies pages with
//! `process_vm_readv` (or `pread` on `/proc/PID/mem`), which the kernel serves
//! while the process runs.
//!
//! Which regions are worth reading is decided here, once for every platform
//! ([`Region::exclusion`]): what the process made (heap, stack, anonymous and
//! writable memory) is read; read-only mappings of files on disk are not,
//! since their bytes are scanned as files.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod maps;

use std::collections::{BTreeMap, BTreeSet};

use crate::findings::{Note, Provenance, Redacted, SkipReason};

/// The process-memory source of this platform, if it has one.
pub fn system() -> Option<&'static dyn ProcessMemory> {
    #[cfg(target_os = "linux")]
    {
        Some(&linux::ProcFs)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Listing and reading the memory of running processes.
pub trait ProcessMemory: Sync {
    /// Every process the system lists (readable or not), in ascending order.
    fn process_ids(&self) -> std::io::Result<Vec<u32>>;

    /// Name, executable and owner of a process.
    fn inspect(&self, pid: u32) -> Result<ProcessInfo, AccessError>;

    /// The process's memory regions, in address order.
    fn regions(&self, pid: u32) -> Result<Vec<Region>, AccessError>;

    /// A reader of the process's memory.
    fn open(&self, pid: u32) -> Result<Box<dyn MemoryReader>, AccessError>;

    /// Called once before any memory is read: keeps what will be read in
    /// the scanner's buffers from reaching a file (a core dump) or another
    /// process.
    fn protect_scanner(&self) {}
}

/// Copies bytes out of one process's memory.
pub trait MemoryReader {
    /// Copies bytes from `address` on into `buf`; returns how many (fewer than
    /// asked when a page after the first cannot be read). A page that cannot
    /// be read at `address` itself is [`AccessError::Unreadable`].
    fn read_at(&mut self, address: u64, buf: &mut [u8]) -> Result<usize, AccessError>;

    /// The page size: the unit in which memory is unreadable.
    fn page_size(&self) -> u64;
}

/// Who a process is. Its names are raw (a command line may hold a card
/// number): they reach outputs only redacted, and are scanned as data.
#[derive(Clone, PartialEq, Eq)]
pub struct ProcessInfo {
    pub pid: u32,
    /// The command name the kernel keeps (`comm`, at most 15 bytes on Linux).
    pub name: String,
    /// Path of the executable, when the caller may see it.
    pub executable: Option<String>,
    /// Owner: a user name, or the numeric id when it has no name.
    pub user: Option<String>,
    /// A kernel thread: it has no user-space memory to read.
    pub kernel_thread: bool,
    /// The arguments it was started with, joined by spaces, when the caller may see them.
    pub command_line: Option<String>,
}

/// Prints the names redacted, never raw.
impl std::fmt::Debug for ProcessInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = |s: &Option<String>| s.as_deref().map(Redacted::new);
        f.debug_struct("ProcessInfo")
            .field("pid", &self.pid)
            .field("name", &Redacted::new(&self.name))
            .field("executable", &r(&self.executable))
            .field("user", &r(&self.user))
            .field("kernel_thread", &self.kernel_thread)
            .field("command_line", &r(&self.command_line))
            .finish()
    }
}

impl ProcessInfo {
    /// `pid:1234(java)`, the top of every provenance in this process.
    pub fn provenance(&self) -> Provenance {
        process_provenance(self.pid, Some(&self.name))
    }

    /// Where-details attached to every finding in this process.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        let mut a = BTreeMap::from([
            ("pid".to_string(), self.pid.to_string()),
            ("process".to_string(), self.name.clone()),
        ]);
        if let Some(exe) = &self.executable {
            a.insert("executable".to_string(), exe.clone());
        }
        if let Some(user) = &self.user {
            a.insert("user".to_string(), user.clone());
        }
        a
    }

    /// True when `name` is the process's command name or its executable's file name.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name
            || self
                .executable
                .as_deref()
                .and_then(|exe| std::path::Path::new(exe).file_name())
                .is_some_and(|file| file == name)
    }
}

/// `pid:1234(java)`, or `pid:1234` when the name is not known.
pub fn process_provenance(pid: u32, name: Option<&str>) -> Provenance {
    Provenance::file(match name {
        Some(name) => format!("pid:{pid}({name})"),
        None => format!("pid:{pid}"),
    })
}

/// Why (part of) a process could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    /// The process is gone, or a zombie that keeps no memory.
    #[error("process exited ({0})")]
    Exited(String),
    #[error("permission denied ({0}): reading another user's process needs root or CAP_SYS_PTRACE")]
    Denied(String),
    /// This page is not backed by readable memory (EFAULT, EIO).
    #[error("unreadable memory ({0})")]
    Unreadable(String),
    #[error("{0}")]
    Other(String),
}

impl AccessError {
    pub fn skip_reason(&self) -> SkipReason {
        match self {
            AccessError::Exited(_) => SkipReason::Vanished,
            AccessError::Denied(_) => SkipReason::PermissionDenied,
            AccessError::Unreadable(_) | AccessError::Other(_) => SkipReason::ReadError,
        }
    }
}

/// One mapping in a process's address space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub start: u64,
    pub end: u64,
    pub readable: bool,
    pub writable: bool,
    pub executable: bool,
    /// Shared with other processes (or a file), not private copy-on-write.
    pub shared: bool,
    pub kind: RegionKind,
    /// The mapping's name as the system shows it: `[heap]`, `[anon]`, a path.
    pub name: String,
}

/// What a region holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    Heap,
    Stack,
    /// Memory the process allocated that no file backs (malloc arenas, JIT, Java heap).
    Anonymous,
    /// A mapped file; `deleted` when it is no longer on disk (memfd, SysV shared memory).
    File {
        deleted: bool,
    },
    /// Pages the kernel provides ([vdso], [vvar], [vsyscall]).
    Kernel,
    /// A device or driver mapping (GPU, PCI resources): never read, since a
    /// read could reach hardware.
    Device,
}

impl Region {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The provenance layer naming this region: `[heap]@0x55d1c000`.
    pub fn label(&self) -> String {
        format!("{}@0x{:x}", self.name, self.start)
    }

    /// Why this region is not read, or `None` to read it. `all_regions`
    /// (`--all-regions`) adds read-only file mappings and kernel pages.
    pub fn exclusion(&self, all_regions: bool) -> Option<&'static str> {
        if !self.readable {
            return Some("no read permission (guard or reserved pages)");
        }
        match self.kind {
            RegionKind::Device => Some("device mapping: reading it could reach hardware"),
            RegionKind::Heap | RegionKind::Stack | RegionKind::Anonymous => None,
            _ if all_regions => None,
            RegionKind::Kernel => Some("kernel-provided pages ([vdso], [vvar]); use --all-regions"),
            RegionKind::File { deleted } if !self.writable && !deleted => {
                Some("read-only mapping of a file on disk (scan the file itself); use --all-regions")
            }
            RegionKind::File { .. } => None,
        }
    }
}

/// Which processes to scan: `--processes`, `--pid`, `--process-name`.
#[derive(Debug, Clone, Default)]
pub struct ProcessTargets {
    /// Every process the caller may read.
    pub all: bool,
    pub pids: Vec<u32>,
    pub names: Vec<String>,
    /// Also read read-only file mappings and kernel pages.
    pub all_regions: bool,
}

impl ProcessTargets {
    /// How the targets appear among a report's roots.
    pub fn roots(&self) -> Vec<String> {
        let mut roots = Vec::new();
        if self.all {
            roots.push("processes".to_string());
        }
        roots.extend(self.pids.iter().map(|pid| format!("pid:{pid}")));
        roots.extend(self.names.iter().map(|name| format!("process-name:{name}")));
        roots
    }
}

/// A process picked for scanning: described, or already known to be unreadable.
#[derive(Debug, Clone)]
pub enum Target {
    Process(ProcessInfo),
    Unreadable { pid: u32, error: AccessError },
}

/// The processes `targets` names, and notes about what was left out (this
/// scanner itself, kernel threads, names that match nothing).
pub fn resolve(
    memory: &dyn ProcessMemory,
    targets: &ProcessTargets,
) -> std::io::Result<(Vec<Target>, Vec<Note>)> {
    let own = std::process::id();
    let mut notes = Vec::new();
    let listed = if targets.all || !targets.names.is_empty() {
        memory.process_ids()?
    } else {
        Vec::new()
    };
    let mut picked: BTreeMap<u32, Target> = BTreeMap::new();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    let mut exited = Vec::new();
    for &pid in &listed {
        if pid == own {
            continue;
        }
        let target = match memory.inspect(pid) {
            Ok(info) => {
                let matched: Vec<&str> = targets
                    .names
                    .iter()
                    .map(String::as_str)
                    .filter(|name| info.is_named(name))
                    .collect();
                named.extend(matched.iter().copied());
                if !targets.all && matched.is_empty() {
                    continue;
                }
                Target::Process(info)
            }
            // Gone since the listing, or a zombie: no memory is left to read.
            Err(AccessError::Exited(_)) => {
                if targets.all {
                    exited.push(pid);
                }
                continue;
            }
            // It might bear the name asked for: listed as not read.
            Err(error) => Target::Unreadable { pid, error },
        };
        picked.insert(pid, target);
    }
    for &pid in &targets.pids {
        if pid == own {
            notes.push(self_note());
            continue;
        }
        picked.entry(pid).or_insert_with(|| match memory.inspect(pid) {
            Ok(info) => Target::Process(info),
            Err(error) => Target::Unreadable { pid, error },
        });
    }
    if targets.all {
        notes.push(self_note());
    }
    for name in &targets.names {
        if !named.contains(name.as_str()) {
            notes.push(Note {
                provenance: Provenance::file(format!("process-name:{name}")),
                kind: "no_matching_process".to_string(),
                detail: format!("no running process is named {name:?}").into(),
                annotations: BTreeMap::new(),
            });
        }
    }
    let mut kernel_threads = Vec::new();
    let targets = picked
        .into_values()
        .filter(|t| match t {
            Target::Process(info) if info.kernel_thread => {
                kernel_threads.push(info.pid);
                false
            }
            _ => true,
        })
        .collect();
    if !kernel_threads.is_empty() {
        let detail = "kernel threads have no user-space memory and were not read";
        notes.push(pids_note("kernel_threads", detail, &kernel_threads));
    }
    if !exited.is_empty() {
        let detail = "processes had exited (zombies, or gone since the listing): no memory was left to read";
        notes.push(pids_note("exited_processes", detail, &exited));
    }
    Ok((targets, notes))
}

/// A note about processes left out for a reason that loses nothing, with their pids.
fn pids_note(kind: &str, detail: &str, pids: &[u32]) -> Note {
    Note {
        provenance: Provenance::file("processes"),
        kind: kind.to_string(),
        detail: format!("{} {detail}", pids.len()).into(),
        annotations: BTreeMap::from([(
            "pids".to_string(),
            pids.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
                .into(),
        )]),
    }
}

/// The scanner's own memory holds what it read from others: never scanned.
fn self_note() -> Note {
    let pid = std::process::id();
    Note {
        provenance: process_provenance(pid, Some("hihoji")),
        kind: "scanner_itself".to_string(),
        detail: "the scanner's own memory is not read: its buffers hold what it read from other processes"
            .into(),
        annotations: BTreeMap::from([("pid".to_string(), pid.to_string().into())]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(kind: RegionKind, perms: &str) -> Region {
        let p = perms.as_bytes();
        Region {
            start: 0x1000,
            end: 0x2000,
            readable: p[0] == b'r',
            writable: p[1] == b'w',
            executable: p[2] == b'x',
            shared: p[3] == b's',
            kind,
            name: "x".to_string(),
        }
    }

    #[test]
    fn process_data_is_read_and_library_code_is_not_by_default() {
        assert_eq!(region(RegionKind::Heap, "rw-p").exclusion(false), None);
        assert_eq!(region(RegionKind::Stack, "rw-p").exclusion(false), None);
        assert_eq!(region(RegionKind::Anonymous, "r--p").exclusion(false), None);
        assert_eq!(
            region(RegionKind::File { deleted: false }, "rw-p").exclusion(false),
            None
        );
        assert_eq!(
            region(RegionKind::File { deleted: true }, "r--s").exclusion(false),
            None
        );
        assert!(region(RegionKind::File { deleted: false }, "r-xp")
            .exclusion(false)
            .is_some());
        assert!(region(RegionKind::Kernel, "r--p").exclusion(false).is_some());
    }

    #[test]
    fn all_regions_adds_file_and_kernel_pages_but_never_devices_or_unreadable() {
        assert_eq!(
            region(RegionKind::File { deleted: false }, "r-xp").exclusion(true),
            None
        );
        assert_eq!(region(RegionKind::Kernel, "r-xp").exclusion(true), None);
        assert!(region(RegionKind::Device, "rw-s").exclusion(true).is_some());
        assert!(region(RegionKind::Anonymous, "---p").exclusion(true).is_some());
    }

    /// A system with four processes besides this one: a JVM, a kernel
    /// thread, one whose details are denied and (pid 9) one that has exited.
    struct FakeSystem;

    impl ProcessMemory for FakeSystem {
        fn process_ids(&self) -> std::io::Result<Vec<u32>> {
            Ok(vec![1, 2, 3, 9, std::process::id()])
        }
        fn inspect(&self, pid: u32) -> Result<ProcessInfo, AccessError> {
            let info = |name: &str, kernel_thread| ProcessInfo {
                pid,
                name: name.to_string(),
                executable: None,
                user: None,
                kernel_thread,
                command_line: None,
            };
            match pid {
                1 => Ok(info("java", false)),
                2 => Ok(info("kworker/0:1", true)),
                3 => Err(AccessError::Denied("stat".to_string())),
                p if p == std::process::id() => Ok(info("hihoji", false)),
                _ => Err(AccessError::Exited("no such process".to_string())),
            }
        }
        fn regions(&self, _pid: u32) -> Result<Vec<Region>, AccessError> {
            Ok(Vec::new())
        }
        fn open(&self, _pid: u32) -> Result<Box<dyn MemoryReader>, AccessError> {
            Err(AccessError::Other("not readable".to_string()))
        }
    }

    fn pids(targets: &[Target]) -> Vec<u32> {
        targets
            .iter()
            .map(|t| match t {
                Target::Process(info) => info.pid,
                Target::Unreadable { pid, .. } => *pid,
            })
            .collect()
    }

    fn note_kinds(notes: &[Note]) -> Vec<&str> {
        notes.iter().map(|n| n.kind.as_str()).collect()
    }

    #[test]
    fn all_processes_leave_out_the_scanner_kernel_threads_and_exited_ones_with_notes() {
        let all = ProcessTargets {
            all: true,
            ..ProcessTargets::default()
        };
        let (targets, notes) = resolve(&FakeSystem, &all).unwrap();
        assert_eq!(pids(&targets), vec![1, 3]);
        assert!(matches!(
            &targets[1],
            Target::Unreadable {
                error: AccessError::Denied(_),
                ..
            }
        ));
        assert_eq!(
            note_kinds(&notes),
            vec!["scanner_itself", "kernel_threads", "exited_processes"]
        );
        assert_eq!(notes[1].annotations["pids"], "2");
        assert_eq!(notes[2].annotations["pids"], "9");
    }

    #[test]
    fn names_and_pids_pick_their_processes_and_unmatched_names_are_noted() {
        let picked = ProcessTargets {
            names: vec!["java".to_string(), "pos".to_string()],
            pids: vec![9, 1],
            ..ProcessTargets::default()
        };
        let (targets, notes) = resolve(&FakeSystem, &picked).unwrap();
        // Pid 3 could be named "pos": a process that cannot be described is
        // listed as not read rather than passed over.
        assert_eq!(pids(&targets), vec![1, 3, 9]);
        assert_eq!(note_kinds(&notes), vec!["no_matching_process"]);
        assert_eq!(notes[0].provenance.artifact, "process-name:pos");
    }

    #[test]
    fn process_is_named_by_command_or_executable_file_name() {
        let info = ProcessInfo {
            pid: 7,
            name: "pos-daemon".to_string(),
            executable: Some("/opt/pos/bin/pos-daemon-x86_64".to_string()),
            user: None,
            kernel_thread: false,
            command_line: None,
        };
        assert!(info.is_named("pos-daemon"));
        assert!(info.is_named("pos-daemon-x86_64"));
        assert!(!info.is_named("pos"));
        assert_eq!(info.provenance().to_string(), "pid:7(pos-daemon)");
    }
}
