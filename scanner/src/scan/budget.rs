//! Decompression-bomb limits (DESIGN.md §9), charged as decompressed bytes are
//! read, so a bomb is stopped after the limit's worth of bytes, never after
//! its full size.
//!
//! Every stream a decompressing decoder pushes is read through a [`Metered`]
//! reader that counts its bytes three ways: for the stream itself
//! (`max_member_bytes`), for the container that produced it (its output
//! against the compressed bytes it has read: `max_ratio`), and for the whole
//! top-level file (`max_total_bytes`, and `max_ratio` against the file's bytes
//! read). Hitting a limit makes the read fail with [`LimitExceeded`], which the
//! decoders turn into [`DecodeError::Limit`](crate::decode::DecodeError) and the
//! worker into a skip with `bomb_limit`. Once the whole file's budget is spent,
//! every container above unwinds too (each recording its own skip), so a
//! 42.zip-style nest of a million members costs one skip per level.

use std::io::{self, Read};

pub(crate) use crate::limits::LimitExceeded;
use crate::limits::Limits;
pub(crate) use crate::meter::Meter;

/// Byte counts of one top-level file.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileBudget {
    /// Bytes read from the file itself.
    pub(crate) read: Meter,
    /// Decompressed bytes produced from it, all layers together.
    pub(crate) expanded: Meter,
}

impl FileBudget {
    /// Why the file may expand no further, if its budget is spent.
    pub(crate) fn spent(&self, limits: &Limits) -> Option<LimitExceeded> {
        let expanded = self.expanded.get();
        if expanded > limits.max_total_bytes {
            return Some(LimitExceeded(format!(
                "the file expands past the {}-byte total limit (--max-total-bytes)",
                limits.max_total_bytes
            )));
        }
        over_ratio(expanded, self.read.get(), limits).then(|| {
            LimitExceeded(format!(
                "the file expands more than {}:1 (--max-ratio)",
                limits.max_ratio
            ))
        })
    }
}

/// True when `output` bytes from `input` bytes exceed the ratio limit.
fn over_ratio(output: u64, input: u64, limits: &Limits) -> bool {
    output > limits.ratio_floor && output > input.max(1).saturating_mul(limits.max_ratio)
}

/// A decompressed stream read under the limits.
pub(crate) struct Metered<'a> {
    pub(crate) inner: &'a mut dyn Read,
    pub(crate) limits: &'a Limits,
    /// Bytes of this stream so far.
    pub(crate) own: u64,
    /// Compressed bytes the producing container has read, and its output so far.
    pub(crate) container_read: &'a Meter,
    pub(crate) container_out: &'a Meter,
    pub(crate) file: &'a FileBudget,
}

impl Metered<'_> {
    fn check(&self) -> Result<(), LimitExceeded> {
        let limits = self.limits;
        if self.own > limits.max_member_bytes {
            return Err(LimitExceeded(format!(
                "a stream expands past the {}-byte limit (--max-member-bytes)",
                limits.max_member_bytes
            )));
        }
        if over_ratio(self.container_out.get(), self.container_read.get(), limits) {
            return Err(LimitExceeded(format!(
                "the container expands more than {}:1 (--max-ratio)",
                limits.max_ratio
            )));
        }
        match self.file.spent(limits) {
            Some(spent) => Err(spent),
            None => Ok(()),
        }
    }
}

impl Read for Metered<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.own += n as u64;
        self.container_out.add(n as u64);
        self.file.expanded.add(n as u64);
        self.check().map_err(LimitExceeded::into_io)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    fn limits() -> Limits {
        Limits {
            max_ratio: 10,
            ratio_floor: 100,
            max_member_bytes: 1000,
            max_total_bytes: 5000,
            ..Limits::default()
        }
    }

    #[test]
    fn small_outputs_pass_whatever_their_ratio() {
        assert!(!over_ratio(100, 1, &limits()));
        assert!(over_ratio(101, 1, &limits()));
        assert!(!over_ratio(1000, 100, &limits()));
    }

    #[test]
    fn a_stream_past_its_limit_fails_with_the_limit() {
        let limits = limits();
        let (read, out, file) = (Meter::default(), Meter::default(), FileBudget::default());
        read.add(1_000_000);
        file.read.add(1_000_000);
        let mut zeros = io::repeat(0).take(2000);
        let mut metered = Metered {
            inner: &mut zeros,
            limits: &limits,
            own: 0,
            container_read: &read,
            container_out: &out,
            file: &file,
        };
        let e = io::copy(&mut metered, &mut io::sink()).unwrap_err();
        let limit = LimitExceeded::of(&e).unwrap();
        assert!(limit.0.contains("--max-member-bytes"), "{limit}");
        assert!(out.get() <= 1000 + 8192, "stopped soon after the limit");
    }

    #[test]
    fn a_limit_is_recognised_through_wrapping_errors() {
        #[derive(Debug)]
        struct Wrapper(io::Error);
        impl fmt::Display for Wrapper {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("reading a member failed")
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let wrapped = io::Error::other(Wrapper(LimitExceeded("x".into()).into_io()));
        assert_eq!(LimitExceeded::of(&wrapped).map(|l| l.0.as_str()), Some("x"));
        assert!(LimitExceeded::of(&io::Error::other(Wrapper(io::Error::other("plain")))).is_none());
    }
}
