//! The HTML report end to end: rendered from a scan of synthetic card data,
//! merged from several saved reports, and from the shards of one tree.

use std::path::Path;

use scraper::{Html, Selector};
use serde_json::Value;

use crate::support::report::{assert_no_planted_value, read_json, run, scan_to_json, synthetic_tree};
use crate::support::{hihoji, sarif_schema_errors};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

fn parse(path: &Path) -> (String, Html) {
    let raw = std::fs::read_to_string(path).unwrap();
    let doc = Html::parse_document(&raw);
    (raw, doc)
}

/// The counts table's row for `key` (`stored`, …, or "" for the totals row): error, warning, note, total.
fn count_row(doc: &Html, key: &str) -> [u64; 4] {
    let css = if key.is_empty() {
        "table.counts tr.total td".to_string()
    } else {
        format!("table.counts tr[data-cat={key}] td")
    };
    let cells: Vec<u64> = select(doc, &css)
        .iter()
        .map(|c| text(c).parse().unwrap())
        .collect();
    cells.try_into().unwrap()
}

fn summary_count(json: &Value, field: &str, key: &str) -> u64 {
    json["summary"][field][key].as_u64().unwrap_or(0)
}

#[test]
fn html_report_of_a_scan_has_the_guideline_structure_and_no_card_value() {
    let tree = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let planted = synthetic_tree(tree.path(), 11, 5);
    let html = out.path().join("report.html");
    let json = scan_to_json(
        tree.path(),
        out.path(),
        "scan",
        &["--html", html.to_str().unwrap(), "--lang", "ja"],
    );
    let json = read_json(&json);
    let (raw, doc) = parse(&html);

    assert!(
        !Html::parse_document("<!DOCTYPE html><p></div>").errors.is_empty(),
        "the parser reports errors, so the check below means something"
    );
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert_eq!(select(&doc, "html[lang=ja]").len(), 1);
    let headings: Vec<String> = select(&doc, "main > section > h2").iter().map(text).collect();
    let expected = [
        "判定",
        "調査範囲",
        "概観",
        "検出結果",
        "ルールと対処",
        "調査の網羅性",
    ];
    assert_eq!(headings.len(), expected.len(), "{headings:?}");
    for (heading, want) in headings.iter().zip(expected) {
        assert!(heading.starts_with(want), "{heading:?} should be {want:?}");
    }
    let findings = json["summary"]["findings"].as_u64().unwrap();
    assert!(
        findings >= 10,
        "the synthetic tree plants more than {findings} findings"
    );
    assert_eq!(select(&doc, "tr.f").len() as u64, findings);
    assert_eq!(
        count_row(&doc, ""),
        [
            summary_count(&json, "by_level", "error"),
            summary_count(&json, "by_level", "warning"),
            summary_count(&json, "by_level", "note"),
            findings
        ]
    );
    assert!(
        count_row(&doc, "stored")[0] > 0,
        "track data and the CVV are errors"
    );
    assert_eq!(
        count_row(&doc, "stored")[3],
        summary_count(&json, "by_category", "stored")
    );
    assert_eq!(select(&doc, "#verdict.retention").len(), 1);
    assert!(raw.contains("非保持化") && raw.contains("カード情報") && raw.contains("機密認証データ"));
    assert_eq!(
        select(&doc, "#charts svg").len(),
        3,
        "category, brand and directory charts"
    );
    let guideline: Vec<String> = select(&doc, "#cat-stored dl.guide dd").iter().map(text).collect();
    assert!(
        guideline[0].contains("カード情報の非保持化（保存）"),
        "{guideline:?}"
    );
    assert!(
        select(&doc, "#rule-PAN .help li").len() >= 2,
        "remediation from the rule's help"
    );

    let skipped = json["skipped"].as_array().unwrap();
    assert!(skipped.len() >= 2, "the symlink and the excluded directory");
    assert_eq!(select(&doc, "table.skipped tbody tr").len(), skipped.len());
    let reasons: Vec<String> = select(&doc, "table.skipped tbody tr td:nth-child(2)")
        .iter()
        .map(text)
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("シンボリックリンク")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.contains("除外")), "{reasons:?}");
    let decoders: Vec<String> = select(&doc, "table.decoders code").iter().map(text).collect();
    assert!(
        decoders.contains(&"gzip".to_string()) && decoders.contains(&"text".to_string()),
        "{decoders:?}"
    );

    assert!(
        !raw.contains("http://") && !raw.contains("https://"),
        "an external URL in the report"
    );
    let external: Vec<&str> = select(&doc, "[src], link, iframe, object, embed")
        .iter()
        .map(|e| e.value().name())
        .collect();
    assert!(external.is_empty(), "external resource elements {external:?}");
    for link in select(&doc, "[href]") {
        let href = link.value().attr("href").unwrap();
        assert!(href.starts_with('#'), "link out of the report: {href}");
    }
    assert_no_planted_value(&raw, &planted);
}

#[test]
fn english_report_uses_the_english_catalogue() {
    let tree = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    synthetic_tree(tree.path(), 12, 0);
    let html = out.path().join("report.html");
    // No --lang: the locale decides.
    run(
        hihoji()
            .arg("scan")
            .arg(tree.path())
            .args(["--no-progress", "--html"])
            .arg(&html)
            .env("LANG", "en_GB.UTF-8"),
        &[1],
    );
    let (raw, doc) = parse(&html);
    assert_eq!(select(&doc, "html[lang=en]").len(), 1);
    let verdict = text(&select(&doc, "#verdict .headline")[0]);
    assert!(verdict.starts_with("Card data is retained"), "{verdict}");
    assert!(raw.contains("Stored (保存)"));
    assert!(
        !raw.contains("検出結果"),
        "a Japanese heading in the English report"
    );
}

#[test]
fn merged_report_counts_are_the_sums_of_the_inputs() {
    let (tree_a, tree_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let out = tempfile::tempdir().unwrap();
    let planted_a = synthetic_tree(tree_a.path(), 21, 3);
    let planted_b = synthetic_tree(tree_b.path(), 22, 9);
    let a = scan_to_json(tree_a.path(), out.path(), "a", &["--host", "pos-a"]);
    let b = scan_to_json(tree_b.path(), out.path(), "b", &["--host", "pos-b"]);
    let html = out.path().join("merged.html");
    let merged_json = out.path().join("merged.json");
    let merged_sarif = out.path().join("merged.sarif");
    run(
        hihoji()
            .arg("report")
            .args([&a, &b])
            .arg("--html")
            .arg(&html)
            .arg("--json")
            .arg(&merged_json)
            .arg("--sarif")
            .arg(&merged_sarif)
            .args(["--lang", "en"]),
        &[1],
    );
    let (ja, jb, merged) = (read_json(&a), read_json(&b), read_json(&merged_json));
    let sum = |field: &str, key: &str| summary_count(&ja, field, key) + summary_count(&jb, field, key);
    for key in ["error", "warning", "note"] {
        assert_eq!(
            summary_count(&merged, "by_level", key),
            sum("by_level", key),
            "{key}"
        );
    }
    for key in ["stored", "processed", "transmitted"] {
        assert_eq!(
            summary_count(&merged, "by_category", key),
            sum("by_category", key),
            "{key}"
        );
    }
    let total = |j: &Value, k: &str| j["summary"][k].as_u64().unwrap();
    assert_eq!(
        total(&merged, "findings"),
        total(&ja, "findings") + total(&jb, "findings")
    );
    assert_eq!(
        total(&merged, "skipped"),
        total(&ja, "skipped") + total(&jb, "skipped")
    );
    let files = |j: &Value| j["coverage"]["files_scanned"].as_u64().unwrap();
    assert_eq!(files(&merged), files(&ja) + files(&jb));

    let (raw, doc) = parse(&html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert_eq!(
        select(&doc, "tr.f").len() as u64,
        total(&ja, "findings") + total(&jb, "findings")
    );
    let [e, w, n, t] = count_row(&doc, "");
    assert_eq!(
        [e, w, n],
        ["error", "warning", "note"].map(|k| sum("by_level", k))
    );
    assert_eq!(t, total(&merged, "findings"));
    let hosts: Vec<String> = select(&doc, "#cat-stored h4.host").iter().map(text).collect();
    assert_eq!(hosts.len(), 2, "findings grouped by host: {hosts:?}");
    assert!(
        hosts[0].contains("pos-a") && hosts[1].contains("pos-b"),
        "{hosts:?}"
    );
    assert_eq!(
        select(&doc, "table.scope tbody tr").len(),
        2,
        "one scope row per input"
    );
    assert_no_planted_value(&raw, &planted_a);
    assert_no_planted_value(&raw, &planted_b);

    // The merged SARIF is valid SARIF 2.1.0 and says which host each result is on.
    let sarif = read_json(&merged_sarif);
    let errors = sarif_schema_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len() as u64, total(&merged, "findings"));
    let on_b = results
        .iter()
        .filter(|r| r["properties"]["host"] == "pos-b")
        .count() as u64;
    assert_eq!(on_b, total(&jb, "findings"));

    // A merged report is itself an input: merging it again changes nothing.
    let again = out.path().join("again.json");
    run(
        hihoji().arg("report").arg(&merged_json).arg("--json").arg(&again),
        &[1],
    );
    let again = read_json(&again);
    assert_eq!(again["findings"], merged["findings"]);
    assert_eq!(again["inputs"], merged["inputs"]);
}

#[test]
fn shards_add_up_to_the_unsharded_scan() {
    let tree = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    synthetic_tree(tree.path(), 31, 40);
    let whole = scan_to_json(tree.path(), out.path(), "whole", &[]);
    let shards: Vec<_> = (1..=3)
        .map(|k| {
            scan_to_json(
                tree.path(),
                out.path(),
                &format!("shard{k}"),
                &["--shard", &format!("{k}/3")],
            )
        })
        .collect();
    for shard in &shards {
        let json = read_json(shard);
        assert!(
            json["summary"]["findings"].as_u64().unwrap() > 0,
            "every shard gets work"
        );
        assert!(json["summary"]["findings"] != read_json(&whole)["summary"]["findings"]);
    }
    let merge = |inputs: &[&Path], name: &str| {
        let path = out.path().join(name);
        run(hihoji().arg("report").args(inputs).arg("--json").arg(&path), &[1]);
        read_json(&path)
    };
    let unsharded = merge(&[&whole], "unsharded-merged.json");
    let sharded = merge(
        &shards.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
        "sharded-merged.json",
    );
    assert!(!unsharded["skipped"].as_array().unwrap().is_empty());
    for field in ["findings", "skipped", "notes", "coverage"] {
        assert_eq!(sharded[field], unsharded[field], "{field} differs");
    }
    assert_eq!(sharded["summary"], unsharded["summary"]);
    let shard_names: Vec<&str> = sharded["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["shard"].as_str().unwrap())
        .collect();
    assert_eq!(shard_names, ["1/3", "2/3", "3/3"]);
}

#[test]
fn bad_shard_and_bad_input_are_usage_errors() {
    let out = tempfile::tempdir().unwrap();
    let err = run(hihoji().args(["scan", ".", "--shard", "4/3"]), &[2]);
    assert!(String::from_utf8_lossy(&err.stderr).contains("K/N"));
    let bogus = out.path().join("bogus.json");
    std::fs::write(&bogus, "{\"format\": \"something-else\"}").unwrap();
    let err = run(
        hihoji()
            .arg("report")
            .arg(&bogus)
            .arg("--html")
            .arg(out.path().join("x.html")),
        &[2],
    );
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(
        stderr.contains("bogus.json") && stderr.contains("not a hihoji JSON report"),
        "{stderr}"
    );
}
