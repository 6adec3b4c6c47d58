//! The progress bar in a real terminal: `script` (util-linux, in every
//! Debian base system) runs hihoji on a pseudo-terminal and records every
//! byte it draws. A capture from tmux is in docs/progress-capture.txt.

mod common;

use std::process::Command;

/// Raw terminal output of `hihoji scan ARGS` run on a pseudo-terminal.
fn on_terminal(args: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("hihoji");
    let output = Command::new("script")
        .args([
            "-q",
            "-e",
            "-c",
            &format!("{} {args}", bin.display()),
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
    let output = common::hihoji().arg("scan").arg(dir.path()).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!err.contains("MB/s") && !err.contains("files,"), "{err}");
}
