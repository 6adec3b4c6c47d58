//! Office XML parts (Office Open XML: docx, xlsx, pptx; OpenDocument: odt,
//! ods, odp; and their flat single-file forms): the text a person reads, with
//! markup and entities removed.
//!
//! Word splits text into runs wherever formatting or the editing session
//! changes, so a PAN typed into a document can be stored as
//! `<w:t>4526</w:t></w:r><w:r><w:t>0181…`: no window of the raw bytes holds
//! its digits together. Here text runs are joined within a paragraph, cell or
//! shared string, and paragraphs, cells and breaks are separated by a newline,
//! so the detectors see the digits as the reader does. The raw bytes are
//! scanned too (attribute values, comments, anything the text misses); a hit
//! found in both is reported once. Offsets in the text are mapped back to the
//! part's own bytes.
//!
//! Parts are recognised by content (an Office namespace near the start), not
//! by their name in the package. A part is held in memory to be scanned twice,
//! up to [`Limits::max_buffered_bytes`](crate::limits::Limits); a larger one has
//! its raw bytes scanned and its text extraction recorded as skipped.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{DecodeError, Decoder, InnerSink, OffsetMap, SourcePosition};
use crate::decode::Piece;

pub struct OfficeXml;

/// Namespaces that mark an XML document as an Office part.
const OFFICE_NAMESPACES: [&[u8]; 3] = [
    b"schemas.openxmlformats.org",
    b"schemas.microsoft.com/office",
    b"urn:oasis:names:tc:opendocument",
];

/// Elements whose end ends a unit of text (paragraph, heading, cell, row,
/// shared string, comment) or stands for whitespace (breaks, tabs).
const TEXT_BREAKS: [&str; 13] = [
    "p",
    "h",
    "si",
    "c",
    "v",
    "tc",
    "tr",
    "row",
    "br",
    "tab",
    "cr",
    "comment",
    "line-break",
];

impl Decoder for OfficeXml {
    fn name(&self) -> &'static str {
        "office-xml"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        let start = body
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(body.len());
        body[start..].starts_with(b"<")
            && OFFICE_NAMESPACES
                .iter()
                .any(|ns| memchr::memmem::find(head, ns).is_some())
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let raw = super::buffer_and_scan_raw(input, sink, "XML part")?;
        let (text, damage) = extract_text(&raw);
        sink.push(Piece::here(&mut text.text.as_bytes(), Some(&text)))
            .map_err(|e| DecodeError::reading("XML text", e))?;
        match damage {
            Some(e) => Err(DecodeError::Corrupt(format!(
                "XML malformed at byte {}: {e}; text before it was scanned",
                text.damaged_at
            ))),
            None => Ok(()),
        }
    }

    fn expands(&self) -> bool {
        false
    }
}

/// Text extracted from an XML part, and where each piece came from.
#[derive(Debug, Default)]
pub struct ExtractedText {
    pub text: String,
    /// (offset in `text`, offset in the raw part) where each piece starts.
    pieces: Vec<(u64, u64)>,
    damaged_at: u64,
}

impl OffsetMap for ExtractedText {
    fn locate(&self, offset: u64) -> SourcePosition {
        let i = self.pieces.partition_point(|&(text_at, _)| text_at <= offset);
        let raw = match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(text_at, raw_at)) => raw_at + (offset - text_at),
            None => offset,
        };
        SourcePosition {
            offset: raw,
            annotations: Default::default(),
        }
    }
}

/// The text of an XML part, and the parse error that ended it early, if any.
pub fn extract_text(raw: &[u8]) -> (ExtractedText, Option<quick_xml::Error>) {
    let mut reader = Reader::from_reader(raw);
    let mut out = ExtractedText::default();
    loop {
        let at = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                out.damaged_at = reader.error_position();
                return (out, Some(e));
            }
        };
        match event {
            Event::Text(t) => {
                let text = t.xml10_content();
                // Indentation between elements is not text anyone typed.
                if !(text.contains('\n') && text.trim().is_empty()) {
                    out.push(at, &text);
                }
            }
            Event::CData(t) => out.push(at, &t),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(ch)) => Some(ch),
                    _ => predefined_entity(&r),
                };
                if let Some(ch) = ch {
                    out.push(at, ch.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) if TEXT_BREAKS.contains(&e.local_name().as_ref()) => out.push(at, "\n"),
            // OpenDocument writes runs of spaces as `<text:s/>`.
            Event::Empty(e) if e.local_name().as_ref() == "s" => out.push(at, " "),
            Event::Empty(e) if TEXT_BREAKS.contains(&e.local_name().as_ref()) => out.push(at, "\n"),
            Event::Eof => return (out, None),
            _ => {}
        }
    }
}

/// The five entities XML predefines.
fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

impl ExtractedText {
    fn push(&mut self, raw_at: u64, text: &str) {
        if text.is_empty() {
            return;
        }
        self.pieces.push((self.text.len() as u64, raw_at));
        self.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_in_a_paragraph_are_joined() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
  <w:p><w:r><w:t>card 4526</w:t></w:r>
    <w:r><w:t>0181</w:t></w:r><w:r><w:t>5908&#51;012</w:t></w:r></w:p>
  <w:p><w:r><w:t>next &amp; last</w:t></w:r></w:p></w:body></w:document>"#;
        let (text, damage) = extract_text(xml);
        assert!(damage.is_none());
        assert_eq!(text.text, "card 4526018159083012\nnext & last\n");
    }

    #[test]
    fn text_offsets_map_back_to_the_raw_bytes() {
        let xml = b"<a><t>abc</t><t>def</t></a>";
        let (text, _) = extract_text(xml);
        assert_eq!(text.text, "abcdef");
        assert_eq!(text.locate(4).offset, 17, "the 'e' of def");
    }

    #[test]
    fn malformed_xml_keeps_the_text_before_the_damage() {
        let (text, damage) = extract_text(b"<a><t>4526</t></b>");
        assert!(damage.is_some());
        assert_eq!(text.text, "4526");
    }

    #[test]
    fn office_parts_are_recognised_by_namespace() {
        assert!(OfficeXml.sniff(br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#));
        assert!(!OfficeXml.sniff(br#"<?xml version="1.0"?><config><a/></config>"#));
        assert!(!OfficeXml.sniff(b"plain text schemas.openxmlformats.org"));
    }
}
