//! Property tests: every generated valid card number in random surrounding text
//! is found exactly once, and changing any one of its digits makes it vanish.

use hihoji_scanner::detect::{Detector, Hit, HitValue, Window};
use hihoji_scanner::rules::load_rules;
use proptest::prelude::*;

use crate::support::luhn_complete;

/// (brand prefix, length) pairs from the default brand table.
const BRANDS: &[(&str, usize)] = &[
    ("4", 16),
    ("4", 13),
    ("4", 19),
    ("53", 16),
    ("2221", 16),
    ("2720", 16),
    ("34", 15),
    ("37", 15),
    ("3528", 16),
    ("3589", 19),
    ("36", 14),
    ("6011", 16),
    ("65", 16),
    ("6212", 19),
    ("6759", 16),
];

fn generated_pan() -> impl Strategy<Value = Vec<u8>> {
    (0..BRANDS.len(), proptest::collection::vec(0u8..10, 19)).prop_map(|(b, digits)| {
        let (prefix, len) = BRANDS[b];
        let mut body = prefix.to_string();
        body.extend(
            digits
                .iter()
                .take(len - 1 - prefix.len())
                .map(|d| char::from(b'0' + d)),
        );
        luhn_complete(&body).into_bytes()
    })
}

/// Text that cannot spell a context keyword or touch the number as a word.
fn filler() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[qz ,;:=\"'\n\t()<>/|]{0,80}").expect("valid regex")
}

/// Writes the PAN plainly or in 4-4-4-4 groups.
fn written(pan: &[u8], grouping: u8) -> String {
    let text = String::from_utf8_lossy(pan).into_owned();
    match (grouping, pan.len()) {
        (1, 16) => text
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c))
            .collect::<Vec<_>>()
            .join(" "),
        (2, 16) => text
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c))
            .collect::<Vec<_>>()
            .join("-"),
        _ => text,
    }
}

fn scan(text: &str) -> Vec<Hit> {
    let rules = load_rules(&[]).expect("default rules");
    let mut detector = Detector::new(&rules);
    let mut hits = Vec::new();
    detector.scan(&Window::whole(text.as_bytes()), &mut hits);
    hits
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_pan_is_found_exactly_once(
        pan in generated_pan(),
        before in filler(),
        after in filler(),
        grouping in 0u8..3,
    ) {
        let shown = written(&pan, grouping);
        let text = format!("{before} {shown} {after}");
        let hits = scan(&text);
        prop_assert_eq!(hits.len(), 1, "{} hits", hits.len());
        let hit = &hits[0];
        prop_assert_eq!(&text[hit.start..hit.end], shown.as_str());
        match hit.value {
            HitValue::Pan(d) => prop_assert_eq!(d.as_bytes(), pan.as_slice()),
            other => prop_assert!(false, "unexpected value {:?}", other),
        }
    }

    #[test]
    fn changing_one_digit_makes_it_vanish(
        pan in generated_pan(),
        before in filler(),
        after in filler(),
        position in 0usize..19,
        delta in 1u8..10,
    ) {
        let mut changed = pan.clone();
        let i = position % changed.len();
        changed[i] = b'0' + (changed[i] - b'0' + delta) % 10;
        let text = format!("{before} {} {after}", String::from_utf8_lossy(&changed));
        prop_assert!(scan(&text).is_empty());
    }
}
