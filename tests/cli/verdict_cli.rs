//! The verdict end to end (DESIGN.md §4): exit 0 only when everything in
//! scope was read, 1 for findings, 2 for a fatal error, 3 when something
//! could not be read; every report says the same; one bad file never loses
//! the report; nothing hangs.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{capture, hihoji, hihoji_process, hihoji_unprivileged, repo, seven_z, tar};

/// A generated, Luhn-valid Visa number (not a real card).
const PAN: &str = "4539875260181596";

/// Runs `hihoji scan ARGS --json -`, returning the report and the exit code.
fn scan_json(args: &[&str]) -> (Value, i32, String) {
    let out = hihoji()
        .arg("scan")
        .args(args)
        .args(["--json", "-"])
        .output()
        .expect("run hihoji");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (report, out.status.code().unwrap_or(-1), stderr)
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// A directory others may enter (a temporary directory is 0700).
#[cfg(unix)]
fn open_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn an_unreadable_root_is_fatal_and_names_the_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = open_dir();
    let root = dir.path().join("locked");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("orders.csv"), format!("card={PAN}\n")).unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = hihoji_unprivileged().arg("scan").arg(&root).output().unwrap();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&arg(&root)),
        "the message names the root: {stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("PASS"));

    let missing = dir.path().join("no-such-dir");
    let out = hihoji().arg("scan").arg(&missing).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&arg(&missing)));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_among_clean_ones_is_incomplete_in_every_report() {
    use std::os::unix::fs::PermissionsExt;
    let dir = open_dir();
    let root = dir.path();
    std::fs::write(root.join("a.log"), "nothing to see\n").unwrap();
    std::fs::write(root.join("b.log"), "still nothing\n").unwrap();
    std::fs::write(root.join("locked.log"), format!("card={PAN}\n")).unwrap();
    std::fs::set_permissions(root.join("locked.log"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let reports = open_dir();
    // Written by the unprivileged user.
    std::fs::set_permissions(reports.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let html = reports.path().join("r.html");
    let sarif = reports.path().join("r.sarif");
    let json = reports.path().join("r.json");
    let out = hihoji_unprivileged()
        .arg("scan")
        .arg(root)
        .args(["--lang", "en", "--html"])
        .arg(&html)
        .arg("--sarif")
        .arg(&sarif)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("INCOMPLETE"), "{stderr}");
    assert!(!stderr.contains("PASS"), "{stderr}");

    let page = std::fs::read_to_string(&html).unwrap();
    let doc = scraper::Html::parse_document(&page);
    let verdict = scraper::Selector::parse("#verdict.incomplete .headline").unwrap();
    let headline: String = doc
        .select(&verdict)
        .next()
        .expect("incomplete verdict")
        .text()
        .collect();
    assert!(headline.to_lowercase().contains("incomplete"), "{headline}");

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["summary"]["verdict"], "incomplete");
    assert_eq!(report["summary"]["exit_code"], 3);

    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(invocation["properties"]["verdict"], "incomplete");
    let gap = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["properties"]["reason"] == "permission_denied")
        .expect("a notification for the unreadable file");
    assert_eq!(gap["level"], "warning");

    // The Japanese report says the same, in its own words.
    let out = hihoji_unprivileged()
        .arg("scan")
        .arg(root)
        .args(["--lang", "ja", "--html", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains("class=\"verdict incomplete\""));
    assert!(page.contains("判定不能"));

    let accepted = hihoji_unprivileged()
        .arg("scan")
        .arg(root)
        .arg("--accept-gaps")
        .output()
        .unwrap();
    std::fs::set_permissions(root.join("locked.log"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let stdout = String::from_utf8_lossy(&accepted.stdout);
    assert_eq!(accepted.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("INCOMPLETE"),
        "the verdict still says so: {stdout}"
    );
    assert!(stdout.contains("locked.log"), "the gap is still listed: {stdout}");
}

#[test]
fn files_over_max_file_size_make_the_scan_incomplete_unless_gaps_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("big.log"),
        format!("{}card={PAN}\n", "x".repeat(5000)),
    )
    .unwrap();
    let root = arg(dir.path());
    let (report, code, _) = scan_json(&[&root, "--max-file-size", "100"]);
    assert_eq!(code, 3);
    assert_eq!(report["summary"]["verdict"], "incomplete");
    assert_eq!(report["skipped"][0]["reason"], "too_large");
    let (report, code, _) = scan_json(&[&root, "--max-file-size", "100", "--accept-gaps"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["verdict"], "incomplete");
    std::fs::write(dir.path().join("hihoji.yaml"), "accept_gaps: true\n").unwrap();
    let (_, code, _) = scan_json(&[&root, "--max-file-size", "100"]);
    assert_eq!(code, 0, "accept_gaps in hihoji.yaml");
}

#[test]
fn scope_decisions_are_listed_but_leave_a_clean_scan_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.log"), "nothing\n").unwrap();
    std::fs::write(dir.path().join("skip.log"), format!("card={PAN}\n")).unwrap();
    let (report, code, _) = scan_json(&[&arg(dir.path()), "--exclude", "skip.log"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["verdict"], "clean");
    assert_eq!(report["skipped"][0]["reason"], "excluded");
}

/// A pcapng file with one Ethernet interface (microsecond timestamps) and
/// one frame per (timestamp in microseconds, frame). Not `capture::pcapng`:
/// its nanosecond timestamps cannot reach past the year 2554.
fn pcapng(frames: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let padded = body.len().div_ceil(4) * 4;
        let len = (12 + padded) as u32;
        out.extend(kind.to_le_bytes());
        out.extend(len.to_le_bytes());
        out.extend(body);
        out.resize(out.len() + padded - body.len(), 0);
        out.extend(len.to_le_bytes());
    };
    let mut out = Vec::new();
    let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    shb.extend([1, 0, 0, 0]);
    shb.extend((-1i64).to_le_bytes());
    block(&mut out, 0x0a0d_0d0a, &shb);
    let mut idb = 1u16.to_le_bytes().to_vec();
    idb.extend([0, 0]);
    idb.extend(262_144u32.to_le_bytes());
    block(&mut out, 1, &idb);
    for (micros, data) in frames {
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend(((micros >> 32) as u32).to_le_bytes());
        epb.extend((*micros as u32).to_le_bytes());
        epb.extend((data.len() as u32).to_le_bytes());
        epb.extend((data.len() as u32).to_le_bytes());
        epb.extend(data);
        block(&mut out, 6, &epb);
    }
    out
}

#[test]
fn a_capture_timestamped_past_year_9999_does_not_lose_the_report() {
    let dir = tempfile::tempdir().unwrap();
    // 300 000 000 000 s after 1970 is in the year 11 476.
    let far = 300_000_000_000u64 * 1_000_000;
    let payload = format!("POST /pay HTTP/1.1\r\nHost: shop\r\n\r\ncard={PAN}\r\n");
    let frame = capture::tcp_frame(
        capture::Link::Ethernet,
        "10.0.0.5:51234".parse().unwrap(),
        "10.0.0.9:80".parse().unwrap(),
        1000,
        capture::Flags {
            ack: true,
            ..Default::default()
        },
        payload.as_bytes(),
    );
    let capture = pcapng(&[(far, frame)]);
    std::fs::write(dir.path().join("edge.pcapng"), capture).unwrap();
    std::fs::write(dir.path().join("app.log"), format!("paid with {PAN}\n")).unwrap();
    let (report, code, stderr) = scan_json(&[&arg(dir.path())]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["provenance"]["artifact"] == "app.log"));
    let capture_found = findings
        .iter()
        .any(|f| f["provenance"]["artifact"] == "edge.pcapng");
    let capture_listed = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["provenance"]["artifact"] == "edge.pcapng");
    assert!(
        capture_found || capture_listed,
        "the capture is scanned or listed: {report}"
    );
    if let Some(f) = findings
        .iter()
        .find(|f| f["provenance"]["artifact"] == "edge.pcapng")
    {
        assert_eq!(f["annotations"]["timestamp"], "@300000000000s+0ns");
    }
}

#[test]
fn card_numbers_in_a_7z_archive_are_found_in_their_member() {
    let dir = tempfile::tempdir().unwrap();
    let orders = format!("id,card\n{}1,{PAN}\n", "0,none\n".repeat(200));
    let archive = seven_z(&[("exports/orders.csv", orders.as_bytes())]);
    assert!(
        !archive.windows(PAN.len()).any(|w| w == PAN.as_bytes()),
        "the member is compressed"
    );
    std::fs::write(dir.path().join("backup.7z"), archive).unwrap();
    let (report, code, stderr) = scan_json(&[&arg(dir.path())]);
    assert_eq!(code, 1, "{stderr}");
    let finding = &report["findings"][0];
    assert_eq!(finding["provenance"]["artifact"], "backup.7z");
    assert_eq!(finding["provenance"]["layers"][0]["name"], "exports/orders.csv");
}

/// `pg_dump -Fc` files made by PostgreSQL 15 from a database holding a
/// table `orders` with one generated card number and a clean table
/// (`tests/data/pg_dump_custom_*.pgc`: zlib-compressed and `-Z0`).
#[test]
fn card_numbers_in_a_pg_dump_custom_format_file_are_found_in_their_table() {
    for fixture in ["pg_dump_custom_zlib.pgc", "pg_dump_custom_plain.pgc"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            repo().join("tests/data").join(fixture),
            dir.path().join("shop.pgc"),
        )
        .unwrap();
        let (report, code, stderr) = scan_json(&[&arg(dir.path())]);
        assert_eq!(code, 1, "{fixture}: {stderr}");
        let findings = report["findings"].as_array().unwrap();
        let tables: Vec<&str> = findings
            .iter()
            .filter_map(|f| f["provenance"]["layers"][0]["name"].as_str())
            .collect();
        assert!(tables.contains(&"public.orders"), "{fixture}: {tables:?}");
        assert_eq!(report["summary"]["verdict"], "retention_found");
        assert!(
            report["skipped"].as_array().unwrap().is_empty(),
            "{fixture}: {report}"
        );
    }
}

#[test]
fn an_unknown_compressed_blob_is_not_decodable_and_the_scan_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    // Deterministic noise stands for compressed or encrypted bytes.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..256 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect();
    std::fs::write(dir.path().join("export.bin"), &noise).unwrap();
    std::fs::write(dir.path().join("readme.txt"), "nothing\n").unwrap();
    let mut rar = b"Rar!\x1a\x07\x01\x00".to_vec();
    rar.extend(&noise[..1000]);
    std::fs::write(dir.path().join("old.rar"), rar).unwrap();
    let (report, code, _) = scan_json(&[&arg(dir.path())]);
    assert_eq!(code, 3);
    let reason = |name: &str| {
        report["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["provenance"]["artifact"] == name)
            .map(|s| {
                (
                    s["reason"].as_str().unwrap().to_string(),
                    s["detail"].as_str().unwrap().to_string(),
                )
            })
    };
    assert_eq!(reason("export.bin").unwrap().0, "not_decodable");
    let (rar_reason, rar_detail) = reason("old.rar").unwrap();
    assert_eq!(rar_reason, "not_decodable");
    assert!(rar_detail.contains("RAR"), "{rar_detail}");
    assert_eq!(report["summary"]["verdict"], "incomplete");
}

#[cfg(target_os = "linux")]
#[test]
fn scanning_proc_self_finishes_quickly() {
    for args in [vec!["/proc/self".to_string()], {
        let dir = tempfile::tempdir().unwrap().keep();
        std::os::unix::fs::symlink("/proc/self", dir.join("self")).unwrap();
        vec![arg(&dir), "--follow-symlinks".to_string()]
    }] {
        let started = Instant::now();
        let mut child = hihoji_process()
            .arg("scan")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = child.kill();
                panic!("hihoji scan {args:?} did not finish in 10 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.code().is_some(), "{args:?}: {status}");
    }
}

#[test]
fn a_100_gb_sparse_file_is_scanned_in_seconds_and_its_card_number_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("disk.img");
    let mut file = std::fs::File::create(&path).unwrap();
    file.set_len(100 << 30).unwrap();
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(50 << 30)).unwrap();
    file.write_all(format!("card={PAN}\n").as_bytes()).unwrap();
    drop(file);
    let started = Instant::now();
    let (report, code, stderr) = scan_json(&[&arg(dir.path())]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 1, "{stderr}");
    let finding = &report["findings"][0];
    assert_eq!(finding["provenance"]["artifact"], "disk.img");
    assert_eq!(finding["location"]["offset"], (50u64 << 30) + 5);
    assert!(report["coverage"]["sparse_bytes_skipped"].as_u64().unwrap() > 90 << 30);
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_scan_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        std::fs::write(dir.path().join(format!("f{i:03}.log")), format!("card {PAN}\n")).unwrap();
    }
    let mut child = hihoji_process()
        .arg("scan")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    let _ = std::io::Read::read(&mut stdout, &mut first);
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "the scan's own exit code");
}

#[test]
fn a_capped_list_says_how_many_more_and_where_the_rest_is() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..205 {
        std::fs::write(dir.path().join(format!("f{i:03}.log")), "x").unwrap();
    }
    // 205 excluded files: 205 entries in the "Not scanned" list.
    let out = hihoji()
        .arg("scan")
        .arg(dir.path())
        .args(["--exclude", "*.log"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("+5 more"), "{stdout}");
    assert!(stdout.contains("--json"), "{stdout}");
}

#[test]
fn the_same_scan_given_twice_to_report_is_merged_once_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.log"), format!("card {PAN}\n")).unwrap();
    let reports = tempfile::tempdir().unwrap();
    let json = reports.path().join("a.json");
    let out = hihoji()
        .arg("scan")
        .arg(dir.path())
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let copy = reports.path().join("copy.json");
    std::fs::copy(&json, &copy).unwrap();
    let out = hihoji()
        .arg("report")
        .arg(&json)
        .arg(&copy)
        .args(["--json", "-"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("same scan"), "{stderr}");
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["findings"].as_array().unwrap().len(), 1, "counted once");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn too_many_threads_are_capped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        std::fs::write(dir.path().join(format!("{i}.log")), "nothing\n").unwrap();
    }
    let started = Instant::now();
    let out = hihoji()
        .arg("scan")
        .arg(dir.path())
        .args(["-j", "10000"])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("threads"));
}

#[test]
fn a_sparse_file_that_a_decoder_recognises_is_read_from_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let content = format!("card={PAN}\n");
    let archive = tar(&[("orders.csv", content.as_bytes())]);
    let path = dir.path().join("backup.tar");
    std::fs::write(&path, &archive).unwrap();
    // A hole after the archive, as a preallocated file has.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(archive.len() as u64 + (64 << 20))
        .unwrap();
    let (report, code, stderr) = scan_json(&[&arg(dir.path())]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        report["findings"][0]["provenance"]["layers"][0]["name"],
        "orders.csv"
    );
}
