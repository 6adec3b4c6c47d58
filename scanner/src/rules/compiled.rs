//! A merged rule pack compiled into the structures the detectors search with.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex_automata::meta::Regex;
use sha2::{Digest, Sha256};

use super::pack::{PackInfo, RuleKind, RulePack, RuleSpec, TestPanSpec, Validator};
use super::{merge_into, parse_pack, RuleError};

/// A card brand with the lengths it issues.
#[derive(Debug, Clone)]
pub struct Brand {
    pub name: std::sync::Arc<str>,
    /// Bit `n` set when the brand issues `n`-digit numbers.
    lengths: u32,
    /// Its numbers alone are notes: they need card evidence (see [`super::pack::BrandSpec`]).
    pub needs_context: bool,
}

impl Brand {
    pub fn issues_length(&self, len: usize) -> bool {
        len < 32 && self.lengths & (1 << len) != 0
    }
}

/// One IIN range: numbers whose first `digits` digits lie in `low..=high`.
#[derive(Debug, Clone)]
struct IinRange {
    digits: usize,
    low: u32,
    high: u32,
    brand: usize,
}

/// IIN ranges of every brand, searched longest prefix first.
#[derive(Debug, Clone)]
pub struct BrandTable {
    brands: Vec<Brand>,
    ranges: Vec<IinRange>,
    /// Per first digit: the lengths (bit `n` for `n` digits) of the brands
    /// whose numbers start with it.
    lengths_by_first_digit: [u32; 10],
    /// Per first two digits (`00`–`99`): the lengths of the brands with a
    /// range starting so. A cheap test that rejects most numbers in logs
    /// (order numbers, ids) before the Luhn check and the range search.
    lengths_by_prefix: [u32; 100],
    /// The same for the brands read out of fixed-width records (those that
    /// do not need card context).
    record_lengths_by_prefix: [u32; 100],
}

impl Default for BrandTable {
    fn default() -> Self {
        BrandTable {
            brands: Vec::new(),
            ranges: Vec::new(),
            lengths_by_first_digit: [0; 10],
            lengths_by_prefix: [0; 100],
            record_lengths_by_prefix: [0; 100],
        }
    }
}

impl BrandTable {
    /// The brand that issues a number with these digits (ASCII `0`-`9`), if any.
    pub fn lookup(&self, digits: &[u8]) -> Option<&Brand> {
        self.ranges
            .iter()
            .filter(|r| r.digits <= digits.len())
            .filter(|r| self.brands[r.brand].issues_length(digits.len()))
            .find(|r| {
                let prefix = leading_value(&digits[..r.digits]);
                (r.low..=r.high).contains(&prefix)
            })
            .map(|r| &self.brands[r.brand])
    }

    /// True when `digits` is the start of some brand's range (used for masked
    /// numbers, whose length is unknown).
    pub fn prefix_brand(&self, digits: &[u8]) -> Option<&Brand> {
        self.ranges
            .iter()
            .filter(|r| r.digits <= digits.len())
            .find(|r| (r.low..=r.high).contains(&leading_value(&digits[..r.digits])))
            .map(|r| &self.brands[r.brand])
    }

    /// Whether some brand issues numbers starting with the ASCII digit `first`.
    pub fn may_start_with(&self, first: u8) -> bool {
        self.lengths_of(first) != 0
    }

    /// Whether a run of `len` digits starting with `first` may hold a card
    /// number: as a whole (a brand starting so issues that length), or, when
    /// longer than any card number, at the head of a fixed-width record.
    pub fn may_issue(&self, first: u8, len: usize) -> bool {
        let lengths = self.lengths_of(first);
        if len > 19 {
            lengths != 0
        } else {
            len < 32 && lengths & (1 << len) != 0
        }
    }

    /// Whether a brand with a range starting with the ASCII digits `first`
    /// and `second` issues `len`-digit numbers: a necessary condition for
    /// [`BrandTable::lookup`] to find a brand, at the cost of one load.
    #[inline]
    pub fn may_issue_prefix(&self, first: u8, second: u8, len: usize) -> bool {
        len < 32 && self.lengths_by_prefix[prefix_index(first, second)] & (1 << len) != 0
    }

    /// Whether a fixed-width record starting with the ASCII digits `first`
    /// and `second` may lead with a card number of a brand read out of records.
    #[inline]
    pub fn may_lead_record(&self, first: u8, second: u8) -> bool {
        self.record_lengths_by_prefix[prefix_index(first, second)] != 0
    }

    /// [`BrandTable::may_issue_prefix`] for a record's leading `len` digits.
    #[inline]
    pub fn may_lead_record_with(&self, first: u8, second: u8, len: usize) -> bool {
        len < 32 && self.record_lengths_by_prefix[prefix_index(first, second)] & (1 << len) != 0
    }

    fn lengths_of(&self, first: u8) -> u32 {
        self.lengths_by_first_digit
            .get(usize::from(first.wrapping_sub(b'0')))
            .copied()
            .unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.brands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.brands.is_empty()
    }
}

/// `10 * first + second` for two ASCII digits; a non-digit reads as `0`
/// (whose entries hold no length unless a brand starts with `0`), never out of bounds.
#[inline]
fn prefix_index(first: u8, second: u8) -> usize {
    let digit = |b: u8| {
        let v = b.wrapping_sub(b'0');
        usize::from(if v > 9 { 0 } else { v })
    };
    10 * digit(first) + digit(second)
}

fn leading_value(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d.wrapping_sub(b'0')))
}

/// Group lengths of one accepted way of writing a number, e.g. `[4, 6, 5]`.
pub type Grouping = Vec<u8>;

/// Keyword search around hits (context words, expiry labels).
#[derive(Debug, Clone)]
pub struct KeywordSet {
    pub automaton: AhoCorasick,
    /// Per pattern: true for a positive word, false for a negative one.
    pub positive: Vec<bool>,
    /// Per pattern: true when the word is ASCII and must stand as a word.
    pub ascii_word: Vec<bool>,
    /// Per pattern: the word, in lower case (named in a finding's evidence).
    pub words: Vec<String>,
}

impl KeywordSet {
    fn new(words: &[(String, bool)]) -> Result<Self, String> {
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(words.iter().map(|(w, _)| w.as_str()))
            .map_err(|e| format!("keyword list does not compile: {e}"))?;
        Ok(KeywordSet {
            automaton,
            positive: words.iter().map(|(_, p)| *p).collect(),
            ascii_word: words.iter().map(|(w, _)| w.is_ascii()).collect(),
            words: words.iter().map(|(w, _)| w.to_lowercase()).collect(),
        })
    }
}

/// Pattern rules compiled into one multi-pattern regex.
#[derive(Debug, Clone)]
pub struct PatternSet {
    pub regex: Regex,
    /// Regex pattern index → index into [`RuleSet::rules`].
    pub rule_of_pattern: Vec<usize>,
    /// Every match starts with one of these literals (ASCII case ignored), when
    /// the patterns have such literal prefixes: the regex then runs only where
    /// one occurs, instead of over every byte.
    pub prefixes: Option<AhoCorasick>,
}

/// A rule ready to use: its metadata and how it is validated.
#[derive(Debug, Clone)]
pub struct CompiledRule {
    pub meta: RuleSpec,
}

/// Everything the detectors need, compiled once per scan and shared by threads.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub pack: PackInfo,
    /// SHA-256 of the packs' YAML as merged, so a report can name the exact rules.
    pub pack_sha256: String,
    pub rules: Vec<CompiledRule>,
    brands: BrandTable,
    pub groupings: Vec<Grouping>,
    /// Bit `n` set when some grouping starts with an `n`-digit group.
    grouping_first_lengths: u32,
    test_pans: HashSet<Vec<u8>>,
    pub context: KeywordSet,
    pub context_window: usize,
    pub label_distance: usize,
    pub expiry: KeywordSet,
    pub expiry_window: usize,
    pub mask_chars: Vec<char>,
    /// Pattern rules with a `pan` group: searched only around long digit runs.
    pub pan_patterns: Option<PatternSet>,
    /// Other pattern rules: searched over the whole text.
    pub free_patterns: Option<PatternSet>,
}

impl RuleSet {
    /// Parses the packs (`(origin, yaml)`), merges them in order (the first is
    /// the base) and compiles them.
    pub fn compile(sources: &[(String, String)]) -> Result<RuleSet, RuleError> {
        let mut merged = RulePack::default();
        let mut origin_of_rule: Vec<(String, String)> = Vec::new();
        let mut hasher = Sha256::new();
        for (origin, yaml) in sources {
            let pack = parse_pack(yaml, origin)?;
            for rule in &pack.rules {
                origin_of_rule.retain(|(id, _)| id != &rule.id);
                origin_of_rule.push((rule.id.clone(), origin.clone()));
            }
            hasher.update(yaml.as_bytes());
            merge_into(&mut merged, pack);
        }
        let origin_of = |id: &str| {
            origin_of_rule
                .iter()
                .find(|(rid, _)| rid == id)
                .map(|(_, o)| o.clone())
                .unwrap_or_default()
        };
        let pack_origin = sources.last().map(|(o, _)| o.clone()).unwrap_or_default();
        let invalid = |path: String, rule: Option<&str>, problem: String| RuleError::Invalid {
            path,
            rule: rule.map(str::to_string),
            problem,
        };

        let pack = merged
            .pack
            .clone()
            .ok_or_else(|| invalid(pack_origin.clone(), None, "missing `pack` section".into()))?;
        let brands =
            compile_brands(&merged).map_err(|problem| invalid(pack_origin.clone(), None, problem))?;
        let groupings = merged
            .groupings
            .iter()
            .map(|g| parse_grouping(g))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|problem| invalid(pack_origin.clone(), None, problem))?;
        let mut test_pans = HashSet::new();
        for pan in merged.test_pans.iter().map(TestPanSpec::number) {
            if !(12..=19).contains(&pan.len()) || !pan.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    pack_origin.clone(),
                    None,
                    format!("test_pans: {pan:?} is not 12 to 19 digits"),
                ));
            }
            test_pans.insert(pan.as_bytes().to_vec());
        }
        let ctx = merged.context.clone();
        let mut words: Vec<(String, bool)> = Vec::new();
        if let Some(ctx) = &ctx {
            words.extend(ctx.positive.iter().map(|w| (w.clone(), true)));
            words.extend(ctx.negative.iter().map(|w| (w.clone(), false)));
        }
        if words.iter().any(|(w, _)| w.is_empty()) {
            return Err(invalid(
                pack_origin.clone(),
                None,
                "context: empty keyword".into(),
            ));
        }
        let context =
            KeywordSet::new(&words).map_err(|problem| invalid(pack_origin.clone(), None, problem))?;
        let exp = merged.expiry.clone();
        let expiry_words: Vec<(String, bool)> = exp
            .as_ref()
            .map(|e| e.keywords.iter().map(|w| (w.clone(), true)).collect())
            .unwrap_or_default();
        let expiry =
            KeywordSet::new(&expiry_words).map_err(|problem| invalid(pack_origin.clone(), None, problem))?;
        let mut mask_chars = Vec::new();
        for s in merged.masking.iter().flat_map(|m| m.characters.iter()) {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_ascii_digit() => mask_chars.push(c),
                _ => {
                    return Err(invalid(
                        pack_origin.clone(),
                        None,
                        format!("masking: {s:?} is not a single non-digit character"),
                    ))
                }
            }
        }

        let mut rules = Vec::new();
        let mut pan_sources = Vec::new();
        let mut free_sources = Vec::new();
        for spec in &merged.rules {
            let origin = origin_of(&spec.id);
            check_rule(spec).map_err(|p| invalid(origin.clone(), Some(&spec.id), p))?;
            let index = rules.len();
            if let Some(pattern) = &spec.pattern {
                let probe = Regex::new(pattern).map_err(|e| {
                    invalid(
                        origin.clone(),
                        Some(&spec.id),
                        format!("pattern does not compile: {}", pattern_problem(&e)),
                    )
                })?;
                let names: Vec<&str> = probe
                    .group_info()
                    .pattern_names(regex_automata::PatternID::ZERO)
                    .flatten()
                    .collect();
                for v in &spec.validators {
                    let needed = match v {
                        Validator::Luhn | Validator::Brand => "pan",
                        Validator::Expiry => "expiry",
                    };
                    if !names.contains(&needed) {
                        return Err(invalid(
                            origin.clone(),
                            Some(&spec.id),
                            format!("validator `{v:?}` needs a named group (?P<{needed}>...)"),
                        ));
                    }
                }
                if names.contains(&"pan") {
                    pan_sources.push((pattern.clone(), index));
                } else {
                    free_sources.push((pattern.clone(), index));
                }
            }
            rules.push(CompiledRule { meta: spec.clone() });
        }
        for kind in [RuleKind::Pan, RuleKind::PanMasked, RuleKind::PanTest] {
            if rules.iter().filter(|r| r.meta.kind == kind).count() > 1 {
                return Err(invalid(
                    pack_origin.clone(),
                    None,
                    format!("more than one rule of kind {kind:?}"),
                ));
            }
        }
        let pan_patterns =
            compile_patterns(&pan_sources).map_err(|problem| invalid(pack_origin.clone(), None, problem))?;
        let free_patterns =
            compile_patterns(&free_sources).map_err(|problem| invalid(pack_origin.clone(), None, problem))?;

        Ok(RuleSet {
            pack,
            pack_sha256: hex::encode(hasher.finalize()),
            rules,
            brands,
            grouping_first_lengths: groupings.iter().fold(0, |m, g| m | 1 << g[0]),
            groupings,
            test_pans,
            context,
            context_window: ctx.as_ref().and_then(|c| c.window).unwrap_or(64),
            label_distance: ctx.as_ref().and_then(|c| c.label_distance).unwrap_or(24),
            expiry,
            expiry_window: exp.as_ref().and_then(|e| e.window).unwrap_or(48),
            mask_chars,
            pan_patterns,
            free_patterns,
        })
    }

    pub fn brands(&self) -> &BrandTable {
        &self.brands
    }

    /// Whether some grouping starts with a group of `len` digits: a run's
    /// other groups cannot start a grouped card number.
    #[inline]
    pub fn may_start_grouping(&self, len: usize) -> bool {
        len < 32 && self.grouping_first_lengths & (1 << len) != 0
    }

    pub fn is_test_pan(&self, digits: &[u8]) -> bool {
        self.test_pans.contains(digits)
    }

    pub fn rule(&self, id: &str) -> Option<&CompiledRule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }

    /// Index of the rule of a built-in kind, if the packs define one.
    pub fn rule_of_kind(&self, kind: RuleKind) -> Option<usize> {
        self.rules.iter().position(|r| r.meta.kind == kind)
    }
}

fn check_rule(spec: &RuleSpec) -> Result<(), String> {
    let id_ok = !spec.id.is_empty()
        && spec
            .id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !id_ok {
        return Err("id must be upper-case letters, digits and `_`".into());
    }
    if !(0.1..=10.0).contains(&spec.security_severity) {
        return Err("security_severity must be between 0.1 and 10".into());
    }
    if spec.description.chars().count() > 1024 {
        return Err("description is longer than 1,024 characters".into());
    }
    match (spec.kind, &spec.pattern) {
        (RuleKind::Pattern, None) => Err("kind `pattern` needs a `pattern`".into()),
        (RuleKind::Pattern, Some(_)) => Ok(()),
        (_, Some(_)) => Err("only kind `pattern` takes a `pattern`".into()),
        (_, None) if !spec.validators.is_empty() => Err("only kind `pattern` takes `validators`".into()),
        _ => Ok(()),
    }
}

fn compile_patterns(sources: &[(String, usize)]) -> Result<Option<PatternSet>, String> {
    if sources.is_empty() {
        return Ok(None);
    }
    let regex = Regex::new_many(&sources.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>())
        .map_err(|e| format!("patterns do not compile together: {e}"))?;
    Ok(Some(PatternSet {
        regex,
        rule_of_pattern: sources.iter().map(|(_, i)| *i).collect(),
        prefixes: literal_prefixes(sources.iter().map(|(p, _)| p.as_str())),
    }))
}

/// A searcher for the literal prefixes that every match of these patterns
/// starts with, in ASCII lower case: the detector runs it over a lower-cased
/// copy of the window, so one automaton finds every spelling. `None` when
/// some pattern has no finite set of them (its matches can start anywhere).
///
/// Prefixes are cut to 3 bytes. Folding the window instead of the automaton
/// keeps the set small enough for a one-pattern-per-bucket SIMD (Teddy)
/// search: measured on logs (issue 3), a case-insensitive automaton took
/// the security-code rule to 40% of scan time, the 57 explicit case variants
/// of its prefixes about 15%, and this a few percent.
fn literal_prefixes<'a>(patterns: impl Iterator<Item = &'a str>) -> Option<AhoCorasick> {
    use regex_syntax::hir::literal::Extractor;
    const PREFIX_LEN: usize = 3;
    let mut prefixes: Vec<Vec<u8>> = Vec::new();
    for pattern in patterns {
        let hir = regex_syntax::parse(pattern).ok()?;
        let seq = Extractor::new().extract(&hir);
        for literal in seq.literals()? {
            let bytes = literal.as_bytes();
            if bytes.is_empty() {
                return None;
            }
            prefixes.push(bytes[..bytes.len().min(PREFIX_LEN)].to_ascii_lowercase());
        }
    }
    prefixes.sort();
    prefixes.dedup();
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostFirst)
        .build(&prefixes)
        .ok()
}

fn compile_brands(pack: &RulePack) -> Result<BrandTable, String> {
    let mut table = BrandTable::default();
    for spec in &pack.brands {
        let mut lengths = 0u32;
        for &len in &spec.lengths {
            if !(12..=19).contains(&len) {
                return Err(format!("brand {}: length {len} is not 12 to 19", spec.name));
            }
            lengths |= 1 << len;
        }
        let brand = table.brands.len();
        for prefix in &spec.prefixes {
            let (low, high) = prefix.split_once('-').unwrap_or((prefix, prefix));
            let digits_ok = |s: &str| !s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_digit());
            if !digits_ok(low) || !digits_ok(high) || low.len() != high.len() || low > high {
                return Err(format!(
                    "brand {}: prefix {prefix:?} is not a digit prefix or an ascending range of equal-length prefixes",
                    spec.name
                ));
            }
            for d in low.as_bytes()[0]..=high.as_bytes()[0] {
                table.lengths_by_first_digit[usize::from(d - b'0')] |= lengths;
            }
            // Every two-digit start of a number in the range (`1`: 10–19).
            let two_digits = |p: &str, pad: u8| {
                let mut two = p.as_bytes().to_vec();
                two.resize(2, pad);
                leading_value(&two[..2]) as usize
            };
            for p in two_digits(low, b'0')..=two_digits(high, b'9') {
                table.lengths_by_prefix[p] |= lengths;
                if !spec.needs_context {
                    table.record_lengths_by_prefix[p] |= lengths;
                }
            }
            table.ranges.push(IinRange {
                digits: low.len(),
                low: leading_value(low.as_bytes()),
                high: leading_value(high.as_bytes()),
                brand,
            });
        }
        table.brands.push(Brand {
            name: spec.name.as_str().into(),
            lengths,
            needs_context: spec.needs_context,
        });
    }
    table.ranges.sort_by_key(|r| std::cmp::Reverse(r.digits));
    Ok(table)
}

fn parse_grouping(text: &str) -> Result<Grouping, String> {
    let groups = text
        .split('-')
        .map(|g| g.trim().parse::<u8>().ok().filter(|n| (1..=19).contains(n)))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| format!("grouping {text:?} is not like \"4-4-4-4\""))?;
    let total: u32 = groups.iter().map(|&g| u32::from(g)).sum();
    if groups.len() < 2 || !(12..=19).contains(&total) {
        return Err(format!(
            "grouping {text:?} must have 2+ groups totalling 12 to 19 digits"
        ));
    }
    Ok(groups)
}

/// What is wrong with a pattern and where (1-based column), from the parser's
/// own error; the meta engine's message alone says only "error parsing pattern 0".
fn pattern_problem(e: &regex_automata::meta::BuildError) -> String {
    match e.syntax_error() {
        Some(regex_syntax::Error::Parse(p)) => format!("{} at column {}", p.kind(), p.span().start.column),
        Some(regex_syntax::Error::Translate(t)) => {
            format!("{} at column {}", t.kind(), t.span().start.column)
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::load_rules;

    #[test]
    fn brand_table_knows_each_brand() {
        let rules = load_rules(&[]).unwrap();
        let brand = |d: &str| rules.brands().lookup(d.as_bytes()).map(|b| b.name.to_string());
        assert_eq!(brand("4526018159083012").as_deref(), Some("Visa"));
        assert_eq!(brand("2223378657975436").as_deref(), Some("Mastercard"));
        assert_eq!(brand("5382199351819096").as_deref(), Some("Mastercard"));
        assert_eq!(brand("372319487574919").as_deref(), Some("American Express"));
        assert_eq!(brand("3530186252760186").as_deref(), Some("JCB"));
        assert_eq!(brand("3589955597971147102").as_deref(), Some("JCB"));
        assert_eq!(brand("36497465075295").as_deref(), Some("Diners Club"));
        assert_eq!(brand("6011170342366718").as_deref(), Some("Discover"));
        assert_eq!(brand("6227684268465632122").as_deref(), Some("Discover"));
        assert_eq!(brand("6212787789328792173").as_deref(), Some("UnionPay"));
        assert_eq!(brand("6759233079244023").as_deref(), Some("Maestro"));
    }

    #[test]
    fn security_code_patterns_run_behind_a_literal_prefilter() {
        let rules = load_rules(&[]).unwrap();
        let free = rules.free_patterns.as_ref().expect("CVV is a free pattern");
        assert!(free.prefixes.is_some(), "the CVV rule must have literal prefixes");
    }

    #[test]
    fn brand_needs_its_length() {
        let rules = load_rules(&[]).unwrap();
        // Amex is 15 digits only; Mastercard 16 only; 2721 is past Mastercard's range.
        assert!(rules.brands().lookup(b"3723194875749190").is_none());
        assert!(rules.brands().lookup(b"538219935181909").is_none());
        assert!(rules.brands().lookup(b"2721378657975436").is_none());
        assert!(rules.brands().lookup(b"3527186252760186").is_none());
        assert!(rules.brands().lookup(b"1700000000000").is_none());
    }

    mod prefix_tables_hold_every_brand {
        use crate::rules::load_rules;
        use proptest::prelude::*;

        /// Numbers starting at every range's edges (and just outside them),
        /// or anywhere.
        fn number() -> impl Strategy<Value = Vec<u8>> {
            let starts = [
                "1", "2200", "2204", "2205", "2220", "2221", "2720", "2721", "300", "305", "306", "3095",
                "34", "36", "37", "38", "39", "3527", "3528", "3589", "3590", "4", "50", "5019", "508", "51",
                "55", "56", "58", "60", "6011", "622125", "622126", "622925", "622926", "6304", "644", "649",
                "65", "67", "81", "82", "9792", "",
            ];
            (
                proptest::sample::select(starts.to_vec()),
                19usize..=48,
                any::<u64>(),
                any::<u64>(),
            )
                .prop_map(|(start, len, a, b)| {
                    let mut digits = start.as_bytes().to_vec();
                    let tail = format!("{a:020}{b:020}{a:020}");
                    digits.extend_from_slice(&tail.as_bytes()[..len - digits.len()]);
                    digits
                })
        }

        proptest! {
            #[test]
            fn a_brand_found_passes_the_prefix_tests(digits in number()) {
                let rules = load_rules(&[]).unwrap();
                let brands = rules.brands();
                let (first, second) = (digits[0], digits[1]);
                for len in 13..=19 {
                    if let Some(brand) = brands.lookup(&digits[..len]) {
                        prop_assert!(brands.may_issue_prefix(first, second, len));
                        if !brand.needs_context {
                            prop_assert!(brands.may_lead_record_with(first, second, len));
                            prop_assert!(brands.may_lead_record(first, second));
                        }
                    }
                }
            }
        }

        #[test]
        fn prefix_tests_reject_ids_and_timestamps() {
            let rules = load_rules(&[]).unwrap();
            let brands = rules.brands();
            // A 15-digit order number starting 61: no brand issues that.
            assert!(!brands.may_issue_prefix(b'6', b'1', 15));
            assert!(brands.may_issue_prefix(b'3', b'7', 15));
            // UATP (1…) needs card context: never read out of a record.
            assert!(brands.may_issue_prefix(b'1', b'2', 15));
            assert!(!brands.may_lead_record(b'1', b'2'));
            assert!(brands.may_lead_record(b'4', b'5'));
            assert!(rules.may_start_grouping(4));
            assert!(!rules.may_start_grouping(3));
        }
    }
}
