#![no_main]
//! The verdict and every report writer (terminal summary, JSON, SARIF,
//! HTML) over arbitrary findings, skips and policies: never a panic, and
//! the verdict always agrees with the exit code.

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use hihoji_reports::summary::{self, Lang, SummaryStyle};
use hihoji_reports::{html, json, sarif};
use hihoji_scanner::findings::{
    Finding, GuidelineCategory, LayerKind, Level, Location, Provenance, SkipReason, Skipped,
};
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::verdict::{Verdict, EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    fail_on: u8,
    accept_gaps: bool,
    findings: Vec<(u8, u8, String, Vec<String>, u64, Option<u32>, f32, bool)>,
    skipped: Vec<(u8, String, String)>,
    japanese: bool,
}

const REASONS: [SkipReason; 13] = [
    SkipReason::PermissionDenied,
    SkipReason::Vanished,
    SkipReason::TooLarge,
    SkipReason::SpecialFile,
    SkipReason::Symlink,
    SkipReason::PseudoFilesystem,
    SkipReason::Excluded,
    SkipReason::BombLimit,
    SkipReason::Corrupt,
    SkipReason::Encrypted,
    SkipReason::ReadError,
    SkipReason::NotDecodable,
    SkipReason::InternalError,
];

fn level(b: u8) -> Level {
    [Level::Note, Level::Warning, Level::Error][usize::from(b % 3)]
}

fuzz_target!(|input: Input| {
    let mut outcome: ScanOutcome = serde_json::from_value(serde_json::json!({
        "tool_version": "0", "host": "h", "roots": ["."], "started_at": "", "finished_at": "",
        "rule_pack": {"id": "p", "version": "1", "sha256": "0"}, "rules": [], "findings": [],
        "skipped": [], "coverage": {"files_scanned": 1, "bytes_scanned": 1, "by_decoder": {}}
    }))
    .unwrap();
    outcome.policy.fail_on = level(input.fail_on);
    outcome.policy.accept_gaps = input.accept_gaps;
    for (lvl, cat, artifact, layers, offset, line, confidence, expiry) in input.findings.into_iter().take(64) {
        let mut provenance = Provenance::file(artifact);
        for layer in layers.into_iter().take(4) {
            provenance = provenance.child(LayerKind::Member, layer);
        }
        outcome.findings.push(Finding {
            rule_id: "PAN".to_string(),
            level: level(lvl),
            brand: Some("Visa".to_string()),
            masked: "453987******1596".to_string(),
            fingerprint: "00".to_string(),
            category: GuidelineCategory::ALL[usize::from(cat % 3)],
            provenance,
            location: Location {
                offset,
                line: line.map(u64::from),
                column: line.map(|_| 1),
            },
            confidence,
            expiry_nearby: expiry,
            annotations: BTreeMap::new(),
            baseline_state: None,
            suppression: None,
        });
    }
    for (reason, artifact, detail) in input.skipped.into_iter().take(64) {
        outcome.skipped.push(Skipped {
            provenance: Provenance::file(artifact),
            reason: REASONS[usize::from(reason) % REASONS.len()],
            detail,
        });
    }
    let expected = match outcome.verdict() {
        Verdict::RetentionFound => EXIT_FINDINGS,
        Verdict::Incomplete if outcome.policy.accept_gaps => EXIT_CLEAN,
        Verdict::Incomplete => EXIT_INCOMPLETE,
        Verdict::Clean => EXIT_CLEAN,
    };
    assert_eq!(outcome.exit_code(), expected);
    let lang = if input.japanese { Lang::Ja } else { Lang::En };
    let mut sink = Vec::new();
    let style = SummaryStyle {
        color: false,
        max_listed: 3,
        lang,
    };
    summary::write_summary(&outcome, style, &mut sink).unwrap();
    let _ = summary::verdict(&outcome, lang, false);
    json::write_json(&outcome, &mut sink).unwrap();
    sarif::write_sarif(&outcome, lang, &mut sink).unwrap();
    let _ = html::write_html(&outcome, lang, &mut sink);
});
