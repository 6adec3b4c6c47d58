//! What the reports' unit tests build their data with: a finding and a
//! scan outcome with every part a report shows (a skip, a note, coverage).
//! Each test changes what its subject needs.

use std::collections::BTreeMap;

use hihoji_scanner::findings::{
    Finding, GuidelineCategory, LayerKind, Level, Location, Note, Provenance, SkipReason, Skipped,
};
use hihoji_scanner::outcome::{Coverage, RulePackInfo, ScanOutcome};

/// A finding of `rule` at `level` in `provenance`: a masked Visa number at
/// offset 42 (line 3, column 7) with its expiry nearby.
pub fn finding(rule: &str, level: Level, category: GuidelineCategory, provenance: Provenance) -> Finding {
    Finding {
        rule_id: rule.to_string(),
        level,
        brand: Some("Visa".to_string()),
        masked: "452601******3012".to_string().into(),
        fingerprint: "00".repeat(32),
        category,
        provenance,
        location: Location {
            offset: 42,
            line: Some(3),
            column: Some(7),
        },
        confidence: 0.9,
        expiry_nearby: true,
        annotations: BTreeMap::new(),
        baseline_state: None,
        suppression: None,
        evidence: Vec::new(),
    }
}

/// The outcome of a scan of `host` with `findings`, one skipped item and one note.
pub fn outcome(host: &str, findings: Vec<Finding>) -> ScanOutcome {
    ScanOutcome {
        tool_version: "0.1.0".to_string(),
        host: host.to_string().into(),
        roots: vec!["/srv".to_string().into()],
        started_at: "2026-11-25T00:00:00Z".to_string(),
        finished_at: "2026-11-25T00:01:00Z".to_string(),
        rule_pack: RulePackInfo {
            id: "hihoji-default".to_string(),
            version: "1".to_string(),
            sha256: "ab".repeat(32),
        },
        rules: Vec::new(),
        findings,
        skipped: vec![Skipped {
            provenance: Provenance::file("secret.zip"),
            reason: SkipReason::Encrypted,
            detail: "encrypted member".to_string().into(),
        }],
        notes: vec![Note {
            provenance: Provenance::file("edge.pcap").child(LayerKind::Stream, "tcp:1->2"),
            kind: "tls_flow".to_string(),
            detail: "TLS 1.3".to_string().into(),
            annotations: BTreeMap::new(),
        }],
        coverage: Coverage {
            files_scanned: 10,
            bytes_scanned: 2048,
            by_decoder: BTreeMap::new(),
            ..Coverage::default()
        },
        shard: None,
        inputs: Vec::new(),
        policy: Default::default(),
        totals: None,
    }
}
