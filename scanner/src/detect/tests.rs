//! Behaviour of the detectors on the forms of DESIGN.md §1 and their negatives.

use super::{Detector, Hit, HitValue, Window};
use crate::rules::{load_rules, RuleSet};

fn rules() -> RuleSet {
    load_rules(&[]).expect("default rules")
}

/// (rule id, matched text) of every hit in `text`.
fn hits(text: &str) -> Vec<(String, String)> {
    let rules = rules();
    let mut detector = Detector::new(&rules);
    let mut found: Vec<Hit> = Vec::new();
    detector.scan(&Window::whole(text.as_bytes()), &mut found);
    found
        .iter()
        .map(|h| {
            (
                rules.rules[h.rule].meta.id.clone(),
                text[h.start..h.end].to_string(),
            )
        })
        .collect()
}

fn rule_ids(text: &str) -> Vec<String> {
    hits(text).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn plain_pan_is_found_with_its_span() {
    assert_eq!(
        hits("card=4526018159083012;"),
        vec![("PAN".into(), "4526018159083012".into())]
    );
}

#[test]
fn grouped_pans_in_brand_groupings_are_found() {
    assert_eq!(hits("4526 0181 5908 3012")[0].1, "4526 0181 5908 3012");
    assert_eq!(hits("4526-0181-5908-3012")[0].1, "4526-0181-5908-3012");
    assert_eq!(hits("amex 3723 194875 74919.")[0].1, "3723 194875 74919");
    assert_eq!(hits("diners 3649 746507 5295")[0].1, "3649 746507 5295");
    assert_eq!(
        hits("cup 6212 7877 8932 8792 173")[0].1,
        "6212 7877 8932 8792 173"
    );
}

#[test]
fn url_encoded_separators_are_found() {
    assert_eq!(rule_ids("/pay?cc=4526+0181+5908+3012&amount=1"), vec!["PAN"]);
    assert_eq!(
        rule_ids("/pay?cc=4526%200181%205908%203012&amount=1"),
        vec!["PAN"]
    );
}

#[test]
fn every_brand_and_length_is_found() {
    for pan in [
        "4661318609133",
        "4526018159083012",
        "4909960308246281946",
        "5382199351819096",
        "2223378657975436",
        "372319487574919",
        "3530186252760186",
        "3589955597971147102",
        "36497465075295",
        "6011170342366718",
        "6212787789328792173",
        "6759233079244023",
    ] {
        assert_eq!(rule_ids(&format!("x {pan} y")), vec!["PAN"], "{}", &pan[..6]);
    }
}

#[test]
fn pan_inside_longer_digit_run_is_not_reported() {
    assert!(hits("ref 145260181590830120 end").is_empty());
    // A longer run is a fixed-width record only when an expiry or a
    // zero-padded amount follows the card number (see `fixed_width_records…`).
    assert!(hits("ref 45260181590830129999 end").is_empty());
    assert!(hits("00004526018159083012").is_empty());
}

#[test]
fn pan_glued_to_hex_or_letters_is_not_reported() {
    assert!(hits("sha=ab4526018159083012cd").is_empty());
    assert!(hits("id=4526018159083012f").is_empty());
    assert!(hits("550e8400-e29b-41d4-a716-446655440000").is_empty());
    assert!(hits("x4526018159083012").is_empty());
}

#[test]
fn csv_fields_around_a_pan_do_not_hide_it() {
    assert_eq!(rule_ids("1,3530186252760186"), vec!["PAN"]);
    assert_eq!(
        rule_ids("A1000,YAMADA TARO,4526018159083012,01/28,1200"),
        vec!["PAN"]
    );
}

#[test]
fn decimal_numbers_are_not_pans() {
    assert!(hits("total 4526018159083012.50 yen").is_empty());
    assert!(hits("v=0.4526018159083012").is_empty());
}

#[test]
fn luhn_invalid_numbers_are_not_reported_even_with_card_words() {
    assert!(hits("card number: 4526018159083013 cvv")
        .iter()
        .all(|(id, _)| id != "PAN"));
}

#[test]
fn millisecond_timestamps_are_not_pans() {
    assert!(hits("ts=1700000000000 1712345678901 1699999999999").is_empty());
}

#[test]
fn imei_and_phone_numbers_are_not_pans() {
    assert!(hits("imei=358240051111110").is_empty());
    assert!(hits("IMEI: 35-209900-176148-1").is_empty());
    assert!(hits("tel: +81-90-1234-5678, 03-1234-5678, 0120-123-456").is_empty());
}

#[test]
fn number_labelled_as_another_identifier_is_not_reported() {
    // 4081003390757936 is Luhn-valid and in Visa's range, but labelled as an order id.
    assert!(hits("order_id=4081003390757936").is_empty());
    assert!(hits("\"tracking\": \"4081003390757936\"").is_empty());
    // A word labels the field after it: here `card` labels the number.
    assert_eq!(rule_ids("order_id=1234 card=4081003390757936"), vec!["PAN"]);
    assert_eq!(rule_ids("card_order_id=4081003390757936"), vec!["PAN"]);
}

#[test]
fn iban_like_grouped_digits_are_not_read_as_a_window() {
    assert!(hits("DE89 3704 0044 0532 0130 00").is_empty());
    assert!(hits("1111 4526 0181 5908 3012 2222").is_empty());
}

#[test]
fn grouped_pan_followed_by_expiry_is_found() {
    assert_eq!(hits("4526 0181 5908 3012 12/27")[0].1, "4526 0181 5908 3012");
}

#[test]
fn masked_pans_are_notes() {
    for text in [
        "452601******3012",
        "4526 01XX XXXX 3012",
        "4526-01xx-xxxx-3012",
        "452601••••••3012",
        "45260181****3012",
        "452601…3012",
    ] {
        assert_eq!(rule_ids(text), vec!["PAN_MASKED"], "{text}");
    }
    assert!(hits("******3012").is_empty());
}

#[test]
fn public_test_pans_are_notes() {
    assert_eq!(rule_ids("4111 1111 1111 1111"), vec!["PAN_TEST"]);
    assert_eq!(rule_ids("378282246310005"), vec!["PAN_TEST"]);
    assert_eq!(rule_ids("3530111333300000"), vec!["PAN_TEST"]);
}

#[test]
fn track_data_is_reported_once_as_track_not_as_pan() {
    assert_eq!(
        rule_ids("%B4526018159083012^SATO/HANAKO^2712101000000000000000?"),
        vec!["TRACK1"]
    );
    assert_eq!(
        rule_ids(";4526018159083012=27121010000012345678?"),
        vec!["TRACK2"]
    );
    assert_eq!(rule_ids("4526018159083012=27121010000012345678"), vec!["TRACK2"]);
}

#[test]
fn track_with_bad_expiry_or_luhn_is_not_track() {
    assert!(!rule_ids(";4526018159083012=27131010000012345678?").contains(&"TRACK2".to_string()));
    assert!(rule_ids(";4526018159083013=27121010000012345678?").is_empty());
}

#[test]
fn security_codes_next_to_their_label_are_errors() {
    assert_eq!(rule_ids("card ending 3012, cvv=123"), vec!["CVV"]);
    assert_eq!(
        rule_ids("{\"card\": \"452601******3012\", \"cvc\": \"4821\"}"),
        vec!["PAN_MASKED", "CVV"]
    );
    assert_eq!(
        rule_ids("有効期限：2027年12月 セキュリティコード：987"),
        vec!["CVV"]
    );
    assert!(rule_ids("card cvv=12").is_empty());
    assert!(rule_ids("card cvv=12345").is_empty());
}

#[test]
fn japanese_context_raises_confidence() {
    let rules = rules();
    let mut detector = Detector::new(&rules);
    let mut confidence = |text: &str| {
        let mut found = Vec::new();
        detector.scan(&Window::whole(text.as_bytes()), &mut found);
        found[0].confidence
    };
    let bare = confidence("x 4526018159083012 y");
    let japanese = confidence("カード番号：4526018159083012 有効期限：2027年12月");
    let negative = confidence("uuid of the session, then the value 4526018159083012 y");
    assert!(japanese > bare && bare > negative, "{japanese} {bare} {negative}");
}

#[test]
fn expiry_next_to_pan_is_noticed() {
    let rules = rules();
    let mut detector = Detector::new(&rules);
    let mut found = Vec::new();
    detector.scan(&Window::whole(b"4526018159083012,12/27,Taro"), &mut found);
    assert!(found[0].expiry_nearby);
    found.clear();
    detector.scan(&Window::whole(b"4526018159083012,Taro"), &mut found);
    assert!(!found[0].expiry_nearby);
}

#[test]
fn hit_value_holds_the_normalised_digits() {
    let rules = rules();
    let mut detector = Detector::new(&rules);
    let mut found = Vec::new();
    detector.scan(&Window::whole(b"4526-0181-5908-3012"), &mut found);
    match found[0].value {
        HitValue::Pan(d) => assert_eq!(d.as_bytes(), b"4526018159083012"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn window_boundary_hit_is_decided_exactly_once() {
    let rules = rules();
    let mut detector = Detector::new(&rules);
    let text = format!("{}card 4526018159083012 end{}", "a".repeat(300), "b".repeat(300));
    let bytes = text.as_bytes();
    // Cut the stream at every position around the PAN; carry `overlap` bytes.
    let overlap = detector.overlap();
    for cut in 290..330 {
        let mut total = 0;
        let first = Window {
            bytes: &bytes[..cut],
            fresh_from: 0,
            starts_stream: true,
            ends_stream: false,
        };
        let mut found = Vec::new();
        detector.scan(&first, &mut found);
        total += found.len();
        let carry_from = cut.saturating_sub(overlap);
        let second = Window {
            bytes: &bytes[carry_from..],
            fresh_from: cut - carry_from,
            starts_stream: carry_from == 0,
            ends_stream: true,
        };
        found.clear();
        detector.scan(&second, &mut found);
        total += found.len();
        assert_eq!(total, 1, "cut at {cut}");
    }
}

mod fast_path_matches_reference {
    use super::*;
    use proptest::prelude::*;

    fn text_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("4526018159083012".to_string()),
            Just("4526 0181 5908 3012".to_string()),
            Just("4526-0181-5908-3012".to_string()),
            Just("4526%200181%205908%203012".to_string()),
            Just("452601******3012".to_string()),
            Just("4526 01** **** 3012".to_string()),
            Just("452 601** **** 3012".to_string()),
            Just("4526-01XX-XXXX-3012".to_string()),
            Just("452601••••••3012".to_string()),
            Just("3530 1113 3330 0000".to_string()),
            Just(";4526018159083012=27121010000012345678?".to_string()),
            Just("cvv=123".to_string()),
            Just("card ".to_string()),
            Just("1700000000000".to_string()),
            // Fixed-width records: a card number and an expiry, or an amount.
            Just("45260181590830122612000012500".to_string()),
            Just("4526018159083012000012500".to_string()),
            Just("3782 822463 10005".to_string()),
            Just("200 30402 16510".to_string()),
            // A short group before what follows, joined by a space or a dash.
            Just("987 ".to_string()),
            Just("31-".to_string()),
            // Long ids, order numbers and timestamps, and longer records.
            "[1-9][0-9]{12,30}",
            "[0-9]{1,20}",
            "[ -+%20a-z.,=*xX#]{1,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn skipping_loop_finds_what_the_plain_loop_finds(pieces in proptest::collection::vec(text_piece(), 0..40)) {
            let text = pieces.concat();
            let rules = rules();
            let mut detector = Detector::new(&rules);
            let window = Window::whole(text.as_bytes());
            let mut fast = Vec::new();
            detector.scan_digit_runs(&window, &mut fast);
            let mut reference = Vec::new();
            detector.scan_digit_runs_reference(&window, &mut reference);
            let judged = |hits: &[Hit]| {
                hits.iter()
                    .map(|h| (h.rule, h.start, h.end, h.value, h.evidence.clone(), h.weak, h.confidence.to_bits()))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(judged(&fast), judged(&reference));
        }
    }
}
