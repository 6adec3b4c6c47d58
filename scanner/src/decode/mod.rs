//! Decoders: formats that hold other bytes — compressed streams, archives,
//! documents, captures.
//!
//! The push model: the worker reads the first bytes of a stream and asks each
//! decoder whether it recognises them (by content, never by file name). The
//! decoder that does reads the stream and pushes every inner stream it finds
//! into an [`InnerSink`], naming it with a provenance [`Layer`]. The worker
//! then treats each inner stream exactly like a file: sniffs it, decodes it
//! or scans it as text. So nesting (a `.gz` in a `.tar` in a `.zip`) costs a
//! decoder nothing, and a decoder knows nothing of detectors or reports.
//! Streams that no decoder claims are scanned as bytes by the detectors.

mod gzip;
mod pcap;

use std::io::{self, Read};

use std::collections::BTreeMap;

use crate::findings::{GuidelineCategory, Layer, SkipReason};
use crate::scan::Limits;

/// How many leading bytes decoders are shown to recognise a format.
pub const SNIFF_LEN: usize = 512;

/// A format that contains other streams.
pub trait Decoder: Send + Sync {
    /// Short name for coverage counts (`gzip`, `zip`, …).
    fn name(&self) -> &'static str;

    /// True when a stream starting with `head` (at most [`SNIFF_LEN`] bytes) is in this format.
    fn sniff(&self, head: &[u8]) -> bool;

    /// Reads `input` (the whole stream, `head` included) and pushes its inner
    /// streams into `sink`. `name` is the stream's own name (its file or member
    /// name), for decoders whose inner stream is named after it.
    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError>;
}

/// Where a decoder pushes what it finds.
pub trait InnerSink {
    /// Scans an inner stream (recursively decoded); returns the bytes read from it.
    fn stream(&mut self, layer: Layer, reader: &mut dyn Read) -> io::Result<u64>;

    /// Scans an inner stream as belonging to another guideline category
    /// (a core dump inside an archive is memory: 処理).
    fn stream_as(
        &mut self,
        layer: Layer,
        category: GuidelineCategory,
        reader: &mut dyn Read,
    ) -> io::Result<u64>;

    /// Scans an inner stream whose offsets must be reported where its bytes
    /// came from (a reassembled TCP stream's frames, a transcoded text's
    /// original bytes). The stream is scanned as bytes, not decoded further.
    fn stream_mapped(
        &mut self,
        layer: Layer,
        category: GuidelineCategory,
        reader: &mut dyn Read,
        origin: &dyn OffsetMap,
    ) -> io::Result<u64>;

    /// Like [`InnerSink::stream_mapped`], for a stream more than one layer
    /// below this one: an HTTP body decoded from a TCP stream
    /// (`capture.pcap#tcp:…!/http-body`).
    fn stream_mapped_at(
        &mut self,
        layers: Vec<Layer>,
        category: GuidelineCategory,
        reader: &mut dyn Read,
        origin: &dyn OffsetMap,
    ) -> io::Result<u64>;

    /// Records something an auditor should see that is not a finding (a TLS flow).
    fn note(&mut self, name: &str, kind: &str, detail: String, annotations: BTreeMap<String, String>);

    /// Records an inner item that could not be scanned.
    fn skipped(&mut self, name: &str, reason: SkipReason, detail: String);

    /// Records a stream, any number of layers below this one, that could not
    /// be scanned completely (a TCP stream over the reassembly limit).
    fn skipped_at(&mut self, layers: Vec<Layer>, reason: SkipReason, detail: String);

    /// The limits that keep decoding safe.
    fn limits(&self) -> &Limits;
}

/// Where a byte of a decoded stream came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcePosition {
    /// Offset to report (in the bytes the provenance's innermost layer names).
    pub offset: u64,
    /// Extra where-details for the finding (`frame`, `timestamp`, …).
    pub annotations: BTreeMap<String, String>,
}

/// Maps offsets in a decoded stream back to their source.
pub trait OffsetMap {
    fn locate(&self, offset: u64) -> SourcePosition;
}

/// Why a stream could not be decoded (completely).
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("corrupt: {0}")]
    Corrupt(String),
    #[error("encrypted: {0}")]
    Encrypted(String),
    #[error("limit reached: {0}")]
    Limit(String),
    #[error("read error: {0}")]
    Io(#[from] io::Error),
}

impl DecodeError {
    pub fn skip_reason(&self) -> SkipReason {
        match self {
            DecodeError::Corrupt(_) => SkipReason::Corrupt,
            DecodeError::Encrypted(_) => SkipReason::Encrypted,
            DecodeError::Limit(_) => SkipReason::BombLimit,
            DecodeError::Io(_) => SkipReason::ReadError,
        }
    }
}

/// Every decoder, in the order they are asked.
pub fn decoders() -> &'static [&'static dyn Decoder] {
    &[&gzip::Gzip, &pcap::Capture]
}

/// The decoder that recognises `head`, if any.
pub fn sniff(head: &[u8]) -> Option<&'static dyn Decoder> {
    decoders().iter().copied().find(|d| d.sniff(head))
}
