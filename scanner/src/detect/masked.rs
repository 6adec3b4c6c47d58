//! Masked and truncated card numbers: the first 6 (or 8) digits, hidden
//! middle digits, and the last 4 (`452601******3012`, `4526 01XX XXXX 3012`).

use super::digits::{continues_after, continues_before, Group, Separator};
use super::Digits;
use crate::rules::RuleSet;

/// A masked card number.
#[derive(Debug, Clone, Copy)]
pub struct MaskedCandidate {
    pub start: usize,
    pub end: usize,
    pub first: Digits,
    pub last: Digits,
    /// How many characters hide the middle; `None` for an ellipsis of unknown length.
    pub hidden: Option<usize>,
}

/// The mask character at `bytes[at]` and its length in bytes.
fn mask_char_at(bytes: &[u8], at: usize, rules: &RuleSet) -> Option<(char, usize)> {
    let lead = *bytes.get(at)?;
    let width = match lead {
        0x00..=0x7f => {
            let c = char::from(lead);
            return rules.mask_chars.contains(&c).then_some((c, 1));
        }
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => return None,
    };
    let text = std::str::from_utf8(bytes.get(at..at + width)?).ok()?;
    let c = text.chars().next()?;
    rules.mask_chars.contains(&c).then_some((c, width))
}

/// A masked number whose visible first digits end the run `groups`.
pub fn masked_after_run(bytes: &[u8], groups: &[Group], rules: &RuleSet) -> Option<MaskedCandidate> {
    let last_group = groups.last()?;
    // The visible first digits are 6 or 8: a longer last group (most long
    // numbers) cannot end them, and the mask search is skipped.
    if last_group.len() > 8 {
        return None;
    }
    let run_end = last_group.end;
    let mut at = run_end;
    let mut hidden = 0usize;
    let mut ellipsis = false;
    loop {
        if let Some((c, width)) = mask_char_at(bytes, at, rules) {
            hidden += 1;
            ellipsis |= c == '…';
            at += width;
        } else if hidden > 0 || at == run_end {
            let next_is_part = |from: usize| {
                mask_char_at(bytes, from, rules).is_some() || bytes.get(from).is_some_and(u8::is_ascii_digit)
            };
            match Separator::at(bytes, at) {
                Some((Separator::Space | Separator::Dash, 1)) if next_is_part(at + 1) => at += 1,
                _ => break,
            }
            if bytes.get(at).is_some_and(u8::is_ascii_digit) {
                break;
            }
        } else {
            break;
        }
    }
    if hidden == 0 {
        return None;
    }
    let last_start = at;
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        at += 1;
    }
    if at - last_start != 4 || continues_after(bytes, at) {
        return None;
    }
    // The visible first digits: the last groups of the run, 6 or 8 digits in all.
    let mut lead = 0;
    for first in (0..groups.len()).rev() {
        lead += groups[first].len();
        if lead > 8 {
            return None;
        }
        if lead != 6 && lead != 8 {
            continue;
        }
        let start = groups[first].start;
        if first == 0 && continues_before(bytes, start) {
            return None;
        }
        let total = lead + hidden + 4;
        if !ellipsis && !(13..=19).contains(&total) {
            return None;
        }
        let mut digits = Digits::default();
        for g in &groups[first..] {
            digits.extend(&bytes[g.start..g.end]);
        }
        // A masked number has no context of its own to offer: brands that
        // need it (UATP's "1…" would take every masked id) are left out.
        rules
            .brands()
            .prefix_brand(digits.as_bytes())
            .filter(|b| !b.needs_context)?;
        let last = Digits::from_ascii(&bytes[last_start..at])?;
        return Some(MaskedCandidate {
            start,
            end: at,
            first: digits,
            last,
            hidden: (!ellipsis).then_some(hidden),
        });
    }
    None
}
