//! The rule-pack file format, as written in `rules/*.yaml`.
//!
//! These types mirror the YAML one to one so that a non-programmer's reading of
//! the file is also the program's reading. Compilation into fast matchers lives
//! in [`super::compiled`].

use serde::{Deserialize, Serialize};

/// One YAML rule pack. Every section is optional in a user pack: what it names
/// is merged over the embedded default pack.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    #[serde(default)]
    pub pack: Option<PackInfo>,
    #[serde(default)]
    pub brands: Vec<BrandSpec>,
    #[serde(default)]
    pub groupings: Vec<String>,
    #[serde(default)]
    pub test_pans: Vec<TestPanSpec>,
    #[serde(default)]
    pub context: Option<ContextSpec>,
    #[serde(default)]
    pub expiry: Option<ExpirySpec>,
    #[serde(default)]
    pub masking: Option<MaskingSpec>,
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub version: String,
    #[serde(default)]
    pub description: String,
}

/// A card brand: the IIN ranges it issues from and the lengths it issues.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandSpec {
    pub name: String,
    /// `"4"`, `"3095"` or an inclusive range of equal-length prefixes `"2221-2720"`.
    pub prefixes: Vec<String>,
    pub lengths: Vec<u8>,
    /// A brand outside the networks the guideline and PCI DSS name: its
    /// numbers reach the rule's level only with card evidence (a card word
    /// labelling them, an expiry, a brand grouping); alone they are notes.
    #[serde(default)]
    pub needs_context: bool,
    /// Where the ranges and lengths are published.
    #[serde(default)]
    pub source: Option<String>,
}

/// A public test card number: the number alone, or with where it is published.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TestPanSpec {
    Number(String),
    Sourced { number: String, source: String },
}

impl TestPanSpec {
    pub fn number(&self) -> &str {
        match self {
            TestPanSpec::Number(n) | TestPanSpec::Sourced { number: n, .. } => n,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    #[serde(default)]
    pub window: Option<usize>,
    #[serde(default)]
    pub positive: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
    #[serde(default)]
    pub label_distance: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpirySpec {
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub window: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskingSpec {
    pub characters: Vec<String>,
}

/// How a rule finds its matches.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// The built-in card-number finder.
    Pan,
    /// The built-in masked card-number finder.
    PanMasked,
    /// Card numbers listed under `test_pans`.
    PanTest,
    /// A regular expression with validators.
    Pattern,
}

/// A check applied to a pattern rule's match before it becomes a finding.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Validator {
    Luhn,
    Brand,
    Expiry,
}

/// SARIF result level.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleExamples {
    #[serde(default, rename = "match")]
    pub matching: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// One rule as written in the pack; also the rule metadata that reports carry.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub kind: RuleKind,
    pub name: String,
    pub level: Level,
    pub security_severity: f32,
    #[serde(default)]
    pub pci_dss: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub description: String,
    pub help: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validators: Vec<Validator>,
    /// Kept out of reports: examples are for `rules check`, not for auditors.
    #[serde(default, skip_serializing)]
    pub examples: RuleExamples,
    /// The auditor-facing text in Japanese, used by `--lang ja` reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ja: Option<RuleText>,
}

/// A rule's name, description and help (Markdown) in one language.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RuleText {
    pub name: String,
    pub description: String,
    pub help: String,
}

impl RuleSpec {
    /// Name, description and help in Japanese when asked for and written,
    /// else in English.
    pub fn text(&self, japanese: bool) -> (&str, &str, &str) {
        match (&self.ja, japanese) {
            (Some(ja), true) => (&ja.name, &ja.description, &ja.help),
            _ => (&self.name, &self.description, &self.help),
        }
    }
}
