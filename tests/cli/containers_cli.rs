//! `hihoji scan` on archives: the provenance chain reaches the reports, SARIF
//! lists the members with their containers, and a bomb ends as a skip with
//! its reason while the exit code still reflects what was found.

use serde_json::Value;

use crate::support::{gzip, hihoji, tar, zip};

/// Synthetic (Luhn-valid, random middle), and in no rule pack example, so
/// finding it in a report would be a leak.
const VISA: &str = "4539875260181596";

#[test]
fn nested_archive_finding_names_its_chain_in_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let log = format!("charge card={VISA} ok\n");
    let inner = tar(&[("c.log.gz", &gzip(log.as_bytes()))]);
    std::fs::write(dir.path().join("a.zip"), zip(&[("b.tar", &inner)])).unwrap();
    let output = hihoji()
        .args(["scan", "--no-progress", "--json", "-"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &json["findings"][0];
    let layers: Vec<&str> = finding["provenance"]["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(finding["provenance"]["artifact"], "a.zip");
    assert_eq!(layers, ["b.tar", "c.log.gz", "c.log"]);
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains(VISA),
        "never the full PAN"
    );

    let output = hihoji()
        .args(["scan", "--no-progress", "--sarif", "-"])
        .arg(dir.path())
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["properties"]["provenance"],
        "a.zip!/b.tar!/c.log.gz!/c.log"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.zip"
    );
    let artifacts = sarif["runs"][0]["artifacts"].as_array().unwrap();
    assert!(
        artifacts.iter().any(|a| a.get("parentIndex").is_some()),
        "members are nested artifacts"
    );
}

#[test]
fn limit_flags_turn_a_bomb_into_a_skip_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zeros.gz"), gzip(&vec![0u8; 8 << 20])).unwrap();
    std::fs::write(dir.path().join("card.txt"), format!("card {VISA}\n")).unwrap();
    let output = hihoji()
        .args([
            "scan",
            "--no-progress",
            "--json",
            "-",
            "--max-ratio",
            "10",
            "--max-member-bytes",
            "1000000",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the PAN beside the bomb is still found"
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let skipped = json["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0]["reason"], "bomb_limit");
    assert_eq!(skipped[0]["provenance"]["artifact"], "zeros.gz");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}
