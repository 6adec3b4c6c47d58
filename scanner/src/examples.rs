//! Runs the `examples` that each rule carries, so a rule pack documents and
//! tests itself (`hihoji rules check`, and the test suite for the default pack).

use crate::detect::{Detector, Hit, Window};
use crate::rules::RuleSet;

/// One example that did not behave as its rule says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    pub rule: String,
    /// The example text. Examples are synthetic by policy, so printing them is safe.
    pub example: String,
    pub expected_match: bool,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.expected_match {
            "should match"
        } else {
            "should not match"
        };
        write!(f, "rule {}: example {:?} {verb}", self.rule, self.example)
    }
}

/// Every example of every rule, checked; an empty list means all pass.
pub fn check_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let mut detector = Detector::new(rules);
    let mut failures = Vec::new();
    let mut hits: Vec<Hit> = Vec::new();
    for (index, rule) in rules.rules.iter().enumerate() {
        let cases = rule.meta.examples.matching.iter().map(|e| (e, true));
        let cases = cases.chain(rule.meta.examples.no_match.iter().map(|e| (e, false)));
        for (example, expected_match) in cases {
            hits.clear();
            detector.scan(&Window::whole(example.as_bytes()), &mut hits);
            if hits.iter().any(|h| h.rule == index) != expected_match {
                failures.push(ExampleFailure {
                    rule: rule.meta.id.clone(),
                    example: example.clone(),
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
