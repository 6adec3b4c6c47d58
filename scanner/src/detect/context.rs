//! Words around a hit that make it more or less likely to be card data.
//!
//! Context only moves confidence and level. It never creates a finding: the
//! Luhn check and the brand table decide that. A word counts for the field it
//! labels: the nearest keyword before a number, with no other value (no digit)
//! between them and within `label_distance` bytes, labels it. So in
//! `tel=0312345678&cc=4526…`, `tel` labels the phone number and `cc` the card.
//! A number labelled by a negative word (`imei=…`, `"order_id": "…"`) is that
//! identifier and is not reported; a number labelled by a card word carries
//! the strongest context evidence there is.

use crate::rules::KeywordSet;

/// What the words around a hit say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    /// The keyword that labels the number, and whether it is a card word.
    pub label: Option<(usize, bool)>,
    /// A card word elsewhere in the window (not labelling the number).
    pub positive_nearby: Option<usize>,
    /// A negative word elsewhere in the window (labelling another field).
    pub negative_nearby: bool,
}

impl Context {
    /// A card word labels the number.
    pub fn labelled_positive(&self) -> bool {
        matches!(self.label, Some((_, true)))
    }

    /// A negative word labels the number: it is another identifier.
    pub fn labelled_negative(&self) -> bool {
        matches!(self.label, Some((_, false)))
    }

    /// Any card word in the window, labelling the number or not.
    pub fn positive(&self) -> bool {
        self.labelled_positive() || self.positive_nearby.is_some()
    }
}

/// Reads the keywords in `bytes[from..to]` around a hit at `start..end`.
pub fn read_context(
    words: &KeywordSet,
    bytes: &[u8],
    from: usize,
    to: usize,
    start: usize,
    end: usize,
    label_distance: usize,
) -> Context {
    let mut context = Context::default();
    let mut nearest_before: Option<(usize, usize, bool)> = None;
    for m in words.automaton.find_iter(&bytes[from..to]) {
        let (ws, we) = (from + m.start(), from + m.end());
        let index = m.pattern().as_usize();
        if words.ascii_word[index] && !stands_as_word(bytes, ws, we) {
            continue;
        }
        if ws < end && we > start {
            continue; // inside the hit itself
        }
        let positive = words.positive[index];
        if positive {
            context.positive_nearby = Some(index);
        } else {
            context.negative_nearby = true;
        }
        if we <= start && nearest_before.is_none_or(|(e, _, _)| we >= e) {
            nearest_before = Some((we, index, positive));
        }
    }
    if let Some((we, index, positive)) = nearest_before {
        let between = &bytes[we..start];
        if between.len() <= label_distance && !between.iter().any(u8::is_ascii_digit) {
            // A compound label (`card_id`, `panHash`) is a card label when any
            // of its parts is a card word.
            let token_start = label_token_start(bytes, we);
            let compound_card_word = (!positive)
                .then(|| {
                    words
                        .automaton
                        .find_iter(&bytes[token_start..we])
                        .map(|m| m.pattern().as_usize())
                        .find(|&i| words.positive[i])
                })
                .flatten();
            let (index, positive) = compound_card_word.map_or((index, positive), |i| (i, true));
            context.label = Some((index, positive));
            if positive && context.positive_nearby == Some(index) {
                context.positive_nearby = None;
            }
            if !positive {
                // The label was counted as "nearby" too; it is the number's own.
                context.negative_nearby = false;
            }
        }
    }
    context
}

/// Where the identifier ending at `end` starts (letters, digits, `_`, `-`).
fn label_token_start(bytes: &[u8], end: usize) -> usize {
    let mut at = end;
    while at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'_' | b'-')) {
        at -= 1;
    }
    at
}

/// An ASCII keyword must not be the inside of a longer word (`pan` in
/// `company`, `cc` in the hex `3cc9`), but may start or end a camelCase or
/// snake_case part (`cardNumber`, `card_no`), and may be glued to the
/// number it labels (`CARD4526…`).
pub(super) fn stands_as_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || {
        let prev = bytes[start - 1];
        !prev.is_ascii_alphanumeric() || (prev.is_ascii_lowercase() && bytes[start].is_ascii_uppercase())
    };
    let after_ok = end >= bytes.len() || {
        let next = bytes[end];
        !next.is_ascii_alphabetic() || (next.is_ascii_uppercase() && bytes[end - 1].is_ascii_lowercase())
    };
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::{read_context, stands_as_word};
    use crate::rules::load_rules;

    #[test]
    fn keyword_inside_a_word_does_not_count() {
        assert!(!stands_as_word(b"company", 4, 7));
        assert!(stands_as_word(b"pan=1", 0, 3));
        assert!(stands_as_word(b"cardNumber", 0, 4));
        assert!(stands_as_word(b"creditCard", 6, 10));
        assert!(stands_as_word(b"card_no", 0, 4));
        assert!(!stands_as_word(b"3cc9", 1, 3));
    }

    fn context_of(text: &str, number: &str) -> super::Context {
        let rules = load_rules(&[]).expect("default rules");
        let start = text.find(number).expect("number in text");
        let bytes = text.as_bytes();
        read_context(
            &rules.context,
            bytes,
            0,
            bytes.len(),
            start,
            start + number.len(),
            rules.label_distance,
        )
    }

    #[test]
    fn a_word_labels_the_field_after_it_not_the_next_one() {
        let c = context_of("tel=0312345678&cc=4526018159083012&exp=1226", "4526018159083012");
        assert!(c.labelled_positive(), "{c:?}");
        let c = context_of("order 1234: 4526018159083012 12/26", "4526018159083012");
        assert_eq!(c.label, None);
        assert!(c.negative_nearby);
        let c = context_of("imei=358240051111110", "358240051111110");
        assert!(c.labelled_negative());
        let c = context_of(
            "{\"order_id\":\"x\",\"card_order_id\":\"4526018159083012\"}",
            "4526018159083012",
        );
        assert!(c.labelled_positive(), "{c:?}");
    }
}
