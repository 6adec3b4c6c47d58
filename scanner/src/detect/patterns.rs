//! Pattern rules from the rule pack (track data, security codes), searched
//! with regex-automata and checked by their validators.

use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};

use super::digits::is_word_byte;
use super::luhn::luhn_valid;
use super::{Digits, HitValue, SecretText};
use crate::rules::{PatternSet, RuleSet, Validator};

/// A validated pattern-rule match.
#[derive(Debug, Clone, Copy)]
pub struct PatternMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    /// The `pan` group, else the `code` group, else the whole match.
    pub value: HitValue,
}

/// Searches `set` in `bytes[from..to]` and calls `found` for each validated match.
pub fn search(
    set: &PatternSet,
    rules: &RuleSet,
    bytes: &[u8],
    from: usize,
    to: usize,
    caps: &mut Captures,
    mut found: impl FnMut(PatternMatch),
) {
    let mut input = Input::new(bytes).range(from..to);
    while input.start() < to {
        set.regex.search_captures(&input, caps);
        let Some(m) = caps.get_match() else { return };
        let next = if m.end() > m.start() {
            m.end()
        } else {
            m.start() + 1
        };
        if let Some(found_match) = validate(set, rules, bytes, caps) {
            found(found_match);
        }
        input.set_start(next);
    }
}

/// The validated match starting exactly at `start`, if any.
pub fn match_at(
    set: &PatternSet,
    rules: &RuleSet,
    bytes: &[u8],
    start: usize,
    caps: &mut Captures,
) -> Option<PatternMatch> {
    let input = Input::new(bytes).range(start..).anchored(Anchored::Yes);
    set.regex.search_captures(&input, caps);
    caps.get_match()?;
    validate(set, rules, bytes, caps)
}

fn validate(set: &PatternSet, rules: &RuleSet, bytes: &[u8], caps: &Captures) -> Option<PatternMatch> {
    let m = caps.get_match()?;
    let rule = *set.rule_of_pattern.get(m.pattern().as_usize())?;
    let spec = &rules.rules[rule].meta;
    // A match must stand on its own: not glued to a word before, nor cut out of
    // a longer number after.
    if m.start() > 0 && is_word_byte(bytes[m.start() - 1]) && is_word_byte(bytes[m.start()]) {
        return None;
    }
    // Track data ends with `?` and a check character (LRC), which may be any
    // byte, a digit too: after a `?` the match needs no boundary.
    let ends_track = m.end() > m.start() && bytes[m.end() - 1] == b'?';
    if !ends_track && bytes.get(m.end()).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let group = |name: &str| caps.get_group_by_name(name).map(|s| &bytes[s.start..s.end]);
    let pan = group("pan");
    for validator in &spec.validators {
        let ok = match validator {
            Validator::Luhn => pan.is_some_and(luhn_valid),
            Validator::Brand => pan.is_some_and(|p| rules.brands().lookup(p).is_some()),
            Validator::Expiry => group("expiry").is_some_and(plausible_yymm),
        };
        if !ok {
            return None;
        }
    }
    let value = match pan {
        Some(p) => HitValue::Pan(Digits::from_ascii(p)?),
        None => HitValue::Code(SecretText::from_ascii(
            group("code").unwrap_or(&bytes[m.start()..m.end()]),
        )?),
    };
    Some(PatternMatch {
        rule,
        start: m.start(),
        end: m.end(),
        value,
    })
}

/// `YYMM` with a month from 01 to 12.
fn plausible_yymm(text: &[u8]) -> bool {
    text.len() == 4 && matches!(&text[2..4], [b'0', b'1'..=b'9'] | [b'1', b'0'..=b'2'])
}

#[cfg(test)]
mod tests {
    use super::plausible_yymm;

    #[test]
    fn yymm_month_must_be_1_to_12() {
        assert!(plausible_yymm(b"2712"));
        assert!(plausible_yymm(b"2701"));
        assert!(!plausible_yymm(b"2700"));
        assert!(!plausible_yymm(b"2713"));
        assert!(!plausible_yymm(b"271"));
    }
}
