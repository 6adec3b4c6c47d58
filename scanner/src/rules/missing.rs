//! Every required field missing from a pack's rules, found in one pass.
//!
//! The YAML parser stops at the first missing field and points at the
//! mapping's last key; someone writing a pack by hand would then fix one field
//! per run. This reads the rules as plain mappings with their positions and
//! lists, for each rule, the line it starts on and every field it lacks.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::redact::redact;

/// Fields every rule must have (see [`super::RuleSpec`]).
const RULE_FIELDS: [&str; 7] = [
    "id",
    "kind",
    "name",
    "level",
    "security_severity",
    "description",
    "help",
];
/// Fields a rule's `ja:` text must have (see [`super::pack::RuleText`]).
const JA_FIELDS: [&str; 3] = ["name", "description", "help"];

/// One rule that lacks fields; shown after `file:line: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingInRule {
    /// The line the rule's mapping starts on (1-based).
    pub line: u64,
    /// The rule's id, redacted, when it has one.
    pub rule: Option<String>,
    /// Required fields it lacks, `ja.name` style for its Japanese text.
    pub fields: Vec<String>,
}

impl fmt::Display for MissingInRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(id) => write!(f, "rule {id}: missing {}", self.fields.join(", ")),
            None => write!(f, "rule without an id: missing {}", self.fields.join(", ")),
        }
    }
}

#[derive(Deserialize)]
struct LoosePack {
    #[serde(default)]
    rules: Vec<Spanned<BTreeMap<String, LooseValue>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum LooseValue {
    Text(String),
    Mapping(BTreeMap<String, IgnoredAny>),
    Other(IgnoredAny),
}

/// The rules of `yaml` that lack required fields; empty when none does or the
/// YAML is not a pack of mappings (the parser's own error then says why).
pub fn missing_fields(yaml: &str) -> Vec<MissingInRule> {
    let Ok(pack) = serde_saphyr::from_str::<LoosePack>(yaml) else {
        return Vec::new();
    };
    pack.rules
        .iter()
        .filter_map(|rule| {
            let keys = &rule.value;
            let mut fields: Vec<String> = RULE_FIELDS
                .iter()
                .filter(|f| !keys.contains_key(**f))
                .map(|f| f.to_string())
                .collect();
            if let Some(LooseValue::Mapping(ja)) = keys.get("ja") {
                fields.extend(
                    JA_FIELDS
                        .iter()
                        .filter(|f| !ja.contains_key(**f))
                        .map(|f| format!("ja.{f}")),
                );
            }
            let rule_id = match keys.get("id") {
                Some(LooseValue::Text(id)) => Some(redact(id).into_owned()),
                _ => None,
            };
            (!fields.is_empty()).then(|| MissingInRule {
                line: rule.referenced.line(),
                rule: rule_id,
                fields,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_field_of_every_rule_is_listed_with_the_rule_line() {
        let yaml = "rules:\n  - id: FIRST\n    kind: pattern\n    level: warning\n  - kind: pattern\n    name: n\n    level: error\n    security_severity: 5\n    description: d\n    help: h\n    ja:\n      name: x\n";
        let missing = missing_fields(yaml);
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert_eq!(missing[0].line, 2);
        assert_eq!(missing[0].rule.as_deref(), Some("FIRST"));
        assert_eq!(
            missing[0].fields,
            ["name", "security_severity", "description", "help"]
        );
        assert_eq!(missing[1].line, 5);
        assert_eq!(missing[1].rule, None);
        assert_eq!(missing[1].fields, ["id", "ja.description", "ja.help"]);
    }

    #[test]
    fn a_complete_rule_lacks_nothing() {
        let yaml = "rules:\n  - id: A\n    kind: pan\n    name: n\n    level: note\n    security_severity: 1\n    description: d\n    help: h\n";
        assert!(missing_fields(yaml).is_empty());
    }

    #[test]
    fn a_card_number_used_as_an_id_is_masked() {
        let yaml = "rules:\n  - id: '4526018159083012'\n    kind: pan\n";
        let missing = missing_fields(yaml);
        assert_eq!(missing.len(), 1);
        assert!(
            !missing[0].to_string().contains("4526018159083012"),
            "{}",
            missing[0]
        );
    }
}
