//! zip, and everything built on it: docx, xlsx, pptx, odt, ods, jar, apk.
//!
//! A zip's directory is at its end, so reading it properly needs random
//! access. A zip on disk is read in place ([`Decoder::decode_seekable`]). A
//! zip inside another container arrives as a stream: it is held in memory up
//! to [`Limits::max_buffered_bytes`](crate::scan::Limits) and read the same
//! way; a bigger one, and a zip whose directory is damaged or missing (a
//! truncated download), is read front to back by its members' local headers,
//! which recovers every member before the damage.
//!
//! Each member is pushed under its name in the archive. Encrypted members are
//! recorded as skipped (`encrypted`); a damaged member is recorded as
//! `corrupt` and the next member is still read.

use std::io::{Cursor, Read, Seek, SeekFrom};

use zip::read::read_zipfile_from_stream;
use zip::result::ZipError;
use zip::ZipArchive;

use super::{DecodeError, Decoder, InnerSink, ReadSeek};
use crate::findings::{Layer, LayerKind, SkipReason};

pub struct Zip;

impl Decoder for Zip {
    fn name(&self) -> &'static str {
        "zip"
    }

    /// A local file header first (every zip a tool writes), or the end record
    /// of an empty archive.
    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
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
            return read_local_headers(&mut rest, sink).map_err(|e| match e {
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
        match ZipArchive::new(&mut *input) {
            Ok(mut archive) => read_directory(&mut archive, sink),
            Err(damage) => {
                input.seek(SeekFrom::Start(0))?;
                read_local_headers(input, sink)?;
                Err(DecodeError::Corrupt(format!(
                    "zip directory unreadable ({damage}); members were read by their local headers"
                )))
            }
        }
    }
}

/// Reads every member listed in the archive's directory.
fn read_directory<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    sink: &mut dyn InnerSink,
) -> Result<(), DecodeError> {
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
        let mut member = match archive.by_index(index) {
            Ok(member) => member,
            Err(e) => {
                let (reason, detail) = member_problem(&e);
                sink.skipped(&name, reason, detail);
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
        if let Err(e) = sink.stream(layer, &mut member) {
            match DecodeError::reading(&format!("member {name}"), e) {
                limit @ DecodeError::Limit(_) => return Err(limit),
                damage => sink.skipped(&name, damage.skip_reason(), damage.to_string()),
            }
        }
    }
    Ok(())
}

/// Reads members front to back by their local headers, up to the directory
/// or the first damage.
fn read_local_headers(input: &mut dyn Read, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
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
        let name = match member.name() {
            Ok(name) => name.into_owned(),
            Err(_) => format!("#{index}"),
        };
        let layer = Layer {
            kind: LayerKind::Member,
            name: name.clone(),
        };
        sink.stream(layer, &mut member)
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
