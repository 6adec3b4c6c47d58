//! Numeric tables: where a Luhn-valid number is most likely there by chance.
//!
//! Collation and stroke tables, font metrics, arithmetic test vectors, power
//! tables and id dumps hold long numbers by the thousand; one in ten passes
//! the Luhn check and a third of those fall in a brand's range. What tells
//! them from a list of card numbers is the neighbours: in a table, numbers
//! of about the same length stand around the candidate and are not card
//! numbers themselves; in a card list they are. A window that is nothing but
//! numbers, with no card number among them, is a table too.

use super::pan::is_card_number;
use super::Digits;
use crate::rules::RuleSet;

/// Bytes on each side of a candidate that are looked at.
const REACH: usize = 128;

/// Whether the candidate at `start..end` stands in a numeric table (for a
/// fixed-width record, `start..end` is the record's whole run of digits).
pub fn in_table(bytes: &[u8], start: usize, end: usize, rules: &RuleSet) -> bool {
    let from = start.saturating_sub(REACH);
    let to = (end + REACH).min(bytes.len());
    let own_len = bytes[start..end].iter().filter(|b| b.is_ascii_digit()).count();
    let (mut similar, mut cards, mut numbers, mut letters) = (0usize, 0usize, 0usize, 0usize);
    let mut at = from;
    while at < to {
        let b = bytes[at];
        if !b.is_ascii_digit() {
            letters += usize::from(b.is_ascii_alphabetic());
            at += 1;
            continue;
        }
        let run_start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if run_start >= start && run_start < end {
            continue; // the candidate's own digits
        }
        let len = at - run_start;
        numbers += usize::from(len >= 2);
        // The same number again (a test vector's input and result, a code
        // repeated down a column) is a neighbour of the same length, but no
        // second card.
        let same_number = bytes[run_start..at] == bytes[start..end];
        if len + 1 >= own_len && len <= own_len + 1 && same_number {
            similar += 1;
        } else if len + 1 >= own_len && len <= own_len + 1 {
            similar += 1;
            let digits = Digits::from_ascii(&bytes[run_start..at]);
            cards += usize::from(digits.is_some_and(|d| is_card_number(&d, rules)));
        }
    }
    let window = to - from;
    let rows_of_numbers = similar >= 2 && 2 * cards < similar;
    let nothing_but_numbers = cards == 0 && numbers >= 8 && 20 * letters < window;
    rows_of_numbers || nothing_but_numbers
}

#[cfg(test)]
mod tests {
    use super::in_table;
    use crate::rules::load_rules;

    fn table(text: &str) -> bool {
        let rules = load_rules(&[]).expect("default rules");
        let start = text.find("4526018159083012").expect("number");
        in_table(text.as_bytes(), start, start + 16, &rules)
    }

    #[test]
    fn numbers_of_the_same_length_around_make_a_table() {
        assert!(table(
            "7311045667120943 4526018159083012 9102837465019283 1029384756102938"
        ));
        assert!(table(
            "2384185791015625,\n4526018159083012,\n59604644775390625,\n298023223876953125,"
        ));
        assert!(table("10 20 30 40 50 60 70 80 90 4526018159083012 11 12 13 14"));
        // The same number repeated does not make it a card list.
        assert!(table("add '4526018159083012' 0.4 -> '4526018159083012'\nadd '7311045667120943' 0.5 -> '7311045667120944'"));
    }

    #[test]
    fn a_list_of_cards_or_a_record_is_not_a_table() {
        assert!(!table("4111111111111111\n4526018159083012\n5555555555554444\n"));
        assert!(!table("12345678,1700000000000,4526018159083012,12345,JP,ok\n"));
        assert!(!table("card=4526018159083012&exp=1226"));
    }
}
