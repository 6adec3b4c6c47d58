//! zip, and everything built on it: docx, xlsx, pptx, odt, ods, jar, apk.
//!
//! A zip's directory is at its end, so reading it properly needs random
//! access. A zip on disk is read in place ([`Decoder::decode_seekable`]). A
//! zip inside another container arrives as a stream: it is held in memory up
//! to [`Limits::max_buffered_bytes`](crate::limits::Limits) and read the same
//! way; a bigger one, and a zip whose directory is damaged or missing (a
//! truncated download), is read front to back by its members' local headers,
//! which recovers every member before the damage.
//!
//! Each member is pushed under its name in the archive. Encrypted members are
//! recorded as skipped (`encrypted`); a damaged member is recorded as
//! `corrupt` and the next member is still read.
//!
//! What the directory does not show is read too: a zip on disk is searched,
//! outside the members it lists, for local headers the directory leaves out
//! (a second member of the same name, an entry hidden from the directory),
//! and the archive's and members' comments are scanned. A name met twice is
//! disambiguated in the provenance: `orders.csv`, then `orders.csv#2`.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Cursor, Read, Seek, SeekFrom};

use zip::read::read_zipfile_from_stream;
use zip::result::ZipError;
use zip::ZipArchive;

use super::{DecodeError, Decoder, InnerSink, ReadSeek};
use crate::decode::{Event, Piece};
use crate::findings::{Layer, LayerKind, SkipReason};

pub struct Zip;

impl Decoder for Zip {
    fn name(&self) -> &'static str {
        "zip"
    }

    /// A local file header first (every zip a tool writes), or the end record
    /// of an empty archive.
    fn sniff(&self, head: &[u8]) -> bool {
        // A Java module (`.jmod`) is a zip after a 4-byte `JM` header; the
        // archive reader finds its entries past such a prefix.
        let head = head.strip_prefix(b"JM\x01\x00").unwrap_or(head);
        head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
    }

    fn holds_input(&self, seekable: bool) -> bool {
        // A zip on disk is read in place.
        !seekable
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limit = sink.limits().max_buffered_bytes;
        let mut held = Vec::new();
        input
            .take(limit.saturating_add(1))
            .read_to_end(&mut held)
            .map_err(|e| DecodeError::reading("zip", e))?;
        if held.len() as u64 > limit {
            // Too big to hold: its members are read front to back instead.
            let mut rest = Cursor::new(held).chain(input);
            return read_local_headers(&mut rest, sink, &mut Names::default()).map_err(|e| match e {
                DecodeError::Corrupt(detail) => DecodeError::Corrupt(format!(
                    "{detail} (read by local headers: larger than the {limit}-byte --max-buffered-bytes)"
                )),
                other => other,
            });
        }
        self.decode_seekable(&mut Cursor::new(held), name, sink)
    }

    fn decode_seekable(
        &self,
        input: &mut dyn ReadSeek,
        _name: &str,
        sink: &mut dyn InnerSink,
    ) -> Result<(), DecodeError> {
        let mut names = Names::default();
        let listed = match ZipArchive::new(&mut *input) {
            Ok(mut archive) => read_directory(&mut archive, sink, &mut names)?,
            Err(damage) => {
                input.seek(SeekFrom::Start(0))?;
                let by_headers = read_local_headers(input, sink, &mut names);
                // The raw bytes too: stored members past the damage, names, comments.
                input.seek(SeekFrom::Start(0))?;
                sink.push(Piece::here(input, None))
                    .map_err(|e| DecodeError::reading("zip", e))?;
                by_headers?;
                return Err(DecodeError::Corrupt(format!(
                    "zip directory unreadable ({damage}); members were read by their local headers and the raw bytes scanned"
                )));
            }
        };
        read_unlisted(input, &listed, sink, &mut names)
    }
}

/// Member names as they are pushed: the second `a.csv` is `a.csv#2`.
#[derive(Default)]
struct Names {
    /// Times each name was met, by a digest of the name: a jar lists tens of
    /// thousands, and the names themselves would double the directory's
    /// memory. A collision only numbers a name that did not repeat.
    seen: HashMap<u64, u32>,
}

impl Names {
    fn claim(&mut self, name: String) -> String {
        let mut digest = std::hash::DefaultHasher::new();
        name.hash(&mut digest);
        let count = self.seen.entry(digest.finish()).or_insert(0);
        *count += 1;
        if *count == 1 {
            name
        } else {
            format!("{name}#{count}")
        }
    }

    /// The layer of a member named `name` (or `fallback()` when its name is
    /// not text), unique within the archive.
    fn member_layer(&mut self, name: Option<String>, fallback: impl FnOnce() -> String) -> Layer {
        Layer {
            kind: LayerKind::Member,
            name: self.claim(name.unwrap_or_else(fallback)),
        }
    }
}

/// The byte ranges (local header to end of data) of the members the directory lists.
type Listed = Vec<(u64, u64)>;

/// Pushes a comment as a member of its own (`#comment`, `name#comment`).
fn push_comment(sink: &mut dyn InnerSink, name: String, comment: &[u8]) -> Result<(), DecodeError> {
    if comment.is_empty() {
        return Ok(());
    }
    super::stream_member(sink, name, comment)
}

/// Reads every member listed in the archive's directory, and the comments;
/// returns where the members lie.
fn read_directory<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    sink: &mut dyn InnerSink,
    names: &mut Names,
) -> Result<Listed, DecodeError> {
    let mut listed = Listed::new();
    let comment = archive.comment().to_vec();
    push_comment(sink, "#comment".to_string(), &comment)?;
    let max_members = sink.limits().max_members;
    if archive.len() as u64 > max_members {
        return Err(DecodeError::Limit(format!(
            "{} members, more than {max_members} (--max-members); none were scanned",
            archive.len()
        )));
    }
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => name.into_owned(),
            _ => format!("#{index}"),
        };
        let name = names.claim(name);
        if let Ok(raw) = archive.by_index_raw(index) {
            let start = raw.header_start();
            let data = raw.data_start().unwrap_or(start);
            listed.push((start, data.saturating_add(raw.compressed_size())));
            let comment = raw.comment_raw().to_vec();
            drop(raw);
            push_comment(sink, format!("{name}#comment"), &comment)?;
        }
        let mut member = match archive.by_index(index) {
            Ok(member) => member,
            Err(e) => {
                let (reason, detail) = member_problem(&e);
                sink.event(Event::skip(&name, reason, detail));
                continue;
            }
        };
        if member.is_dir() {
            continue;
        }
        let layer = Layer {
            kind: LayerKind::Member,
            name: name.clone(),
        };
        if let Err(e) = sink.push(Piece::member(layer, &mut member)) {
            match DecodeError::reading(&format!("member {name}"), e) {
                limit @ DecodeError::Limit(_) => return Err(limit),
                damage => sink.event(Event::skip(&name, damage.skip_reason(), damage.to_string())),
            }
        }
    }
    Ok(listed)
}

/// Searches the bytes outside the listed members for local headers the
/// directory does not list, and reads each member found.
fn read_unlisted(
    input: &mut dyn ReadSeek,
    listed: &Listed,
    sink: &mut dyn InnerSink,
    names: &mut Names,
) -> Result<(), DecodeError> {
    const SIGNATURE: &[u8] = b"PK\x03\x04";
    let end = input.seek(SeekFrom::End(0))?;
    let mut covered = listed.clone();
    covered.sort_unstable();
    let mut found = Vec::new();
    let mut at = 0u64;
    for &(start, stop) in covered.iter().chain(std::iter::once(&(end, end))) {
        if start > at {
            found.extend(signatures_in(input, at, start, SIGNATURE)?);
        }
        // A listed member's own header is not a find.
        at = at.max(stop).max(start.saturating_add(1));
    }
    let max_members = sink.limits().max_members;
    for (count, offset) in found
        .into_iter()
        .filter(|o| !listed.iter().any(|(start, _)| start == o))
        .enumerate()
    {
        if count as u64 >= max_members {
            return Err(DecodeError::Limit(format!(
                "more than {max_members} members outside the directory (--max-members); the rest were not scanned"
            )));
        }
        input.seek(SeekFrom::Start(offset))?;
        let mut reader = &mut *input;
        let Ok(Some(mut member)) = read_zipfile_from_stream(&mut reader) else {
            continue; // the bytes only looked like a header
        };
        if member.is_dir() {
            continue;
        }
        let layer = names.member_layer(member.name().ok().map(|n| n.into_owned()), || {
            format!("@{offset}")
        });
        let name = layer.name.clone();
        if let Err(e) = sink.push(Piece::member(layer, &mut member)) {
            match DecodeError::reading(&format!("member {name}"), e) {
                limit @ DecodeError::Limit(_) => return Err(limit),
                damage => sink.event(Event::skip(&name, damage.skip_reason(), damage.to_string())),
            }
        }
    }
    Ok(())
}

/// Offsets of `signature` in `input[from..to]`.
fn signatures_in(
    input: &mut dyn ReadSeek,
    from: u64,
    to: u64,
    signature: &[u8],
) -> Result<Vec<u64>, DecodeError> {
    const WINDOW: usize = 1 << 20;
    let mut found = Vec::new();
    let mut buf = vec![0u8; WINDOW];
    let mut at = from;
    input.seek(SeekFrom::Start(from))?;
    while at < to {
        let want = usize::try_from(to - at).unwrap_or(WINDOW).min(WINDOW);
        let n = read_up_to(input, &mut buf[..want])?;
        if n == 0 {
            break;
        }
        found.extend(memchr::memmem::find_iter(&buf[..n], signature).map(|i| at + i as u64));
        if n < signature.len() || at + (n as u64) >= to {
            break;
        }
        // Overlap so that a signature across two windows is found once.
        let step = (n - (signature.len() - 1)) as u64;
        at += step;
        input.seek(SeekFrom::Start(at))?;
    }
    found.dedup();
    Ok(found)
}

fn read_up_to(input: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads members front to back by their local headers, up to the directory
/// or the first damage.
fn read_local_headers(
    input: &mut dyn Read,
    sink: &mut dyn InnerSink,
    names: &mut Names,
) -> Result<(), DecodeError> {
    let max_members = sink.limits().max_members;
    let mut input = input;
    for index in 0u64.. {
        let mut member = match read_zipfile_from_stream(&mut input) {
            Ok(Some(member)) => member,
            Ok(None) => return Ok(()),
            Err(e) => {
                let (reason, detail) = member_problem(&e);
                return Err(match reason {
                    SkipReason::Encrypted => DecodeError::Encrypted(format!(
                        "member {} (read by local headers, the rest cannot be reached)",
                        index + 1
                    )),
                    _ => DecodeError::Corrupt(format!("member {}: {detail}", index + 1)),
                });
            }
        };
        if index >= max_members {
            return Err(DecodeError::Limit(format!(
                "more than {max_members} members (--max-members); the rest were not scanned"
            )));
        }
        if member.is_dir() {
            continue;
        }
        let layer = names.member_layer(member.name().ok().map(|n| n.into_owned()), || format!("#{index}"));
        let name = layer.name.clone();
        sink.push(Piece::member(layer, &mut member))
            .map_err(|e| DecodeError::reading(&format!("member {name}"), e))?;
    }
    Ok(())
}

/// Why a member cannot be read, as a skip reason and detail.
fn member_problem(e: &ZipError) -> (SkipReason, String) {
    match e {
        ZipError::UnsupportedArchive(what) if *what == ZipError::PASSWORD_REQUIRED => {
            (SkipReason::Encrypted, "encrypted zip member".to_string())
        }
        ZipError::UnsupportedArchive(what) => {
            (SkipReason::ReadError, format!("unsupported zip feature: {what}"))
        }
        ZipError::CompressionMethodNotSupported(method) => (
            SkipReason::ReadError,
            format!("unsupported compression method {method}"),
        ),
        other => (SkipReason::Corrupt, format!("damaged zip member: {other}")),
    }
}
