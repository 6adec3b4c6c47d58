//! Rule packs: loading the embedded default pack and user packs, merging them,
//! and checking them before anything is compiled.
//!
//! A bad pack is an error that names the file, the rule and the problem, so a
//! merchant editing YAML by hand can fix it without reading code.

mod compiled;
mod missing;
mod pack;

use std::io::Read;
use std::path::PathBuf;

pub use compiled::{Brand, BrandTable, CompiledRule, Grouping, KeywordSet, PatternSet, RuleSet};
pub use missing::MissingInRule;
pub use pack::{
    BrandSpec, ContextSpec, ExpirySpec, Level, MaskingSpec, PackInfo, RuleExamples, RuleKind, RulePack,
    RuleSpec, Validator,
};

/// The default pack, embedded so the binary works with no files beside it,
/// and compressed by `build.rs` so that the binary does not hold its example
/// card numbers as text.
const DEFAULT_PACK_DEFLATE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/default.yaml.deflate"));

/// The text of the embedded default pack.
pub fn default_pack_yaml() -> String {
    let mut yaml = String::new();
    flate2::read::DeflateDecoder::new(DEFAULT_PACK_DEFLATE)
        .read_to_string(&mut yaml)
        .expect("the embedded pack is build.rs's deflate of a UTF-8 file");
    yaml
}
/// Where the embedded pack is said to come from in error messages.
pub const DEFAULT_PACK_NAME: &str = "rules/default.yaml (embedded)";

/// Why a rule pack could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{path}: cannot read rule pack")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The YAML does not parse: where, and the parser's message without the
    /// quoted source lines (an example value may be a real card number).
    #[error("{path}:{line}:{column}: {}not a valid rule pack: {message}", rule.as_deref().map(|r| format!("rule {r}: ")).unwrap_or_default())]
    Parse {
        path: String,
        line: u64,
        column: u64,
        rule: Option<String>,
        message: String,
    },
    #[error("{path}: {}: {problem}", rule.as_deref().map(|r| format!("rule {r}")).unwrap_or_else(|| "pack".to_string()))]
    Invalid {
        path: String,
        rule: Option<String>,
        problem: String,
    },
    /// Rules that lack required fields: every one, each with its line.
    #[error("{path}: required fields missing:{}", rules.iter().map(|r| format!("\n  {path}:{}: {r}", r.line)).collect::<String>())]
    MissingFields { path: String, rules: Vec<MissingInRule> },
}

/// Parses one pack from YAML text; `origin` names it in errors.
pub fn parse_pack(yaml: &str, origin: &str) -> Result<RulePack, RuleError> {
    serde_saphyr::from_str::<RulePack>(yaml).map_err(|e| {
        // The parser stops at the first missing field: list them all.
        let missing = missing::missing_fields(yaml);
        if !missing.is_empty() {
            return RuleError::MissingFields {
                path: origin.to_string(),
                rules: missing,
            };
        }
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let mut options = serde_saphyr::RenderOptions::default();
        options.snippets = serde_saphyr::SnippetMode::Off;
        RuleError::Parse {
            path: origin.to_string(),
            line,
            column,
            rule: rule_around(yaml, line),
            message: crate::redact::redact(&e.render_with_options(options)).into_owned(),
        }
    })
}

/// The id of the rule whose YAML holds line `line` (1-based): the nearest
/// `id:` at or above it, when it is in the `rules` section.
fn rule_around(yaml: &str, line: u64) -> Option<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let upto = usize::try_from(line).ok()?.min(lines.len());
    for text in lines[..upto].iter().rev() {
        let trimmed = text.trim_start().trim_start_matches("- ");
        if let Some(id) = trimmed.strip_prefix("id:") {
            let id = id.trim().trim_matches(['"', '\'']);
            return (!id.is_empty()).then(|| crate::redact::redact(id).into_owned());
        }
        if !text.starts_with([' ', '-', '\t']) && !text.trim().is_empty() && !text.starts_with("rules:") {
            return None;
        }
    }
    None
}

/// The default pack merged with the given user packs, in order, then compiled.
pub fn load_rules(user_packs: &[PathBuf]) -> Result<RuleSet, RuleError> {
    let mut sources = vec![(DEFAULT_PACK_NAME.to_string(), default_pack_yaml())];
    for path in user_packs {
        let text = std::fs::read_to_string(path).map_err(|source| RuleError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        sources.push((path.display().to_string(), text));
    }
    RuleSet::compile(&sources)
}

/// Merges `overlay` into `base`: rules with the same id are replaced, new rules
/// appended; brands, groupings, test numbers and keywords are added to.
pub(crate) fn merge_into(base: &mut RulePack, overlay: RulePack) {
    if overlay.pack.is_some() {
        base.pack = overlay.pack;
    }
    for brand in overlay.brands {
        match base.brands.iter_mut().find(|b| b.name == brand.name) {
            Some(existing) => *existing = brand,
            None => base.brands.push(brand),
        }
    }
    base.groupings.extend(overlay.groupings);
    base.test_pans.extend(overlay.test_pans);
    if let Some(ctx) = overlay.context {
        let target = base.context.get_or_insert(ContextSpec {
            window: None,
            positive: Vec::new(),
            negative: Vec::new(),
            label_distance: None,
        });
        target.window = ctx.window.or(target.window);
        target.label_distance = ctx.label_distance.or(target.label_distance);
        target.positive.extend(ctx.positive);
        target.negative.extend(ctx.negative);
    }
    if let Some(exp) = overlay.expiry {
        let target = base.expiry.get_or_insert(ExpirySpec {
            keywords: Vec::new(),
            window: None,
        });
        target.window = exp.window.or(target.window);
        target.keywords.extend(exp.keywords);
    }
    if let Some(mask) = overlay.masking {
        let target = base.masking.get_or_insert(MaskingSpec {
            characters: Vec::new(),
        });
        target.characters.extend(mask.characters);
    }
    for rule in overlay.rules {
        match base.rules.iter_mut().find(|r| r.id == rule.id) {
            Some(existing) => *existing = rule,
            None => base.rules.push(rule),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_pack_loads() {
        let rules = load_rules(&[]).expect("default pack must compile");
        assert!(rules.rule("PAN").is_some());
        assert!(rules.rule("TRACK2").is_some());
        assert!(rules.brands().len() >= 8);
    }

    #[test]
    fn malformed_yaml_names_the_file() {
        let err = parse_pack("rules: [", "user.yaml").unwrap_err();
        assert!(err.to_string().starts_with("user.yaml:"), "{err}");
    }

    #[test]
    fn yaml_error_names_line_column_and_rule_but_quotes_no_example() {
        let user =
            "rules:\n  - id: MINE\n    examples:\n      match: [\"card 4526018159083012\"\n      bad: [\n";
        let err = parse_pack(user, "user.yaml").unwrap_err().to_string();
        assert!(err.starts_with("user.yaml:"), "{err}");
        assert!(err.contains("rule MINE"), "{err}");
        assert!(
            !err.contains("4526018159083012") && !err.contains("0181 5908"),
            "{err}"
        );
        assert!(!err.contains('\n'), "one line, no quoted source: {err}");
    }

    #[test]
    fn unknown_field_is_an_error() {
        let err = parse_pack("colour: red\n", "user.yaml").unwrap_err();
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn bad_pattern_names_file_and_rule() {
        let user = r#"
rules:
  - id: BROKEN
    kind: pattern
    name: broken
    level: error
    security_severity: 5.0
    description: d
    help: h
    pattern: '(?P<pan>[0-9'
"#;
        let packs = vec![
            ("default".to_string(), default_pack_yaml()),
            ("user.yaml".to_string(), user.to_string()),
        ];
        let err = RuleSet::compile(&packs).unwrap_err().to_string();
        assert!(err.contains("user.yaml") && err.contains("BROKEN"), "{err}");
    }

    #[test]
    fn user_rule_replaces_default_rule_with_same_id() {
        let user = r#"
rules:
  - id: CVV
    kind: pattern
    name: Only the Japanese label
    level: error
    security_severity: 9.0
    description: d
    help: h
    pattern: 'セキュリティコード[:：]?(?P<code>[0-9]{3,4})'
"#;
        let packs = vec![
            ("default".to_string(), default_pack_yaml()),
            ("user.yaml".to_string(), user.to_string()),
        ];
        let rules = RuleSet::compile(&packs).unwrap();
        assert_eq!(rules.rule("CVV").unwrap().meta.name, "Only the Japanese label");
    }
}
