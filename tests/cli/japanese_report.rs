//! The Japanese reports read as Japanese: the HTML report, the terminal
//! summary and the SARIF messages of a `--lang ja` scan hold no English word
//! outside code, paths, brand names, rule ids, PCI DSS ids and the few
//! technical terms Japanese compliance writing keeps in Latin letters (issue
//! 17). The scanned tree makes every kind of output appear: findings of every
//! rule, items not scanned for several reasons, and a note.

use std::collections::BTreeSet;
use std::path::Path;

use scraper::{CaseSensitivity::CaseSensitive, Html, Node};
use serde_json::Value;

use crate::support::report::{
    assert_no_planted_value, read_json, run, scan_to_json, synthetic_tree, Planted,
};
use crate::support::{hihoji, hihoji_unprivileged, synthetic_pan, Rng};

/// Words a Japanese report may show outside code and paths.
const ALLOWED: &[&str] = &[
    // Brand names.
    "Visa",
    "Mastercard",
    "American",
    "Express",
    "JCB",
    "Diners",
    "Club",
    "Discover",
    "UnionPay",
    "Maestro",
    // Standards and their ids.
    "PCI",
    "DSS",
    "ISO",
    "IEC",
    "EMV",
    "P2PE",
    // Terms of the field, written in Latin letters in Japanese too.
    "PAN",
    "CVV",
    "CVC",
    "CID",
    "PIN",
    "POS",
    "PSP",
    "API",
    "TLS",
    "TCP",
    "FIFO",
    "Luhn",
    "JavaScript",
    // The product, its formats and units.
    "hihoji",
    "SARIF",
    "JSON",
    "HTML",
    "B",
    "KiB",
    "MiB",
    "GiB",
];

/// Every English word in `text` outside code spans (`` `…` ``), command-line
/// options (`--name`), and tokens that are one of `exempt` (paths, the host
/// name, ids) or a path below one.
fn english_words(text: &str, exempt: &BTreeSet<String>) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for (i, span) in text.split('`').enumerate() {
        if i % 2 == 1 {
            continue; // inside a code span
        }
        for token in span.split(|c: char| c.is_whitespace() || !c.is_ascii()) {
            let token = token
                .trim_matches(|c: char| matches!(c, ':' | ';' | ',' | '.' | '(' | ')' | '[' | ']' | '"'));
            let is_path_below = |e: &String| {
                token.len() > e.len()
                    && token.starts_with(e.as_str())
                    && ["!/", "/", "#", "@", ":"]
                        .iter()
                        .any(|sep| token[e.len()..].starts_with(sep))
            };
            if token.starts_with("--") || exempt.contains(token) || exempt.iter().any(is_path_below) {
                continue;
            }
            for word in token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()))
            {
                // A term with a number (CVV2, TRACK1) is the term.
                if !ALLOWED.contains(&word.trim_end_matches(|c: char| c.is_ascii_digit())) {
                    words.insert(word.to_string());
                }
            }
        }
    }
    words
}

/// The text a reader sees in an HTML page: text nodes outside `<code>`,
/// `<script>` and `<style>`, and the attributes a browser shows.
fn visible_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut out = String::new();
    for node in doc.tree.nodes() {
        match node.value() {
            Node::Text(text) => {
                // Code, and paths the page marks as paths.
                let hidden = node.ancestors().any(|a| {
                    a.value().as_element().is_some_and(|e| {
                        matches!(e.name(), "code" | "script" | "style") || e.has_class("path", CaseSensitive)
                    })
                });
                if !hidden {
                    out.push_str(text);
                    out.push('\n');
                }
            }
            Node::Element(e) => {
                for attr in ["title", "placeholder", "aria-label", "alt"] {
                    if let Some(v) = e.attr(attr) {
                        out.push_str(v);
                        out.push('\n');
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A tree with findings of every rule and items not scanned for several reasons.
fn tree(root: &Path) -> Planted {
    let planted = synthetic_tree(root, 17, 3);
    let mut rng = Rng::new(1717);
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    let pan = synthetic_pan(&mut rng, "3569", 16);
    write(
        "odd/big.log",
        format!("card={pan}\n{}", "x".repeat(300_000)).as_bytes(),
    );
    write(
        "odd/broken.gz",
        &[0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff],
    );
    // Deterministic noise stands for bytes in a format hihoji cannot read.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    write("odd/archive.dat", &noise);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../logs/app.log", root.join("odd/link")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("odd/pipe"))
            .status()
            .unwrap();
        assert!(fifo.success());
    }
    planted
}

/// Paths, ids and names the reports may show as they are.
fn exempt_strings(report: &Value, root: &Path) -> BTreeSet<String> {
    let mut exempt = BTreeSet::from([root.display().to_string()]);
    let strings = |v: &Value| v.as_str().map(str::to_string);
    exempt.extend(strings(&report["host"]));
    exempt.extend(strings(&report["rule_pack"]["id"]));
    for rule in report["rules"].as_array().unwrap() {
        exempt.extend(strings(&rule["id"]));
    }
    for list in ["findings", "skipped", "notes"] {
        for item in report[list].as_array().into_iter().flatten() {
            let p = &item["provenance"];
            if let Some(artifact) = p["artifact"].as_str() {
                // The file and each directory above it (the chart names directories).
                let mut dir = Path::new(artifact);
                exempt.insert(artifact.to_string());
                while let Some(parent) = dir.parent().filter(|d| !d.as_os_str().is_empty()) {
                    exempt.insert(parent.display().to_string());
                    dir = parent;
                }
            }
            for layer in p["layers"].as_array().into_iter().flatten() {
                exempt.extend(strings(&layer["name"]));
            }
        }
    }
    exempt
}

fn assert_japanese(what: &str, text: &str, exempt: &BTreeSet<String>) {
    let words = english_words(text, exempt);
    assert!(
        words.is_empty(),
        "English words in the Japanese {what}: {words:?}\n{text}"
    );
}

#[test]
fn japanese_html_summary_and_sarif_messages_hold_no_english_words() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    let planted = tree(&root);
    let out = tempfile::tempdir().unwrap();
    // A baseline with an entry no longer found: a note, and baseline tags.
    let gone = root.join("odd/gone.log");
    std::fs::write(
        &gone,
        format!("card={}\n", synthetic_pan(&mut Rng::new(99), "4526", 16)),
    )
    .unwrap();
    let baseline = out.path().join("base.json");
    run(
        hihoji()
            .args([
                "baseline",
                "create",
                "--no-progress",
                "--exclude",
                "excluded",
                "-o",
            ])
            .arg(&baseline)
            .arg(&root),
        &[0],
    );
    std::fs::remove_file(&gone).unwrap();
    std::fs::write(
        root.join("odd/new.log"),
        format!("card={}\n", synthetic_pan(&mut Rng::new(98), "5282", 16)),
    )
    .unwrap();
    let (sarif, html) = (out.path().join("r.sarif"), out.path().join("r.html"));
    let ja = [
        "--lang",
        "ja",
        "--max-file-size",
        "100k",
        "--baseline",
        baseline.to_str().unwrap(),
    ];
    let (sarif_arg, html_arg) = (sarif.to_str().unwrap(), html.to_str().unwrap());
    let json = scan_to_json(
        &root,
        out.path(),
        "r",
        &[&ja[..], &["--sarif", sarif_arg, "--html", html_arg]].concat(),
    );
    let mut cmd = hihoji();
    cmd.arg("scan")
        .arg(&root)
        .args(["--no-progress", "--exclude", "excluded"])
        .args(ja);
    let summary = String::from_utf8(run(&mut cmd, &[1]).stdout).unwrap();
    assert_no_planted_value(&summary, &planted);

    let report = read_json(&json);
    let reasons: BTreeSet<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["reason"].as_str())
        .collect();
    for reason in ["too_large", "corrupt", "not_decodable", "excluded"] {
        assert!(reasons.contains(reason), "no {reason} skip to check: {reasons:?}");
    }
    assert_eq!(report["notes"][0]["kind"], "baseline_stale", "no note to check");
    let exempt = exempt_strings(&report, &root);

    // The summary lists items not scanned with their reasons, explained.
    assert!(summary.contains("サイズ上限を超える"), "{summary}");
    assert!(
        summary.contains("上限（--max-file-size）を引き上げて"),
        "{summary}"
    );
    assert!(!summary.contains("too_large"), "{summary}");
    assert!(
        summary.contains("新規") && summary.contains("見つからなくなったベースライン項目"),
        "{summary}"
    );
    assert_japanese("terminal summary", &summary, &exempt);

    let page = std::fs::read_to_string(&html).unwrap();
    assert_no_planted_value(&page, &planted);
    assert!(page.contains("<html lang=\"ja\""));
    let seen = visible_text(&page);
    assert!(seen.contains("破損しているか途中で切れています"), "{seen}");
    assert_japanese("HTML report", &seen, &exempt);

    let sarif = std::fs::read_to_string(&sarif).unwrap();
    assert_no_planted_value(&sarif, &planted);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let run = &sarif["runs"][0];
    let mut messages = Vec::new();
    for result in run["results"].as_array().unwrap() {
        messages.push(result["message"]["text"].as_str().unwrap().to_string());
    }
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notifications.len() >= reasons.len());
    for n in notifications {
        messages.push(n["message"]["text"].as_str().unwrap().to_string());
    }
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        messages.push(rule["shortDescription"]["text"].as_str().unwrap().to_string());
    }
    let rules: BTreeSet<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    for rule in ["PAN", "PAN_MASKED", "PAN_TEST", "TRACK1", "TRACK2", "CVV"] {
        assert!(rules.contains(rule), "no {rule} result to check: {rules:?}");
    }
    assert_japanese("SARIF messages", &messages.join("\n"), &exempt);
}

/// The test itself finds English: a word outside code and paths fails it.
#[test]
fn english_word_check_finds_english_outside_code_and_paths() {
    let exempt = BTreeSet::from(["logs/app.log".to_string(), "PAN_MASKED".to_string()]);
    let words = english_words(
        "logs/app.log — 読み取り権限がない: permission denied [技術情報: `Permission denied (os error 13)`]",
        &exempt,
    );
    assert_eq!(
        words,
        BTreeSet::from(["denied".to_string(), "permission".to_string()])
    );
    assert!(english_words(
        "Visa のカード番号（PAN_MASKED）--max-file-size、logs/app.log!/x",
        &exempt
    )
    .is_empty());
    assert!(
        english_words("logs/app.log.bak", &exempt).contains("bak"),
        "a path not in the report is not exempt"
    );
}

/// A file hihoji may not read is explained in Japanese, with the operating
/// system's own message kept as technical information.
#[cfg(unix)]
#[test]
fn permission_denied_is_explained_in_japanese() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(root.join("secret.log"), "nothing to see\n").unwrap();
    std::fs::set_permissions(root.join("secret.log"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::write(root.join("readable.log"), "nothing here either\n").unwrap();
    // Root reads everything: run as nobody so the permission check is real.
    let mut cmd = hihoji_unprivileged();
    cmd.args(["scan", "--lang", "ja", "--no-progress"]).arg(root);
    let summary = String::from_utf8(run(&mut cmd, &[3]).stdout).unwrap();
    let sarif: Value = serde_json::from_slice(&run(cmd.args(["--sarif", "-"]), &[3]).stdout).unwrap();
    let notification = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    let exempt = BTreeSet::from(["secret.log".to_string(), root.display().to_string()]);
    for (what, text) in [
        ("terminal summary", &summary),
        ("SARIF notification", &notification),
    ] {
        assert!(text.contains("読み取り権限がない"), "{what}: {text}");
        assert!(text.contains("読み取り権限がありません"), "{what}: {text}");
        assert_japanese(what, text, &exempt);
    }
}
