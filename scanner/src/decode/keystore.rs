//! Java keystores (JKS, and the JCEKS variant): `cacerts` on every machine
//! with a Java runtime. Trusted certificates are stored in the clear (DER)
//! and are pushed under their aliases; private keys are encrypted with the
//! keystore's password and recorded as not readable. Read whole as bytes, a
//! keystore looks like an encrypted blob, and every Java server's verdict
//! would be incomplete.
//!
//! Layout: magic, version (1 or 2), entry count, then per entry a tag
//! (1 private key, 2 trusted certificate, 3 JCEKS secret key), a modified
//! UTF-8 alias, a timestamp and the entry's data; certificates carry their
//! type's name from version 2 on.

use std::io::{self, Read};

use super::{DecodeError, Decoder, Event, InnerSink, Piece};
use crate::findings::{Layer, LayerKind, SkipReason};

pub struct Keystore;

const JKS: [u8; 4] = [0xFE, 0xED, 0xFE, 0xED];
const JCEKS: [u8; 4] = [0xCE, 0xCE, 0xCE, 0xCE];
/// A certificate or key larger than this is damage, not data.
const MAX_ENTRY_BYTES: u32 = 1 << 20;

impl Decoder for Keystore {
    fn name(&self) -> &'static str {
        "keystore"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        (head.starts_with(&JKS) || head.starts_with(&JCEKS))
            && matches!(head.get(4..8), Some([0, 0, 0, 1 | 2]))
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let corrupt = |what: &str| DecodeError::Corrupt(format!("keystore: {what}"));
        let _magic = read_u32(input).map_err(|e| DecodeError::reading("keystore header", e))?;
        let version = read_u32(input).map_err(|e| DecodeError::reading("keystore header", e))?;
        let count = read_u32(input).map_err(|e| DecodeError::reading("keystore header", e))?;
        let max_members = sink.limits().max_members;
        if u64::from(count) > max_members {
            return Err(DecodeError::Limit(format!(
                "{count} entries, more than {max_members} (--max-members); none were scanned"
            )));
        }
        for index in 1..=count {
            let entry = format!("entry {index}");
            let tag = read_u32(input).map_err(|e| DecodeError::reading(&entry, e))?;
            let alias = read_utf(input).map_err(|e| DecodeError::reading(&entry, e))?;
            let name = if alias.is_empty() {
                format!("#{index}")
            } else {
                alias
            };
            let _timestamp = read_exact::<8>(input).map_err(|e| DecodeError::reading(&name, e))?;
            match tag {
                1 => {
                    let key_len = read_len(input).map_err(|e| DecodeError::reading(&name, e))?;
                    io::copy(&mut input.take(u64::from(key_len)), &mut io::sink())
                        .map_err(|e| DecodeError::reading(&name, e))?;
                    sink.event(Event::skip(
                        &name,
                        SkipReason::Encrypted,
                        "a private key, encrypted with the keystore's password".to_string(),
                    ));
                    let chain = read_u32(input).map_err(|e| DecodeError::reading(&name, e))?;
                    if u64::from(chain) > max_members {
                        return Err(corrupt(&format!("{name}: a chain of {chain} certificates")));
                    }
                    for link in 1..=chain {
                        push_certificate(input, version, &format!("{name}#{link}"), sink)?;
                    }
                }
                2 => push_certificate(input, version, &name, sink)?,
                // A JCEKS secret key is a serialized Java object sealed with
                // the password: its length is not stored, so nothing after it
                // can be found.
                3 => {
                    return Err(DecodeError::Encrypted(format!(
                        "{name}: a secret key sealed with the keystore's password; the {} entries after it were not read",
                        count - index
                    )))
                }
                other => return Err(corrupt(&format!("{name}: unknown entry tag {other}"))),
            }
        }
        Ok(())
    }

    fn expands(&self) -> bool {
        false
    }
}

/// One certificate: its type's name (version 2), its length, its DER bytes.
fn push_certificate(
    input: &mut dyn Read,
    version: u32,
    name: &str,
    sink: &mut dyn InnerSink,
) -> Result<(), DecodeError> {
    if version == 2 {
        read_utf(input).map_err(|e| DecodeError::reading(name, e))?;
    }
    let len = read_len(input).map_err(|e| DecodeError::reading(name, e))?;
    let mut der = input.take(u64::from(len));
    let layer = Layer {
        kind: LayerKind::Member,
        name: name.to_string(),
    };
    sink.push(Piece::member(layer, &mut der))
        .map_err(|e| DecodeError::reading(name, e))?;
    io::copy(&mut der, &mut io::sink()).map_err(|e| DecodeError::reading(name, e))?;
    Ok(())
}

fn read_exact<const N: usize>(input: &mut dyn Read) -> io::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn read_u32(input: &mut dyn Read) -> io::Result<u32> {
    read_exact::<4>(input).map(u32::from_be_bytes)
}

/// A length that a keystore entry can have.
fn read_len(input: &mut dyn Read) -> io::Result<u32> {
    let len = read_u32(input)?;
    if len > MAX_ENTRY_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("an entry of {len} bytes"),
        ));
    }
    Ok(len)
}

/// Java's modified UTF-8 with a two-byte length; read lossily as a name.
fn read_utf(input: &mut dyn Read) -> io::Result<String> {
    let len = u16::from_be_bytes(read_exact::<2>(input)?);
    let mut bytes = vec![0u8; usize::from(len)];
    input.read_exact(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
