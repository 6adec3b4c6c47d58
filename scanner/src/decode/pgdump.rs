//! PostgreSQL custom-format dumps (`pg_dump -Fc`), whose table data is
//! compressed (zlib, or zstd since PostgreSQL 16) in blocks.
//!
//! The format, as `pg_backup_archiver.c` and `pg_backup_custom.c` write it:
//! a header (`PGDMP`, version, integer and offset sizes, format 1 =
//! custom, the compression, the creation time, database and server names),
//! a table of contents (per entry: dump id, tag, kind such as `TABLE DATA`,
//! the SQL that makes it, its schema, owner, dependencies, and where its
//! data is), then the data blocks: a type byte (1 = table data, 3 = large
//! objects), the entry's dump id, and the data as length-prefixed chunks
//! ended by a zero length, one compressed stream per block (per large object).
//! Integers are a sign byte and `int size` bytes, least significant first;
//! a string is its length (an integer; -1 for none) and its bytes.
//!
//! Each table's data is pushed as one stream named after the table
//! (`dump.pgc!/public.orders`), so a finding names the table; the text of
//! the table of contents (definitions, comments, defaults) is pushed as
//! `toc`. Blocks are read in the order they are stored, whatever the table
//! of contents says about their offsets.

use std::collections::HashMap;
use std::io::{self, Read};

use flate2::read::ZlibDecoder;

use super::{DecodeError, Decoder, InnerSink};
use crate::decode::{Event, Piece};
use crate::findings::{Layer, LayerKind};

pub struct PgDump;

const MAGIC: &[u8] = b"PGDMP";
/// Archive format byte of the custom format.
const FORMAT_CUSTOM: u8 = 1;
const BLOCK_DATA: u8 = 1;
const BLOCK_BLOBS: u8 = 3;
/// Largest TOC string accepted: a definition of a few megabytes is already huge.
const MAX_STRING: usize = 64 << 20;
/// Largest number of TOC entries accepted.
const MAX_ENTRIES: i64 = 10_000_000;

impl Decoder for PgDump {
    fn name(&self) -> &'static str {
        "pg_dump"
    }

    /// `PGDMP`, a version 1.x, sane integer and offset sizes, the custom format.
    fn sniff(&self, head: &[u8]) -> bool {
        let Some(rest) = head.strip_prefix(MAGIC) else {
            return false;
        };
        let (sizes_at, ok_version) = match rest {
            [1, 0, ..] => (2, true),
            [1, _, _, ..] => (3, true),
            _ => (0, false),
        };
        ok_version
            && matches!(rest.get(sizes_at..sizes_at + 3), Some([int, off, FORMAT_CUSTOM]) if (1..=8).contains(int) && (1..=8).contains(off))
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut dump = DumpReader::new(input);
        let header = dump
            .header()
            .map_err(|e| DecodeError::reading("pg_dump header", e))?;
        let toc = dump
            .toc()
            .map_err(|e| DecodeError::reading("pg_dump table of contents", e))?;
        let toc_layer = Layer {
            kind: LayerKind::Member,
            name: "toc".to_string(),
        };
        sink.push(Piece::member(toc_layer, &mut toc.text.as_slice()))
            .map_err(|e| DecodeError::reading("pg_dump table of contents", e))?;
        let mut unread: Option<DecodeError> = None;
        while let Some(kind) = dump
            .byte_or_end()
            .map_err(|e| DecodeError::reading("pg_dump data", e))?
        {
            let id = dump.int().map_err(|e| DecodeError::reading("pg_dump data", e))?;
            let name = toc
                .names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("dump-id-{id}"));
            match kind {
                BLOCK_DATA => {
                    if let Err(e) = dump.block(&name, header.compression, sink) {
                        keep_first(&mut unread, e)?;
                    }
                }
                BLOCK_BLOBS => loop {
                    let oid = dump
                        .int()
                        .map_err(|e| DecodeError::reading("pg_dump large objects", e))?;
                    if oid == 0 {
                        break;
                    }
                    if let Err(e) = dump.block(&format!("{name}/{oid}"), header.compression, sink) {
                        keep_first(&mut unread, e)?;
                    }
                },
                other => {
                    return Err(DecodeError::Corrupt(format!(
                        "pg_dump data block of unknown type {other} (dump id {id})"
                    )))
                }
            }
        }
        unread.map_or(Ok(()), Err)
    }
}

/// Keeps the first problem of a block that was skipped; a limit stops everything.
fn keep_first(first: &mut Option<DecodeError>, e: DecodeError) -> Result<(), DecodeError> {
    if matches!(e, DecodeError::Limit(_)) {
        return Err(e);
    }
    first.get_or_insert(e);
    Ok(())
}

/// How table data is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Zlib,
    Lz4,
    Zstd,
}

struct Header {
    compression: Compression,
}

/// The table of contents: names of the entries that have data, and its text.
struct Toc {
    names: HashMap<i64, String>,
    text: Vec<u8>,
}

struct DumpReader<'r> {
    input: &'r mut dyn Read,
    version: (u8, u8, u8),
    int_size: usize,
    off_size: usize,
}

impl<'r> DumpReader<'r> {
    fn new(input: &'r mut dyn Read) -> Self {
        DumpReader {
            input,
            version: (0, 0, 0),
            int_size: 4,
            off_size: 8,
        }
    }

    fn at_least(&self, minor: u8) -> bool {
        self.version >= (1, minor, 0)
    }

    fn header(&mut self) -> io::Result<Header> {
        let mut magic = [0u8; 5];
        self.input.read_exact(&mut magic)?;
        let major = self.byte()?;
        let minor = self.byte()?;
        let revision = if major > 1 || (major == 1 && minor > 0) {
            self.byte()?
        } else {
            0
        };
        self.version = (major, minor, revision);
        self.int_size = usize::from(self.byte()?);
        self.off_size = usize::from(self.byte()?);
        if !(1..=8).contains(&self.int_size) || !(1..=8).contains(&self.off_size) {
            return Err(invalid("integer sizes out of range"));
        }
        if self.byte()? != FORMAT_CUSTOM {
            return Err(invalid("not the custom format"));
        }
        let compression = if self.at_least(15) {
            match self.byte()? {
                0 => Compression::None,
                1 => Compression::Zlib,
                2 => Compression::Lz4,
                3 => Compression::Zstd,
                _ => return Err(invalid("unknown compression")),
            }
        } else {
            let level = if self.at_least(4) {
                self.int()?
            } else if self.at_least(2) {
                i64::from(self.byte()?)
            } else {
                0
            };
            if level == 0 {
                Compression::None
            } else {
                Compression::Zlib
            }
        };
        if self.at_least(4) {
            for _ in 0..7 {
                self.int()?; // creation time: sec, min, hour, day, month, year, dst
            }
        }
        self.string()?; // database name
        if self.at_least(10) {
            self.string()?; // server version
            self.string()?; // pg_dump version
        }
        Ok(Header { compression })
    }

    fn toc(&mut self) -> io::Result<Toc> {
        let count = self.int()?;
        if !(0..=MAX_ENTRIES).contains(&count) {
            return Err(invalid("table of contents size out of range"));
        }
        let mut names = HashMap::new();
        let mut text = Vec::new();
        for _ in 0..count {
            let id = self.int()?;
            let _had_dumper = self.int()?;
            if self.at_least(8) {
                self.string()?; // table oid
            }
            self.string()?; // oid
            let tag = self.string()?.unwrap_or_default();
            let desc = self.string()?.unwrap_or_default();
            if self.at_least(11) {
                self.int()?; // section
            }
            let definition = self.string()?;
            self.string()?; // drop statement
            let copy = if self.at_least(3) { self.string()? } else { None };
            let namespace = if self.at_least(6) { self.string()? } else { None };
            if self.at_least(10) {
                self.string()?; // tablespace
            }
            if self.at_least(14) {
                self.string()?; // table access method
            }
            if self.at_least(16) {
                self.int()?; // relkind
            }
            self.string()?; // owner
            if self.at_least(9) {
                self.string()?; // with oids
            }
            if self.at_least(5) {
                while self.string()?.is_some() {} // dependencies
            }
            if self.at_least(7) {
                self.byte()?; // data offset state
                self.skip(self.off_size)?;
            } else {
                self.int()?;
            }
            for part in [definition, copy].into_iter().flatten() {
                if text.len() + part.len() <= MAX_STRING {
                    text.extend_from_slice(part.as_bytes());
                    text.push(b'\n');
                }
            }
            let name = match (desc.as_str(), namespace) {
                ("TABLE DATA" | "MATERIALIZED VIEW DATA", Some(schema)) => format!("{schema}.{tag}"),
                ("TABLE DATA" | "MATERIALIZED VIEW DATA", None) => tag,
                _ => format!("{desc} {tag}").trim().to_string(),
            };
            names.insert(id, name);
        }
        Ok(Toc { names, text })
    }

    /// Pushes one block's data (its chunks, decompressed) as the member `name`.
    fn block(
        &mut self,
        name: &str,
        compression: Compression,
        sink: &mut dyn InnerSink,
    ) -> Result<(), DecodeError> {
        let int_size = self.int_size;
        let mut chunks = Chunks {
            input: &mut *self.input,
            int_size,
            left: 0,
            done: false,
        };
        let layer = Layer {
            kind: LayerKind::Member,
            name: name.to_string(),
        };
        let pushed = match compression {
            Compression::None => sink.push(Piece::member(layer, &mut chunks)),
            Compression::Zlib => sink.push(Piece::member(layer, &mut ZlibDecoder::new(&mut chunks))),
            Compression::Zstd => match zstd::stream::read::Decoder::new(&mut chunks) {
                Ok(mut decoder) => sink.push(Piece::member(layer, &mut decoder)),
                Err(e) => Err(e),
            },
            Compression::Lz4 => {
                io::copy(&mut chunks, &mut io::sink()).map_err(|e| DecodeError::reading(name, e))?;
                sink.event(Event::skip(
                    name,
                    crate::findings::SkipReason::NotDecodable,
                    "pg_dump data compressed with LZ4, which hihoji cannot read".to_string(),
                ));
                return Ok(());
            }
        };
        let pushed = pushed.map_err(|e| DecodeError::reading(&format!("table data {name}"), e));
        // Whatever the member's scan left unread, up to the block's end.
        io::copy(&mut chunks, &mut io::sink()).map_err(|e| DecodeError::reading(name, e))?;
        match pushed {
            Ok(_) => Ok(()),
            Err(e @ DecodeError::Limit(_)) => Err(e),
            Err(e) => {
                sink.event(Event::skip(name, e.skip_reason(), e.to_string()));
                Ok(())
            }
        }
    }

    fn byte(&mut self) -> io::Result<u8> {
        let mut b = [0u8; 1];
        self.input.read_exact(&mut b)?;
        Ok(b[0])
    }

    /// A byte, or `None` at a clean end of the dump.
    fn byte_or_end(&mut self) -> io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        loop {
            return match self.input.read(&mut b) {
                Ok(0) => Ok(None),
                Ok(_) => Ok(Some(b[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
        }
    }

    fn int(&mut self) -> io::Result<i64> {
        read_int(self.input, self.int_size)
    }

    fn skip(&mut self, n: usize) -> io::Result<()> {
        let copied = io::copy(&mut (&mut *self.input).take(n as u64), &mut io::sink())?;
        if copied < n as u64 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        Ok(())
    }

    fn string(&mut self) -> io::Result<Option<String>> {
        let len = self.int()?;
        if len < 0 {
            return Ok(None);
        }
        let len = usize::try_from(len).map_err(|_| invalid("string length"))?;
        if len > MAX_STRING {
            return Err(invalid("string longer than 64 MiB"));
        }
        let mut bytes = vec![0u8; len];
        self.input.read_exact(&mut bytes)?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

/// A sign byte (non-zero: negative) and `size` bytes, least significant first.
fn read_int(input: &mut dyn Read, size: usize) -> io::Result<i64> {
    let mut bytes = [0u8; 9];
    input.read_exact(&mut bytes[..=size])?;
    let magnitude = bytes[1..=size]
        .iter()
        .rev()
        .fold(0i64, |acc, &b| acc.wrapping_shl(8) | i64::from(b));
    Ok(if bytes[0] != 0 { -magnitude } else { magnitude })
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("pg_dump: {what}"))
}

/// A block's chunks as one stream: (length, bytes) until a zero length.
struct Chunks<'r> {
    input: &'r mut dyn Read,
    int_size: usize,
    left: usize,
    done: bool,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.left == 0 {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            let len = read_int(self.input, self.int_size)?;
            if len <= 0 {
                self.done = true;
                return Ok(0);
            }
            self.left = usize::try_from(len).map_err(|_| invalid("chunk length"))?;
        }
        let want = buf.len().min(self.left);
        let n = self.input.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
        }
        self.left -= n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_custom_format_is_recognised_and_other_formats_are_not() {
        assert!(PgDump.sniff(b"PGDMP\x01\x0e\x00\x04\x08\x01rest"));
        assert!(
            !PgDump.sniff(b"PGDMP\x01\x0e\x00\x04\x08\x03rest"),
            "tar format is a tar"
        );
        assert!(!PgDump.sniff(b"PGDMP"));
        assert!(!PgDump.sniff(b"PGDMP is a word"));
    }

    #[test]
    fn integers_are_sign_and_magnitude_least_significant_first() {
        assert_eq!(read_int(&mut &[0u8, 0x12, 0x0d, 0, 0][..], 4).unwrap(), 3346);
        assert_eq!(read_int(&mut &[1u8, 1, 0, 0, 0][..], 4).unwrap(), -1);
    }
}
