//! End-to-end: `hihoji scan` on the fixtures, its reports, exit codes and coverage.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::support::{
    card_numbers_under, hihoji, hihoji_unprivileged, repo, sarif_schema_errors, synthetic_visa, written_forms,
};

fn json_report(args: &[&str]) -> (Value, i32) {
    let out = hihoji()
        .arg("scan")
        .args(args)
        .args(["--json", "-"])
        .output()
        .expect("run hihoji");
    let report = serde_json::from_slice(&out.stdout).expect("JSON report on stdout");
    (report, out.status.code().unwrap_or(-1))
}

fn text_fixtures() -> String {
    repo().join("fixtures/text").to_string_lossy().into_owned()
}

#[test]
fn fixtures_findings_are_exactly_the_manifest() {
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(repo().join("fixtures/manifest.json")).unwrap())
            .unwrap();
    let expected: BTreeSet<(String, String, String)> = manifest
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (s("file"), s("rule"), s("masked"))
        })
        .collect();
    let (report, code) = json_report(&[&text_fixtures()]);
    assert_eq!(code, 1);
    let found: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let artifact = f["provenance"]["artifact"].as_str().unwrap().to_string();
            (
                artifact,
                f["rule_id"].as_str().unwrap().to_string(),
                f["masked"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn lookalikes_and_clean_text_produce_no_findings() {
    for dir in ["negative", "clean"] {
        let path = repo().join("fixtures/text").join(dir);
        let (report, code) = json_report(&[&path.to_string_lossy()]);
        assert_eq!(
            report["findings"].as_array().unwrap().len(),
            0,
            "{dir}: {}",
            report["findings"]
        );
        assert_eq!(code, 0);
    }
}

#[test]
fn findings_carry_category_fingerprint_and_location() {
    let (report, _) = json_report(&[&text_fixtures()]);
    let findings = report["findings"].as_array().unwrap();
    let track = findings
        .iter()
        .find(|f| f["rule_id"] == "TRACK1")
        .expect("track 1 finding");
    assert_eq!(track["level"], "error");
    assert_eq!(track["category"], "stored");
    assert_eq!(track["provenance"]["artifact"], "pos/reader.log");
    assert_eq!(track["location"]["line"], 2);
    assert!(track["location"]["column"].as_u64().unwrap() > 1);
    assert_eq!(track["fingerprint"].as_str().unwrap().len(), 64);
    let gz = findings
        .iter()
        .find(|f| f["provenance"]["layers"].is_array())
        .expect("a finding inside a .gz");
    assert_eq!(gz["provenance"]["artifact"], "logs/access.log.1.gz");
    assert_eq!(gz["provenance"]["layers"][0]["name"], "access.log.1");
}

#[test]
fn same_value_in_two_places_shares_a_fingerprint() {
    let (report, _) = json_report(&[&text_fixtures()]);
    let findings = report["findings"].as_array().unwrap();
    let plain: Vec<&Value> = findings
        .iter()
        .filter(|f| f["provenance"]["artifact"] == "logs/access.log")
        .collect();
    for f in plain {
        let twin = findings
            .iter()
            .find(|g| g["provenance"]["artifact"] == "logs/access.log.1.gz" && g["masked"] == f["masked"])
            .expect("same value in the rotated log");
        assert_eq!(f["fingerprint"], twin["fingerprint"]);
    }
}

#[test]
fn fingerprints_change_with_the_key() {
    let run = |key: &str| {
        let out = hihoji()
            .env("HIHOJI_FINGERPRINT_KEY", key)
            .args(["scan", &text_fixtures(), "--json", "-"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"][0]["fingerprint"].as_str().unwrap().to_string()
    };
    assert_ne!(run("first-key-0123456789"), run("second-key-0123456789"));
}

#[test]
fn exit_codes_follow_fail_on() {
    let fixtures = text_fixtures();
    hihoji().args(["scan", &fixtures, "--quiet"]).assert().code(1);
    let exports = repo().join("fixtures/text/exports");
    // Only warnings there: failing on errors passes.
    hihoji()
        .args([
            "scan",
            &exports.to_string_lossy(),
            "--fail-on",
            "error",
            "--quiet",
        ])
        .assert()
        .code(0);
    let clean = repo().join("fixtures/text/clean");
    hihoji()
        .args(["scan", &clean.to_string_lossy(), "--fail-on", "note", "--quiet"])
        .assert()
        .code(0);
    hihoji()
        .args(["scan", "/nonexistent/hihoji-root"])
        .assert()
        .code(2);
    hihoji().args(["scan", "--fail-on", "sometimes"]).assert().code(2);
}

#[test]
fn bad_rule_file_exits_2_naming_file_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("broken.yaml");
    std::fs::write(
        &pack,
        "rules:\n  - id: BROKEN_ONE\n    kind: pattern\n    name: x\n    level: error\n    security_severity: 5\n    description: d\n    help: h\n    pattern: '(?P<pan>[0-9]{13'\n",
    )
    .unwrap();
    let out = hihoji()
        .args(["scan", &text_fixtures(), "--rules"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.yaml") && stderr.contains("BROKEN_ONE"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unclosed counted repetition at column"),
        "the pattern's problem and position: {stderr}"
    );

    std::fs::write(&pack, "rules: [\n").unwrap();
    let out = hihoji()
        .args(["scan", &text_fixtures(), "--rules"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.yaml"));
}

/// A pack whose rules lack required fields names them all in one run, each
/// rule with the line it starts on, for `scan --rules` and `rules check` alike.
#[test]
fn rule_pack_missing_fields_are_all_listed_with_their_rule_lines() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("incomplete.yaml");
    std::fs::write(
        &pack,
        "rules:\n  - id: FIRST_RULE\n    kind: pattern\n    pattern: 'abc'\n    level: warning\n  - id: SECOND_RULE\n    name: Second\n    kind: pattern\n    pattern: 'x'\n    level: warning\n    security_severity: 5\n    description: d\n    help: h\n    ja:\n      name: 二番目\n",
    )
    .unwrap();
    for args in [&["scan", &text_fixtures(), "--rules"][..], &["rules", "check"]] {
        let out = hihoji().args(args).arg(&pack).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "incomplete.yaml:2: rule FIRST_RULE: missing name, security_severity, description, help"
            ),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("incomplete.yaml:6: rule SECOND_RULE: missing ja.description, ja.help"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("<input>"), "{stderr}");
    }
}

#[test]
fn user_rule_pack_adds_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("extra.yaml");
    std::fs::write(
        &pack,
        "rules:\n  - id: PIN_BLOCK\n    kind: pattern\n    name: PIN block\n    level: error\n    security_severity: 9\n    description: d\n    help: h\n    pattern: 'pinblock=(?P<code>[0-9A-F]{16})'\n",
    )
    .unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.log"), "pinblock=0412AC89ABCDEF67\n").unwrap();
    let out = hihoji()
        .args(["scan"])
        .arg(&data)
        .args(["--rules"])
        .arg(&pack)
        .args(["--json", "-"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule_id"], "PIN_BLOCK");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn scan_refuses_a_rule_pack_whose_examples_fail() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("extra.yaml");
    std::fs::write(
        &pack,
        "rules:\n  - id: PIN_BLOCK\n    kind: pattern\n    name: PIN block\n    level: error\n    security_severity: 9\n    description: d\n    help: h\n    pattern: 'pinblock=(?P<code>[0-9A-F]{16})'\n    examples:\n      match:\n        - \"pinblock=0412\"\n",
    )
    .unwrap();
    let out = hihoji()
        .args(["scan", &text_fixtures(), "--rules"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("extra.yaml") && stderr.contains("PIN_BLOCK") && stderr.contains("rules check"),
        "{stderr}"
    );
}

/// Special files and unreadable files are recorded as skipped, with reasons,
/// and the scan goes on.
#[cfg(unix)]
#[test]
fn fifo_and_unreadable_file_are_skipped_with_reasons() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(root.join("secret.log"), "card=4526018159083012\n").unwrap();
    std::fs::set_permissions(root.join("secret.log"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::write(root.join("readable.log"), "card=4081003390757936\n").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", root.join("link")).unwrap();

    // Root reads everything: run as nobody so the permission check is real.
    let mut cmd = hihoji_unprivileged();
    let sarif_path = std::env::temp_dir().join(format!("hihoji-skip-{}.sarif", std::process::id()));
    let out = cmd
        .arg("scan")
        .arg(root)
        .arg("--sarif")
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&sarif_path);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let reason_of = |uri: &str| {
        notes
            .iter()
            .find(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .map(|n| n["properties"]["reason"].as_str().unwrap().to_string())
    };
    assert_eq!(reason_of("pipe").as_deref(), Some("special_file"));
    assert_eq!(reason_of("secret.log").as_deref(), Some("permission_denied"));
    assert_eq!(reason_of("link").as_deref(), Some("symlink"));
    assert_eq!(run["results"].as_array().unwrap().len(), 1);
}

#[test]
fn max_file_size_skips_large_files_with_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.log"),
        format!("{}card=4526018159083012\n", "x".repeat(5000)),
    )
    .unwrap();
    let (report, code) = json_report(&[&dir.path().to_string_lossy(), "--max-file-size", "1000"]);
    assert_eq!(report["skipped"][0]["reason"], "too_large");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(code, 3, "a file not read makes the scan incomplete");
}

#[test]
fn excluded_paths_are_recorded_not_scanned() {
    let (report, _) = json_report(&[&text_fixtures(), "--exclude", "logs", "--exclude", "*.csv"]);
    let skipped = report["skipped"].as_array().unwrap();
    assert!(skipped
        .iter()
        .any(|s| s["provenance"]["artifact"] == "logs" && s["reason"] == "excluded"));
    assert!(skipped
        .iter()
        .any(|s| s["provenance"]["artifact"] == "exports/orders.csv"));
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| {
        let a = f["provenance"]["artifact"].as_str().unwrap();
        !a.starts_with("logs/") && !a.ends_with(".csv")
    }));
}

#[test]
fn one_and_two_threads_find_the_same() {
    let (one, _) = json_report(&[&text_fixtures(), "-j", "1"]);
    let (two, _) = json_report(&[&text_fixtures(), "-j", "2"]);
    assert_eq!(one["findings"], two["findings"]);
}

/// No output format, and neither stdout nor stderr, contains a full card value.
#[test]
fn no_output_leaks_a_full_card_number() {
    let fixtures = repo().join("fixtures");
    let numbers = card_numbers_under(&fixtures);
    assert!(
        numbers.len() >= 15,
        "fixtures should hold many card numbers, found {}",
        numbers.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("r.sarif");
    let json = dir.path().join("r.json");
    let with_files = hihoji()
        .arg("scan")
        .arg(&fixtures)
        .arg("--sarif")
        .arg(&sarif)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let summary = hihoji().arg("scan").arg(&fixtures).output().unwrap();
    let outputs = [
        ("sarif", std::fs::read_to_string(&sarif).unwrap()),
        ("json", std::fs::read_to_string(&json).unwrap()),
        ("stdout", String::from_utf8_lossy(&summary.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&summary.stderr).into_owned()),
        (
            "stderr with reports",
            String::from_utf8_lossy(&with_files.stderr).into_owned(),
        ),
    ];
    for (name, text) in &outputs {
        assert!(!text.is_empty() || name.starts_with("stderr"), "{name} is empty");
        for number in &numbers {
            for form in written_forms(number) {
                assert!(
                    !text.contains(&form),
                    "{name} contains a full card number ({} digits)",
                    number.len()
                );
            }
        }
    }
}

#[test]
fn sarif_follows_the_contract() {
    let out = hihoji()
        .args(["scan", &text_fixtures(), "--sarif", "-"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "hihoji");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in ["PAN", "PAN_MASKED", "PAN_TEST", "TRACK1", "TRACK2", "CVV"] {
        assert!(ids.contains(id), "rule {id} missing");
    }
    for rule in rules {
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&severity));
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() <= 1024);
        assert!(rule["help"]["markdown"].as_str().is_some());
        assert!(rule["shortDescription"]["text"].as_str().is_some());
        assert!(rule["properties"]["tags"].as_array().is_some());
    }
    let results = run["results"].as_array().unwrap();
    let level_of = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["level"].clone())
    };
    assert_eq!(level_of("TRACK1"), Some(Value::from("error")));
    assert_eq!(level_of("CVV"), Some(Value::from("error")));
    assert_eq!(level_of("PAN"), Some(Value::from("warning")));
    assert_eq!(level_of("PAN_MASKED"), Some(Value::from("note")));
    assert_eq!(level_of("PAN_TEST"), Some(Value::from("note")));
    for r in results {
        let props = &r["properties"];
        for key in [
            "masked_pan",
            "category",
            "provenance",
            "confidence",
            "pci_dss",
            "guideline",
        ] {
            assert!(!props[key].is_null(), "result lacks {key}");
        }
        assert_eq!(r["partialFingerprints"]["hihoji/v1"].as_str().unwrap().len(), 64);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.contains('!'), "uri must be the top-level file: {uri}");
        assert!(
            Path::new(&text_fixtures())
                .join(uri.replace("%E6%B3%A8%E6%96%87%E3%83%A1%E3%83%A2", "注文メモ"))
                .exists(),
            "{uri}"
        );
        let message = r["message"]["text"].as_str().unwrap();
        assert!(message.contains(props["masked_pan"].as_str().unwrap()));
    }
    // The member of the gzip is an artifact whose parent is the .gz file.
    let artifacts = run["artifacts"].as_array().unwrap();
    let member = artifacts
        .iter()
        .find(|a| {
            a["location"]["uri"]
                .as_str()
                .unwrap()
                .contains("access.log.1.gz!/")
        })
        .expect("nested artifact");
    let parent = &artifacts[member["parentIndex"].as_u64().unwrap() as usize];
    assert_eq!(parent["location"]["uri"], "logs/access.log.1.gz");
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let out = hihoji()
        .args(["scan", &repo().join("fixtures").to_string_lossy(), "--sarif", "-"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = sarif_schema_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn summary_without_output_flags_shows_masked_findings_and_verdict() {
    let out = hihoji().args(["scan", &text_fixtures()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pos/reader.log"));
    assert!(stdout.contains("TRACK1"));
    assert!(stdout.contains("******"));
    assert!(stdout.contains("exit 1"));
}

/// A classic pcap holding one Ethernet/IPv4/TCP packet from 10.0.0.5:51234
/// to 10.0.0.9:80 that carries `payload` (checksums left zero).
fn one_packet_capture(payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = (20 + 20 + payload.len()) as u16;
    frame.extend([0x45, 0, 0, 0]);
    frame[16..18].copy_from_slice(&total.to_be_bytes());
    frame.extend([0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 5, 10, 0, 0, 9]);
    frame.extend(51234u16.to_be_bytes());
    frame.extend(80u16.to_be_bytes());
    frame.extend(1000u32.to_be_bytes());
    frame.extend(0u32.to_be_bytes());
    frame.extend([0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    frame.extend(payload);
    let mut pcap = Vec::new();
    pcap.extend(0xa1b2c3d4u32.to_le_bytes());
    pcap.extend([2, 0, 4, 0]);
    pcap.extend([0u8; 8]);
    pcap.extend(65535u32.to_le_bytes());
    pcap.extend(1u32.to_le_bytes());
    pcap.extend(1_700_000_000u32.to_le_bytes());
    pcap.extend(0u32.to_le_bytes());
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend((frame.len() as u32).to_le_bytes());
    pcap.extend(frame);
    pcap
}

#[test]
fn capture_limit_flags_reach_the_flow_reassembly() {
    let dir = tempfile::tempdir().unwrap();
    let payload = format!("{}pan=4526018159083012\r\n", "x".repeat(3000));
    std::fs::write(
        dir.path().join("wire.pcap"),
        one_packet_capture(payload.as_bytes()),
    )
    .unwrap();
    let root = dir.path().to_string_lossy().into_owned();
    let transmitted = |report: &Value| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["masked"] == "452601******3012" && f["category"] == "transmitted")
    };
    let (report, _) = json_report(&[&root]);
    assert!(transmitted(&report), "{report:#}");
    // With a 1,000-byte stream limit the number, 3,000 bytes in, is past the
    // kept part of the flow, and the cut is recorded.
    let (report, _) = json_report(&[
        &root,
        "--max-stream-bytes",
        "1000",
        "--max-reassembly-bytes",
        "100000",
    ]);
    assert!(!transmitted(&report), "{report:#}");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|s| s["reason"] == "bomb_limit"),
        "{skipped:#?}"
    );
}

#[test]
fn size_flags_accept_units_as_help_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.log"),
        format!("{}card=4526018159083012\n", "x".repeat(2000)),
    )
    .unwrap();
    let root = dir.path().to_string_lossy().into_owned();
    let (report, _) = json_report(&[&root, "--max-file-size", "1k"]);
    assert_eq!(report["skipped"][0]["reason"], "too_large", "{report}");
    let (report, code) = json_report(&[&root, "--max-file-size", "16GiB", "--max-member-bytes", "100MB"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    let out = hihoji()
        .args(["scan", &root, "--max-file-size", "12XB"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown unit"), "{err}");
    let help = hihoji().args(["scan", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("[default: 16GiB]"));
}

#[test]
fn config_file_limits_accept_units() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hihoji.yaml"), "limits:\n  max_file_size: 1KiB\n").unwrap();
    std::fs::write(
        dir.path().join("big.log"),
        format!("{}card=4526018159083012\n", "x".repeat(2000)),
    )
    .unwrap();
    let (report, _) = json_report(&[&dir.path().to_string_lossy()]);
    assert_eq!(report["skipped"][0]["reason"], "too_large", "{report}");
}

#[test]
fn man_pages_exist_for_each_command_with_options_and_exit_codes() {
    for command in [
        &["scan"][..],
        &["report"],
        &["rules", "check"],
        &["baseline", "create"],
        &[],
    ] {
        let out = hihoji().arg("man").args(command).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{command:?}");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(
            page.contains(".SH \"EXIT STATUS\"") || page.contains(".SH EXIT STATUS"),
            "{command:?}: {page}"
        );
        if command == ["scan"] {
            assert!(
                page.contains("max\\-file\\-size") && page.contains("fail\\-on"),
                "{page}"
            );
        }
    }
    let out = hihoji().args(["man", "nonsense"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_explain_renders_help_for_a_terminal() {
    let out = hihoji().args(["rules", "explain", "PAN"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // The examples below are masked (and so hold asterisks); the help above them must not.
    let help = text.split("Examples that match").next().unwrap();
    assert!(!help.contains("**"), "raw Markdown on the terminal:\n{text}");
    assert!(text.contains("• "), "no bullets:\n{text}");
    assert!(text.contains("What to do"), "{text}");
}

/// The README's two Quick start commands, as written there: the demo scan runs
/// (with this build's binary in place of `cargo run --release --`) and exits 1
/// on the synthetic fixtures, and the test command is the script CI runs.
#[test]
fn readme_quick_start_commands_work_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let demo = readme
        .lines()
        .find_map(|l| l.strip_prefix("cargo run --release -- "))
        .expect("the README's demo command");
    let demo = demo.split(';').next().unwrap();
    let work = tempfile::tempdir().unwrap();
    let args: Vec<String> = demo
        .split_whitespace()
        .map(|a| {
            if a == "fixtures" {
                repo().join("fixtures").to_string_lossy().into_owned()
            } else {
                a.to_string()
            }
        })
        .collect();
    let out = hihoji().current_dir(work.path()).args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for written in ["report.sarif", "report.json"] {
        assert!(
            work.path().join(written).is_file(),
            "{written} not written by: {demo}"
        );
    }
    assert!(
        readme.lines().any(|l| l == "scripts/test"),
        "the README's test command is not scripts/test"
    );
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l == "scripts/test"),
        ".ci/run does not run the README's test command"
    );
    assert!(
        ci.lines().any(|l| l.ends_with("scripts/fresh-clone-check")),
        ".ci/run does not run the README's commands on a fresh clone"
    );
    let script = std::fs::read_to_string(repo().join("scripts/test")).unwrap();
    assert!(script.contains("cargo test --workspace"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for script in ["scripts/test", "scripts/fresh-clone-check"] {
            let mode = std::fs::metadata(repo().join(script))
                .unwrap()
                .permissions()
                .mode();
            assert!(mode & 0o111 != 0, "{script} is not executable");
        }
    }
}

/// A classic pcap: one SYN from 10.0.0.5:51234 to 10.0.0.9:443, then `flows`
/// SYN-only flows from other clients, then `payload` on the first flow.
fn syn_flood_capture(flows: u32, payload: &[u8]) -> Vec<u8> {
    let frame = |src: [u8; 4], port: u16, seq: u32, flags: u8, payload: &[u8]| {
        let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = (20 + 20 + payload.len()) as u16;
        frame.extend([0x45, 0]);
        frame.extend(total.to_be_bytes());
        frame.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
        frame.extend(src);
        frame.extend([10, 0, 0, 9]);
        frame.extend(port.to_be_bytes());
        frame.extend(443u16.to_be_bytes());
        frame.extend(seq.to_be_bytes());
        frame.extend(0u32.to_be_bytes());
        frame.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        frame.extend(payload);
        frame
    };
    let mut pcap = Vec::new();
    pcap.extend(0xa1b2c3d4u32.to_le_bytes());
    pcap.extend([2, 0, 4, 0]);
    pcap.extend([0u8; 8]);
    pcap.extend(65535u32.to_le_bytes());
    pcap.extend(1u32.to_le_bytes());
    let mut record = |frame: Vec<u8>| {
        pcap.extend(1_700_000_000u32.to_le_bytes());
        pcap.extend(0u32.to_le_bytes());
        pcap.extend((frame.len() as u32).to_le_bytes());
        pcap.extend((frame.len() as u32).to_le_bytes());
        pcap.extend(frame);
    };
    record(frame([10, 0, 0, 5], 51234, 999, 0x02, b""));
    for i in 0..flows {
        let [_, a, b, c] = i.to_be_bytes();
        record(frame([11, a, b, c], 40000, 1000, 0x02, b""));
    }
    record(frame([10, 0, 0, 5], 51234, 1000, 0x18, payload));
    pcap
}

#[test]
fn open_flows_over_the_reassembly_limit_are_evicted_and_noted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flood.pcap"),
        syn_flood_capture(3000, b"pan=4526018159083012\r\n"),
    )
    .unwrap();
    let root = dir.path().to_string_lossy().into_owned();
    let (report, _) = json_report(&[&root, "--max-reassembly-bytes", "100000"]);
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["masked"] == "452601******3012" && f["category"] == "transmitted"),
        "the data after the flood is still scanned: {report:#}"
    );
    let notes = report["notes"].as_array().unwrap();
    let evicted = notes
        .iter()
        .find(|n| n["kind"] == "tcp_flows_evicted")
        .unwrap_or_else(|| panic!("{notes:#?}"));
    let count: u64 = evicted["annotations"]["flows_evicted"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // 3,001 flows; at about 1 KiB each, 100,000 bytes hold fewer than 100.
    assert!((2900..=3001).contains(&count), "{evicted:#}");
    assert!(evicted["detail"]
        .as_str()
        .unwrap()
        .contains("--max-reassembly-bytes"));
    // Under the default limit the same capture evicts nothing.
    let (report, _) = json_report(&[&root]);
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes.iter().all(|n| n["kind"] != "tcp_flows_evicted"),
        "{notes:#?}"
    );
}

#[test]
fn a_dump_of_many_numbers_counts_every_one_and_cuts_sarif_where_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let count = 25_100u64;
    let mut dump = String::from("order_id,card_number\n");
    for i in 0..count {
        dump.push_str(&format!("{i},{}\n", synthetic_visa(i)));
    }
    let csv = dir.path().join("dump.csv");
    std::fs::write(&csv, dump).unwrap();
    let [json, sarif, html] = ["r.json", "r.sarif", "r.html"].map(|name| dir.path().join(name));
    let out = hihoji()
        .arg("scan")
        .arg(&csv)
        .arg("--json")
        .arg(&json)
        .arg("--sarif")
        .arg(&sarif)
        .arg("--html")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("25000 of 25100 results written"), "{said}");

    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(report["summary"]["findings"], 25_100);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 25_100, "every number");
    let offsets: Vec<u64> = findings
        .iter()
        .map(|f| f["location"]["offset"].as_u64().unwrap())
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "in the file's order");

    let log: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 25_000);
    assert_eq!(run["properties"]["results_left_out"], 100);

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("+25080 more in the JSON report"));
    assert!(page.contains(">25100<"), "the full count");

    // Read back one finding at a time: the same findings.
    let again = dir.path().join("again.json");
    let read = hihoji()
        .arg("report")
        .arg(&json)
        .arg("--json")
        .arg(&again)
        .output()
        .unwrap();
    assert_eq!(read.status.code(), Some(1));
    let again: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    let key = |f: &Value| (f["location"]["offset"].clone(), f["fingerprint"].clone());
    assert_eq!(
        again["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect::<Vec<_>>(),
        findings.iter().map(key).collect::<Vec<_>>()
    );
    assert_eq!(again["summary"]["findings"], 25_100);
}
