//! Card numbers inside a run of digit groups.
//!
//! A candidate is one whole group of 13–19 digits; consecutive groups written
//! in a known grouping (`4-4-4-4`, `4-6-5`, …) with one kind of separator; or
//! the leading card number of a fixed-width record, a longer group whose
//! prefix is a card number followed by an expiry date or a zero-padded amount
//! (`…<pan>2612000012500JPY`). It is never another window inside a longer
//! group, and a grouped candidate is refused when it is a window of a longer
//! run of same-width groups (a table row, font metrics, an IBAN), except for
//! an expiry written as one more group after it.

use super::digits::Group;
use super::shape::{token_shape_at_edges, Shape};
use super::Digits;
use crate::rules::RuleSet;

/// A card number found in a run, before context and classification.
#[derive(Debug, Clone, Copy)]
pub struct PanCandidate {
    pub start: usize,
    pub end: usize,
    pub digits: Digits,
    /// Written in groups (`4526 0181 …`) rather than as one run of digits.
    pub grouped: bool,
    /// The token around it (glued to a word, inside an identifier, …).
    pub shape: Shape,
    /// Cut from a fixed-width record: what follows it in the record.
    pub record: Option<RecordTail>,
    /// An expiry date follows as one more group of the run (`4526 … 3012 1226`).
    pub expiry_group: bool,
    /// Where the digits it was read from end: past `end` for a record.
    pub run_end: usize,
}

/// What follows a card number inside a fixed-width record's digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTail {
    Expiry,
    Amount,
}

impl RecordTail {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordTail::Expiry => "record:expiry",
            RecordTail::Amount => "record:amount",
        }
    }
}

/// Calls `found` for every card number in the run `groups` of `bytes`, in order.
pub fn candidates_in_run(
    bytes: &[u8],
    groups: &[Group],
    rules: &RuleSet,
    mut found: impl FnMut(PanCandidate),
) {
    let mut next_free = 0;
    for first in 0..groups.len() {
        if first < next_free {
            continue;
        }
        if let Some((candidate, last)) = candidate_at(bytes, groups, first, rules) {
            next_free = last + 1;
            found(candidate);
        }
    }
}

/// Longest group read as a fixed-width record: a 19-digit number, a 4-digit
/// expiry and a 12-digit amount, with room to spare.
pub const LONGEST_RECORD: usize = 48;

/// The best candidate starting at group `first`, with the index of its last group.
fn candidate_at(
    bytes: &[u8],
    groups: &[Group],
    first: usize,
    rules: &RuleSet,
) -> Option<(PanCandidate, usize)> {
    let g = groups[first];
    let shape_of = |start: usize, end: usize, start_group: usize, last_group: usize| {
        token_shape_at_edges(
            bytes,
            start,
            end,
            start_group == 0,
            last_group + 1 == groups.len(),
        )
    };
    if (13..=19).contains(&g.len()) {
        // A whole group; anything else starting here would cut it.
        let ascii = &bytes[g.start..g.end];
        if !is_card_digits(ascii, rules) {
            return None;
        }
        let digits = Digits::from_ascii(ascii)?;
        let c = PanCandidate {
            start: g.start,
            end: g.end,
            digits,
            grouped: false,
            shape: shape_of(g.start, g.end, first, first),
            record: None,
            expiry_group: false,
            run_end: g.end,
        };
        return Some((c, first));
    }
    if g.len() > 19 {
        let may_lead = rules.brands().may_lead_record(bytes[g.start], bytes[g.start + 1]);
        return (g.len() <= LONGEST_RECORD && may_lead)
            .then(|| record_at(bytes, g, rules))
            .flatten()
            .map(|(digits, tail)| {
                let end = g.start + digits.len();
                let c = PanCandidate {
                    start: g.start,
                    end,
                    digits,
                    grouped: false,
                    shape: shape_of(g.start, g.end, first, first),
                    record: Some(tail),
                    expiry_group: false,
                    run_end: g.end,
                };
                (c, first)
            });
    }
    if !rules.may_start_grouping(g.len()) {
        return None;
    }
    // Longest grouping first: a 19-digit number is not read as its first 16.
    let mut best: Option<(PanCandidate, usize)> = None;
    for grouping in &rules.groupings {
        let last = first + grouping.len() - 1;
        if last >= groups.len() {
            continue;
        }
        let run = &groups[first..=last];
        let shape_ok = run
            .iter()
            .zip(grouping)
            .all(|(g, &len)| g.len() == usize::from(len));
        let separator = run[1].joined_by;
        let one_separator = run[1..].iter().all(|g| g.joined_by == separator);
        if !shape_ok || !one_separator {
            continue;
        }
        // A window of a longer run of groups: refused when a group of the
        // run comes before it (`10751 4077 1083 1083 3`), or one of the same
        // width after it (a row of a table) unless that one is a last group
        // holding an expiry.
        let before = (first > 0 && g.joined_by == separator).then(|| groups[first - 1]);
        let after = groups.get(last + 1).filter(|n| n.joined_by == separator);
        let expiry_group =
            after.is_some_and(|n| last + 2 == groups.len() && is_expiry(&bytes[n.start..n.end]));
        let same_width_after = after.is_some_and(|a| a.len() == run[run.len() - 1].len()) && !expiry_group;
        // A row of numbers: two groups or more beyond the grouping.
        let row = groups.len() >= grouping.len() + 2;
        if before.is_some() || same_width_after || row {
            continue;
        }
        // A row of hex codes (`504E 5055 5075 5074 5077 504F`): the tokens
        // around the window, across the separator, have the groups' width.
        let (run_start, run_end) = (g.start, run[run.len() - 1].end);
        if !expiry_group
            && (hex_token_before(bytes, run_start, run[0].len())
                || hex_token_after(bytes, run_end, run[run.len() - 1].len()))
        {
            continue;
        }
        let mut digits = Digits::default();
        for group in run {
            digits.extend(&bytes[group.start..group.end]);
        }
        if !is_card_number(&digits, rules) {
            continue;
        }
        if best.is_none_or(|(b, _)| digits.len() > b.digits.len()) {
            let end = run[run.len() - 1].end;
            let shape = shape_of(g.start, end, first, last);
            if shape != Shape::Free {
                // Grouped digits glued to letters are a table of codes, not a card.
                continue;
            }
            let c = PanCandidate {
                start: g.start,
                end,
                digits,
                grouped: true,
                shape,
                record: None,
                expiry_group,
                run_end: end,
            };
            best = Some((c, last));
        }
    }
    best
}

/// Whether the token just before a separator at `start - 1` is `width`
/// hex characters (digits or `A`–`F`), like the groups of a row of codes.
fn hex_token_before(bytes: &[u8], start: usize, width: usize) -> bool {
    let Some(sep_at) = start.checked_sub(1) else {
        return false;
    };
    if !matches!(bytes[sep_at], b' ' | b'-') {
        return false;
    }
    let token_start = bytes[..sep_at]
        .iter()
        .rposition(|b| !b.is_ascii_alphanumeric())
        .map_or(0, |i| i + 1);
    let token = &bytes[token_start..sep_at];
    token.len() == width && token.iter().all(u8::is_ascii_hexdigit)
}

/// The same after a separator at `end`.
fn hex_token_after(bytes: &[u8], end: usize, width: usize) -> bool {
    if !matches!(bytes.get(end), Some(b' ' | b'-')) {
        return false;
    }
    let token_end = bytes[end + 1..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .map_or(bytes.len(), |i| end + 1 + i);
    let token = &bytes[end + 1..token_end];
    token.len() == width && token.iter().all(u8::is_ascii_hexdigit)
}

/// The card number leading a fixed-width record's digits `g`: a prefix of a
/// brand's length that is a card number, followed by an expiry (`YYMM` or
/// `MMYY`, then the end of the digits or a zero-padded amount) or else by a
/// zero-padded amount (`000…`). Common lengths are tried first, and an
/// expiry reading before an amount one. Brands that need card context are
/// not read out of records: 20-digit 64-bit ids start with 1, as UATP does.
fn record_at(bytes: &[u8], g: Group, rules: &RuleSet) -> Option<(Digits, RecordTail)> {
    const LENGTHS: [usize; 7] = [16, 15, 14, 19, 13, 17, 18];
    let brands = rules.brands();
    let reading = |len: usize, kind: RecordTail| {
        let tail = &bytes[g.start + len..g.end];
        let fits = match kind {
            RecordTail::Expiry => expiry_tail(tail),
            RecordTail::Amount => tail.starts_with(b"000"),
        };
        let ascii = &bytes[g.start..g.start + len];
        // The tail first, then the brand's start and length, then Luhn:
        // cheapest first, and nothing is copied for the readings that fail.
        if !fits || !brands.may_lead_record_with(ascii[0], ascii[1], len) || !super::luhn::luhn_valid(ascii) {
            return None;
        }
        let brand = brands.lookup(ascii)?;
        (!brand.needs_context).then_some((Digits::from_ascii(ascii)?, kind))
    };
    if let Some(found) = LENGTHS.iter().find_map(|&len| reading(len, RecordTail::Expiry)) {
        return Some(found);
    }
    // An expiry where some card length would end says where the number
    // ends: if that number fails, a shorter one read before zeros is a guess
    // against the record's own layout (`<16 digits>2612000012500`).
    let expiry_layout = LENGTHS
        .iter()
        .any(|&len| expiry_tail(&bytes[(g.start + len).min(g.end)..g.end]));
    if expiry_layout {
        return None;
    }
    LENGTHS.iter().find_map(|&len| reading(len, RecordTail::Amount))
}

/// A record's tail that starts with an expiry, then ends or pads an amount.
fn expiry_tail(tail: &[u8]) -> bool {
    tail.get(..4).is_some_and(is_expiry) && tail.get(4).is_none_or(|&b| b == b'0')
}

/// Four digits that read as a card's expiry, `YYMM` or `MMYY`, with a year
/// from 2015 to 2045.
pub fn is_expiry(four: &[u8]) -> bool {
    let [a, b, c, d] = four else { return false };
    let value = |x: u8, y: u8| u32::from(x.wrapping_sub(b'0')) * 10 + u32::from(y.wrapping_sub(b'0'));
    if !four.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let (first, second) = (value(*a, *b), value(*c, *d));
    let month = |m: u32| (1..=12).contains(&m);
    let year = |y: u32| (15..=45).contains(&y);
    (year(first) && month(second)) || (month(first) && year(second))
}

/// Luhn-valid and in a brand's range with that brand's length.
pub fn is_card_number(digits: &Digits, rules: &RuleSet) -> bool {
    is_card_digits(digits.as_bytes(), rules)
}

/// The same on ASCII digits, before they are copied into a [`Digits`].
pub(super) fn is_card_digits(d: &[u8], rules: &RuleSet) -> bool {
    let brands = rules.brands();
    // The first two digits and the length rule out most ids, order numbers
    // and timestamps at once, before the Luhn check and the range search.
    let [first, second, ..] = *d else { return false };
    brands.may_issue_prefix(first, second, d.len())
        && super::luhn::luhn_valid(d)
        && brands.lookup(d).is_some()
}

#[cfg(test)]
mod tests {
    use super::is_expiry;

    #[test]
    fn expiry_reads_both_ways_in_card_years() {
        assert!(is_expiry(b"2612"));
        assert!(is_expiry(b"1226"));
        assert!(!is_expiry(b"1313"));
        assert!(!is_expiry(b"9999"));
        assert!(!is_expiry(b"0000"));
    }
}
