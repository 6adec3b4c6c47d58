//! TCP reassembly of one direction of one flow: segments ordered by sequence
//! number (wrapping at 2^32), retransmissions and overlaps resolved as the
//! receiver would in the common case (the first copy of a byte wins; a later
//! copy with different bytes is counted as a conflict), and gaps recorded
//! instead of papered over.
//!
//! The reassembled bytes are kept as a *view*: the stream with one line break
//! standing for each gap, so that no number is ever joined across missing
//! bytes. [`FrameMap`] maps view offsets back to TCP stream offsets and to
//! the frame and timestamp each byte arrived in.

use std::collections::BTreeMap;

use super::capture::Timestamp;
use crate::position::{OffsetMap, SourcePosition};

/// Out-of-order bytes held beyond a hole before the hole is given up as lost.
/// A receive window is rarely over 4 MiB; a hole still open after more than
/// this is a packet the capture never saw.
const MAX_PENDING: usize = 8 << 20;

/// Where a run of view bytes came from.
#[derive(Debug, Clone, Copy)]
struct Origin {
    view: u64,
    stream: u64,
    frame: u64,
    time: Timestamp,
}

/// View offsets → TCP stream offset, frame and timestamp.
#[derive(Debug, Default)]
pub struct FrameMap {
    origins: Vec<Origin>,
}

impl FrameMap {
    /// Every offset from one frame (a UDP datagram).
    pub fn single(frame: u64, time: Timestamp) -> Self {
        FrameMap {
            origins: vec![Origin {
                view: 0,
                stream: 0,
                frame,
                time,
            }],
        }
    }

    fn origin(&self, view: u64) -> Option<&Origin> {
        let i = self.origins.partition_point(|o| o.view <= view);
        self.origins.get(i.checked_sub(1)?)
    }
}

impl OffsetMap for FrameMap {
    fn locate(&self, offset: u64) -> SourcePosition {
        let Some(o) = self.origin(offset) else {
            return SourcePosition {
                offset,
                annotations: Default::default(),
            };
        };
        SourcePosition {
            offset: o.stream + (offset - o.view),
            annotations: [
                ("frame".to_string(), o.frame.to_string()),
                ("timestamp".to_string(), o.time.rfc3339()),
            ]
            .into(),
        }
    }
}

/// A segment that arrived ahead of a hole.
#[derive(Debug)]
struct Pending {
    bytes: Vec<u8>,
    frame: u64,
    time: Timestamp,
}

/// A hole in the stream: bytes the capture does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// TCP stream offset where the hole starts.
    pub at: u64,
    pub len: u64,
}

/// One direction of a TCP flow being put back together.
#[derive(Debug)]
pub struct HalfStream {
    /// Sequence number of the next byte expected after the delivered ones.
    next_seq: Option<u32>,
    /// TCP stream offset of that byte (bytes lost in gaps included).
    stream_len: u64,
    /// The delivered bytes, a line break for each gap.
    view: Vec<u8>,
    map: FrameMap,
    /// Segments ahead of a hole, by stream offset; never overlapping each other.
    pending: BTreeMap<u64, Pending>,
    pending_bytes: usize,
    /// Most view bytes kept; later bytes are counted in `truncated`.
    limit: usize,
    pub gaps: Vec<Gap>,
    /// Retransmitted or overlapping segments whose bytes differed from the first copy.
    pub conflicts: u64,
    /// Bytes not kept because the view reached `limit`.
    pub truncated: u64,
    pub fin: bool,
    /// Captured bytes that could not be placed in the stream (a sequence
    /// number before its start, or more than 2 GiB ahead, which 32-bit
    /// sequence numbers cannot tell apart): not scanned.
    pub unplaced: u64,
}

/// A finished direction: its view and where each byte came from.
#[derive(Debug)]
pub struct Reassembled {
    pub view: Vec<u8>,
    pub map: FrameMap,
    pub gaps: Vec<Gap>,
    pub conflicts: u64,
    pub truncated: u64,
    /// Captured bytes that could not be placed, and were not scanned.
    pub unplaced: u64,
    /// The per-direction limit that applied.
    pub limit: usize,
    /// Stream offset after the last byte (bytes lost in gaps included).
    pub stream_len: u64,
}

impl Reassembled {
    /// Payload bytes the capture held for this direction.
    pub fn captured(&self) -> u64 {
        self.stream_len - self.gaps.iter().map(|g| g.len).sum::<u64>()
    }
}

impl HalfStream {
    pub fn new(limit: usize) -> Self {
        HalfStream {
            next_seq: None,
            stream_len: 0,
            view: Vec::new(),
            map: FrameMap::default(),
            pending: BTreeMap::new(),
            pending_bytes: 0,
            limit,
            gaps: Vec::new(),
            conflicts: 0,
            truncated: 0,
            fin: false,
            unplaced: 0,
        }
    }

    /// Bytes held in memory (delivered and pending).
    pub fn buffered(&self) -> usize {
        self.view.len() + self.pending_bytes + self.map.origins.len() * std::mem::size_of::<Origin>()
    }

    /// True once any payload byte was seen.
    pub fn has_data(&self) -> bool {
        self.stream_len > 0 || !self.pending.is_empty()
    }

    /// Adds one segment. `seq` is the segment's sequence number; a SYN takes
    /// one sequence number before the first data byte.
    pub fn add(&mut self, seq: u32, syn: bool, fin: bool, payload: &[u8], frame: u64, time: Timestamp) {
        let seq = if syn { seq.wrapping_add(1) } else { seq };
        self.fin |= fin;
        let next = *self.next_seq.get_or_insert(seq);
        if payload.is_empty() {
            return;
        }
        // Signed distance from the next expected byte: wrap-around safe for
        // any segment within 2 GiB of it, which a real stream always is.
        let start = self.stream_len as i64 + i64::from(seq.wrapping_sub(next) as i32);
        let end = start + payload.len() as i64;
        // Bytes before stream offset 0 (a segment from before the capture
        // started, or a wild sequence number) have nothing to compare with.
        let before_start = usize::try_from(-start).unwrap_or(0).min(payload.len());
        self.unplaced += before_start as u64;
        if end <= self.stream_len as i64 {
            self.compare_delivered(start.max(0) as u64, &payload[before_start..]);
            return;
        }
        let (start, payload) = if start < self.stream_len as i64 {
            let already = (self.stream_len as i64 - start) as usize;
            self.compare_delivered(start.max(0) as u64, &payload[before_start..already]);
            (self.stream_len, &payload[already..])
        } else {
            (start as u64, payload)
        };
        if start == self.stream_len {
            self.deliver(payload, frame, time);
            self.drain();
        } else {
            self.hold(start, payload, frame, time);
            while self.pending_bytes > MAX_PENDING {
                self.skip_gap();
            }
        }
    }

    /// A fresh direction continuing this one where it stands, for a flow
    /// scanned early to free memory: holes still open become gaps here, and
    /// the successor carries on with the same sequence numbers and offsets.
    pub fn successor(&mut self) -> HalfStream {
        while !self.pending.is_empty() {
            self.skip_gap();
        }
        HalfStream {
            next_seq: self.next_seq,
            stream_len: self.stream_len,
            fin: self.fin,
            ..HalfStream::new(self.limit)
        }
    }

    /// Ends the direction: holes still open are recorded as gaps and the
    /// segments after them delivered.
    pub fn finish(mut self) -> Reassembled {
        while !self.pending.is_empty() {
            self.skip_gap();
        }
        Reassembled {
            view: self.view,
            map: self.map,
            gaps: self.gaps,
            conflicts: self.conflicts,
            truncated: self.truncated,
            unplaced: self.unplaced,
            limit: self.limit,
            stream_len: self.stream_len,
        }
    }

    /// Appends in-order bytes at `stream_len`, up to the limit.
    fn deliver(&mut self, bytes: &[u8], frame: u64, time: Timestamp) {
        let room = self.limit.saturating_sub(self.view.len());
        let keep = bytes.len().min(room);
        if keep > 0 {
            self.map.origins.push(Origin {
                view: self.view.len() as u64,
                stream: self.stream_len,
                frame,
                time,
            });
            self.view.extend_from_slice(&bytes[..keep]);
        }
        self.truncated += (bytes.len() - keep) as u64;
        self.stream_len += bytes.len() as u64;
        self.next_seq = self.next_seq.map(|s| s.wrapping_add(bytes.len() as u32));
    }

    /// Delivers pending segments that the stream has reached.
    fn drain(&mut self) {
        while let Some(entry) = self.pending.first_entry() {
            let at = *entry.key();
            if at > self.stream_len {
                break;
            }
            let segment = entry.remove();
            self.pending_bytes -= segment.bytes.len();
            let already = ((self.stream_len - at) as usize).min(segment.bytes.len());
            self.compare_delivered(at, &segment.bytes[..already]);
            self.deliver(&segment.bytes[already..], segment.frame, segment.time);
        }
    }

    /// Keeps a segment that arrived ahead of a hole; bytes some earlier
    /// segment already holds are compared, not stored twice.
    fn hold(&mut self, start: u64, bytes: &[u8], frame: u64, time: Timestamp) {
        let end = start + bytes.len() as u64;
        // The uncovered pieces of [start, end), found by walking the held
        // segments that overlap it.
        let mut pieces = Vec::new();
        let mut cursor = start;
        let first = self
            .pending
            .range(..start)
            .next_back()
            .filter(|(&at, p)| at + p.bytes.len() as u64 > start)
            .map(|(&at, _)| at)
            .unwrap_or(start);
        let mut conflicts = 0;
        for (&at, held) in self.pending.range(first..end) {
            let held_end = at + held.bytes.len() as u64;
            if at > cursor {
                pieces.push((cursor, at));
            }
            let lo = at.max(start);
            let hi = held_end.min(end);
            if lo < hi
                && held.bytes[(lo - at) as usize..(hi - at) as usize]
                    != bytes[(lo - start) as usize..(hi - start) as usize]
            {
                conflicts += 1;
            }
            cursor = cursor.max(held_end);
        }
        if cursor < end {
            pieces.push((cursor, end));
        }
        self.conflicts += conflicts;
        for (lo, hi) in pieces {
            let piece = bytes[(lo - start) as usize..(hi - start) as usize].to_vec();
            self.pending_bytes += piece.len();
            self.pending.insert(
                lo,
                Pending {
                    bytes: piece,
                    frame,
                    time,
                },
            );
        }
    }

    /// Gives up the hole before the first pending segment: records it as a
    /// gap, marks it in the view and delivers what follows.
    fn skip_gap(&mut self) {
        let Some(&at) = self.pending.keys().next() else {
            return;
        };
        if at > self.stream_len {
            let len = at - self.stream_len;
            self.gaps.push(Gap {
                at: self.stream_len,
                len,
            });
            if self.view.len() < self.limit {
                self.view.push(b'\n');
            }
            self.stream_len = at;
            self.next_seq = self.next_seq.map(|s| s.wrapping_add(len as u32));
        }
        self.drain();
    }

    /// Counts a conflict when a retransmitted copy of delivered bytes (at
    /// stream offset `at`) differs from what was delivered.
    fn compare_delivered(&mut self, at: u64, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let Some((view_at, run_end)) = self.view_run(at) else {
            return; // beyond the limit or inside a gap: nothing to compare with
        };
        let kept = &self.view[view_at..run_end.min(view_at + bytes.len())];
        if kept != &bytes[..kept.len()] {
            self.conflicts += 1;
        }
    }

    /// The view offset of a delivered stream offset, and the end of the run
    /// of contiguous bytes it is in.
    fn view_run(&self, stream: u64) -> Option<(usize, usize)> {
        let i = self.map.origins.partition_point(|o| o.stream <= stream);
        let o = self.map.origins.get(i.checked_sub(1)?)?;
        // A run ends at the next origin, before the gap mark if one sits there.
        let run_end = self.map.origins.get(i).map_or(self.view.len() as u64, |next| {
            let contiguous = next.stream - o.stream == next.view - o.view;
            if contiguous {
                next.view
            } else {
                next.view - 1
            }
        });
        let at = o.view + (stream - o.stream);
        (at < run_end).then_some((at as usize, run_end as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(h: &mut HalfStream, seq: u32, bytes: &[u8], frame: u64) {
        h.add(seq, false, false, bytes, frame, Timestamp::default());
    }

    #[test]
    fn out_of_order_segments_are_put_in_order() {
        let mut h = HalfStream::new(1 << 20);
        h.add(99, true, false, b"", 1, Timestamp::default());
        add(&mut h, 106, b"world", 3);
        add(&mut h, 100, b"hello ", 2);
        let r = h.finish();
        assert_eq!(r.view, b"hello world");
        assert!(r.gaps.is_empty());
        assert_eq!(r.map.locate(6).annotations["frame"], "3");
    }

    #[test]
    fn sequence_numbers_wrap_around() {
        let mut h = HalfStream::new(1 << 20);
        add(&mut h, u32::MAX - 2, b"abc", 1);
        add(&mut h, 0, b"def", 2);
        assert_eq!(h.finish().view, b"abcdef");
    }

    #[test]
    fn first_copy_wins_and_conflicts_are_counted() {
        let mut h = HalfStream::new(1 << 20);
        add(&mut h, 10, b"abcd", 1);
        add(&mut h, 12, b"XYef", 2);
        add(&mut h, 20, b"later", 3);
        add(&mut h, 20, b"LATER", 4);
        let r = h.finish();
        assert_eq!(r.conflicts, 2);
        assert_eq!(&r.view[..6], b"abcdef");
    }

    #[test]
    fn a_hole_is_a_gap_marked_in_the_view() {
        let mut h = HalfStream::new(1 << 20);
        add(&mut h, 0, b"1234", 1);
        add(&mut h, 10, b"5678", 2);
        let r = h.finish();
        assert_eq!(r.view, b"1234\n5678");
        assert_eq!(r.gaps, vec![Gap { at: 4, len: 6 }]);
        // Offsets are reported in the stream, not the view.
        assert_eq!(r.map.locate(5).offset, 10);
    }

    /// Found by the `reassembly` fuzz target: a segment far behind the first
    /// one indexed past its own end.
    #[test]
    fn segment_before_the_stream_start_is_ignored() {
        let mut h = HalfStream::new(1 << 20);
        add(&mut h, 2_000_000_000, b"ab", 1);
        add(&mut h, 2_000_000_000 - 1_005_441_788, b"xy", 2);
        add(&mut h, 1_999_999_999, b"zab", 3);
        let r = h.finish();
        assert_eq!(r.view, b"ab");
        assert_eq!(r.conflicts, 0);
    }

    #[test]
    fn bytes_over_the_limit_are_counted_as_truncated() {
        let mut h = HalfStream::new(5);
        add(&mut h, 0, b"abc", 1);
        add(&mut h, 3, b"defg", 2);
        let r = h.finish();
        assert_eq!(r.view, b"abcde");
        assert_eq!(r.truncated, 2);
    }
}
