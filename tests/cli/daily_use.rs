//! End-to-end tests of daily use and the CI gate: baselines, hihoji.yaml,
//! .hihojiignore, inline allow comments, git-aware scans and the rules UX.
//!
//! Every card number here is synthetic (Luhn-valid, random middle digits).

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;

use crate::support;

const VISA: &str = "4526018159083012";
const JCB: &str = "3530186252760186";
const MASTERCARD: &str = "5382199351819096";
const DISCOVER: &str = "6011170342366718";

/// `hihoji` in `dir`, with the tests' fixed key and English messages.
fn hihoji(dir: &Path) -> Command {
    let mut cmd = support::hihoji();
    cmd.current_dir(dir);
    cmd
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Runs a scan that prints its JSON report; returns (exit code, report).
fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = hihoji(dir)
        .args(["scan", "--no-progress", "--json", "-"])
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&output.stderr)));
    (code, report)
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().unwrap().clone()
}

fn artifacts(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| f["provenance"]["artifact"].as_str().unwrap().to_string())
        .collect()
}

fn skipped_with(report: &Value, path: &str) -> Option<Value> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["provenance"]["artifact"] == path)
        .cloned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = StdCommand::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the git command line must be installed for these tests");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A temporary directory with a new git repository in its `repo` folder, or
/// `None` (the test is skipped, saying so) when the git command line is missing.
fn git_repo(test: &str) -> Option<(tempfile::TempDir, PathBuf)> {
    if StdCommand::new("git").arg("--version").output().is_err() {
        eprintln!("SKIPPED {test}: the git command line is not installed (scripts/test installs it as root)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "Test Author"]);
    git(&repo, &["config", "user.email", "author@example.com"]);
    git(&repo, &["config", "commit.gpgsign", "false"]);
    Some((dir, repo))
}

#[test]
fn baseline_round_trip_fails_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "orders.csv", &format!("id;card\n1;{VISA}\n"));
    write(root, "logs/app.log", &format!("paid with {JCB}\n"));

    hihoji(root).args(["scan", "--no-progress", "."]).assert().code(1);
    hihoji(root)
        .args([
            "baseline",
            "create",
            "--no-progress",
            "--output",
            ".hihoji-baseline.json",
            ".",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(root.join(".hihoji-baseline.json")).unwrap();
    assert!(
        !text.contains(VISA) && !text.contains(JCB),
        "baseline holds a full number"
    );
    let baseline: Value = serde_json::from_str(&text).unwrap();
    let entries = baseline["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for entry in entries {
        let keys: Vec<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["fingerprint", "masked", "path", "rule_id"]);
    }

    let (code, report) = scan_json(root, &["--baseline", ".hihoji-baseline.json", "."]);
    assert_eq!(code, 0, "accepted findings must not fail the scan");
    assert!(findings(&report)
        .iter()
        .all(|f| f["baseline_state"] == "unchanged" && f["level"] == "note"));
    let own = skipped_with(&report, ".hihoji-baseline.json").expect("baseline file recorded as skipped");
    assert_eq!(own["reason"], "excluded");
    // A pass that rests on accepted findings says so, with their count.
    let summary = hihoji(root)
        .args([
            "scan",
            "--no-progress",
            "--baseline",
            ".hihoji-baseline.json",
            ".",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        text.contains("PASS — 2 finding(s) accepted by the baseline"),
        "{text}"
    );

    write(
        root,
        "orders.csv",
        &format!("id;card\n1;{VISA}\n2;{MASTERCARD}\n"),
    );
    let output = hihoji(root)
        .args([
            "scan",
            "--no-progress",
            "--sarif",
            "-",
            "--baseline",
            ".hihoji-baseline.json",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "a new number must fail the scan");
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let new: Vec<&Value> = results.iter().filter(|r| r["baselineState"] == "new").collect();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["properties"]["masked_pan"], "538219******9096");
    assert_eq!(new[0]["level"], "warning");
    let unchanged = results
        .iter()
        .filter(|r| r["baselineState"] == "unchanged")
        .count();
    assert_eq!(unchanged, 2);
}

#[test]
fn stale_baseline_entries_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", &format!("{VISA}\n"));
    write(root, "b.txt", &format!("{JCB}\n"));
    hihoji(root)
        .args(["baseline", "create", "--no-progress", "-o", "base.json", "."])
        .assert()
        .success();
    std::fs::remove_file(root.join("b.txt")).unwrap();
    let (code, report) = scan_json(root, &["--baseline", "base.json", "."]);
    assert_eq!(code, 0);
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["kind"], "baseline_stale");
    assert_eq!(notes[0]["provenance"]["artifact"], "b.txt");
    let summary = hihoji(root)
        .args(["scan", "--no-progress", "--baseline", "base.json", "."])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(text.contains("Baseline entries no longer found (1)"), "{text}");
    assert!(text.contains("353018******0186"), "{text}");
}

#[test]
fn config_file_sets_the_html_report_and_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "data.txt", &format!("card {VISA}\n"));
    // 40 MiB of zeros, gzipped, expands far more than 2:1 past the 16 MiB floor.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![0u8; 40 << 20]).unwrap();
    std::fs::write(root.join("zeros.gz"), gz.finish().unwrap()).unwrap();
    write(
        root,
        "hihoji.yaml",
        "output:\n  html: out/report.html\nlimits:\n  max_ratio: 2\n",
    );
    std::fs::create_dir(root.join("out")).unwrap();
    let (code, report) = scan_json(root, &["--exclude", "out", "."]);
    assert_eq!(code, 1);
    let html = std::fs::read_to_string(root.join("out/report.html")).expect("HTML report from the config");
    assert!(html.contains("452601******3012"), "HTML names the finding");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["reason"] == "bomb_limit" && s["provenance"]["artifact"] == "zeros.gz"),
        "the config's max_ratio applies: {skipped:#?}"
    );
}

#[test]
fn config_file_applies_and_command_line_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "data.txt", &format!("card {VISA}\n"));
    write(root, "vendor/lib.txt", &format!("card {JCB}\n"));
    write(
        root,
        "hihoji.yaml",
        "# team settings\nfail_on: error\nexclude:\n  - \"vendor/**\"\noutput:\n  sarif: out/report.sarif\n",
    );
    std::fs::create_dir(root.join("out")).unwrap();

    // fail_on: error from the file: a PAN (warning) passes.
    hihoji(root).args(["scan", "--no-progress", "."]).assert().code(0);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("out/report.sarif")).unwrap()).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["data.txt"], "the config's exclude must apply");

    // The flag wins over the file.
    hihoji(root)
        .args(["scan", "--no-progress", "--fail-on", "warning", "."])
        .assert()
        .code(1);
    // --config names another file; its exclude list is joined with --exclude.
    write(root, "strict.yaml", "fail_on: note\n");
    // (The SARIF report written above holds masked numbers: excluded too.)
    let (code, report) = scan_json(
        root,
        &[
            "--config",
            "strict.yaml",
            "--exclude",
            "data.txt",
            "--exclude",
            "out",
            ".",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(artifacts(&report), ["vendor/lib.txt"]);
}

#[test]
fn bad_config_is_a_clear_error_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "hihoji.yaml", "exclude: []\nfail_on: sometimes\n");
    let output = hihoji(dir.path())
        .args(["scan", "--no-progress", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("hihoji.yaml") && err.contains("line 2"), "{err}");
}

#[test]
fn hihojiignore_excludes_and_records_every_ignored_item() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".hihojiignore", "dumps/\n*.bak\n!keep.bak\n");
    write(root, "dumps/heap.txt", &format!("{VISA}\n"));
    write(root, "old.bak", &format!("{JCB}\n"));
    write(root, "keep.bak", &format!("{MASTERCARD}\n"));
    write(root, "sub/.hihojiignore", "local.txt\n");
    write(root, "sub/local.txt", &format!("{DISCOVER}\n"));
    write(root, "local.txt", &format!("{DISCOVER}\n"));
    let (_, report) = scan_json(root, &["."]);
    let mut found = artifacts(&report);
    found.sort();
    assert_eq!(found, ["keep.bak", "local.txt"]);
    for ignored in ["dumps", "old.bak", "sub/local.txt"] {
        let skipped = skipped_with(&report, ignored).unwrap_or_else(|| panic!("{ignored} not recorded"));
        assert_eq!(skipped["reason"], "excluded");
        assert_eq!(skipped["detail"], "matches .hihojiignore");
    }
}

#[test]
fn files_named_on_the_command_line_obey_the_ignore_files_above_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".hihojiignore", "dumps/\n*.bak\n");
    write(root, "dumps/heap.txt", &format!("{VISA}\n"));
    write(root, "sub/old.bak", &format!("{JCB}\n"));
    write(root, "sub/data.txt", &format!("{MASTERCARD}\n"));
    // As a pre-commit hook runs it: staged files named one by one.
    let (code, report) = scan_json(root, &["dumps/heap.txt", "sub/old.bak", "sub/data.txt"]);
    assert_eq!(code, 1);
    assert_eq!(artifacts(&report), ["sub/data.txt"]);
    for ignored in ["dumps/heap.txt", "sub/old.bak"] {
        let skipped =
            skipped_with(&report, ignored).unwrap_or_else(|| panic!("{ignored} not recorded: {report:#}"));
        assert_eq!(skipped["reason"], "excluded");
        assert_eq!(skipped["detail"], "matches .hihojiignore");
    }
}

#[test]
fn gitignored_files_are_scanned_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "*.log\n");
    write(root, "debug.log", &format!("{VISA}\n"));
    let (code, report) = scan_json(root, &["."]);
    assert_eq!((code, artifacts(&report)), (1, vec!["debug.log".to_string()]));
    let (code, report) = scan_json(root, &["--respect-gitignore", "."]);
    assert_eq!(code, 0);
    assert_eq!(
        skipped_with(&report, "debug.log").unwrap()["detail"],
        "matches .gitignore"
    );
}

#[test]
fn inline_allow_comment_suppresses_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "parser_test.py",
        &format!("CARD = \"{VISA}\"  # hihoji:allow PAN reason=parser fixture\nOTHER = \"{JCB}\"  # hihoji:allow CVV reason=wrong rule\n"),
    );
    let output = hihoji(root)
        .args(["scan", "--no-progress", "--sarif", "-", "."])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the second line's comment allows another rule"
    );
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "an allowed finding is still reported");
    let allowed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["properties"]["masked_pan"], "452601******3012");
    assert_eq!(allowed[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(allowed[0]["suppressions"][0]["justification"], "parser fixture");

    write(
        root,
        "parser_test.py",
        &format!("CARD = \"{VISA}\"  # hihoji:allow PAN reason=parser fixture\n"),
    );
    hihoji(root).args(["scan", "--no-progress", "."]).assert().code(0);
}

#[test]
fn git_diff_scans_only_files_changed_since_base() {
    let Some((_dir, repo)) = git_repo("git_diff_scans_only_files_changed_since_base") else {
        return;
    };
    let root = repo.as_path();
    write(root, "old.txt", &format!("{VISA}\n"));
    write(root, "edited.txt", "nothing yet\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("old.txt", root.join("link")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    hihoji(root)
        .args(["baseline", "create", "--no-progress", "-o", "../base.json", "."])
        .assert()
        .success();
    write(root, "edited.txt", &format!("now {JCB}\n"));
    write(root, "new/untracked.txt", &format!("{MASTERCARD}\n"));
    write(root, "staged.txt", &format!("{DISCOVER}\n"));
    git(root, &["add", "staged.txt"]);

    let (code, report) = scan_json(root, &["--git-diff", "HEAD", "--baseline", "../base.json", "."]);
    assert_eq!(code, 1);
    let mut found = artifacts(&report);
    found.sort();
    assert_eq!(found, ["edited.txt", "new/untracked.txt", "staged.txt"]);
    // Unchanged files are out of scope, not "not scanned".
    assert!(skipped_with(&report, "link").is_none(), "{:#}", report["skipped"]);
    // old.txt was not looked at: its baseline entry is not stale.
    assert_eq!(
        report["notes"].as_array().unwrap().len(),
        0,
        "{:#}",
        report["notes"]
    );

    let output = hihoji(root)
        .args(["scan", "--no-progress", "--git-diff", "no-such-ref", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-ref"));
}

#[test]
fn git_history_finds_a_number_committed_and_later_deleted() {
    let Some((_dir, repo)) = git_repo("git_history_finds_a_number_committed_and_later_deleted") else {
        return;
    };
    let root = repo.as_path();
    write(root, "README", "shop\n");
    git(root, &["add", "."]);
    // A submodule (gitlink): its content is in another repository.
    let gitlink = "160000,0123456789abcdef0123456789abcdef01234567,vendor/lib";
    git(root, &["update-index", "--add", "--cacheinfo", gitlink]);
    git(root, &["commit", "-qm", "first"]);
    write(root, "exports/orders.csv", &format!("1;{VISA}\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "oops"]);
    let leaked = git(root, &["rev-parse", "HEAD"]);
    // The same blob again under another path, on another branch: reported once.
    git(root, &["checkout", "-qb", "copy"]);
    write(root, "copy.csv", &format!("1;{VISA}\n"));
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "copy"]);
    git(root, &["checkout", "-q", "main"]);
    git(root, &["rm", "-rq", "exports"]);
    git(root, &["commit", "-qm", "remove"]);
    git(root, &["branch", "-D", "-q", "copy"]);
    git(root, &["tag", "kept", &leaked]);

    // The working tree is clean, but git keeps the deleted file: its loose
    // objects (zlib) under .git are stored data, and are read.
    let (code, report) = scan_json(root, &["."]);
    assert_eq!(code, 1);
    let stored = findings(&report);
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|f| f["provenance"]["artifact"]
            .as_str()
            .unwrap()
            .starts_with(".git/objects/")),
        "{stored:#?}"
    );

    let (code, report) = scan_json(root, &["--git-history", "."]);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = &found[0];
    assert_eq!(f["masked"], "452601******3012");
    assert_eq!(f["provenance"]["artifact"], "exports/orders.csv");
    assert_eq!(f["annotations"]["commit"], leaked.as_str());
    assert_eq!(f["annotations"]["author"], "Test Author <author@example.com>");
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["kind"] == "git_submodule" && n["provenance"]["artifact"] == "vendor/lib"),
        "{notes:#?}"
    );

    // Paths and history in one scan: one report holds the findings of both.
    let (code, report) = scan_json(root, &[".", "--git-history", "."]);
    assert_eq!(code, 1);
    let both = findings(&report);
    let from_history: Vec<&Value> = both
        .iter()
        .filter(|f| f["annotations"]["commit"] == leaked.as_str())
        .collect();
    assert_eq!(from_history.len(), 1, "{both:#?}");
    assert_eq!(from_history[0]["provenance"]["artifact"], "exports/orders.csv");
    let from_paths = both
        .iter()
        .filter(|f| {
            f["provenance"]["artifact"]
                .as_str()
                .unwrap()
                .starts_with(".git/objects/")
        })
        .count();
    assert_eq!(from_paths, stored.len(), "{both:#?}");
    assert_eq!(both.len(), 1 + stored.len(), "{both:#?}");
    let roots = report["roots"].as_array().unwrap();
    assert_eq!(roots.len(), 2, "{roots:#?}");
    let notes = report["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["kind"] == "git_submodule"), "{notes:#?}");
}

/// `--git-history` on a directory that is not a repository: a usage error
/// that says so once, without libgit2's class and code numbers.
#[test]
fn git_history_on_a_non_repository_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.txt", "nothing\n");
    let out = hihoji(dir.path())
        .args(["scan", ".", "--no-progress", "--git-history", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("could not find repository").count(), 1, "{stderr}");
    assert!(!stderr.contains("class="), "{stderr}");
}

#[test]
fn rules_check_passes_on_the_default_pack_and_fails_clearly_on_a_broken_one() {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/default.yaml");
    let dir = tempfile::tempdir().unwrap();
    hihoji(dir.path())
        .args(["rules", "check"])
        .arg(&default)
        .assert()
        .success()
        .stdout(predicates::str::contains("examples pass"));

    write(
        dir.path(),
        "wrong-example.yaml",
        r#"rules:
  - id: ORDER_CARD
    kind: pattern
    name: Card number after "card:"
    level: warning
    security_severity: 6.0
    description: d
    help: h
    pattern: 'card:(?P<pan>[0-9]{16})'
    validators: [luhn]
    examples:
      match: ["card:4526018159083013"]
      no_match: ["card:none"]
"#,
    );
    let output = hihoji(dir.path())
        .args(["rules", "check", "wrong-example.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("ORDER_CARD") && err.contains("should match") && err.contains("FAILED"),
        "{err}"
    );

    write(dir.path(), "bad-regex.yaml", "rules:\n  - id: BROKEN\n    kind: pattern\n    name: n\n    level: error\n    security_severity: 5.0\n    description: d\n    help: h\n    pattern: '(?P<pan>[0-9'\n");
    let output = hihoji(dir.path())
        .args(["rules", "check", "bad-regex.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("bad-regex.yaml") && err.contains("BROKEN"), "{err}");
}

#[test]
fn rules_list_and_explain_describe_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let list = hihoji(dir.path()).args(["rules", "list"]).output().unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    for id in ["PAN", "PAN_MASKED", "PAN_TEST", "TRACK1", "TRACK2", "CVV"] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} missing:\n{text}");
    }
    let explain = hihoji(dir.path())
        .args(["rules", "explain", "track2"])
        .output()
        .unwrap();
    assert!(explain.status.success());
    let text = String::from_utf8_lossy(&explain.stdout);
    assert!(
        text.starts_with("TRACK2") && text.contains("Examples that match:\n  + "),
        "{text}"
    );
    hihoji(dir.path())
        .args(["rules", "explain", "NOPE"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("known rules"));
}

#[test]
fn completions_and_man_page_are_generated() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        hihoji(dir.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicates::str::contains("baseline"));
    }
    hihoji(dir.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicates::str::contains(".TH hihoji"));
}

#[test]
fn sarif_with_baseline_states_suppressions_and_stale_entries_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a.txt", &format!("{VISA}\n"));
    write(root, "gone.txt", &format!("{MASTERCARD}\n"));
    hihoji(root)
        .args(["baseline", "create", "--no-progress", "."])
        .assert()
        .success();
    std::fs::remove_file(root.join("gone.txt")).unwrap();
    write(
        root,
        "b.txt",
        &format!("{JCB} // hihoji:allow PAN reason=\"sample\"\n{DISCOVER}\n"),
    );
    let output = hihoji(root)
        .args([
            "scan",
            "--no-progress",
            "--sarif",
            "-",
            "--baseline",
            ".hihoji-baseline.json",
            ".",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &sarif["runs"][0];
    let states: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "new").count(), 2, "{states:?}");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["properties"]["kind"] == "baseline_stale"
        && n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("538219******9096")));

    let errors = support::sarif_schema_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn unreadable_baseline_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "nothing\n");
    write(dir.path(), "base.json", "{\"version\": 1, \"entries\": \"oops\"}");
    let output = hihoji(dir.path())
        .args(["scan", "--no-progress", "--baseline", "base.json", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("base.json: not a hihoji baseline"), "{err}");
}

#[test]
fn a_baselined_number_copied_into_another_file_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "fixtures/cards.txt", &format!("{VISA}\n"));
    hihoji(root)
        .args(["baseline", "create", "--no-progress", "."])
        .assert()
        .success();
    write(root, "logs/app.log", &format!("charged {VISA}\n"));
    let (code, report) = scan_json(root, &["--baseline", ".hihoji-baseline.json", "."]);
    assert_eq!(code, 1);
    let states: Vec<(String, String)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["provenance"]["artifact"].as_str().unwrap().to_string(),
                f["baseline_state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("fixtures/cards.txt".to_string(), "unchanged".to_string()),
            ("logs/app.log".to_string(), "new".to_string())
        ]
    );
}
