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
mod keystore;
mod lz4;
mod opaque;
mod pcap;
mod pdf;
mod pdf_text_ops;
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

    /// True when decoding holds the whole input in memory, as read from disk
    /// (`seekable`) or from another container. Such decodes take turns
    /// between workers.
    fn holds_input(&self, _seekable: bool) -> bool {
        false
    }
}

/// An input that can both read and seek.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// Where a decoder pushes what it finds: every stream as a [`Piece`], and
/// everything an auditor must see that is not a stream as an [`Event`].
///
/// The decoder drives and the sink decides (like ripgrep's `Sink`): the
/// worker's sink scans each piece as it is pushed — decoding it further when
/// the piece asks for it — so a decoder holds at most the piece it is
/// reading, never a queue of them. The text scanner pushes the containers it
/// finds inside text (base64 of a gzip stream) through the same path.
pub trait InnerSink {
    /// Scans one inner stream; returns the bytes read from it. An error is
    /// this stream's own read failing or a bomb limit ([`LimitExceeded`])
    /// that the decoder must pass up.
    fn push(&mut self, piece: Piece<'_>) -> io::Result<u64>;

    /// Records a note, a skip or a name found below the current stream.
    fn event(&mut self, event: Event);

    /// The limits that keep decoding safe.
    fn limits(&self) -> &Limits;

    /// The file on disk when the current stream is one (SQLite opens its
    /// database by path, with the `-wal` file beside it); `None` for inner streams.
    fn path(&self) -> Option<&Path> {
        None
    }

    /// Scans one value of a table as its own field (see [`Field`]): named
    /// `table.column#row` under the current stream, with the column's name as
    /// context. What it finds is not reported again by a later push of the
    /// same stream's raw bytes ([`Piece::here`]).
    fn field(&mut self, field: &Field<'_>) -> io::Result<()> {
        self.push(Piece::here(&mut field.value.bytes(), None)).map(|_| ())
    }
}

/// One stream pushed into an [`InnerSink`].
pub struct Piece<'a> {
    /// Where it is below the current stream: one layer for a member
    /// (`orders.csv`), two for an HTTP body in a TCP stream
    /// (`tcp:…` then `http-body`). Empty: the current stream itself, for
    /// formats whose raw bytes and extracted text can both hold card data
    /// (a hit already reported at the same offset is not reported twice).
    pub layers: Vec<Layer>,
    /// Its guideline category; `None` keeps the current stream's.
    pub category: Option<GuidelineCategory>,
    /// Where its offsets come from when not from its own bytes (a TCP
    /// stream's frames, the raw bytes of extracted text). Such a stream gets
    /// no line and column.
    pub origin: Option<&'a dyn OffsetMap>,
    /// Whether decoders are asked about it (a member may be a gzip stream);
    /// false: it is scanned as bytes only.
    pub decode: bool,
    pub reader: &'a mut dyn Read,
}

impl<'a> Piece<'a> {
    /// A member or decompressed stream: decoded further when a decoder
    /// recognises it, else scanned.
    pub fn member(layer: Layer, reader: &'a mut dyn Read) -> Self {
        Piece {
            layers: vec![layer],
            category: None,
            origin: None,
            decode: true,
            reader,
        }
    }

    /// Bytes scanned as the current stream itself (see [`Piece::layers`]).
    pub fn here(reader: &'a mut dyn Read, origin: Option<&'a dyn OffsetMap>) -> Self {
        Piece {
            layers: Vec::new(),
            category: None,
            origin,
            decode: false,
            reader,
        }
    }

    /// A stream scanned as bytes whose offsets are reported where `origin`
    /// says they came from (a reassembled TCP stream, an HTTP body).
    pub fn mapped(
        layers: Vec<Layer>,
        category: GuidelineCategory,
        reader: &'a mut dyn Read,
        origin: &'a dyn OffsetMap,
    ) -> Self {
        Piece {
            layers,
            category: Some(category),
            origin: Some(origin),
            decode: false,
            reader,
        }
    }
}

/// Something below the current stream that is not a stream to scan.
#[derive(Debug)]
pub enum Event {
    /// What an auditor should see that is not a finding (a TLS flow).
    Note {
        layers: Vec<Layer>,
        kind: String,
        detail: String,
        annotations: BTreeMap<String, String>,
    },
    /// An item that could not be scanned (completely), with its reason.
    Skip {
        layers: Vec<Layer>,
        reason: SkipReason,
        detail: String,
    },
    /// Text that is not content — a server name, a subject — scanned as a
    /// name (DESIGN.md §6: names are data).
    Name {
        layers: Vec<Layer>,
        category: GuidelineCategory,
        text: String,
    },
}

impl Event {
    /// The member `name` could not be scanned.
    pub fn skip(name: &str, reason: SkipReason, detail: String) -> Self {
        Event::Skip {
            layers: vec![Layer {
                kind: LayerKind::Member,
                name: name.to_string(),
            }],
            reason,
            detail,
        }
    }

    /// A stream any number of layers below could not be scanned completely.
    pub fn skip_at(layers: Vec<Layer>, reason: SkipReason, detail: String) -> Self {
        Event::Skip {
            layers,
            reason,
            detail,
        }
    }

    /// A note about the stream `name` (a TCP flow) of the current one.
    pub fn note(name: &str, kind: &str, detail: String, annotations: BTreeMap<String, String>) -> Self {
        Event::Note {
            layers: vec![Layer {
                kind: LayerKind::Stream,
                name: name.to_string(),
            }],
            kind: kind.to_string(),
            detail,
            annotations,
        }
    }

    /// `text` found `layers` below, scanned as a name.
    pub fn name(layers: Vec<Layer>, category: GuidelineCategory, text: &str) -> Self {
        Event::Name {
            layers,
            category,
            text: text.to_string(),
        }
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
    sink.push(Piece::member(layer, decompressed))
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
        sink.push(Piece::here(&mut io::Cursor::new(raw).chain(input), None))
            .map_err(|e| DecodeError::reading(what, e))?;
        return Err(DecodeError::Limit(format!(
            "text not extracted: {what} larger than {limit} bytes (--max-buffered-bytes); its raw bytes were scanned"
        )));
    }
    sink.push(Piece::here(&mut raw.as_slice(), None))
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
    sink.push(Piece::member(layer, &mut &bytes[..]))
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
        &keystore::Keystore,
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
