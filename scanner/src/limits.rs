//! The limits that keep a scan safe (DESIGN.md §9), and the error a reader
//! returns when one is hit. A ground-floor module: sources, the scan and the
//! decoders all read it, and it imports none of them.

use std::fmt;
use std::io;

/// Limits that keep a scan safe (DESIGN.md §9). Hitting one records the
/// stream as skipped with [`SkipReason::BombLimit`](crate::findings::SkipReason)
/// (or `TooLarge`) and the scan goes on; see `docs/formats.md`.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Files larger than this are skipped as too large; `None` for no limit.
    pub max_file_size: Option<u64>,
    /// How many containers deep (a `.gz` in a `.tar` in a `.zip` is 3) decoding goes.
    pub max_depth: u32,
    /// Process memory regions larger than this are skipped as too large
    /// (readable mappings of many GiB are reservations such as sanitizer
    /// shadow memory, not data); `None` for no limit.
    pub max_region_size: Option<u64>,
    /// Bytes of one direction of one TCP flow kept for scanning (also the
    /// limit for one decoded HTTP body); the rest of a longer flow is recorded
    /// as truncated (docs/captures.md).
    pub max_stream_bytes: u64,
    /// Bytes of all TCP flows of one capture held at once; over it, the
    /// largest open flow is scanned early and its later packets start a new
    /// stream (docs/captures.md).
    pub max_reassembly_bytes: u64,
    /// Most bytes one decompressed stream (a zip member, a `.gz`'s content) may expand to.
    pub max_member_bytes: u64,
    /// Most decompressed bytes, all layers together, that one top-level file may expand to.
    pub max_total_bytes: u64,
    /// Most bytes of output per byte of compressed input, for each decompressing
    /// container and for the top-level file as a whole. Checked only once the
    /// output passes [`Limits::ratio_floor`], so small, very repetitive files pass.
    pub max_ratio: u64,
    /// Decompressed bytes below which the ratio is not checked.
    pub ratio_floor: u64,
    /// Most members read from one archive (zip, tar); the rest are recorded as skipped.
    pub max_members: u64,
    /// Most bytes of a nested zip (or other format that needs random access)
    /// held in memory to decode it; a larger one is skipped as too large.
    /// A zip on disk is read in place and has no such limit.
    pub max_buffered_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: None,
            max_depth: 8,
            max_region_size: Some(DEFAULT_MAX_REGION_SIZE),
            max_stream_bytes: 64 << 20,
            max_reassembly_bytes: 256 << 20,
            max_member_bytes: 16 << 30,
            max_total_bytes: 64 << 30,
            max_ratio: 200,
            ratio_floor: 16 << 20,
            max_members: 100_000,
            max_buffered_bytes: 256 << 20,
        }
    }
}

/// Default for [`Limits::max_region_size`]: 16 GiB.
pub const DEFAULT_MAX_REGION_SIZE: u64 = 16 << 30;

/// A decompression limit was hit. Carried inside an [`io::Error`] through the
/// readers of the layers in between.
#[derive(Debug)]
pub struct LimitExceeded(pub String);

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitExceeded {}

impl LimitExceeded {
    pub fn into_io(self) -> io::Error {
        io::Error::other(self)
    }

    /// The limit an I/O error reports, if it is one, however many layers of
    /// readers wrapped it on the way (tar wraps its reader's errors).
    pub fn of(e: &io::Error) -> Option<&LimitExceeded> {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|inner| inner as _);
        while let Some(error) = cause {
            if let Some(limit) = error.downcast_ref::<LimitExceeded>() {
                return Some(limit);
            }
            cause = match error.downcast_ref::<io::Error>() {
                Some(io) => io.get_ref().map(|inner| inner as _),
                None => error.source(),
            };
        }
        None
    }
}
