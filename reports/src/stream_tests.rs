//! The streaming writers against the outcome they stream: every finding
//! counted, the cuts stated.

use hihoji_scanner::findings::{Finding, FindingSink, GuidelineCategory, Level, Provenance};
use hihoji_scanner::outcome::{FindingSample, ScanOutcome, SAMPLE_PER_FILE};
use serde_json::Value;

use crate::summary::Lang;
use crate::test_support::{finding, outcome};
use crate::{html, json, sarif};

/// `n` findings in one file, levels in turn, each at its own offset.
fn many(n: usize) -> Vec<Finding> {
    let levels = [Level::Note, Level::Warning, Level::Error];
    (0..n)
        .map(|i| {
            let mut f = finding(
                "PAN",
                levels[i % 3],
                GuidelineCategory::Stored,
                Provenance::file("dump.csv"),
            );
            f.location.offset = i as u64;
            f.fingerprint = format!("{}{:04x}", "ab".repeat(30), i);
            f
        })
        .collect()
}

/// The outcome as a streamed scan leaves it: the sample and the counts.
fn sampled(findings: &[Finding]) -> ScanOutcome {
    let mut sample = FindingSample::default();
    for f in findings {
        sample.finding(f.clone()).unwrap();
    }
    let mut streamed = outcome("h", Vec::new());
    sample.fill(&mut streamed);
    streamed
}

#[test]
fn json_read_back_streaming_gives_every_finding_and_the_same_summary() {
    let findings = many(50);
    let mut written = Vec::new();
    json::write_json(&outcome("h", findings.clone()), &mut written).unwrap();
    let mut read = Vec::new();
    let report = json::read_json_stream(&written[..], &mut |f| {
        read.push(f);
        Ok(())
    })
    .unwrap();
    assert_eq!(read, findings);
    assert!(report.outcome.findings.is_empty(), "not held");
    assert_eq!(report.summary.findings, 50);
    assert_eq!(report.summary.by_level["error"], 16);
}

#[test]
fn a_summary_from_a_sample_counts_every_finding() {
    let findings = many(100);
    let streamed = sampled(&findings);
    assert_eq!(streamed.findings.len(), SAMPLE_PER_FILE);
    let summary = json::Summary::of(&streamed);
    assert_eq!(summary, json::Summary::of(&outcome("h", findings)));
    assert_eq!(summary.findings, 100);
}

#[test]
fn sarif_is_cut_at_the_limit_most_severe_first_and_says_so() {
    let findings = many(sarif::MAX_RESULTS + 30);
    let mut written = Vec::new();
    sarif::write_sarif(&outcome("h", findings), Lang::En, &mut written).unwrap();
    let log: Value = serde_json::from_slice(&written).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results.last().unwrap()["level"], "note", "notes are cut first");
    assert_eq!(run["properties"]["results_left_out"], 30);
    assert_eq!(run["properties"]["results_total"], sarif::MAX_RESULTS + 30);
    let said = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| {
            n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("30 results beyond")
        });
    assert!(said, "the cut is a notification");
}

#[test]
fn html_of_a_sample_shows_every_count_and_how_many_more_in_both_languages() {
    let streamed = sampled(&many(100));
    for (lang, more) in [
        (Lang::En, "+80 more in the JSON report"),
        (Lang::Ja, "ほか 80 件は JSON レポートに記載"),
    ] {
        let mut page = Vec::new();
        html::write_html(&streamed, lang, &mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.contains(more), "{lang:?}");
        assert_eq!(page.matches("<tr class=\"f\"").count(), SAMPLE_PER_FILE);
        assert!(page.contains(">100<"), "the full count is shown");
    }
}
