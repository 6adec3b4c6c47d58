//! Issue 12: hihoji never prints what it finds. Synthetic card numbers are
//! planted wherever a number can arrive without being content — names of
//! files, directories, members, attachments, a gzip header, parser messages,
//! a TLS server name, git metadata, a process's command line, a rule file,
//! an argument — and every output is searched for them in every form. Each
//! number planted in a name or a message must also be reported, masked, as
//! a finding whose provenance ends in `#name`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{capture, hihoji, luhn_complete, masked, ustar, zip_with};
use serde_json::Value;

/// A Luhn-valid Visa number of 16 digits, distinct for each `i` below 1000
/// in its last four digits (so its masked form names it).
fn planted(i: u32) -> String {
    luhn_complete(&format!("4532017{:04}{:04}", 7 * i + 13, i))
}

/// The forms a leak could take: plain, grouped, UTF-16, hex, base64.
fn forms(n: &str) -> Vec<(&'static str, Vec<u8>)> {
    let groups: Vec<&str> = (0..n.len())
        .step_by(4)
        .map(|i| &n[i..(i + 4).min(n.len())])
        .collect();
    let utf16: Vec<u8> = n.bytes().flat_map(|b| [b, 0]).collect();
    let hex: String = n.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        ("plain", n.as_bytes().to_vec()),
        ("grouped with spaces", groups.join(" ").into_bytes()),
        ("grouped with dashes", groups.join("-").into_bytes()),
        ("UTF-16LE", utf16),
        ("hex", hex.clone().into_bytes()),
        ("HEX", hex.to_uppercase().into_bytes()),
        ("base64", base64(n.as_bytes()).into_bytes()),
    ]
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Everything hihoji wrote, labelled.
#[derive(Default)]
struct Outputs(Vec<(String, Vec<u8>)>);

impl Outputs {
    fn run(&mut self, label: &str, out: &Output) {
        self.0.push((format!("{label}: stdout"), out.stdout.clone()));
        self.0.push((format!("{label}: stderr"), out.stderr.clone()));
    }

    fn file(&mut self, label: &str, path: &Path) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{label}: {}: {e}", path.display()));
        self.0.push((label.to_string(), bytes));
    }

    fn assert_none_leaks(&self, numbers: &[String]) {
        let mut leaks = Vec::new();
        for n in numbers {
            for (form, bytes) in forms(n) {
                for (label, output) in &self.0 {
                    if contains(output, &bytes) {
                        leaks.push(format!("{n} ({form}) in {label}"));
                    }
                }
            }
        }
        assert!(leaks.is_empty(), "planted numbers leaked:\n{}", leaks.join("\n"));
    }
}

/// The findings of a JSON report whose provenance ends in `#name`, by masked value.
fn name_findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["provenance"]["layers"]
                .as_array()
                .and_then(|l| l.last())
                .is_some_and(|l| l["name"] == "name" && l["kind"] == "stream")
        })
        .map(|f| {
            (
                f["masked"].as_str().unwrap().to_string(),
                f["category"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_found_in_names(report: &Value, planted: &[(&str, &String, &str)]) {
    let found = name_findings(report);
    let missing: Vec<String> = planted
        .iter()
        .filter(|(_, n, category)| !found.contains(&(masked(n), category.to_string())))
        .map(|(place, n, category)| format!("{place}: {} ({category})", masked(n)))
        .collect();
    assert!(
        missing.is_empty(),
        "not reported as #name findings: {missing:?}\nfound: {found:?}"
    );
}

/// A tree with a number in every kind of name the walker and the decoders meet.
struct Tree {
    dir: tempfile::TempDir,
    numbers: Vec<(&'static str, String)>,
}

fn plant_tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = |i| planted(i);
    let numbers = vec![
        ("file name", n(1)),
        ("directory name", n(2)),
        ("zip member name", n(3)),
        ("tar member name", n(4)),
        ("gzip header name", n(5)),
        ("attachment name", n(6)),
        ("damaged zip member name", n(7)),
        ("broken tar header", n(8)),
        ("broken docx XML", n(9)),
        ("TLS server name", n(10)),
        ("too large file name", n(18)),
    ];
    let at = |place: &str| numbers.iter().find(|(p, _)| *p == place).unwrap().1.clone();
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write(&format!("files/order-{}.txt", at("file name")), b"hello\n");
    write(&format!("d-{}/readme.txt", at("directory name")), b"hello\n");
    write(
        "archive.zip",
        &zip_with(
            &[(&format!("m-{}.txt", at("zip member name")), b"hello\n")],
            zip::CompressionMethod::Stored,
        ),
    );
    write(
        "archive.tar",
        &ustar(&[(&format!("t-{}.txt", at("tar member name")), b"hello\n")]),
    );
    let mut gz = flate2::GzBuilder::new()
        .filename(format!("g-{}.txt", at("gzip header name")))
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(b"hello\n").unwrap();
    write("named.gz", &gz.finish().unwrap());
    let mail = format!(
        "From: a@example.com\r\nTo: b@example.com\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
         --B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a-{}.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\naGVsbG8K\r\n--B--\r\n",
        at("attachment name")
    );
    write("mail.eml", mail.as_bytes());
    // A deflated member whose compressed bytes are then damaged.
    let damaged_name = format!("bad-{}.txt", at("damaged zip member name"));
    let mut damaged = zip_with(
        &[(&damaged_name, &b"hello hello hello hello hello\n".repeat(20))],
        zip::CompressionMethod::Deflated,
    );
    let data_at = 30 + damaged_name.len();
    for b in &mut damaged[data_at..data_at + 8] {
        *b = 0xff;
    }
    write("damaged.zip", &damaged);
    // A tar header whose checksum field is not a number: the tar crate's
    // message quotes the member's path.
    let mut broken = ustar(&[(&format!("tb-{}.txt", at("broken tar header")), b"hello\n")]);
    broken[148..156].copy_from_slice(b"zzzzzzz\0");
    write("broken.tar", &broken);
    let document = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:t>x</w:t></w:x{}></w:body>",
        at("broken docx XML")
    );
    let content_types = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    write(
        "broken.docx",
        &zip_with(
            &[
                ("[Content_Types].xml", content_types.as_bytes()),
                ("word/document.xml", document.as_bytes()),
            ],
            zip::CompressionMethod::Deflated,
        ),
    );
    let mut c = capture::Conversation::new(capture::Link::Ethernet, "10.0.0.5:51300", "203.0.113.7:443");
    c.handshake();
    c.send(
        capture::Side::Client,
        &capture::client_hello(&format!("pay-{}.example", at("TLS server name"))),
    );
    c.close();
    write(
        "tls.pcap",
        &capture::pcap(&c.frames, capture::ETHERNET, capture::PcapFlavour::default()),
    );
    write(&format!("big-{}.bin", at("too large file name")), &[b'x'; 9000]);
    Tree { dir, numbers }
}

const MAX_FILE_SIZE: &str = "6000";

#[test]
fn planted_numbers_never_reach_any_output_and_names_are_findings() {
    let tree = plant_tree();
    let root = tree.dir.path();
    let work = tempfile::tempdir().unwrap();
    let out = |name: &str| work.path().join(name);
    let mut outputs = Outputs::default();
    let mut all_numbers: Vec<String> = tree.numbers.iter().map(|(_, n)| n.clone()).collect();

    // Reports.
    let scan = hihoji()
        .arg("scan")
        .arg(root)
        .args(["--max-file-size", MAX_FILE_SIZE])
        .arg("--sarif")
        .arg(out("r.sarif"))
        .arg("--json")
        .arg(out("r.json"))
        .arg("--html")
        .arg(out("r.html"))
        .output()
        .unwrap();
    assert_eq!(
        scan.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    outputs.run("scan with reports", &scan);
    for (label, file) in [("SARIF", "r.sarif"), ("JSON", "r.json"), ("HTML", "r.html")] {
        outputs.file(label, &out(file));
    }
    // The terminal summary.
    let summary = hihoji()
        .arg("scan")
        .arg(root)
        .args(["--max-file-size", MAX_FILE_SIZE])
        .output()
        .unwrap();
    outputs.run("terminal summary", &summary);
    // A baseline, and reports merged from the saved JSON.
    let baseline = hihoji()
        .args(["baseline", "create", "-o"])
        .arg(out("baseline.json"))
        .arg(root)
        .args(["--max-file-size", MAX_FILE_SIZE])
        .output()
        .unwrap();
    outputs.run("baseline create", &baseline);
    outputs.file("baseline file", &out("baseline.json"));
    let merged = hihoji()
        .arg("report")
        .arg(out("r.json"))
        .arg(out("r.json"))
        .arg("--html")
        .arg(out("m.html"))
        .arg("--sarif")
        .arg(out("m.sarif"))
        .arg("--json")
        .arg(out("m.json"))
        .output()
        .unwrap();
    outputs.run("report merge", &merged);
    for (label, file) in [
        ("merged HTML", "m.html"),
        ("merged SARIF", "m.sarif"),
        ("merged JSON", "m.json"),
    ] {
        outputs.file(label, &out(file));
    }
    let merged_summary = hihoji().arg("report").arg(out("r.json")).output().unwrap();
    outputs.run("report summary", &merged_summary);

    // A malformed rule file and a pack whose example fails its rule.
    let bad_rules = planted(15);
    let failing_example = planted(16);
    all_numbers.extend([bad_rules.clone(), failing_example.clone()]);
    let bad = work.path().join("bad.yaml");
    std::fs::write(
        &bad,
        format!(
            "rules:\n  - id: MINE\n    examples:\n      match: [\"card {bad_rules}\"\n      no_match: [\n"
        ),
    )
    .unwrap();
    let failing = work.path().join("failing.yaml");
    std::fs::write(
        &failing,
        format!(
            "rules:\n  - id: MINE\n    kind: pattern\n    name: mine\n    level: error\n    security_severity: 5.0\n    description: d\n    help: h\n    pattern: 'zzz(?P<code>[0-9]{{3}})'\n    examples:\n      match: [\"order {failing_example}\"]\n"
        ),
    )
    .unwrap();
    for (label, args) in [
        (
            "scan --rules malformed",
            vec![
                "scan".into(),
                root.display().to_string(),
                "--rules".into(),
                bad.display().to_string(),
            ],
        ),
        (
            "rules check malformed",
            vec!["rules".into(), "check".into(), bad.display().to_string()],
        ),
        (
            "rules check failing example",
            vec!["rules".into(), "check".into(), failing.display().to_string()],
        ),
        (
            "rules explain with user pack",
            vec![
                "rules".into(),
                "explain".into(),
                "MINE".into(),
                "--rules".into(),
                failing.display().to_string(),
            ],
        ),
    ] {
        let run = hihoji().args(&args).output().unwrap();
        outputs.run(label, &run);
        if label != "rules explain with user pack" {
            assert_eq!(
                run.status.code(),
                Some(2),
                "{label}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
    }
    let check = String::from_utf8_lossy(&outputs.0.iter().rev().nth(2).unwrap().1).into_owned();
    assert!(
        check.contains("example #1") && check.contains(&masked(&failing_example)),
        "rules check names the failing example by index and masked form: {check}"
    );

    // An argument: a bad --exclude glob, and a missing root.
    let exclude = planted(17);
    let missing_root = planted(19);
    all_numbers.extend([exclude.clone(), missing_root.clone()]);
    let bad_glob = hihoji()
        .arg("scan")
        .arg(root)
        .arg("--exclude")
        .arg(format!("[{exclude}"))
        .output()
        .unwrap();
    assert_eq!(bad_glob.status.code(), Some(2));
    outputs.run("scan --exclude bad glob", &bad_glob);
    let missing = hihoji()
        .arg("scan")
        .arg(work.path().join(format!("gone-{missing_root}")))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    outputs.run("scan missing root", &missing);
    let unknown_flag = hihoji()
        .args(["scan", &format!("--{}", planted(20))])
        .output()
        .unwrap();
    all_numbers.push(planted(20));
    assert_eq!(unknown_flag.status.code(), Some(2));
    outputs.run("clap error", &unknown_flag);

    // Git metadata and a process's command line.
    let git = plant_git(work.path());
    if let Some((repo, git_numbers)) = &git {
        let run = hihoji()
            .arg("scan")
            .arg("--git-history")
            .arg(repo)
            .arg("--json")
            .arg(out("git.json"))
            .output()
            .unwrap();
        outputs.run("git history scan", &run);
        outputs.file("git JSON", &out("git.json"));
        all_numbers.extend(git_numbers.iter().map(|(_, n)| n.clone()));
        let report: Value = serde_json::from_slice(&std::fs::read(out("git.json")).unwrap()).unwrap();
        let expected: Vec<(&str, &String, &str)> =
            git_numbers.iter().map(|(p, n)| (*p, n, "stored")).collect();
        assert_found_in_names(&report, &expected);
    }
    let process = plant_process();
    if let Some((child, number)) = &process {
        let run = hihoji()
            .arg("scan")
            .arg("--pid")
            .arg(child.id().to_string())
            .arg("--json")
            .arg(out("process.json"))
            .output()
            .unwrap();
        outputs.run("process scan", &run);
        outputs.file("process JSON", &out("process.json"));
        all_numbers.push(number.clone());
        let report: Value = serde_json::from_slice(&std::fs::read(out("process.json")).unwrap()).unwrap();
        assert_found_in_names(&report, &[("process command line", number, "processed")]);
    }
    if let Some((mut child, _)) = process {
        let _ = child.kill();
        let _ = child.wait();
    }

    outputs.assert_none_leaks(&all_numbers);

    let report: Value = serde_json::from_slice(&std::fs::read(out("r.json")).unwrap()).unwrap();
    let expected: Vec<(&str, &String, &str)> = tree
        .numbers
        .iter()
        .map(|(place, n)| {
            (
                *place,
                n,
                if *place == "TLS server name" {
                    "transmitted"
                } else {
                    "stored"
                },
            )
        })
        .collect();
    assert_found_in_names(&report, &expected);
}

/// A repository whose author, commit message and branch hold numbers; `None`
/// (with the reason printed) when git is not installed.
fn plant_git(work: &Path) -> Option<(PathBuf, Vec<(&'static str, String)>)> {
    let repo = work.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let numbers = vec![
        ("git author", planted(11)),
        ("git commit message", planted(12)),
        ("git branch", planted(13)),
    ];
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_AUTHOR_NAME", format!("Card {}", numbers[0].1))
            .env("GIT_AUTHOR_EMAIL", "a@example.com")
            .env("GIT_COMMITTER_NAME", "c")
            .env("GIT_COMMITTER_EMAIL", "c@example.com")
            .output()
    };
    match git(&["init", "-q", "-b", "main"]) {
        Ok(o) if o.status.success() => {}
        other => {
            println!("skipping the git part: git is not usable here ({other:?})");
            return None;
        }
    }
    std::fs::write(repo.join("notes.txt"), "hello\n").unwrap();
    let message = format!("fix {}", numbers[1].1);
    let branch = format!("b-{}", numbers[2].1);
    for args in [
        vec!["add", "notes.txt"],
        vec!["commit", "-q", "-m", &message],
        vec!["branch", &branch],
    ] {
        let o = git(&args).unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Some((repo, numbers))
}

/// A running process whose command line holds a number (Linux only).
fn plant_process() -> Option<(std::process::Child, String)> {
    if !cfg!(target_os = "linux") {
        println!("skipping the process part: process memory is scanned on Linux only");
        return None;
    }
    let number = planted(14);
    let child = std::process::Command::new("sh")
        .args(["-c", "sleep 30; true"])
        .arg(&number)
        .spawn()
        .ok()?;
    // Let it start before its command line is read.
    std::thread::sleep(std::time::Duration::from_millis(200));
    Some((child, number))
}

#[test]
fn a_report_read_back_is_redacted_again_whatever_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), format!("card {}\n", planted(40))).unwrap();
    let report = dir.path().join("r.json");
    hihoji()
        .arg("scan")
        .arg(dir.path())
        .arg("--json")
        .arg(&report)
        .assert()
        .code(1);
    // A hand-edited report: raw numbers where hihoji would never write them.
    let raw = planted(41);
    let mut value: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let finding = &mut value["findings"][0];
    finding["brand"] = Value::from(format!("Visa {raw}"));
    finding["provenance"]["artifact"] = Value::from(format!("x-{raw}.txt"));
    finding["annotations"] = serde_json::json!({ "note": raw });
    value["host"] = Value::from(raw.clone());
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_vec(&value).unwrap()).unwrap();
    let mut outputs = Outputs::default();
    for args in [
        vec!["--json", "-"],
        vec!["--sarif", "-"],
        vec!["--html", "-"],
        vec![],
    ] {
        let run = hihoji()
            .arg("report")
            .arg(&tampered)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.run(&format!("report {args:?}"), &run);
    }
    outputs.assert_none_leaks(&[raw, planted(40)]);
}

#[test]
fn a_file_name_cannot_forge_the_verdict_line() {
    let dir = tempfile::tempdir().unwrap();
    let forged = "x\r\x1b[2KPASS: no card data found\r\x1b[1A\x1b[2K.txt";
    std::fs::write(dir.path().join(forged), format!("card {}\n", planted(30))).unwrap();
    let out = hihoji().arg("scan").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains('\r') && !stdout.contains('\x1b'),
        "control characters reached the terminal: {stdout:?}"
    );
    assert!(
        stdout.contains("x\\r\\x1b[2KPASS"),
        "the name is shown escaped: {stdout}"
    );
    let verdict = stdout.lines().last().unwrap();
    assert!(verdict.starts_with("FAIL"), "{verdict}");
}

#[test]
fn a_weak_fingerprint_key_is_refused_with_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = hihoji()
        .env("HIHOJI_FINGERPRINT_KEY", "secret")
        .arg("scan")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("head -c 32 /dev/urandom | xxd -p -c 64"),
        "{stderr}"
    );
    let key_file = dir.path().join("weak.key");
    std::fs::write(&key_file, "hunter2\n").unwrap();
    let out = hihoji()
        .env_remove("HIHOJI_FINGERPRINT_KEY")
        .arg("scan")
        .arg(dir.path())
        .arg("--key-file")
        .arg(&key_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("xxd -p -c 64"));
}

#[test]
fn with_no_key_and_no_writable_config_dir_the_scan_runs_with_an_ephemeral_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a.txt"), "hello\n").unwrap();
    // A config directory below a regular file cannot be made, even by root.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let out = hihoji()
        .env_remove("HIHOJI_FINGERPRINT_KEY")
        .env("HOME", &blocker)
        .env("XDG_CONFIG_HOME", blocker.join("config"))
        .arg("scan")
        .arg(&data)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains("for this run only")).count(),
        1,
        "{stderr}"
    );
}
