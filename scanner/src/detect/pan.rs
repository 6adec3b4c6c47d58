//! Card numbers inside a run of digit groups.
//!
//! A candidate is either one whole group of 13–19 digits, or consecutive
//! groups written in a known grouping (`4-4-4-4`, `4-6-5`, …) with one kind of
//! separator. It is never a window inside a longer group, and a grouped
//! candidate is refused when the same separator continues the run on both
//! sides (a window of a longer grouped number, such as an IBAN).

use super::digits::{continues_after, continues_before, Group};
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

/// The best candidate starting at group `first`, with the index of its last group.
fn candidate_at(
    bytes: &[u8],
    groups: &[Group],
    first: usize,
    rules: &RuleSet,
) -> Option<(PanCandidate, usize)> {
    let g = groups[first];
    let edge_ok = |start_group: usize, last_group: usize| {
        (start_group > 0 || !continues_before(bytes, groups[start_group].start))
            && (last_group + 1 < groups.len() || !continues_after(bytes, groups[last_group].end))
    };
    if (13..=19).contains(&g.len()) {
        // A whole group; anything else starting here would cut it.
        if edge_ok(first, first) {
            let digits = Digits::from_ascii(&bytes[g.start..g.end])?;
            if is_card_number(&digits, rules) {
                let c = PanCandidate {
                    start: g.start,
                    end: g.end,
                    digits,
                    grouped: false,
                };
                return Some((c, first));
            }
        }
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
        let preceded = first > 0 && g.joined_by == separator;
        let followed = groups.get(last + 1).is_some_and(|n| n.joined_by == separator);
        if (preceded && followed) || !edge_ok(first, last) {
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
            let c = PanCandidate {
                start: g.start,
                end: run[run.len() - 1].end,
                digits,
                grouped: true,
            };
            best = Some((c, last));
        }
    }
    best
}

/// Luhn-valid and in a brand's range with that brand's length.
pub fn is_card_number(digits: &Digits, rules: &RuleSet) -> bool {
    let d = digits.as_bytes();
    // Every brand starts with 2–8: timestamps (1…) and zero-padded ids are out at once.
    matches!(d.first(), Some(b'2'..=b'8')) && super::luhn::luhn_valid(d) && rules.brands().lookup(d).is_some()
}
