//! End-to-end (issue 14): the card-number forms real merchant systems write
//! are found at warning (track data at error), with the evidence behind each
//! finding in JSON and SARIF; card-free lookalikes never reach warning.

use serde_json::Value;

use crate::support::{binary, hihoji, luhn_complete, masked};

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> Value {
    let out = hihoji()
        .arg("scan")
        .arg(dir)
        .args(extra)
        .args(["--json", "-"])
        .output()
        .expect("run hihoji");
    serde_json::from_slice(&out.stdout).expect("JSON report on stdout")
}

/// Issue 14's recall list: one file per form, each with its own synthetic number.
const FORMS: [(&str, &str, &str); 15] = [
    ("card-glued.txt", "CARD{}\n", "warning"),
    ("pan-glued.txt", "pan{}\n", "warning"),
    ("currency.txt", "total {}JPY\n", "warning"),
    ("name.txt", "{}YAMADA TARO\n", "warning"),
    ("ref.txt", "ref:{}A\n", "warning"),
    (
        "record.dat",
        "00001YAMADA TARO          {}2612000012500JPY\n",
        "warning",
    ),
    (
        "query.log",
        "GET /pay?tel=0312345678&cc={}&exp=1226 HTTP/1.1\n",
        "warning",
    ),
    ("body.json", "{\"tel\":\"0312345678\",\"cc\":\"{}\"}\n", "warning"),
    ("invoice.log", "invoice=INV-001 cc={}\n", "warning"),
    ("order.log", "order 1234: {} 12/26\n", "warning"),
    (
        "rows.sql",
        "INSERT INTO t(id, x) VALUES (1, {}, 2500);\n",
        "warning",
    ),
    ("charge.py", "charge(\"{}\", 1200)\n", "warning"),
    ("array.json", "[1, {}, 1200]\n", "warning"),
    ("track2.log", "read ;{}=2408226000000000?3\n", "error"),
    (
        "track1.log",
        "read %B{}^YAMADA/TARO^2408226000000000000?3\n",
        "error",
    ),
];

#[test]
fn every_recall_form_is_found_at_its_level_with_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let mut planted = Vec::new();
    for (i, (name, form, level)) in FORMS.iter().enumerate() {
        let pan = luhn_complete(&format!("45260181590{:04}", 3000 + i * 7));
        std::fs::write(dir.path().join(name), form.replace("{}", &pan)).unwrap();
        planted.push((name, pan, level));
    }
    let report = scan_json(dir.path(), &[]);
    let findings = report["findings"].as_array().unwrap();
    for (name, pan, level) in planted {
        let hit = findings.iter().find(|f| {
            f["provenance"]["artifact"].as_str() == Some(name) && f["masked"].as_str() == Some(&masked(&pan))
        });
        let hit = hit.unwrap_or_else(|| panic!("{name}: not found in {findings:#?}"));
        assert_eq!(hit["level"].as_str(), Some(*level), "{name}: {hit}");
        let evidence: Vec<&str> = hit["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            evidence.contains(&"luhn") && evidence.contains(&"brand:Visa/16"),
            "{name}: {evidence:?}"
        );
    }
}

#[test]
fn lookalikes_never_reach_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = [
        "2026-11-25 INFO dfs.DataNode: Receiving block blk_-4526018159083012345 src: /10.0.0.1",
        "Content-Type: multipart/mixed; boundary=\"===============4526018159083012==\"",
        "_ZN4core3fmt5write17h0123456789abcdefE.llvm.4526018159083012",
        "1090 5680 4526 0181 5908 3012 5450 1234 5450 7788",
        "7311045667120943 4526018159083012 9102837465019283 1029384756102938",
        "CSC 121 Introduction to Programming",
        "// csc : 2014-09-25",
        "request 4909960308246281946 done in 12ms",
        "    check_normalize(4526018159083012, 446, 11, 11270725851789228032, 435);",
        "    assert factorint(2**64 + 1) == {274177: 1, 4526018159083012: 1}",
        "SHA256: cc4526018159083012fb5d7149e8f5187a3fd441581a10016a7c55ec7d1e355d",
        "5414 5415 5416 5417 20BBF 20BC6 56DD 56DE",
    ]
    .join("\n");
    std::fs::write(dir.path().join("lookalikes.log"), text).unwrap();
    let report = scan_json(dir.path(), &[]);
    let loud: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] != "note")
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
}

/// An ISO 8583 message (MTI 0200, bitmap with fields 2–4, field 2 in packed
/// BCD, fields 3–4) holding `pan` (16 digits).
fn iso8583_message(pan: &str) -> Vec<u8> {
    let mut message = vec![0x02, 0x00, 0x70, 0x00, 0, 0, 0, 0, 0, 0, 0x16];
    let digits: Vec<u8> = pan.bytes().map(|b| b - b'0').collect();
    message.extend(digits.chunks(2).map(|p| p[0] << 4 | p[1]));
    message.extend([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x00]);
    message
}

#[test]
fn packed_bcd_is_a_warning_in_data_and_a_note_in_machine_code() {
    let dir = tempfile::tempdir().unwrap();
    let pan = luhn_complete("452601815908301");
    let mut data = vec![0u8; 64];
    data.extend(iso8583_message(&pan));
    data.extend([0u8; 64]);
    std::fs::write(dir.path().join("messages.bin"), &data).unwrap();
    let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
    elf.extend(&data);
    std::fs::write(dir.path().join("libpos.so"), &elf).unwrap();
    let report = scan_json(dir.path(), &[]);
    let level_in = |name: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["provenance"]["artifact"] == name && f["masked"] == masked(&pan).as_str())
            .unwrap_or_else(|| panic!("{name}: no finding in {report:#}"))["level"]
            .clone()
    };
    assert_eq!(level_in("messages.bin"), "warning");
    assert_eq!(level_in("libpos.so"), "note");
}

#[test]
fn hihoji_itself_holds_no_card_number_as_text() {
    // The rule pack's examples are embedded compressed: an installed hihoji
    // is not a finding of `hihoji scan /`.
    let binary = std::fs::read(binary()).expect("read the binary");
    let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/default.yaml")).unwrap();
    assert!(
        rules.contains("4526018159083012"),
        "the example this test looks for"
    );
    for example in ["4526018159083012", "3530186252760186", "4526-0181-5908-3012"] {
        assert!(
            memchr::memmem::find(&binary, example.as_bytes()).is_none(),
            "the binary holds {} as text",
            masked(&example.replace('-', ""))
        );
    }
}

#[test]
fn sarif_results_carry_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.log"),
        "card_number=4526018159083012 exp=12/27\n",
    )
    .unwrap();
    let out = hihoji()
        .arg("scan")
        .arg(dir.path())
        .args(["--sarif", "-"])
        .output()
        .expect("run hihoji");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF on stdout");
    let evidence = &sarif["runs"][0]["results"][0]["properties"]["evidence"];
    assert_eq!(
        evidence,
        &serde_json::json!(["luhn", "brand:Visa/16", "keyword:card_number", "expiry_nearby"])
    );
}

#[test]
fn rules_explain_lists_the_evidence_signals() {
    let out = hihoji()
        .args(["rules", "explain", "PAN"])
        .output()
        .expect("run hihoji");
    let text = String::from_utf8_lossy(&out.stdout);
    for signal in [
        "keyword:<word>",
        "expiry_nearby",
        "table",
        "in_token:<kind>",
        "id_length",
    ] {
        assert!(text.contains(signal), "{signal} missing from:\n{text}");
    }
}
