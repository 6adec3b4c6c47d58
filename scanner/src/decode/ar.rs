//! `ar` archives: Debian packages (`.deb`: `control.tar.xz`, `data.tar.zst`)
//! and static libraries (`.a`). Members are slices of the archive, pushed
//! under their names and decoded further (a `.deb`'s tarballs).

use std::io::{self, Read};

use super::{DecodeError, Decoder, InnerSink};
use crate::decode::Piece;
use crate::findings::{Layer, LayerKind};

pub struct Ar;

const MAGIC: &[u8] = b"!<arch>\n";
/// name, mtime, uid, gid, mode, size, "`\n".
const HEADER: usize = 60;

impl Decoder for Ar {
    fn name(&self) -> &'static str {
        "ar"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(MAGIC)
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut magic = [0u8; MAGIC.len()];
        input
            .read_exact(&mut magic)
            .map_err(|e| DecodeError::reading("ar header", e))?;
        let max_members = sink.limits().max_members;
        for index in 0u64.. {
            let mut header = [0u8; HEADER];
            match read_header(input, &mut header) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(DecodeError::reading("ar member header", e)),
            }
            if &header[58..60] != b"`\n" {
                return Err(DecodeError::Corrupt(format!(
                    "ar member {}: bad header",
                    index + 1
                )));
            }
            if index >= max_members {
                return Err(DecodeError::Limit(format!(
                    "more than {max_members} members (--max-members); the rest were not scanned"
                )));
            }
            let size: u64 = std::str::from_utf8(&header[48..58])
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| DecodeError::Corrupt(format!("ar member {}: bad size", index + 1)))?;
            let raw_name = String::from_utf8_lossy(&header[..16]);
            let name = raw_name.trim_end().trim_end_matches('/').to_string();
            let name = if name.is_empty() {
                format!("#{}", index + 1)
            } else {
                name
            };
            let mut member = input.take(size);
            let layer = Layer {
                kind: LayerKind::Member,
                name: name.clone(),
            };
            sink.push(Piece::member(layer, &mut member))
                .map_err(|e| DecodeError::reading(&format!("member {name}"), e))?;
            // What the member's scan left unread, and the padding to an even offset.
            io::copy(&mut member, &mut io::sink()).map_err(|e| DecodeError::reading(&name, e))?;
            if size % 2 == 1 {
                io::copy(&mut input.take(1), &mut io::sink()).map_err(|e| DecodeError::reading(&name, e))?;
            }
        }
        Ok(())
    }

    fn expands(&self) -> bool {
        false
    }
}

/// Reads one member header; false at a clean end of the archive.
fn read_header(input: &mut dyn Read, header: &mut [u8; HEADER]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < HEADER {
        match input.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}
