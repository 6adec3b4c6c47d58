//! tar (POSIX ustar, pax and GNU), read as a stream: each regular file's bytes
//! are pushed as a member as the archive is read, so a `.tar.gz` needs no
//! seeking and no buffering (the gzip decoder pushes the tar, this pushes its
//! members).

use std::io::Read;

use tar::{Archive, EntryType};

use super::{DecodeError, Decoder, InnerSink};
use crate::decode::Piece;
use crate::findings::{Layer, LayerKind};

pub struct Tar;

/// A tar header block's size.
const BLOCK: usize = 512;

impl Decoder for Tar {
    fn name(&self) -> &'static str {
        "tar"
    }

    /// The ustar magic, or (for old v7 archives) a header whose checksum adds up.
    fn sniff(&self, head: &[u8]) -> bool {
        head.len() >= BLOCK && (&head[257..262] == b"ustar" || v7_header(&head[..BLOCK]))
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let max_members = sink.limits().max_members;
        let mut archive = Archive::new(input);
        let entries = archive
            .entries()
            .map_err(|e| DecodeError::reading("tar header", e))?;
        for (index, entry) in entries.enumerate() {
            if index as u64 >= max_members {
                return Err(DecodeError::Limit(format!(
                    "more than {max_members} members (--max-members); the rest were not scanned"
                )));
            }
            let mut entry = entry.map_err(|e| DecodeError::reading("tar header", e))?;
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            // Directories, links and devices hold no bytes of their own.
            if !matches!(
                entry.header().entry_type(),
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse
            ) {
                continue;
            }
            let layer = Layer {
                kind: LayerKind::Member,
                name: name.clone(),
            };
            sink.push(Piece::member(layer, &mut entry))
                .map_err(|e| DecodeError::reading(&format!("member {name}"), e))?;
        }
        Ok(())
    }

    fn expands(&self) -> bool {
        false
    }
}

/// True when `header` is a pre-POSIX tar header: a name, and a checksum
/// field that matches the header's bytes (summed with that field as spaces).
fn v7_header(header: &[u8]) -> bool {
    if header[0] == 0 {
        return false;
    }
    let field = &header[148..156];
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|&b| b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(b))
        .collect();
    let Ok(text) = std::str::from_utf8(&digits) else {
        return false;
    };
    let Ok(stored) = u32::from_str_radix(text, 8) else {
        return false;
    };
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    stored == sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_old();
        h.set_path(name).unwrap();
        h.set_size(0);
        h.set_cksum();
        builder.append(&h, std::io::empty()).unwrap();
        builder.into_inner().unwrap()
    }

    #[test]
    fn old_v7_headers_are_recognised_by_checksum() {
        let tar = header("a.txt");
        assert!(Tar.sniff(&tar[..BLOCK]));
        let mut damaged = tar.clone();
        damaged[1] ^= 0x20;
        assert!(!Tar.sniff(&damaged[..BLOCK]));
    }

    #[test]
    fn text_is_not_tar() {
        assert!(!Tar.sniff(&[b'a'; BLOCK]));
    }
}
