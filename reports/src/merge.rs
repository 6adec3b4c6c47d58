//! Merging saved reports into one outcome (`hihoji report a.json b.json`):
//! the reports of many hosts of a fleet, or the shards of one tree
//! (`scan --shard K/N`). Nothing is dropped or double-counted: findings, skips
//! and notes are concatenated with their host written into their provenance,
//! and coverage is summed, so the merged counts are the sums of the inputs'.

use std::collections::BTreeSet;

use hihoji_scanner::findings::Provenance;
use hihoji_scanner::outcome::{Coverage, ScanOutcome, ScanScope};

/// Merges `outcomes` (at least one) into one; merged inputs are flattened.
pub fn merge(outcomes: Vec<ScanOutcome>) -> Option<ScanOutcome> {
    let first = outcomes.first()?;
    let mut merged = ScanOutcome {
        tool_version: String::new(),
        host: String::new(),
        roots: Vec::new(),
        started_at: first.started_at.clone(),
        finished_at: first.finished_at.clone(),
        rule_pack: first.rule_pack.clone(),
        rules: Vec::new(),
        findings: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        coverage: Coverage::default(),
        shard: None,
        inputs: Vec::new(),
    };
    for outcome in outcomes {
        let scopes = outcome.scopes();
        let host = outcome.host.clone();
        let tag = |p: &mut Provenance| {
            p.host.get_or_insert_with(|| host.clone());
        };
        for mut f in outcome.findings {
            tag(&mut f.provenance);
            merged.findings.push(f);
        }
        for mut s in outcome.skipped {
            tag(&mut s.provenance);
            merged.skipped.push(s);
        }
        for mut n in outcome.notes {
            tag(&mut n.provenance);
            merged.notes.push(n);
        }
        for rule in outcome.rules {
            if !merged.rules.iter().any(|r| r.id == rule.id) {
                merged.rules.push(rule);
            }
        }
        merged.coverage.merge(&outcome.coverage);
        merged.inputs.extend(scopes);
    }
    let inputs = &merged.inputs;
    merged.tool_version = distinct(inputs.iter().map(|s| s.tool_version.as_str()));
    merged.host = distinct(inputs.iter().map(|s| s.host.as_str()));
    let mut seen = BTreeSet::new();
    merged.roots = inputs
        .iter()
        .flat_map(|s| s.roots.iter().map(move |r| (s.host.as_str(), r.as_str())))
        .filter(|key| seen.insert(*key))
        .map(|(host, root)| format!("{host}:{root}"))
        .collect();
    merged.started_at = inputs
        .iter()
        .map(|s| &s.started_at)
        .min()
        .cloned()
        .unwrap_or_default();
    merged.finished_at = inputs
        .iter()
        .map(|s| &s.finished_at)
        .max()
        .cloned()
        .unwrap_or_default();
    let sort_key = |p: &Provenance| (p.host.clone(), p.to_string());
    merged
        .findings
        .sort_by_cached_key(|f| (sort_key(&f.provenance), f.location.offset, f.rule_id.clone()));
    merged.skipped.sort_by_cached_key(|s| sort_key(&s.provenance));
    merged.notes.sort_by_cached_key(|n| sort_key(&n.provenance));
    Some(merged)
}

/// Whether the merged inputs used more than one rule pack (their findings are
/// then not strictly comparable, which the report says).
pub fn rule_packs_differ(scopes: &[ScanScope]) -> bool {
    scopes.windows(2).any(|w| w[0].rule_pack != w[1].rule_pack)
}

/// The distinct values, in first-seen order, joined by ", ".
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out.join(", ")
}
