//! Names are data (DESIGN.md §6): a card number in a file, member or
//! attachment name, a commit message, a server name or a parser's message is
//! card data kept on the machine. Such text is scanned with the same
//! detectors as content, and a hit is a finding at `<provenance>#name`.

use super::budget::FileBudget;
use super::text::StreamLabel;
use super::worker::{FileOutcome, Worker};
use crate::findings::{GuidelineCategory, Provenance};
use crate::redact::may_hold_number;

/// Shortest all-hex word (with a letter) read as a hash or an object id: a
/// git object, a cache entry. Its digits are not a number, as in content.
const MIN_HASH_WORD: usize = 16;

impl Worker<'_> {
    /// Scans `text` as a name found at `provenance`; a hit is recorded once
    /// however often the same text is met.
    pub fn scan_name(
        &mut self,
        text: &str,
        provenance: &Provenance,
        category: GuidelineCategory,
        out: &mut FileOutcome,
    ) {
        if !may_hold_number(text) {
            return;
        }
        let at = provenance.name_of();
        let label = StreamLabel {
            provenance: &at,
            category,
            origin: None,
        };
        let mut found = Vec::new();
        // A name is no file: a container decoded from it (base64 of a gzip
        // stream) has a bomb budget of its own.
        let budget = FileBudget::default();
        // A spent budget is recorded as skipped where it was hit.
        let _ = self.scan_text_bytes(
            &letters_as_breaks(text),
            &label,
            0,
            &budget,
            out,
            Some(&mut found),
        );
        for mut finding in found {
            // Line and column of a name are not a file's.
            finding.location.line = None;
            finding.location.column = None;
            let known = out.findings.iter().any(|f| {
                f.provenance == finding.provenance
                    && f.rule_id == finding.rule_id
                    && f.fingerprint == finding.fingerprint
            });
            if !known {
                out.findings.push(finding);
            }
        }
    }
}

/// Names glue words to numbers (`invoice4532…`, `order-4532…`), where content
/// would put a space. Every letter is read as a line break, so each number
/// is judged by its digits alone and no word next to it hides it — except in
/// hash-like words (16 or more hex characters), whose digits are no number.
/// Byte offsets are kept.
fn letters_as_breaks(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_alphanumeric() {
            let end = bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| at + n);
            let word = &bytes[at..end];
            let hash_like = word.len() >= MIN_HASH_WORD
                && word.iter().all(u8::is_ascii_hexdigit)
                && word.iter().any(u8::is_ascii_alphabetic);
            if hash_like {
                out.extend_from_slice(word);
            } else {
                out.extend(
                    word.iter()
                        .map(|&b| if b.is_ascii_alphabetic() { b'\n' } else { b }),
                );
            }
            at = end;
        } else {
            let c = text[at..].chars().next().unwrap_or('\0');
            let len = c.len_utf8();
            if c.is_alphabetic() {
                out.extend(std::iter::repeat_n(b'\n', len));
            } else {
                out.extend_from_slice(&bytes[at..at + len]);
            }
            at += len;
        }
    }
    loose_joiners_as_breaks(&mut out);
    out
}

/// Punctuation that does not join two digits (`b-4532…`, `…3012.csv`) is a
/// break too: in a name it is a word joiner, not a minus sign or a decimal
/// point, and the detector would read it as one. Separators inside a grouped
/// number (`4526-0181-…`) stay.
fn loose_joiners_as_breaks(bytes: &mut [u8]) {
    for i in 0..bytes.len() {
        if !bytes[i].is_ascii_punctuation() {
            continue;
        }
        let digit_before = i > 0 && bytes[i - 1].is_ascii_digit();
        let digit_after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(digit_before && digit_after) {
            bytes[i] = b'\n';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::Fingerprinter;
    use crate::rules::load_rules;
    use crate::scan::{Engine, Limits};

    fn name_findings(names: &[&str]) -> Vec<String> {
        let engine = Engine {
            rules: load_rules(&[]).unwrap(),
            fingerprinter: Fingerprinter::new(b"names-test-key-0123456789"),
            limits: Limits::default(),
        };
        let mut worker = Worker::new(&engine);
        let mut out = FileOutcome::default();
        for name in names {
            worker.scan_name(
                name,
                &Provenance::file(*name),
                GuidelineCategory::Stored,
                &mut out,
            );
        }
        out.findings
            .iter()
            .map(|f| format!("{} {}", f.provenance, f.masked))
            .collect()
    }

    #[test]
    fn a_number_glued_to_words_in_a_name_is_a_finding() {
        assert_eq!(
            name_findings(&["invoice4526018159083012.pdf", "order-4526018159083012.csv"]),
            [
                "invoice452601******3012.pdf#name 452601******3012",
                "order-452601******3012.csv#name 452601******3012"
            ]
        );
    }

    #[test]
    fn hash_named_files_and_plain_names_are_not_findings() {
        assert!(name_findings(&[
            "3f2a1b9c4526018159083012e5d7a9b1c3d5e7",
            "cache-ab4526018159083012cd",
            "report-2024-01-02.csv",
            "4526018159083013.txt",
        ])
        .is_empty());
    }

    #[test]
    fn letters_become_breaks_at_the_same_offsets() {
        assert_eq!(letters_as_breaks("ab1-カ2"), b"\n\n1\n\n\n\n2");
        assert_eq!(letters_as_breaks("b-12-34.txt"), b"\n\n12-34\n\n\n\n");
        assert_eq!(letters_as_breaks("x/abcdef0123456789"), b"\n\nabcdef0123456789");
    }
}
