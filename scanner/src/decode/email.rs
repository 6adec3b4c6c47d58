//! Email: one message (`.eml`, RFC 5322 with MIME) or a mailbox of them
//! (`.mbox`), parsed with `mail-parser`.
//!
//! A card number mailed in is often in a quoted-printable body (where a soft
//! line break can fall inside it), a base64 body, or an attached spreadsheet:
//! none of which the raw bytes show. So each MIME part is pushed decoded, as a
//! member named after its attachment file name (`mail.eml!/orders.xlsx`) or
//! its place (`mail.eml!/part-1.txt`), and is decoded further like any stream
//! (an attached zip is opened, a forwarded message is parsed again). The
//! message's own header block is scanned raw (a subject line can hold a PAN).
//!
//! A mailbox is split into messages at its `From ` lines, named
//! `message-N`. A message is parsed in memory, up to
//! [`Limits::max_buffered_bytes`](crate::limits::Limits); a bigger one is
//! scanned as raw bytes and recorded as not decoded.

use std::io::{BufRead, BufReader, Read};

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::{DecodeError, Decoder, InnerSink};
use crate::decode::{Event, Piece};
use crate::findings::{GuidelineCategory, Layer, LayerKind};

pub struct Email;

/// Header fields that only mail has (HTTP has `Date` and `Content-Type` too).
const MAIL_HEADERS: [&[u8]; 7] = [
    b"from:",
    b"message-id:",
    b"received:",
    b"return-path:",
    b"mime-version:",
    b"subject:",
    b"delivered-to:",
];

impl Decoder for Email {
    fn name(&self) -> &'static str {
        "email"
    }

    /// A mailbox's `From ` separator line, or a header block (the first line
    /// a header field) with at least two fields only mail has.
    fn sniff(&self, head: &[u8]) -> bool {
        if head.starts_with(b"From ") && head.contains(&b'\n') {
            return true;
        }
        let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let is_field = first.iter().position(|&b| b == b':').is_some_and(|colon| {
            colon > 0
                && first[..colon]
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !is_field {
            return false;
        }
        let lower = head.to_ascii_lowercase();
        let fields = MAIL_HEADERS
            .iter()
            .filter(|name| {
                lower.starts_with(name) || memchr::memmem::find(&lower, &[b"\n", **name].concat()).is_some()
            })
            .count();
        fields >= 2
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limit = sink.limits().max_buffered_bytes;
        let mut lines = BufReader::new(input);
        let mut first = Vec::new();
        lines
            .read_until(b'\n', &mut first)
            .map_err(|e| DecodeError::reading("email", e))?;
        if !first.starts_with(b"From ") {
            // One message: the whole stream.
            let mut raw = first;
            (&mut lines)
                .take(limit.saturating_add(1))
                .read_to_end(&mut raw)
                .map_err(|e| DecodeError::reading("email", e))?;
            if raw.len() as u64 > limit {
                let mut rest = std::io::Cursor::new(raw).chain(lines);
                sink.push(Piece::here(&mut rest, None))
                    .map_err(|e| DecodeError::reading("email", e))?;
                return Err(too_big(limit));
            }
            return push_parts(&raw, sink);
        }
        read_mailbox(&mut lines, limit, sink)
    }
}

fn too_big(limit: u64) -> DecodeError {
    DecodeError::Limit(format!(
        "MIME parts not decoded: message larger than {limit} bytes (--max-buffered-bytes); its raw bytes were scanned"
    ))
}

/// Splits a mailbox at its `From ` lines and decodes each message in turn.
fn read_mailbox(lines: &mut dyn BufRead, limit: u64, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    let mut number = 1u64;
    let mut message = Vec::new();
    let mut oversized = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = lines
            .read_until(b'\n', &mut line)
            .map_err(|e| DecodeError::reading(&format!("mailbox message-{number}"), e))?;
        let separator = n == 0
            || (line.starts_with(b"From ")
                && (message.is_empty() || message.ends_with(b"\n\n") || message.ends_with(b"\n\r\n")));
        if separator {
            if !message.is_empty() || oversized {
                finish_message(number, &message, oversized, sink)?;
                number += 1;
                message.clear();
                oversized = false;
            }
            if n == 0 {
                return Ok(());
            }
            continue;
        }
        if (message.len() + line.len()) as u64 > limit {
            // Too big to parse: its bytes are scanned raw as they come.
            push_raw(number, &message, sink)?;
            message.clear();
            oversized = true;
        }
        message.extend_from_slice(&line);
    }
}

fn finish_message(
    number: u64,
    message: &[u8],
    oversized: bool,
    sink: &mut dyn InnerSink,
) -> Result<(), DecodeError> {
    let name = format!("message-{number}");
    if oversized {
        push_raw(number, message, sink)?;
        sink.event(Event::skip(
            &name,
            crate::findings::SkipReason::BombLimit,
            too_big(sink.limits().max_buffered_bytes).to_string(),
        ));
        return Ok(());
    }
    super::stream_member(sink, name, message)
}

fn push_raw(number: u64, bytes: &[u8], sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    super::stream_member(sink, format!("message-{number}.raw"), bytes)
}

/// Scans one message: its header block raw, then each MIME part decoded.
fn push_parts(raw: &[u8], sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
    let Some(message) = MessageParser::default().parse(raw) else {
        sink.push(Piece::here(&mut &raw[..], None))
            .map_err(|e| DecodeError::reading("email", e))?;
        return Err(DecodeError::Corrupt(
            "not a parsable message; its raw bytes were scanned".into(),
        ));
    };
    let header_end = message
        .parts
        .first()
        .map_or(raw.len(), |root| (root.offset_body as usize).min(raw.len()));
    sink.push(Piece::here(&mut &raw[..header_end], None))
        .map_err(|e| DecodeError::reading("email headers", e))?;
    // The subject as decoded (RFC 2047 encoded words are not readable raw).
    if let Some(subject) = message.subject() {
        let subject_layer = Layer {
            kind: LayerKind::Member,
            name: "subject".to_string(),
        };
        sink.event(Event::name(
            vec![subject_layer],
            GuidelineCategory::Stored,
            subject,
        ));
    }
    for (index, part) in message.parts.iter().enumerate() {
        let (default_name, bytes): (String, &[u8]) = match &part.body {
            PartType::Multipart(_) => continue,
            PartType::Text(text) => (format!("part-{index}.txt"), text.as_bytes()),
            PartType::Html(text) => (format!("part-{index}.html"), text.as_bytes()),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => (format!("part-{index}.bin"), bytes),
            PartType::Message(inner) => (format!("part-{index}.eml"), inner.raw_message()),
        };
        let name = part.attachment_name().map_or(default_name, str::to_string);
        let layer = Layer {
            kind: LayerKind::Member,
            name: name.clone(),
        };
        sink.push(Piece::member(layer, &mut &bytes[..]))
            .map_err(|e| DecodeError::reading(&format!("part {name}"), e))?;
    }
    Ok(())
}
