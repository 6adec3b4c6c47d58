//! Splitting one tree between N scanners that never talk to each other
//! (`scan --shard K/N`): each walked path belongs to exactly one share, decided
//! by a fixed hash of the path as reports show it. The hash must not depend on
//! the process (Rust's `DefaultHasher` is randomly keyed), the thread or the
//! machine, so FNV-1a over the path's bytes is used.

use std::fmt;
use std::str::FromStr;

/// Share `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// Why a `K/N` shard specification is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shard {spec:?}: {problem} (expected K/N with 1 <= K <= N, e.g. 2/8)")]
pub struct ShardError {
    spec: String,
    problem: &'static str,
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Option<Self> {
        (count >= 1 && (1..=count).contains(&index)).then_some(Shard { index, count })
    }

    /// Whether the entry shown as `display_path` is this shard's to scan or to record.
    pub fn owns(self, display_path: &str) -> bool {
        fnv1a64(display_path.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let error = |problem| ShardError {
            spec: spec.to_string(),
            problem,
        };
        let (k, n) = spec.split_once('/').ok_or_else(|| error("no '/'"))?;
        let k: u32 = k.trim().parse().map_err(|_| error("K is not a number"))?;
        let n: u32 = n.trim().parse().map_err(|_| error("N is not a number"))?;
        Shard::new(k, n).ok_or_else(|| error("K must be between 1 and N"))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a: fixed, portable, and good enough to spread paths evenly.
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_belongs_to_exactly_one_shard() {
        for path in ["a.txt", "logs/app.log", "注文/2024.csv", "", "x/y/z/w.gz"] {
            let owners = (1..=5)
                .filter(|&k| Shard::new(k, 5).is_some_and(|s| s.owns(path)))
                .count();
            assert_eq!(owners, 1, "{path}");
        }
    }

    #[test]
    fn shard_assignment_is_fixed_across_runs() {
        // FNV-1a("logs/app.log") is a constant; a keyed hasher would change this.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn paths_spread_over_shards() {
        let shard = Shard::new(2, 4).unwrap();
        let owned = (0..4000)
            .filter(|i| shard.owns(&format!("dir/file{i}.txt")))
            .count();
        assert!((800..1200).contains(&owned), "{owned} of 4000");
    }

    #[test]
    fn bad_specifications_are_refused_with_the_reason() {
        assert_eq!("2/8".parse::<Shard>().unwrap().to_string(), "2/8");
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/x"] {
            let err = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(err.contains(bad) && err.contains("K/N"), "{err}");
        }
    }
}
