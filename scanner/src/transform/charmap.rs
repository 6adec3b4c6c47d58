//! A compact map from transcoded text back to the bytes it was decoded from.
//!
//! Transcoders (UTF-16, Shift_JIS, EUC-JP) produce UTF-8 whose characters
//! take a different number of bytes than in the source. The map stores one
//! segment per run of characters of the same widths (an ASCII line is one
//! segment), not one entry per byte, so it stays small for any input.

use crate::position::{OffsetMap, SourcePosition};

/// A run of characters that all take `out_width` UTF-8 bytes and `in_width` original bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    out_start: usize,
    in_start: usize,
    out_width: u8,
    in_width: u8,
}

/// Where each byte of transcoded UTF-8 came from in the original bytes.
#[derive(Debug, Clone, Default)]
pub struct CharMap {
    segments: Vec<Segment>,
    /// Offset of the transcoded input's first byte in its source.
    base: u64,
    out_len: usize,
}

impl CharMap {
    /// Offset in the source of the character holding transcoded byte `out_offset`.
    pub fn source_offset(&self, out_offset: usize) -> u64 {
        let i = self.segments.partition_point(|s| s.out_start <= out_offset);
        let Some(seg) = i.checked_sub(1).map(|i| self.segments[i]) else {
            return self.base;
        };
        let chars = (out_offset - seg.out_start) / usize::from(seg.out_width);
        self.base + (seg.in_start + chars * usize::from(seg.in_width)) as u64
    }

    /// The first transcoded byte whose character starts at or after input
    /// offset `in_offset` (relative to the transcoded input, not the source).
    pub fn output_offset(&self, in_offset: usize) -> usize {
        let i = self.segments.partition_point(|s| s.in_start <= in_offset);
        let Some(seg) = i.checked_sub(1).map(|i| self.segments[i]) else {
            return 0;
        };
        let chars = (in_offset - seg.in_start).div_ceil(usize::from(seg.in_width));
        let end = self.segments.get(i).map_or(self.out_len, |next| next.out_start);
        (seg.out_start + chars * usize::from(seg.out_width)).min(end)
    }

    /// Sets the offset of the input's first byte in its source (a file
    /// offset, a memory address), which [`CharMap::source_offset`] adds.
    pub fn set_base(&mut self, base: u64) {
        self.base = base;
    }

    /// Empties the map for a new piece of input.
    pub fn clear(&mut self) {
        self.segments.clear();
        self.base = 0;
        self.out_len = 0;
    }

    /// Records that output bytes from `out_start` (`out_width` of them) come
    /// from the input character at `in_start` (`in_width` bytes).
    pub fn push(&mut self, out_start: usize, in_start: usize, out_width: usize, in_width: usize) {
        let (out_width, in_width) = (out_width as u8, in_width as u8);
        if let Some(last) = self.segments.last() {
            let chars = (out_start - last.out_start) / usize::from(last.out_width);
            let contiguous = last.in_start + chars * usize::from(last.in_width) == in_start;
            if last.out_width == out_width && last.in_width == in_width && contiguous {
                return;
            }
        }
        self.segments.push(Segment {
            out_start,
            in_start,
            out_width,
            in_width,
        });
    }

    /// Records the total length of the output.
    pub fn finish(&mut self, out_len: usize) {
        self.out_len = out_len;
    }
}

impl OffsetMap for CharMap {
    fn locate(&self, offset: u64) -> SourcePosition {
        SourcePosition {
            offset: self.source_offset(usize::try_from(offset).unwrap_or(usize::MAX)),
            annotations: Default::default(),
        }
    }
}
