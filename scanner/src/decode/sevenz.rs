//! 7z archives, read with `sevenz-rust2` (pure Rust: LZMA, LZMA2, BZip2,
//! PPMd, Zstandard, BCJ filters, AES).
//!
//! Like zip, 7z keeps its directory at the end: an archive on disk is read
//! in place, one inside another container is held in memory up to
//! `--max-buffered-bytes`. Each file is pushed under its name; a solid block
//! is decoded once, front to back. A password-protected archive or member
//! is `encrypted`; a codec the crate lacks (Deflate64, ARM64 filter, …) is
//! `not_decodable`; both are gaps.

use std::io::{Cursor, Read};

use sevenz_rust2::{ArchiveReader, EntryDecision, Error as SevenzError, Password};

use super::{DecodeError, Decoder, InnerSink, ReadSeek};
use crate::decode::{Event, Piece};
use crate::findings::{Layer, LayerKind};

pub struct SevenZ;

const MAGIC: &[u8] = b"7z\xbc\xaf\x27\x1c";

impl Decoder for SevenZ {
    fn name(&self) -> &'static str {
        "7z"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(MAGIC)
    }

    fn holds_input(&self, seekable: bool) -> bool {
        // A 7z archive on disk is read in place.
        !seekable
    }

    fn decode(&self, input: &mut dyn Read, name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limit = sink.limits().max_buffered_bytes;
        let mut held = Vec::new();
        input
            .take(limit.saturating_add(1))
            .read_to_end(&mut held)
            .map_err(|e| DecodeError::reading("7z", e))?;
        if held.len() as u64 > limit {
            return Err(DecodeError::Limit(format!(
                "7z archive inside another container is larger than {limit} bytes (--max-buffered-bytes); its members were not scanned"
            )));
        }
        self.decode_seekable(&mut Cursor::new(held), name, sink)
    }

    fn decode_seekable(
        &self,
        input: &mut dyn ReadSeek,
        _name: &str,
        sink: &mut dyn InnerSink,
    ) -> Result<(), DecodeError> {
        // Dictionaries and headers are held in memory: bound them like any buffer.
        let memory_kb = usize::try_from(sink.limits().max_buffered_bytes / 1024).unwrap_or(usize::MAX);
        let mut archive = ArchiveReader::new_with_memory_limit(&mut *input, Password::empty(), memory_kb)
            .map_err(|e| archive_problem("7z directory", e))?;
        // The scan already runs one file per thread.
        archive.set_thread_count(1);
        let members = archive.archive().files.len() as u64;
        let max_members = sink.limits().max_members;
        if members > max_members {
            return Err(DecodeError::Limit(format!(
                "{members} members, more than {max_members} (--max-members); none were scanned"
            )));
        }
        let mut stopped: Option<DecodeError> = None;
        let walked = archive.for_each_entries_with_decision(|entry, reader| {
            if entry.is_directory() {
                return Ok(EntryDecision::Continue);
            }
            let layer = Layer {
                kind: LayerKind::Member,
                name: entry.name().to_string(),
            };
            match sink.push(Piece::member(layer, reader)) {
                Ok(_) => Ok(EntryDecision::Continue),
                Err(e) => match DecodeError::reading(&format!("member {}", entry.name()), e) {
                    limit @ DecodeError::Limit(_) => {
                        stopped = Some(limit);
                        Ok(EntryDecision::Stop)
                    }
                    damage => {
                        // The rest of a damaged solid block cannot be trusted; later blocks can.
                        sink.event(Event::skip(
                            entry.name(),
                            damage.skip_reason(),
                            damage.to_string(),
                        ));
                        Ok(EntryDecision::SkipBlock)
                    }
                },
            }
        });
        if let Some(limit) = stopped {
            return Err(limit);
        }
        walked.map_err(|e| archive_problem("7z member", e))
    }
}

/// The decode error for a problem the 7z reader reports.
fn archive_problem(what: &str, e: SevenzError) -> DecodeError {
    match e {
        SevenzError::PasswordRequired | SevenzError::MaybeBadPassword(_) => {
            DecodeError::Encrypted(format!("{what}: password-protected 7z"))
        }
        SevenzError::UnsupportedCompressionMethod(method) => {
            DecodeError::NotDecodable(format!("{what}: 7z codec {method} is not supported"))
        }
        SevenzError::Unsupported(why) => {
            DecodeError::NotDecodable(format!("{what}: unsupported 7z feature: {why}"))
        }
        SevenzError::MaxMemLimited { max_kb, actaul_kb } => DecodeError::Limit(format!(
            "{what}: needs {actaul_kb} KiB of memory, more than {max_kb} KiB (--max-buffered-bytes)"
        )),
        SevenzError::Io(io, _) => DecodeError::reading(what, io),
        other => DecodeError::Corrupt(format!("{what}: {other}")),
    }
}
