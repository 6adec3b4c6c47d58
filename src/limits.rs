//! The scan limits a user may set, declared once: the same struct is the
//! `--max-…` flags and the `limits:` section of `hihoji.yaml`, and one
//! [`LimitOverrides::apply`] lays them over the engine's defaults.

use clap::Args;
use hihoji_scanner::scan::Limits;
use serde::Deserialize;

use crate::size::ByteSize;

/// Limits set on the command line or in `hihoji.yaml`; unset ones keep the
/// engine's defaults (docs/formats.md, docs/captures.md, docs/memory.md).
#[derive(Debug, Default, Clone, Args, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitOverrides {
    /// Skip files larger than SIZE (recorded as too large) [default: no limit].
    #[arg(long, value_name = "SIZE")]
    pub max_file_size: Option<ByteSize>,

    /// How many containers deep to decode [default: 8].
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,

    /// Stop a decompressed stream past SIZE [default: 16GiB].
    #[arg(long, value_name = "SIZE")]
    pub max_member_bytes: Option<ByteSize>,

    /// Stop a file past SIZE of decompressed bytes, all layers together [default: 64GiB].
    #[arg(long, value_name = "SIZE")]
    pub max_total_bytes: Option<ByteSize>,

    /// Stop a container or file expanding more than N:1, once past 16MiB [default: 200].
    #[arg(long, value_name = "N")]
    pub max_ratio: Option<u64>,

    /// Read at most N members of an archive [default: 100000].
    #[arg(long, value_name = "N")]
    pub max_members: Option<u64>,

    /// Hold a nested zip or Office XML part in memory up to SIZE [default: 256MiB].
    #[arg(long, value_name = "SIZE")]
    pub max_buffered_bytes: Option<ByteSize>,

    /// Keep SIZE of one direction of one TCP flow in a capture; the rest is
    /// recorded as truncated [default: 64MiB].
    #[arg(long, value_name = "SIZE")]
    pub max_stream_bytes: Option<ByteSize>,

    /// Hold at most SIZE of all TCP flows of one capture at once; over it, the
    /// largest open flow is scanned early [default: 256MiB].
    #[arg(long, value_name = "SIZE")]
    pub max_reassembly_bytes: Option<ByteSize>,

    /// Skip process memory regions larger than SIZE (recorded as too large) [default: 16GiB].
    #[arg(long, value_name = "SIZE")]
    pub max_region_size: Option<ByteSize>,
}

impl LimitOverrides {
    /// Each limit from `self` where set, else from `fallback` (flags over the file).
    pub fn or(&self, fallback: &LimitOverrides) -> LimitOverrides {
        LimitOverrides {
            max_file_size: self.max_file_size.or(fallback.max_file_size),
            max_depth: self.max_depth.or(fallback.max_depth),
            max_member_bytes: self.max_member_bytes.or(fallback.max_member_bytes),
            max_total_bytes: self.max_total_bytes.or(fallback.max_total_bytes),
            max_ratio: self.max_ratio.or(fallback.max_ratio),
            max_members: self.max_members.or(fallback.max_members),
            max_buffered_bytes: self.max_buffered_bytes.or(fallback.max_buffered_bytes),
            max_stream_bytes: self.max_stream_bytes.or(fallback.max_stream_bytes),
            max_reassembly_bytes: self.max_reassembly_bytes.or(fallback.max_reassembly_bytes),
            max_region_size: self.max_region_size.or(fallback.max_region_size),
        }
    }

    /// The engine's limits with every override that is set laid over them.
    pub fn apply(&self, mut limits: Limits) -> Limits {
        let set = |value: Option<ByteSize>, target: &mut u64| {
            if let Some(value) = value {
                *target = value.bytes();
            }
        };
        if let Some(size) = self.max_file_size {
            limits.max_file_size = Some(size.bytes());
        }
        if let Some(size) = self.max_region_size {
            limits.max_region_size = Some(size.bytes());
        }
        if let Some(depth) = self.max_depth {
            limits.max_depth = depth;
        }
        if let Some(ratio) = self.max_ratio {
            limits.max_ratio = ratio;
        }
        if let Some(members) = self.max_members {
            limits.max_members = members;
        }
        set(self.max_member_bytes, &mut limits.max_member_bytes);
        set(self.max_total_bytes, &mut limits.max_total_bytes);
        set(self.max_buffered_bytes, &mut limits.max_buffered_bytes);
        set(self.max_stream_bytes, &mut limits.max_stream_bytes);
        set(self.max_reassembly_bytes, &mut limits.max_reassembly_bytes);
        limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_unset_keep_defaults() {
        let flags = LimitOverrides {
            max_file_size: Some(ByteSize(10)),
            ..LimitOverrides::default()
        };
        let file = LimitOverrides {
            max_file_size: Some(ByteSize(20)),
            max_depth: Some(3),
            max_region_size: Some(ByteSize(1 << 20)),
            ..LimitOverrides::default()
        };
        let limits = flags.or(&file).apply(Limits::default());
        let defaults = Limits::default();
        assert_eq!(limits.max_file_size, Some(10));
        assert_eq!(limits.max_depth, 3);
        assert_eq!(limits.max_region_size, Some(1 << 20));
        assert_eq!(limits.max_ratio, defaults.max_ratio);
        assert_eq!(limits.max_member_bytes, defaults.max_member_bytes);
    }

    #[test]
    fn yaml_takes_numbers_and_sizes() {
        let parsed: LimitOverrides =
            serde_saphyr::from_str("max_file_size: 16GiB\nmax_stream_bytes: 1048576\nmax_depth: 2\n")
                .unwrap();
        assert_eq!(parsed.max_file_size, Some(ByteSize(16 << 30)));
        assert_eq!(parsed.max_stream_bytes, Some(ByteSize(1 << 20)));
        assert_eq!(parsed.max_depth, Some(2));
    }
}
