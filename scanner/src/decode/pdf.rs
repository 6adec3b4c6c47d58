//! PDF, with `lopdf`: the text of each page (content streams inflated,
//! FlateDecode and the rest, and strings mapped through the fonts'
//! encodings) and embedded files, each pushed as a member (`invoice.pdf!/page-2`,
//! `invoice.pdf!/embedded-1`). The raw bytes are scanned too (uncompressed
//! streams, metadata, form values).
//!
//! A PDF's cross-reference table is at its end, so the file is parsed in
//! memory, up to [`Limits::max_buffered_bytes`](crate::limits::Limits); a larger
//! one has its raw bytes scanned and its text recorded as not extracted.
//! Each page's inflated content is bounded by the same limit. A PDF encrypted
//! with a user password is recorded as `encrypted` (one with only an owner
//! password, the common case, is read).

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Dictionary, Document, Object, Stream};

use super::pdf_text_ops::text_operations;
use super::{DecodeError, Decoder, InnerSink};

pub struct Pdf;

impl Decoder for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    /// `%PDF-` near the start (readers accept junk before it).
    fn sniff(&self, head: &[u8]) -> bool {
        memchr::memmem::find(head, b"%PDF-").is_some()
    }

    /// `lopdf` parses from memory, and holds the document it parsed.
    fn holds_input(&self, _seekable: bool) -> bool {
        true
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limit = sink.limits().max_buffered_bytes;
        let raw = super::buffer_and_scan_raw(input, sink, "PDF")?;
        // A parser bug on hostile input must cost this file's text, not the scan.
        let mut document = catch_unwind(AssertUnwindSafe(|| Document::load_mem(&raw)))
            .map_err(|_| {
                DecodeError::Corrupt("PDF parser failed on this file; its raw bytes were scanned".into())
            })?
            .map_err(|e| match e {
                lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
                    DecodeError::Encrypted(format!("PDF: {e}; its raw bytes were scanned"))
                }
                other => DecodeError::Corrupt(format!("PDF: {other}; its raw bytes were scanned")),
            })?;
        let page_limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut damaged = Vec::new();
        for (&page, &page_id) in &document.get_pages() {
            match page_text(&mut document, page, page_id, page_limit) {
                Ok(text) => super::stream_member(sink, format!("page-{page}"), text.as_bytes())?,
                Err(damage) => damaged.push(format!("page {page}: {damage}")),
            }
        }
        let embedded = document.objects.values().filter_map(|object| match object {
            Object::Stream(stream)
                if stream.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"EmbeddedFile") =>
            {
                Some(stream)
            }
            _ => None,
        });
        for (index, stream) in embedded.enumerate() {
            match stream.decompressed_content_with_limit(page_limit) {
                Ok(bytes) => super::stream_member(sink, format!("embedded-{}", index + 1), &bytes)?,
                Err(_) if stream.filters().map_or(true, |f| f.is_empty()) => {
                    super::stream_member(sink, format!("embedded-{}", index + 1), &stream.content)?
                }
                Err(e) => damaged.push(format!("embedded file {}: {e}", index + 1)),
            }
        }
        if damaged.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::Corrupt(format!(
                "text not extracted from {}; its raw bytes were scanned",
                damaged.join(", ")
            )))
        }
    }
}

/// Operations `lopdf` parses at once, in bytes: it holds about twenty
/// times as much while it extracts their text.
const SLICE_BYTES: usize = 64 << 10;

/// The text of a page, extracted from its text operations only
/// ([`text_operations`]), a slice at a time.
fn page_text(
    document: &mut Document,
    page: u32,
    page_id: lopdf::ObjectId,
    limit: usize,
) -> Result<String, String> {
    let slices = match document.get_page_content_with_limit(page_id, limit) {
        Ok(content) => text_operations(&content, SLICE_BYTES),
        // Content that cannot be read is left for the extraction to report.
        Err(_) => return extract(document, page, limit),
    };
    let mut text = String::new();
    for slice in slices {
        let only = document.add_object(Stream::new(Dictionary::new(), slice));
        if let Ok(dictionary) = document.get_dictionary_mut(page_id) {
            dictionary.set("Contents", only);
        }
        text.push_str(&extract(document, page, limit)?);
        document.objects.remove(&only);
    }
    Ok(text)
}

fn extract(document: &Document, page: u32, limit: usize) -> Result<String, String> {
    // A parser bug on hostile input must cost this page's text, not the scan.
    match catch_unwind(AssertUnwindSafe(|| {
        document.extract_text_with_limit(&[page], limit)
    })) {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("parser failed".into()),
    }
}
