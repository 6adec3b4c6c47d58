//! Numeric tables: where a Luhn-valid number is most likely there by chance.
//!
//! Collation and stroke tables, font metrics, arithmetic test vectors, power
//! tables and id dumps hold long numbers by the thousand; one in ten passes
//! the Luhn check and a third of those fall in a brand's range. What tells
//! them from a list of card numbers is the neighbours: in a table, numbers
//! of about the same length stand around the candidate and are not card
//! numbers themselves; in a card list they are. A window that is nothing but
//! numbers, with no card number among them, is a table too. So is a column
//! of codes written with a few kinds of digit (stroke orders use 1–5): the
//! candidate and the long numbers around it share an alphabet no run of
//! issued account numbers keeps to.

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
    let mut alphabet = digit_kinds(&bytes[start..end]);
    let mut long_neighbours = 0usize;
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
        let glued = (run_start > 0 && bytes[run_start - 1].is_ascii_alphabetic())
            || bytes.get(at).is_some_and(u8::is_ascii_alphabetic);
        if len >= CODE_LEN && !glued {
            long_neighbours += 1;
            alphabet |= digit_kinds(&bytes[run_start..at]);
        }
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
    let coded = long_neighbours >= 2 && alphabet.count_ones() <= MAX_CODE_KINDS;
    rows_of_numbers || nothing_but_numbers || coded
}

/// Neighbours this long, standing alone (not `U00025249`), count towards a shared alphabet.
const CODE_LEN: usize = 8;

/// Kinds of digit that the candidate and two or more long neighbours may
/// share and still read as codes: random account digits use all ten (three
/// random 16-digit numbers keep to six kinds about once in 10^8).
const MAX_CODE_KINDS: u32 = 6;

/// The kinds of digit in `ascii`, one bit each.
fn digit_kinds(ascii: &[u8]) -> u16 {
    ascii
        .iter()
        .filter(|b| b.is_ascii_digit())
        .fold(0u16, |kinds, &b| kinds | 1 << (b - b'0'))
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
    fn codes_sharing_a_few_kinds_of_digit_make_a_table() {
        let rules = load_rules(&[]).expect("default rules");
        // Stroke-order codes (digits 1–5) of varying length around a candidate.
        let text = "<U6119> # 4453542514544\n<U00025249> # 4453543155441\n<U5B1E> # 2511132231341234\n<U7797> # 53112213125111\n";
        let start = text.find("4453543155441").expect("number");
        assert!(in_table(text.as_bytes(), start, start + 13, &rules));
        // Numbers of other lengths that use all ten digits are no table.
        let text = "<U6119> # 90718425360\n<U41A6> # 4453543155441\n<U5B1E> # 68901724395801234\n";
        let start = text.find("4453543155441").expect("number");
        assert!(!in_table(text.as_bytes(), start, start + 13, &rules));
    }

    #[test]
    fn a_list_of_cards_or_a_record_is_not_a_table() {
        assert!(!table("4111111111111111\n4526018159083012\n5555555555554444\n"));
        assert!(!table("12345678,1700000000000,4526018159083012,12345,JP,ok\n"));
        assert!(!table("card=4526018159083012&exp=1226"));
    }
}
