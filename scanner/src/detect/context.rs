//! Words around a hit that make it more or less likely to be card data.
//!
//! Context only moves confidence. It never creates a finding: the Luhn check
//! and the brand table decide that. The one exception is a number directly
//! labelled as another identifier (`imei=…`, `"order_id": "…"`) with no card
//! word nearby, which is that identifier and is not reported.

use crate::rules::KeywordSet;

/// What the words around a hit say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context {
    pub positive: bool,
    pub negative: bool,
    /// A negative word labels the number directly.
    pub labelled_negative: bool,
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
    let mut nearest_before: Option<(usize, bool)> = None;
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
            context.positive = true;
        } else {
            context.negative = true;
        }
        if we <= start && nearest_before.is_none_or(|(e, _)| we >= e) {
            nearest_before = Some((we, positive));
        }
    }
    if let Some((we, false)) = nearest_before {
        context.labelled_negative = !context.positive && start - we <= label_distance;
    }
    context
}

/// An ASCII keyword must not be the inside of a longer word (`pan` in
/// `company`), but may start or end a camelCase or snake_case part
/// (`cardNumber`, `card_no`).
pub(super) fn stands_as_word(bytes: &[u8], start: usize, end: usize) -> bool {
    let before_ok = start == 0 || {
        let prev = bytes[start - 1];
        !prev.is_ascii_alphabetic() || (prev.is_ascii_lowercase() && bytes[start].is_ascii_uppercase())
    };
    let after_ok = end >= bytes.len() || {
        let next = bytes[end];
        !next.is_ascii_alphabetic() || (next.is_ascii_uppercase() && bytes[end - 1].is_ascii_lowercase())
    };
    before_ok && after_ok
}

#[cfg(test)]
mod tests {
    use super::stands_as_word;

    #[test]
    fn keyword_inside_a_word_does_not_count() {
        assert!(!stands_as_word(b"company", 4, 7));
        assert!(stands_as_word(b"pan=1", 0, 3));
        assert!(stands_as_word(b"cardNumber", 0, 4));
        assert!(stands_as_word(b"creditCard", 6, 10));
        assert!(stands_as_word(b"card_no", 0, 4));
    }
}
