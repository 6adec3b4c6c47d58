//! The progress bar in a real terminal: `script` (util-linux, in every
//! Debian base system) runs hihoji on a pseudo-terminal and records every
//! byte it draws. A capture from tmux is in docs/progress-capture.txt.

use std::process::Command;

use crate::support;

/// Raw terminal output of `hihoji scan ARGS` run on a pseudo-terminal.
fn on_terminal(args: &str) -> String {
    let bin = support::binary();
    let output = Command::new("script")
        .args([
            "-q",
            "-e",
            "-c",
            // An 80-column terminal, the smallest a user is expected to have.
            &format!("stty cols 80 rows 24 2>/dev/null; {} {args}", bin.display()),
            "/dev/null",
        ])
        .env("HIHOJI_FINGERPRINT_KEY", "progress-test-key")
        .env("LANG", "C")
        .env("TERM", "xterm")
        .output()
        .expect("`script` (util-linux/bsdutils) is needed to give hihoji a terminal");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn progress_bar_draws_on_a_terminal_and_is_gone_before_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let line = "2026-11-25 10:00:00 order=000123 amount=1200 status=ok\n".repeat(20_000);
    for i in 0..40 {
        std::fs::write(dir.path().join(format!("orders-{i:02}.log")), &line).unwrap();
    }
    std::fs::write(dir.path().join("zz.log"), "card 4526018159083012\n").unwrap();
    let screen = on_terminal(&format!("scan -j 1 {}", dir.path().display()));
    let last_bar = screen.rfind("MB/s").expect("no progress bar was drawn");
    assert!(screen.contains(" files, "), "{screen}");
    assert!(screen.contains(" findings"), "{screen}");
    let summary = screen.rfind("Findings:").expect("no summary");
    assert!(
        summary > last_bar,
        "the bar was drawn after the findings:\n{screen}"
    );
    assert!(
        !screen.contains("4526018159083012"),
        "full number on the terminal"
    );
}

#[test]
fn no_progress_flag_and_quiet_keep_the_terminal_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.log"), "nothing here\n").unwrap();
    for flag in ["--no-progress", "--quiet"] {
        let screen = on_terminal(&format!("scan {flag} {}", dir.path().display()));
        assert!(!screen.contains("MB/s"), "{flag}: {screen}");
    }
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.log"), "nothing here\n").unwrap();
    let output = support::hihoji().arg("scan").arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("MB/s") && !err.contains("files,"), "{err}");
}

#[test]
fn progress_figures_fit_an_80_column_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let line = "2026-11-25 10:00:00 order=000123 amount=1200 status=ok\n".repeat(20_000);
    for i in 0..60 {
        std::fs::write(dir.path().join(format!("orders-{i:02}.log")), &line).unwrap();
    }
    let screen = on_terminal(&format!("scan -j 1 --json /dev/null {}", dir.path().display()));
    // Each redraw starts after a carriage return or an erase-line sequence.
    let drawn: Vec<&str> = screen
        .split(['\r', '\n'])
        .map(|l| l.trim_start_matches("\x1b[2K"))
        .filter(|l| l.contains("MB/s") && l.contains('%'))
        .collect();
    assert!(!drawn.is_empty(), "no bar with a total was drawn:\n{screen:?}");
    for line in drawn {
        let visible: String = strip_escapes(line);
        assert!(
            visible.chars().count() <= 80,
            "{} columns: {visible:?}",
            visible.chars().count()
        );
        assert!(
            visible.contains(" findings") && visible.contains("ETA"),
            "{visible:?}"
        );
    }
}

/// The text of a terminal line without its ANSI escape sequences.
fn strip_escapes(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
