//! Property tests: a generated card number hidden in full-width digits or
//! UTF-16 inside random text is found exactly once; the UTF-16 transcoder
//! never panics and maps every byte inside its input.

use hihoji_scanner::transform::utf16::{transcode, Endian, Utf16Map};
use proptest::prelude::*;

use crate::support::{luhn_complete, scan_bytes};

/// Words with no digits and no negative context word (which would hide a number on purpose).
fn words() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "shipped",
        "INFO",
        "ok",
        "お客様",
        "注文",
        "です。",
        "status",
        "user",
        "\n",
        ", ",
        "東京",
        "amount",
        "=",
        ":",
    ]);
    prop::collection::vec(word, 0..40).prop_map(|w| w.join(" "))
}

fn full_width(digits: &str) -> String {
    digits
        .chars()
        .map(|c| char::from_u32(0xFF10 + c.to_digit(10).unwrap()).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn full_width_pan_in_random_text_is_found_once(
        before in words(),
        after in words(),
        middle in "[0-9]{14}",
    ) {
        let pan = luhn_complete(&format!("4{middle}"));
        let text = format!("{before} {} {after}", full_width(&pan));
        let out = scan_bytes("p.txt", text.as_bytes());
        // Random middles may make a public test number (4000 0000 0000 0002): a note, still found once.
        let found: Vec<_> = out.findings.iter().filter(|f| f.rule_id.starts_with("PAN")).collect();
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(&found[0].masked, &format!("{}******{}", &pan[..6], &pan[12..]));
        prop_assert_eq!(found[0].location.offset, before.len() as u64 + 1);
    }

    #[test]
    fn utf16_pan_in_random_text_is_found_once(
        before in words(),
        after in words(),
        middle in "[0-9]{14}",
        bom in any::<bool>(),
    ) {
        let pan = luhn_complete(&format!("4{middle}"));
        let text = format!("{before} {pan} {after}");
        let mut bytes = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let out = scan_bytes("p.txt", &bytes);
        // Random middles may make a public test number (4000 0000 0000 0002): a note, still found once.
        let found: Vec<_> = out.findings.iter().filter(|f| f.rule_id.starts_with("PAN")).collect();
        prop_assert_eq!(found.len(), 1);
        let units_before = before.encode_utf16().count() as u64 + 1;
        prop_assert_eq!(found[0].location.offset, u64::from(bom) * 2 + 2 * units_before);
    }

    #[test]
    fn utf16_transcoder_maps_inside_its_input(bytes in prop::collection::vec(any::<u8>(), 0..512), big in any::<bool>()) {
        let endian = if big { Endian::Big } else { Endian::Little };
        let (mut out, mut map) = (Vec::new(), Utf16Map::default());
        let consumed = transcode(&bytes, endian, &mut out, &mut map);
        prop_assert!(consumed <= bytes.len() && consumed + 4 > bytes.len());
        prop_assert!(std::str::from_utf8(&out).is_ok());
        let mut last = 0;
        for i in 0..out.len() {
            let at = map.source_offset(i);
            prop_assert!(at >= last && (at as usize) < consumed.max(1));
            last = at;
        }
    }
}
