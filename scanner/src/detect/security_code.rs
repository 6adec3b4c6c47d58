//! What makes a labelled 3–4 digit number a card security code.
//!
//! `CSC 121` in a course list, `cvc : 2014-09-25` in a TLD list and `CSC3551`
//! as a chip name all read as "label, digits". A security code is only card
//! data next to a card: a card number (full or masked), an expiry date or a
//! card word within the context window. It ends at a non-alphanumeric byte
//! and is not the start of a date or a longer number. Next to a public test
//! number it is test data, reported as a note.

use super::context::stands_as_word;
use super::digits::parse_run;
use super::{expiry, masked, pan};
use crate::rules::RuleSet;

/// The card evidence near a security code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardNear {
    None,
    /// A real card nearby, named as an evidence signal.
    Card(String),
    /// Only public test numbers nearby.
    TestNumber,
}

/// Security-code words in the context list: they label the code itself,
/// so they are not evidence of a card.
const CODE_WORDS: [&str; 4] = ["cvv", "cvc", "セキュリティコード", "security code"];

/// Whether a code ending at `end` stands alone: not followed by a letter or
/// digit, nor by `-`, `.` or `/` and a digit (a date or a version).
pub fn ends_cleanly(bytes: &[u8], end: usize) -> bool {
    match bytes.get(end) {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() => false,
        Some(b'-' | b'.' | b'/') => !bytes.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    }
}

/// The card evidence within the context window of the code at `start..end`.
/// `is_card` judges a card-number candidate as the detector does: a number
/// it drops or finds weak (a table, an identifier) is no card evidence.
pub fn card_near(
    bytes: &[u8],
    start: usize,
    end: usize,
    rules: &RuleSet,
    is_card: &dyn Fn(pan::PanCandidate) -> bool,
) -> CardNear {
    let from = start.saturating_sub(rules.context_window);
    let to = (end + rules.context_window).min(bytes.len());
    let mut test_number = false;
    let mut groups = Vec::new();
    let mut at = from;
    while let Some(offset) = bytes[at.min(to)..to].iter().position(u8::is_ascii_digit) {
        let run_start = at + offset;
        let run_end = parse_run(bytes, run_start, &mut groups);
        at = run_end.max(run_start + 1);
        if run_start < end && run_end > start {
            continue; // the code itself
        }
        if masked::masked_after_run(bytes, &groups, rules).is_some() {
            return CardNear::Card("masked_card_nearby".to_string());
        }
        let mut real = false;
        pan::candidates_in_run(bytes, &groups, rules, |c| {
            if rules.is_test_pan(c.digits.as_bytes()) {
                test_number = true;
            } else if is_card(c) {
                real = true;
            }
        });
        if real {
            return CardNear::Card("card_nearby".to_string());
        }
    }
    if test_number {
        return CardNear::TestNumber;
    }
    if expiry::expiry_near(&rules.expiry, bytes, start, end, rules.expiry_window) {
        return CardNear::Card("expiry_nearby".to_string());
    }
    let words = &rules.context;
    words
        .automaton
        .find_iter(&bytes[from..to])
        .filter(|m| {
            let (ws, we, i) = (from + m.start(), from + m.end(), m.pattern().as_usize());
            let overlaps_code = ws < end && we > start;
            let stands = !words.ascii_word[i] || stands_as_word(bytes, ws, we);
            words.positive[i] && !overlaps_code && stands && !CODE_WORDS.contains(&words.words[i].as_str())
        })
        .map(|m| CardNear::Card(format!("keyword_nearby:{}", words.words[m.pattern().as_usize()])))
        .next()
        .unwrap_or(CardNear::None)
}
