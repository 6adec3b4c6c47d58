//! The HTML report in a real browser: headless Chromium opens it, scripts
//! run without a console message (a Content-Security-Policy violation, that is
//! an attempt to load anything from outside, is one too), filtering through
//! the address's `#filter?...` works, and screenshots are kept under
//! `target/tmp/report-screenshots/` as test artifacts.
//!
//! Needs Debian's `chromium` (`apt-get install -y chromium fonts-noto-cjk`;
//! `scripts/test` installs it when run as root). Without it the test is
//! skipped with a printed reason, unless `HIHOJI_REQUIRE_BROWSER=1` (set by
//! `scripts/test` once Chromium is there) makes a missing browser a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

use crate::support::hihoji;
use crate::support::report::{assert_no_planted_value, read_json, run, scan_to_json, synthetic_tree};

const REQUIRE_ENV: &str = "HIHOJI_REQUIRE_BROWSER";

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HIHOJI_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `url` with `args`; returns stdout and stderr.
fn browse(browser: &Path, profile: &Path, url: &str, args: &[&str]) -> (String, String) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting chromium");
    let started = Instant::now();
    while child.try_wait().expect("waiting for chromium").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish with {url} in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("chromium output");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Console messages (errors, CSP violations) that Chromium logged for the page.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn report_renders_in_chromium_and_filters_by_address() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os(REQUIRE_ENV).is_none_or(|v| v != "1"),
            "{REQUIRE_ENV}=1 but no headless Chromium was found"
        );
        eprintln!(
            "SKIPPED report_renders_in_chromium_and_filters_by_address: no headless Chromium \
             (`apt-get install -y chromium fonts-noto-cjk`, or run scripts/test as root)"
        );
        return;
    };
    let tree = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let planted = synthetic_tree(tree.path(), 41, 6);
    let json = scan_to_json(tree.path(), work.path(), "scan", &[]);
    let summary = read_json(&json)["summary"].clone();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    for lang in ["ja", "en"] {
        let html = work.path().join(format!("report-{lang}.html"));
        run(
            hihoji()
                .arg("report")
                .arg(&json)
                .arg("--html")
                .arg(&html)
                .args(["--lang", lang]),
            &[1],
        );
        let profile = work.path().join(format!("profile-{lang}"));

        // Unfiltered: every finding shown, scripts ran without a message.
        let (dom, stderr) = browse(&browser, &profile, &file_url(&html), &["--dump-dom"]);
        assert_eq!(console_messages(&stderr), Vec::<&str>::new(), "console messages");
        let doc = Html::parse_document(&dom);
        let root = doc.root_element();
        assert_eq!(
            root.value().attr("data-ready"),
            Some("1"),
            "the script did not finish"
        );
        assert_eq!(root.value().attr("data-js-error"), None);
        assert_no_planted_value(&dom, &planted);

        // Filtered to errors through the address.
        let url = format!("{}#filter?level=error", file_url(&html));
        let (dom, stderr) = browse(&browser, &profile, &url, &["--dump-dom"]);
        assert_eq!(console_messages(&stderr), Vec::<&str>::new(), "console messages");
        let doc = Html::parse_document(&dom);
        let errors = summary["by_level"]["error"].as_u64().unwrap();
        assert!(errors > 0);
        assert_eq!(
            doc.root_element().value().attr("data-shown"),
            Some(errors.to_string().as_str())
        );
        let visible = Selector::parse("tr.f:not([hidden])").unwrap();
        let shown: Vec<_> = doc.select(&visible).collect();
        assert_eq!(shown.len() as u64, errors);
        assert!(shown
            .iter()
            .all(|r| r.value().attr("data-level") == Some("error")));
        let output = Selector::parse("#shown").unwrap();
        let counter: String = doc.select(&output).flat_map(|e| e.text()).collect();
        assert_eq!(counter, errors.to_string());

        // A text search narrows to one file's findings.
        let url = format!("{}#filter?q=terminal.log&cat=stored", file_url(&html));
        let (dom, _) = browse(&browser, &profile, &url, &["--dump-dom"]);
        let doc = Html::parse_document(&dom);
        let groups = Selector::parse("tbody.g:not([hidden]) tr.gh").unwrap();
        let titles: Vec<String> = doc.select(&groups).map(|e| e.text().collect()).collect();
        assert_eq!(titles.len(), 1, "{titles:?}");
        assert!(titles[0].contains("pos/terminal.log"), "{titles:?}");

        let shot = shots.join(format!("report-{lang}.png"));
        let _ = std::fs::remove_file(&shot);
        let (_, stderr) = browse(
            &browser,
            &profile,
            &file_url(&html),
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,2200",
            ],
        );
        assert!(
            std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
            "no screenshot at {}: {stderr}",
            shot.display()
        );
    }
}

/// Runs a poppler tool (`pdfinfo`, `pdftotext`, `pdftoppm`), or `None` when poppler-utils is missing.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(tool).args(args).output().ok()?;
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn report_prints_to_a4_without_lone_headings() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os(REQUIRE_ENV).is_none_or(|v| v != "1"),
            "{REQUIRE_ENV}=1 but no headless Chromium was found"
        );
        eprintln!("SKIPPED report_prints_to_a4_without_lone_headings: no headless Chromium");
        return;
    };
    let tree = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    synthetic_tree(tree.path(), 43, 6);
    let json = scan_to_json(tree.path(), work.path(), "scan", &[]);
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-print");
    std::fs::create_dir_all(&shots).unwrap();
    for lang in ["ja", "en"] {
        let html = work.path().join(format!("print-{lang}.html"));
        run(
            hihoji()
                .arg("report")
                .arg(&json)
                .arg("--html")
                .arg(&html)
                .args(["--lang", lang]),
            &[1],
        );
        let pdf = work.path().join(format!("print-{lang}.pdf"));
        let profile = work.path().join(format!("print-profile-{lang}"));
        let (_, stderr) = browse(
            &browser,
            &profile,
            &file_url(&html),
            &[
                &format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer",
            ],
        );
        assert!(pdf.is_file(), "no PDF printed: {stderr}");
        let pdf_path = pdf.to_string_lossy().into_owned();
        let Some(info) = poppler("pdfinfo", &[&pdf_path]) else {
            assert!(
                std::env::var_os(REQUIRE_ENV).is_none_or(|v| v != "1"),
                "{REQUIRE_ENV}=1 but poppler-utils (pdfinfo) is missing"
            );
            eprintln!("SKIPPED the printed-page checks: no poppler-utils");
            return;
        };
        assert!(info.contains("(A4)"), "not A4: {info}");
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("page count");
        assert!((2..=20).contains(&pages), "{lang}: {pages} pages");
        // The report's own headings: none may end a page (its content would be on the next).
        let doc = Html::parse_document(&std::fs::read_to_string(&html).unwrap());
        let heading = Selector::parse("h2, h3, figcaption, caption").unwrap();
        let headings: Vec<String> = doc
            .select(&heading)
            .map(|h| {
                h.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|h| !h.is_empty())
            .collect();
        for page in 1..=pages {
            let n = page.to_string();
            let text =
                poppler("pdftotext", &["-f", &n, "-l", &n, "-layout", &pdf_path, "-"]).unwrap_or_default();
            let lines: Vec<String> = text
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect();
            assert!(
                lines.len() > 1,
                "{lang}: page {page} holds at most one line: {lines:?}"
            );
            let last = lines.last().unwrap();
            assert!(
                !headings.iter().any(|h| h == last),
                "{lang}: page {page} ends with the heading {last:?}"
            );
        }
        let prefix = shots.join(format!("print-{lang}"));
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "2",
                &pdf_path,
                &prefix.to_string_lossy(),
            ],
        );
    }
}
