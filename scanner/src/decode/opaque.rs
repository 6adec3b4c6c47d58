//! Formats hihoji recognises but cannot read: archives and compressors with
//! no well-kept pure-Rust decoder here (rar, cab, arj, lzh, …) and encrypted
//! containers (OpenSSL `enc`, OpenPGP messages, age, LUKS, Ansible vault).
//!
//! Their content is compressed or encrypted, so a scan of their bytes says
//! nothing about it: such a stream is recorded as `not_decodable` (or
//! `encrypted`) with its format, a gap that makes the verdict incomplete.
//! Their raw bytes are still scanned, for what is stored uncompressed (a
//! rar's stored members, names, comments).
//!
//! Also here: the formats whose bytes are legitimately not text and that
//! the entropy check leaves alone (see `scan::entropy`).

use std::io::Read;

use super::{DecodeError, Decoder, InnerSink};
use crate::decode::Piece;

/// A format told by its first bytes.
struct Signature {
    /// Where the magic starts.
    at: usize,
    magic: &'static [u8],
    name: &'static str,
    /// Encrypted (`encrypted`) rather than compressed (`not_decodable`).
    encrypted: bool,
}

const fn sig(at: usize, magic: &'static [u8], name: &'static str) -> Signature {
    Signature {
        at,
        magic,
        name,
        encrypted: false,
    }
}

const fn enc(magic: &'static [u8], name: &'static str) -> Signature {
    Signature {
        at: 0,
        magic,
        name,
        encrypted: true,
    }
}

/// Formats with no decoder here. Signatures of a few bytes only where a
/// text or ordinary binary file cannot start so.
const OPAQUE: &[Signature] = &[
    sig(0, b"Rar!\x1a\x07", "RAR archive"),
    sig(0, b"MSCF\0\0\0\0", "Microsoft Cabinet (cab)"),
    sig(7, b"**ACE**", "ACE archive"),
    sig(0, b"LZIP", "lzip"),
    sig(0, b"\x02\x21\x4c\x18", "LZ4 (legacy frame)"),
    sig(0, b"mozLz40\0", "Mozilla LZ4 (mozlz4)"),
    sig(0, b"\xff\x06\0\0sNaPpY", "Snappy framed stream"),
    sig(0, b"\x89LZO\0\r\n\x1a\n", "lzop"),
    sig(0, b"SZDD\x88\xf0\x27\x33", "MS-DOS COMPRESS (SZDD)"),
    sig(0, b"KWAJ\x88\xf0\x27\xd1", "MS-DOS COMPRESS (KWAJ)"),
    sig(0, b"\x1f\x9d", "Unix compress (.Z)"),
    sig(0, b"StuffIt ", "StuffIt archive"),
    sig(0, b"SIT!\0", "StuffIt archive"),
    sig(0, b"xar!", "xar archive"),
    sig(0, b"hsqs", "SquashFS image"),
    sig(0, b"sqsh", "SquashFS image"),
    sig(0, b"\xed\xab\xee\xdb", "RPM package (compressed payload)"),
    sig(0, b"zPQ", "ZPAQ archive"),
    enc(b"Salted__", "OpenSSL enc (encrypted)"),
    enc(b"-----BEGIN PGP MESSAGE-----", "OpenPGP message (encrypted)"),
    enc(b"age-encryption.org/v1", "age (encrypted)"),
    enc(b"$ANSIBLE_VAULT;", "Ansible vault (encrypted)"),
    enc(b"LUKS\xba\xbe", "LUKS volume (encrypted)"),
];

/// The opaque format `head` starts with, if any.
fn opaque_format(head: &[u8]) -> Option<&'static Signature> {
    OPAQUE
        .iter()
        .find(|s| head.get(s.at..).is_some_and(|h| h.starts_with(s.magic)))
        .or_else(|| (is_arj(head) || is_lzh(head)).then_some(&ARCHIVE_BY_HEADER))
}

const ARCHIVE_BY_HEADER: Signature = sig(0, b"", "ARJ or LHA/LZH archive");

/// ARJ: 0x60 0xEA, then a header of at most 2600 bytes.
fn is_arj(head: &[u8]) -> bool {
    matches!(head, [0x60, 0xea, lo, hi, ..] if (1..=2600).contains(&u16::from_le_bytes([*lo, *hi])))
}

/// LHA/LZH: a method id such as `-lh5-` at byte 2.
fn is_lzh(head: &[u8]) -> bool {
    matches!(head.get(2..7), Some([b'-', b'l', b'h' | b'z', m, b'-']) if m.is_ascii_alphanumeric())
}

pub struct Opaque;

impl Decoder for Opaque {
    fn name(&self) -> &'static str {
        "opaque"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        opaque_format(head).is_some()
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let mut head = Vec::with_capacity(super::SNIFF_LEN);
        input
            .take(super::SNIFF_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|e| DecodeError::reading("opaque stream", e))?;
        let format = opaque_format(&head).map_or("unknown format", |s| s.name);
        let encrypted = opaque_format(&head).is_some_and(|s| s.encrypted);
        sink.push(Piece::here(&mut head.as_slice().chain(input), None))
            .map_err(|e| DecodeError::reading(format, e))?;
        let detail = format!("{format}: hihoji cannot read its content; its raw bytes were scanned");
        Err(if encrypted {
            DecodeError::Encrypted(detail)
        } else {
            DecodeError::NotDecodable(detail)
        })
    }

    fn expands(&self) -> bool {
        false
    }
}

/// Formats whose bytes are compressed by nature but are not records: pictures,
/// sound, video, fonts and machine code. Scanned as bytes like anything else,
/// but never called "not decodable" for their entropy: the guideline's card
/// data is not kept in pixels (a scanned image of a card is out of its scope)
/// and an executable's packed sections are code. A self-extracting archive
/// is the known blind spot of this choice (docs/formats.md).
pub fn legitimately_binary(head: &[u8]) -> bool {
    const MEDIA: &[(usize, &[u8])] = &[
        (0, b"\x89PNG\r\n\x1a\n"),
        (0, b"\xff\xd8\xff"),
        (0, b"GIF87a"),
        (0, b"GIF89a"),
        (0, b"II*\0"),
        (0, b"MM\0*"),
        (0, b"BM"),
        (0, b"\0\0\x01\0"),
        (4, b"ftyp"),
        (0, b"ID3"),
        (0, b"\xff\xfb"),
        (0, b"\xff\xf3"),
        (0, b"\xff\xf2"),
        (0, b"OggS"),
        (0, b"fLaC"),
        (0, b"\x1a\x45\xdf\xa3"),
        (0, b"FLV"),
        (0, b"wOFF"),
        (0, b"wOF2"),
        (0, b"\0\x01\0\0\0"),
        (0, b"OTTO"),
        (0, b"ttcf"),
        (0, b"\x7fELF"),
        (0, b"MZ"),
        (0, b"\xfe\xed\xfa\xce"),
        (0, b"\xfe\xed\xfa\xcf"),
        (0, b"\xce\xfa\xed\xfe"),
        (0, b"\xcf\xfa\xed\xfe"),
        (0, b"\xca\xfe\xba\xbe"),
        (0, b"\0asm"),
        (0, b"8BPS"),
    ];
    let riff_media =
        head.starts_with(b"RIFF") && matches!(head.get(8..12), Some(b"WEBP" | b"WAVE" | b"AVI " | b"RMID"));
    riff_media
        || MEDIA
            .iter()
            .any(|(at, magic)| head.get(*at..).is_some_and(|h| h.starts_with(magic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_formats_without_a_decoder_are_recognised_and_text_is_not() {
        assert_eq!(
            opaque_format(b"Rar!\x1a\x07\x01\0rest").map(|s| s.name),
            Some("RAR archive")
        );
        assert!(opaque_format(b"Salted__12345678").is_some_and(|s| s.encrypted));
        assert!(opaque_format(b"\x1f\x9d\x90data").is_some());
        assert!(is_lzh(b"\x20\x00-lh5-rest"));
        assert!(is_arj(&[0x60, 0xea, 0x20, 0x00, 0x1e]));
        for text in [&b"card=4539875260181596"[..], b"Rar is a word", b"", b"-lh5-"] {
            assert!(
                opaque_format(text).is_none(),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        assert!(legitimately_binary(b"\x89PNG\r\n\x1a\n...."));
        assert!(legitimately_binary(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!legitimately_binary(b"plain text"));
    }
}
