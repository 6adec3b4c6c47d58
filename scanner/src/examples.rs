//! Runs the `examples` that each rule carries, so a rule pack documents and
//! tests itself (`hihoji rules check`, and the test suite for the default pack).

use crate::detect::{Detector, Hit, Window};
use crate::redact::Redacted;
use crate::rules::RuleSet;

/// One example that did not behave as its rule says, named by its place
/// in the rule's list and its masked form: a pack's example may be a real
/// card number, and nothing hihoji prints shows one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    /// 1-based position in the rule's `match` or `no_match` list.
    pub index: usize,
    /// The example, redacted.
    pub example: Redacted,
    pub expected_match: bool,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (list, verb) = if self.expected_match {
            ("match", "should match")
        } else {
            ("no_match", "should not match")
        };
        write!(
            f,
            "rule {}: {list} example #{} ({:?}) {verb}",
            self.rule, self.index, self.example
        )
    }
}

/// Every example of every rule, checked; an empty list means all pass.
pub fn check_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let mut detector = Detector::new(rules);
    let mut failures = Vec::new();
    let mut hits: Vec<Hit> = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        let cases = rule
            .meta
            .examples
            .matching
            .iter()
            .enumerate()
            .map(|(i, e)| (i, e, true));
        let cases = cases.chain(
            rule.meta
                .examples
                .no_match
                .iter()
                .enumerate()
                .map(|(i, e)| (i, e, false)),
        );
        for (position, example, expected_match) in cases {
            hits.clear();
            detector.scan(&Window::whole(example.as_bytes()), &mut hits);
            if hits.iter().any(|h| h.rule == index) != expected_match {
                failures.push(ExampleFailure {
                    rule: rule.meta.id.clone(),
                    index: position + 1,
                    example: example.into(),
                    expected_match,
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use crate::rules::load_rules;

    #[test]
    fn default_pack_examples_all_pass() {
        let rules = load_rules(&[]).unwrap();
        let failures = super::check_examples(&rules);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn every_default_rule_has_examples_both_ways() {
        let rules = load_rules(&[]).unwrap();
        for rule in &rules.rules {
            assert!(
                !rule.meta.examples.matching.is_empty(),
                "{} has no match examples",
                rule.meta.id
            );
            assert!(
                !rule.meta.examples.no_match.is_empty(),
                "{} has no no_match examples",
                rule.meta.id
            );
        }
    }
}
