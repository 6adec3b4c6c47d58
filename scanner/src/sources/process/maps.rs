//! Parsing `/proc/PID/maps`: one line per mapping, in the kernel's format
//! `start-end perms offset dev inode [path]`.

use super::{Region, RegionKind};

/// Every mapping listed in a `maps` file, in address order.
pub fn parse_maps(text: &str) -> Result<Vec<Region>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| parse_line(line).ok_or_else(|| format!("maps line {} is malformed", n + 1)))
        .collect()
}

/// One line: `55d1c000-55d3d000 rw-p 00000000 00:00 0    [heap]`. The path is
/// everything after the inode (it may hold spaces).
fn parse_line(line: &str) -> Option<Region> {
    let mut rest = line;
    let mut field = || {
        let trimmed = rest.trim_start();
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let (value, after) = trimmed.split_at(end);
        rest = after;
        (!value.is_empty()).then_some(value)
    };
    let range = field()?;
    let perms = field()?.as_bytes();
    let _offset = field()?;
    let _device = field()?;
    let _inode = field()?;
    let path = rest.trim();
    let (start, end) = range.split_once('-')?;
    let start = u64::from_str_radix(start, 16).ok()?;
    let end = u64::from_str_radix(end, 16).ok()?;
    if perms.len() < 4 || end < start {
        return None;
    }
    Some(Region {
        start,
        end,
        readable: perms[0] == b'r',
        writable: perms[1] == b'w',
        executable: perms[2] == b'x',
        shared: perms[3] == b's',
        kind: kind_of(path),
        name: if path.is_empty() {
            "[anon]".to_string()
        } else {
            path.to_string()
        },
    })
}

/// What a mapping holds, from its path column.
fn kind_of(path: &str) -> RegionKind {
    match path {
        "" => RegionKind::Anonymous,
        "[heap]" => RegionKind::Heap,
        p if p == "[stack]" || p.starts_with("[stack:") => RegionKind::Stack,
        // Named anonymous memory (prctl PR_SET_VMA_ANON_NAME): `[anon:name]`, `[anon_shmem:name]`.
        p if p.starts_with("[anon") => RegionKind::Anonymous,
        // [vdso], [vvar], [vsyscall], [uprobes]: pages the kernel provides.
        p if p.starts_with('[') => RegionKind::Kernel,
        // Shared anonymous memory shows as the file it is backed by.
        p if p.starts_with("/dev/zero") || p.starts_with("/dev/shm/") => file_kind(p),
        // Device and driver mappings: reading them could touch hardware.
        p if p.starts_with("/dev/") || p.starts_with("/sys/") || p.starts_with("anon_inode:") => {
            RegionKind::Device
        }
        p => file_kind(p),
    }
}

fn file_kind(path: &str) -> RegionKind {
    RegionKind::File {
        // memfd and SysV shared memory are always "(deleted)": not on disk.
        deleted: path.ends_with(" (deleted)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPS: &str = "\
55d1c0000000-55d1c0021000 r--p 00000000 08:01 1234                       /usr/bin/my app
55d1c0021000-55d1c0040000 rw-p 00021000 08:01 1234                       /usr/bin/my app
55d1c1000000-55d1c1021000 rw-p 00000000 00:00 0                          [heap]
7f1200000000-7f1200021000 rw-p 00000000 00:00 0 
7f1300000000-7f1300001000 ---p 00000000 00:00 0 
7f1400000000-7f1400400000 rw-s 00000000 00:01 77                         /memfd:buffers (deleted)
7f1500000000-7f1500001000 rw-s 00000000 00:05 9                          /dev/dri/card0
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]
7ffd10000000-7ffd10002000 r--p 00000000 00:00 0                          [vvar]
7ffd10002000-7ffd10004000 r-xp 00000000 00:00 0                          [vdso]
7ffd20000000-7ffd20001000 rw-p 00000000 00:00 0                          [anon:arena]
";

    #[test]
    fn maps_lines_become_regions_with_kinds() {
        let regions = parse_maps(MAPS).unwrap();
        let kinds: Vec<_> = regions.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            vec![
                RegionKind::File { deleted: false },
                RegionKind::File { deleted: false },
                RegionKind::Heap,
                RegionKind::Anonymous,
                RegionKind::Anonymous,
                RegionKind::File { deleted: true },
                RegionKind::Device,
                RegionKind::Stack,
                RegionKind::Kernel,
                RegionKind::Kernel,
                RegionKind::Anonymous,
            ]
        );
        assert_eq!(regions[0].name, "/usr/bin/my app");
        assert_eq!(regions[2].start, 0x55d1c1000000);
        assert_eq!(regions[2].len(), 0x21000);
        assert!(regions[1].writable && !regions[1].shared);
        assert!(!regions[4].readable);
        assert!(regions[5].shared);
        assert_eq!(regions[3].name, "[anon]");
        assert_eq!(regions[2].label(), "[heap]@0x55d1c1000000");
    }

    #[test]
    fn malformed_maps_line_is_an_error_not_a_panic() {
        assert!(parse_maps("zzzz-1 rw-p 0 0:0 0\n").is_err());
        assert!(parse_maps("1000-2000\n").is_err());
        assert!(parse_maps("2000-1000 rw-p 0 00:00 0\n").is_err());
        assert_eq!(parse_maps("").unwrap().len(), 0);
    }
}
