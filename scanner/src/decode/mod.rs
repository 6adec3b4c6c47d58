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

mod ar;
mod bzip2;
pub(crate) mod copy_text;
mod email;
mod gzip;
mod lz4;
mod opaque;
mod pcap;
mod pdf;
mod pgdump;
mod sevenz;
mod sql_dump;
mod sqlite;
mod sqlite_carve;
mod tar;
mod xml;
mod xz;
mod zip;
mod zlib;
mod zstd;

pub use opaque::legitimately_binary;

use std::io::{self, Read, Seek};

use std::collections::BTreeMap;
use std::path::Path;

pub use crate::field::{Field, FieldValue};
use crate::findings::{GuidelineCategory, Layer, LayerKind, SkipReason};
use crate::limits::{LimitExceeded, Limits};
pub use crate::position::{OffsetMap, SourcePosition};

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

    /// Like [`Decoder::decode`], for an input that can seek (a file on disk).
    /// Formats that need random access (zip: its directory is at the end)
    /// override this; a stream-only input is buffered by their `decode`, within
    /// [`Limits::max_buffered_bytes`].
    fn decode_seekable(
        &self,
        input: &mut dyn ReadSeek,
        name: &str,
        sink: &mut dyn InnerSink,
    ) -> Result<(), DecodeError> {
        self.decode(input, name, sink)
    }

    /// True when inner streams are decompressed (bigger than what they came
    /// from), so the bomb limits apply to them; false for formats whose members
    /// are slices of their own bytes (tar) or text extracted from them (XML).
    fn expands(&self) -> bool {
        true
    }
}

/// An input that can both read and seek.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

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
    /// Scans bytes as the current stream itself, under its own provenance,
    /// for formats whose raw bytes and the text extracted from them can both
    /// hold card data (XML: attribute values in the raw bytes, a PAN split
    /// across text runs only in the text). `origin` maps offsets of extracted
    /// text back to the raw bytes; a hit already reported at the same offset
    /// of this stream is not reported twice.
    fn scan_here(&mut self, reader: &mut dyn Read, origin: Option<&dyn OffsetMap>) -> io::Result<u64>;

    /// Records something an auditor should see that is not a finding (a TLS flow).
    fn note(&mut self, name: &str, kind: &str, detail: String, annotations: BTreeMap<String, String>);

    /// Scans `text` that is not content — a server name, a subject — as a
    /// name found `layers` below this stream (DESIGN.md §6: names are data).
    fn name(&mut self, layers: Vec<Layer>, category: GuidelineCategory, text: &str);

    /// Records an inner item that could not be scanned.
    fn skipped(&mut self, name: &str, reason: SkipReason, detail: String);

    /// Records a stream, any number of layers below this one, that could not
    /// be scanned completely (a TCP stream over the reassembly limit).
    fn skipped_at(&mut self, layers: Vec<Layer>, reason: SkipReason, detail: String);

    /// The limits that keep decoding safe.
    fn limits(&self) -> &Limits;

    /// The file on disk when the current stream is one (SQLite opens its
    /// database by path, with the `-wal` file beside it); `None` for inner streams.
    fn path(&self) -> Option<&Path> {
        None
    }

    /// Scans one value of a table as its own field (see [`Field`]): named
    /// `table.column#row` under the current stream, with the column's name as
    /// context. What it finds is not reported again by a later
    /// [`InnerSink::scan_here`] of the same stream's raw bytes.
    fn scan_field(&mut self, field: &Field<'_>) -> io::Result<()> {
        self.scan_here(&mut field.value.bytes(), None).map(|_| ())
    }
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
    /// Compressed or encrypted by a format (or codec) hihoji cannot read.
    #[error("not decodable: {0}")]
    NotDecodable(String),
}

impl DecodeError {
    /// The error for a failed read of `what`: a bomb limit hit further in
    /// stays a limit; anything else means the data is damaged.
    pub fn reading(what: &str, e: io::Error) -> Self {
        match LimitExceeded::of(&e) {
            Some(limit) => DecodeError::Limit(format!("{what}: {limit}")),
            None => DecodeError::Corrupt(format!("{what}: {e}")),
        }
    }

    pub fn skip_reason(&self) -> SkipReason {
        match self {
            DecodeError::Corrupt(_) => SkipReason::Corrupt,
            DecodeError::Encrypted(_) => SkipReason::Encrypted,
            DecodeError::Limit(_) => SkipReason::BombLimit,
            DecodeError::Io(_) => SkipReason::ReadError,
            DecodeError::NotDecodable(_) => SkipReason::NotDecodable,
        }
    }
}

/// Pushes the single stream a decompressor produces, named after the outer
/// one: `suffixes` maps the outer name's ending to the inner's (`.tgz` →
/// `.tar`, `.gz` → nothing); an outer name with none of them gets `.un<kind>`.
pub(crate) fn push_decompressed(
    kind: &str,
    decompressed: &mut dyn Read,
    outer: &str,
    suffixes: &[(&str, &str)],
    sink: &mut dyn InnerSink,
) -> Result<(), DecodeError> {
    let layer = Layer {
        kind: LayerKind::Member,
        name: decompressed_name(outer, kind, suffixes),
    };
    sink.stream(layer, decompressed)
        .map(|_| ())
        .map_err(|e| DecodeError::reading(&format!("{kind} stream"), e))
}

/// `orders.csv.gz` holds `orders.csv`; `x.tgz` holds `x.tar`; `blob` holds `blob.ungzip`.
pub(crate) fn decompressed_name(outer: &str, kind: &str, suffixes: &[(&str, &str)]) -> String {
    let base = outer.rsplit(['/', '\\']).next().unwrap_or(outer);
    suffixes
        .iter()
        .find_map(|(suffix, replacement)| {
            base.strip_suffix(suffix)
                .filter(|stem| !stem.is_empty())
                .map(|stem| format!("{stem}{replacement}"))
        })
        .unwrap_or_else(|| format!("{base}.un{kind}"))
}

/// For formats whose text must be extracted from the whole stream at once
/// (PDF, Office XML parts): reads `input` into memory up to
/// `--max-buffered-bytes` and scans its raw bytes as the current stream.
/// Returns the bytes for extraction; a larger stream has its raw bytes scanned
/// and is reported as a limit, since its text is not extracted.
pub(crate) fn buffer_and_scan_raw(
    input: &mut dyn Read,
    sink: &mut dyn InnerSink,
    what: &str,
) -> Result<Vec<u8>, DecodeError> {
    let limit = sink.limits().max_buffered_bytes;
    let mut raw = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut raw)
        .map_err(|e| DecodeError::reading(what, e))?;
    if raw.len() as u64 > limit {
        sink.scan_here(&mut io::Cursor::new(raw).chain(input), None)
            .map_err(|e| DecodeError::reading(what, e))?;
        return Err(DecodeError::Limit(format!(
            "text not extracted: {what} larger than {limit} bytes (--max-buffered-bytes); its raw bytes were scanned"
        )));
    }
    sink.scan_here(&mut raw.as_slice(), None)
        .map_err(|e| DecodeError::reading(what, e))?;
    Ok(raw)
}

/// Scans `bytes` held in memory as the member `name` of the current stream
/// (a PDF page's text, one message of a mailbox).
pub(crate) fn stream_member(sink: &mut dyn InnerSink, name: String, bytes: &[u8]) -> Result<(), DecodeError> {
    let layer = Layer {
        kind: LayerKind::Member,
        name: name.clone(),
    };
    sink.stream(layer, &mut &bytes[..])
        .map(|_| ())
        .map_err(|e| DecodeError::reading(&name, e))
}

/// Every decoder, in the order they are asked.
pub fn decoders() -> &'static [&'static dyn Decoder] {
    &[
        &gzip::Gzip,
        &bzip2::Bzip2,
        &xz::Xz,
        &zstd::Zstd,
        &lz4::Lz4,
        &zip::Zip,
        &tar::Tar,
        &xml::OfficeXml,
        &email::Email,
        &pdf::Pdf,
        &pcap::Capture,
        &sevenz::SevenZ,
        &pgdump::PgDump,
        &ar::Ar,
        &sqlite::Sqlite,
        &sql_dump::SqlDump,
        &opaque::Opaque,
        // Last: a two-byte header, confirmed by inflating the first bytes.
        &zlib::Zlib,
    ]
}

/// The decoder that recognises `head`, if any.
pub fn sniff(head: &[u8]) -> Option<&'static dyn Decoder> {
    decoders().iter().copied().find(|d| d.sniff(head))
}
