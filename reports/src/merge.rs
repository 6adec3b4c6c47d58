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
        host: Default::default(),
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
        policy: first.policy,
        totals: None,
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
    merged.host = distinct(inputs.iter().map(|s| s.host.as_str())).into();
    let mut seen = BTreeSet::new();
    merged.roots = inputs
        .iter()
        .flat_map(|s| s.roots.iter().map(move |r| (s.host.as_str(), r.as_str())))
        .filter(|key| seen.insert(*key))
        .map(|(host, root)| format!("{host}:{root}").into())
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

#[cfg(test)]
mod tests {
    use hihoji_scanner::findings::{GuidelineCategory, Level, Location, SkipReason, Skipped};
    use hihoji_scanner::outcome::RulePackInfo;

    use super::*;
    use crate::test_support::{self, finding};

    /// A scan of `host` started at `started`: one PAN in each of `files`
    /// and one unreadable file.
    fn outcome(host: &str, files: &[&str], started: &str) -> ScanOutcome {
        let findings = files
            .iter()
            .map(|file| {
                let mut f = finding(
                    "PAN",
                    Level::Warning,
                    GuidelineCategory::Stored,
                    Provenance::file(*file),
                );
                f.brand = None;
                f.fingerprint = "ff".to_string();
                f.location = Location {
                    offset: 0,
                    line: None,
                    column: None,
                };
                f.expiry_nearby = false;
                f
            })
            .collect();
        let mut o = test_support::outcome(host, findings);
        o.started_at = started.to_string();
        o.finished_at = started.replace("00:00", "00:05");
        o.rule_pack = RulePackInfo {
            id: "p".to_string(),
            version: "1".to_string(),
            sha256: "00".to_string(),
        };
        o.skipped = vec![Skipped {
            provenance: Provenance::file("locked"),
            reason: SkipReason::PermissionDenied,
            detail: String::new().into(),
        }];
        o.notes = Vec::new();
        o.coverage.files_scanned = files.len() as u64;
        o.coverage.bytes_scanned = 100;
        o
    }

    #[test]
    fn merge_keeps_everything_and_names_each_host() {
        let merged = merge(vec![
            outcome("b-host", &["x", "y"], "2026-01-02T00:00:00Z"),
            outcome("a-host", &["x"], "2026-01-01T00:00:00Z"),
        ])
        .unwrap();
        assert_eq!(merged.findings.len(), 3);
        assert_eq!(merged.skipped.len(), 2);
        assert_eq!(merged.coverage.files_scanned, 3);
        assert_eq!(merged.coverage.bytes_scanned, 200);
        let hosts: Vec<_> = merged
            .findings
            .iter()
            .map(|f| f.provenance.host.as_deref())
            .collect();
        assert_eq!(
            hosts,
            [Some("a-host"), Some("b-host"), Some("b-host")],
            "sorted by host"
        );
        assert_eq!(merged.host, "b-host, a-host");
        assert_eq!(merged.roots, ["b-host:/srv", "a-host:/srv"]);
        assert_eq!(merged.started_at, "2026-01-01T00:00:00Z");
        assert_eq!(merged.finished_at, "2026-01-02T00:05:00Z");
        assert_eq!(merged.inputs.len(), 2);
        assert!(!rule_packs_differ(&merged.inputs));
    }

    #[test]
    fn merging_a_merged_outcome_flattens_its_inputs() {
        let once = merge(vec![
            outcome("a", &["x"], "2026-01-01T00:00:00Z"),
            outcome("b", &["y"], "2026-01-01T00:00:00Z"),
        ])
        .unwrap();
        let twice = merge(vec![once.clone(), outcome("c", &["z"], "2026-01-01T00:00:00Z")]).unwrap();
        assert_eq!(twice.inputs.len(), 3);
        assert_eq!(twice.findings.len(), 3);
        assert_eq!(merge(vec![once.clone()]).unwrap(), once);
        assert!(merge(Vec::new()).is_none());
    }
}
