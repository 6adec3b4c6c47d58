//! Property test: scanning a random tree of files with one thread and with two
//! gives the same findings (issue 3), whatever the order files finish in.

use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::scan::Limits;
use proptest::prelude::*;

use crate::support::{self, scan_tree};

/// Text pieces: card numbers in several writings, masked and test numbers,
/// security codes, timestamps, encodings, and random digits and words.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("4526018159083012".to_string()),
        Just("card 4526 0181 5908 3012 exp 12/27".to_string()),
        Just("3530-1862-5276-0186".to_string()),
        Just("4526%200181%205908%203012".to_string()),
        Just("452601******3012".to_string()),
        Just("4111111111111111".to_string()),
        Just("cvv=123".to_string()),
        Just(";4526018159083012=27121010000012345678?".to_string()),
        Just("NDUyNjAxODE1OTA4MzAxMg==".to_string()),
        Just("34353236303138313539303833303132".to_string()),
        Just("ts=1700000000000 ".to_string()),
        "[0-9]{1,20}",
        "[ -+a-z.,=\n]{1,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn one_and_two_threads_find_the_same(
        files in proptest::collection::vec(proptest::collection::vec(piece(), 0..60), 1..12),
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (i, pieces) in files.iter().enumerate() {
            std::fs::write(dir.path().join(format!("file-{i}.log")), pieces.concat()).unwrap();
        }
        let one = scan_tree(dir.path(), Limits::default(), 1);
        let two = scan_tree(dir.path(), Limits::default(), 2);
        // The comparison means something: a plain card number on its own
        // (not glued to digits or letters around it) is always found.
        let glued = |s: Option<&String>, end: bool| {
            s.and_then(|s| if end { s.chars().last() } else { s.chars().next() })
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '%')
        };
        let standalone = files.iter().any(|pieces| {
            pieces.iter().enumerate().any(|(i, p)| {
                p == "4526018159083012"
                    && !glued(i.checked_sub(1).and_then(|b| pieces.get(b)), true)
                    && !glued(pieces.get(i + 1), false)
            })
        });
        if standalone {
            prop_assert!(!one.findings.is_empty());
        }
        prop_assert_eq!(one.findings, two.findings);
        prop_assert_eq!(one.skipped, two.skipped);
    }
}

/// Scans `root` on `threads` workers in a thread of its own; fails the test
/// when the scan has not ended after five minutes (a deadlock).
fn scan_or_hang(root: &std::path::Path, threads: usize) -> ScanOutcome {
    let (done, result) = std::sync::mpsc::channel();
    let root = root.to_path_buf();
    std::thread::spawn(move || done.send(scan_tree(&root, Limits::default(), threads)).unwrap());
    result
        .recv_timeout(std::time::Duration::from_secs(300))
        .expect("the scan ended (no worker waits for what another holds)")
}

/// A small head file's batch waits in its worker's outbox while the other
/// worker's large files fill the reorder buffer and wait for the head.
#[test]
fn a_gathered_head_reaches_the_writer_while_later_items_wait() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-head.log"), "pan 4526018159083012\n").unwrap();
    let many = "pan 4526018159083012\n".repeat(20_000);
    for i in 0..4 {
        std::fs::write(dir.path().join(format!("b-{i}.csv")), &many).unwrap();
    }
    let long = "order 12345678901 amount 1234\n".repeat(150_000);
    std::fs::write(dir.path().join("c-long.log"), long).unwrap();
    let scanned = |threads| scan_or_hang(dir.path(), threads);
    let one = scanned(1);
    assert_eq!(one.findings.len(), 1 + 4 * 20_000);
    for threads in [2, 3] {
        let many = scanned(threads);
        assert_eq!(one.findings, many.findings);
        assert_eq!(one.skipped, many.skipped);
    }
}

/// Containers whose decodes take turns (a zip inside a zip is held in
/// memory), each with more findings than the collector lets wait behind the
/// head, after a head file with as many: the workers wait at the gate and
/// for the turn in every order, and the scan must still end with the same
/// findings on one thread and two.
#[test]
fn decodes_taking_turns_behind_a_busy_head_finish_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let many = "pan 4526018159083012\n".repeat(20_000);
    let inner = support::zip(&[("orders.csv", many.as_bytes())]);
    // The head needs the turn only after its first member, a long one, by
    // which time a later item holds it and waits at the gate.
    let long = "order 12345678901 amount 1234\n".repeat(150_000);
    let head = support::tar(&[("first.log", long.as_bytes()), ("inner.zip", &inner)]);
    std::fs::write(dir.path().join("a-head.tar"), head).unwrap();
    for i in 0..6 {
        std::fs::write(
            dir.path().join(format!("b-{i}.zip")),
            support::zip(&[("inner.zip", &inner)]),
        )
        .unwrap();
    }
    let scanned = |threads| scan_or_hang(dir.path(), threads);
    let one = scanned(1);
    let two = scanned(2);
    assert_eq!(one.findings.len(), 7 * 20_000);
    assert_eq!(one.findings, two.findings);
    assert_eq!(one.skipped, two.skipped);
}
