//! End-to-end: `hihoji scan` on files whose card numbers are hidden by an
//! encoding (UTF-16 without BOM, base64, a SQLite database, a core dump),
//! checked through the JSON and SARIF reports.

use std::path::Path;

use serde_json::Value;

use crate::support::hihoji;

fn scan(dir: &Path, format: &str) -> Value {
    let out = hihoji()
        .arg("scan")
        .arg(dir)
        .args([format, "-"])
        .output()
        .expect("run hihoji");
    serde_json::from_slice(&out.stdout).expect("report on stdout")
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A directory of generated fixtures (synthetic card numbers only).
fn fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write(
        "notepad.txt",
        &utf16le("顧客メモ\r\nカード番号 4526018159083012\r\n"),
    );
    write("app.log", b"INFO body=eyJjYXJkIjoiMzUzMDE4NjI1Mjc2MDE4NiJ9 ok\n");
    let sqlite = Path::new(env!("CARGO_MANIFEST_DIR")).join("scanner/tests/fixtures/orders-utf16.sqlite");
    std::fs::copy(sqlite, dir.path().join("orders.db")).unwrap();
    let mut core = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0\x3e\0\x01\0\0\0".to_vec();
    core.extend([0u8; 64]);
    core.extend(b"\0pan=372319487574919\0");
    write("core.4242", &core);
    dir
}

#[test]
fn encoded_card_numbers_are_reported_with_their_encoding_and_category() {
    let dir = fixtures();
    let report = scan(dir.path(), "--json");
    let pans: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "PAN")
        .collect();
    let find = |artifact: &str| {
        let found: Vec<&&Value> = pans
            .iter()
            .filter(|f| f["provenance"]["artifact"] == artifact)
            .collect();
        assert_eq!(found.len(), 1, "{artifact}: {found:?}");
        *found[0]
    };
    let notepad = find("notepad.txt");
    assert_eq!(notepad["masked"], "452601******3012");
    assert_eq!(notepad["location"]["offset"], 2 * (6 + 6));
    assert_eq!(notepad["location"]["line"], 2);
    assert_eq!(notepad["annotations"]["encoding"], "utf-16le");

    let log = find("app.log");
    assert_eq!(log["masked"], "353018******0186");
    assert_eq!(log["provenance"]["layers"][0]["kind"], "decoded");
    assert_eq!(log["provenance"]["layers"][0]["name"], "base64@10");

    let db = find("orders.db");
    assert_eq!(db["masked"], "452601******3012");
    assert_eq!(db["category"], "stored");

    let core = find("core.4242");
    assert_eq!(core["masked"], "372319*****4919");
    assert_eq!(core["category"], "processed");
}

#[test]
fn sarif_names_the_decoded_layer_and_keeps_the_region_of_transcoded_files() {
    let dir = fixtures();
    let sarif = scan(dir.path(), "--sarif");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let by_uri = |uri: &str| {
        results
            .iter()
            .find(|r| {
                r["ruleId"] == "PAN"
                    && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
            })
            .unwrap_or_else(|| panic!("no PAN result for {uri}"))
    };
    let notepad = by_uri("notepad.txt");
    assert_eq!(
        notepad["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    let log = by_uri("app.log");
    assert_eq!(log["properties"]["provenance"], "app.log!/base64@10");
    assert_eq!(by_uri("core.4242")["properties"]["category"], "processed");
}
