//! Bytes that look compressed or encrypted where no decoder took them.
//!
//! A stream no decoder recognised is scanned as bytes. If a sizeable span of
//! it is near-random (a compressed or encrypted blob in a format hihoji does
//! not know: brotli, an unknown archive, a raw AES file), scanning its bytes
//! says nothing about what it holds, so the stream is recorded as
//! `not_decodable`: a gap, not a pass.
//!
//! Measured as it is read, on a sample of each 16 KiB block (its first 1 KiB):
//! a sample's Shannon entropy is about 7.8 bits per byte for random or
//! compressed data, 6–6.5 for machine code, 6 for base64 and under 5.5 for
//! text. A block is "high" above 7.2 bits; [`MIN_SPAN`] consecutive high
//! blocks make a span. Media and executables are left out before this is
//! applied (`decode::legitimately_binary`).

use std::io::{self, Read};
use std::sync::OnceLock;

use crate::findings::{Provenance, SkipReason, Skipped};

/// Block size; each block is judged by its first [`SAMPLE`] bytes. Measured
/// with a standalone `rustc -O` copy of this module reading 512 MB of text
/// (best of 5 runs): sampling 1 KiB of every 4 KiB added 0.47 ns per byte
/// read, 1 KiB of every 16 KiB adds 0.10 ns, small next to detection.
const BLOCK: u64 = 16 * 1024;
const SAMPLE: usize = 1024;
/// Bits per byte above which a sample looks random.
const HIGH: f32 = 7.2;
/// Shortest near-random span reported: 64 KiB. Small random blobs (keys,
/// hashes, icons) are everywhere and hold no records.
pub const MIN_SPAN: u64 = 64 * 1024;

/// Counts near-random blocks in what is read through it.
pub struct EntropyMeter<R> {
    inner: R,
    /// False: reads pass through unmeasured.
    on: bool,
    /// Offset of the next byte read.
    at: u64,
    /// Byte counts of the current block's sample.
    counts: [u16; 256],
    sampled: usize,
    /// Start and length of the current run of high blocks.
    run_start: u64,
    run_len: u64,
    /// The first span of at least [`MIN_SPAN`], and all high bytes in such spans.
    first_span: Option<u64>,
    span_bytes: u64,
    /// Every run of high blocks, when kept for a part of a stream.
    runs: Option<Vec<(u64, u64)>>,
}

/// A near-random span found in a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpaqueSpan {
    /// Offset where the first such span starts.
    pub start: u64,
    /// Bytes in near-random spans of at least [`MIN_SPAN`].
    pub bytes: u64,
}

impl<R: Read> EntropyMeter<R> {
    /// Measures what is read through it when `on`.
    pub fn new(inner: R, on: bool) -> Self {
        EntropyMeter {
            inner,
            on,
            at: 0,
            counts: [0; 256],
            sampled: 0,
            run_start: 0,
            run_len: 0,
            first_span: None,
            span_bytes: 0,
            runs: None,
        }
    }

    /// A meter for one part of a stream that starts at offset `at` (a
    /// multiple of the block size), keeping its runs of high blocks so that
    /// the parts' runs can be joined ([`OpaqueRuns`]).
    pub fn for_part(inner: R, on: bool, at: u64) -> Self {
        EntropyMeter {
            at,
            runs: Some(Vec::new()),
            ..EntropyMeter::new(inner, on)
        }
    }

    /// The runs of high blocks as `(start, bytes)`, a run still open at the end included.
    pub fn into_runs(mut self) -> Vec<(u64, u64)> {
        self.end_run();
        self.runs.unwrap_or_default()
    }

    /// The near-random spans seen, once the stream was read to its end.
    pub fn opaque_span(mut self) -> Option<OpaqueSpan> {
        self.end_run();
        self.first_span.map(|start| OpaqueSpan {
            start,
            bytes: self.span_bytes,
        })
    }

    fn observe(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let in_block = self.at % BLOCK;
            let take = rest
                .len()
                .min(usize::try_from(BLOCK - in_block).unwrap_or(usize::MAX));
            let (now, later) = rest.split_at(take);
            let sample_room = SAMPLE.saturating_sub(in_block as usize);
            for &b in &now[..now.len().min(sample_room)] {
                self.counts[usize::from(b)] += 1;
                self.sampled += 1;
            }
            self.at += take as u64;
            if self.at.is_multiple_of(BLOCK) {
                self.end_block();
            }
            rest = later;
        }
    }

    fn end_block(&mut self) {
        let high = self.sampled == SAMPLE && sample_entropy(&self.counts) > HIGH;
        self.counts = [0; 256];
        self.sampled = 0;
        if high {
            if self.run_len == 0 {
                self.run_start = self.at - BLOCK;
            }
            self.run_len += BLOCK;
        } else {
            self.end_run();
        }
    }

    fn end_run(&mut self) {
        if let Some(runs) = self.runs.as_mut().filter(|_| self.run_len > 0) {
            runs.push((self.run_start, self.run_len));
        }
        if self.run_len >= MIN_SPAN {
            self.first_span.get_or_insert(self.run_start);
            self.span_bytes += self.run_len;
        }
        self.run_len = 0;
    }
}

impl<R: Read> Read for EntropyMeter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.on {
            self.observe(&buf[..n]);
        }
        Ok(n)
    }
}

/// The runs of high blocks of a stream's parts, joined in order: a run
/// that ends where the next part's begins goes on into it.
#[derive(Debug, Default)]
pub struct OpaqueRuns {
    first_span: Option<u64>,
    span_bytes: u64,
    open: Option<(u64, u64)>,
}

impl OpaqueRuns {
    pub fn add(&mut self, runs: &[(u64, u64)]) {
        for &(start, len) in runs {
            match &mut self.open {
                Some((open_start, open_len)) if *open_start + *open_len == start => *open_len += len,
                _ => {
                    self.close();
                    self.open = Some((start, len));
                }
            }
        }
    }

    fn close(&mut self) {
        if let Some((start, len)) = self.open.take().filter(|&(_, len)| len >= MIN_SPAN) {
            self.first_span.get_or_insert(start);
            self.span_bytes += len;
        }
    }

    /// The stream's opaque span, as one meter over the whole stream gives it.
    pub fn finish(mut self) -> Option<OpaqueSpan> {
        self.close();
        self.first_span.map(|start| OpaqueSpan {
            start,
            bytes: self.span_bytes,
        })
    }
}

impl OpaqueSpan {
    /// The stream recorded as not decodable for its opaque span.
    pub fn skipped(&self, provenance: &Provenance) -> Skipped {
        Skipped {
            provenance: provenance.clone(),
            reason: SkipReason::NotDecodable,
            detail: format!(
                "{} bytes from byte {} look compressed or encrypted in a format hihoji cannot read; its raw bytes were scanned",
                self.bytes, self.start
            )
            .into(),
        }
    }
}

/// Shannon entropy, in bits per byte, of a full sample's byte counts.
fn sample_entropy(counts: &[u16; 256]) -> f32 {
    static N_LOG_N: OnceLock<Vec<f32>> = OnceLock::new();
    let table = N_LOG_N.get_or_init(|| {
        (0..=SAMPLE)
            .map(|n| if n == 0 { 0.0 } else { n as f32 * (n as f32).log2() })
            .collect()
    });
    let sum: f32 = counts.iter().map(|&c| table[usize::from(c)]).sum();
    (SAMPLE as f32).log2() - sum / SAMPLE as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stand-in for random bytes (xorshift).
    fn noise(len: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn span_of(bytes: &[u8]) -> Option<OpaqueSpan> {
        let mut meter = EntropyMeter::new(bytes, true);
        io::copy(&mut meter, &mut io::sink()).unwrap();
        meter.opaque_span()
    }

    #[test]
    fn a_random_span_is_found_where_it_starts_and_text_is_not() {
        let mut bytes = b"header line\n".repeat(1000);
        let start = bytes.len() as u64;
        bytes.extend(noise(200 * 1024));
        bytes.extend(b"trailer\n".repeat(1000));
        let span = span_of(&bytes).expect("a span");
        assert!(span.start >= start && span.start < start + BLOCK, "{span:?}");
        assert!(span.bytes >= 190 * 1024, "{span:?}");
        let text = "2024-01-01 12:00:00 INFO order 123 paid by card ending 1234\n".repeat(5000);
        assert_eq!(span_of(text.as_bytes()), None);
        let base64: Vec<u8> = noise(300 * 1024)
            .iter()
            .map(|b| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[usize::from(b % 64)])
            .collect();
        assert_eq!(span_of(&base64), None, "base64 is text, decoded by its own view");
    }

    #[test]
    fn a_small_random_blob_is_not_a_span() {
        assert_eq!(span_of(&noise(32 * 1024)), None);
    }
}
