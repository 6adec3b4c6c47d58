//! Property test: scanning a random tree of files with one thread and with two
//! gives the same findings (issue 3), whatever the order files finish in.

use hihoji_scanner::scan::Limits;
use proptest::prelude::*;

use crate::support::scan_tree;

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
