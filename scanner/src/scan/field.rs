//! Scanning one value of a database table as its own field.
//!
//! A database keeps a row's values back to back (SQLite's record format, a
//! dump's COPY line joined by tabs is the lucky case): read as one stream, a
//! card number in a TEXT column runs on into the next column's digits
//! (`…3528475900220873` + `10/30`) and is rightly dropped as a window of a
//! longer run. Scanned one value at a time, each value is its own stream, and
//! the column's name is placed before it as the context a person reads
//! (`payments.card_number: …`), so `card_number`, `cc` or `カード番号` raise
//! confidence and `tel` or `order_no` label that value only.

use std::io;

use super::budget::FileBudget;
use super::text::{looks_like_text, StreamLabel};
use super::worker::{FileOutcome, Worker};
use crate::decode::{self, OffsetMap, SourcePosition};
use crate::field::FieldValue;
use crate::findings::{GuidelineCategory, Provenance};

/// Offsets of a labelled field's text map back to the value's own bytes.
struct ValueOffsets {
    label_len: u64,
}

impl OffsetMap for ValueOffsets {
    fn locate(&self, offset: u64) -> SourcePosition {
        SourcePosition {
            offset: offset.saturating_sub(self.label_len),
            annotations: Default::default(),
        }
    }
}

impl Worker<'_> {
    /// Scans one value under `provenance` (which names its table, column and
    /// row), with `label` (`table.column`) read as its context. A BLOB that a
    /// decoder recognises (a gzip stream, a nested database) is decoded like
    /// any inner stream; binary BLOBs are scanned without a label, so that
    /// the views for binary bytes (UTF-16, packed BCD) apply.
    pub fn scan_field(
        &mut self,
        provenance: &Provenance,
        label: &str,
        value: FieldValue<'_>,
        category: GuidelineCategory,
        depth: u32,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        let budget = FileBudget::default();
        self.scan_field_within(provenance, label, value, category, depth, &budget, out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn scan_field_within(
        &mut self,
        provenance: &Provenance,
        label: &str,
        value: FieldValue<'_>,
        category: GuidelineCategory,
        depth: u32,
        budget: &FileBudget,
        out: &mut FileOutcome,
    ) -> io::Result<()> {
        let bytes = value.bytes();
        if bytes.is_empty() {
            return Ok(());
        }
        if let FieldValue::Blob(blob) = value {
            if decode::sniff(&blob[..blob.len().min(decode::SNIFF_LEN)]).is_some() {
                return self.scan_stream_within(&mut &blob[..], provenance, category, depth + 1, budget, out);
            }
            if !looks_like_text(blob) {
                let stream = StreamLabel {
                    provenance,
                    category,
                    origin: Some(&ValueOffsets { label_len: 0 }),
                };
                return match self.scan_text_bytes(blob, &stream, depth, budget, out, None) {
                    Some(limit) => Err(limit),
                    None => Ok(()),
                };
            }
        }
        let mut text = std::mem::take(&mut self.field_text);
        text.clear();
        text.extend_from_slice(label.as_bytes());
        text.extend_from_slice(b": ");
        let label_len = text.len() as u64;
        text.extend_from_slice(bytes);
        let stream = StreamLabel {
            provenance,
            category,
            origin: Some(&ValueOffsets { label_len }),
        };
        let limit = self.scan_text_bytes(&text, &stream, depth, budget, out, None);
        self.field_text = text;
        match limit {
            Some(limit) => Err(limit),
            None => Ok(()),
        }
    }
}
