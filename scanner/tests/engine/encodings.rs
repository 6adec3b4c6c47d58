//! Engine-level tests: card numbers hidden by encodings are found once, with
//! the encoding named in the provenance, and look-alikes are not reported.
//! Every fixture is generated here from synthetic card numbers.

use base64::Engine as _;
use encoding_rs::{EUC_JP, SHIFT_JIS};
use hihoji_scanner::findings::{Finding, GuidelineCategory};
use hihoji_scanner::scan::{FileOutcome, CHUNK};

use crate::support::{gzip, masked, scan_bytes};

const VISA: &str = "4526018159083012";
const JCB: &str = "3530186252760186";
const AMEX: &str = "372319487574919";

fn pans(out: &FileOutcome) -> Vec<(String, String, u64)> {
    out.findings
        .iter()
        .filter(|f| f.rule_id == "PAN")
        .map(|f| (f.masked.to_string(), f.provenance.to_string(), f.location.offset))
        .collect()
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn only_finding(out: &FileOutcome) -> &Finding {
    let pan: Vec<&Finding> = out.findings.iter().filter(|f| f.rule_id == "PAN").collect();
    assert_eq!(pan.len(), 1, "expected one PAN finding, got {:?}", pans(out));
    pan[0]
}

#[test]
fn utf16le_without_bom_is_found_at_its_own_offset_with_line() {
    let text = format!("first line\r\nカード番号: {VISA}\r\n");
    let bytes = utf16le(&text);
    let out = scan_bytes("export.txt", &bytes);
    let f = only_finding(&out);
    assert_eq!(f.masked, masked(VISA));
    assert_eq!(f.provenance.to_string(), "export.txt");
    // 12 UTF-16 units on the first line, 7 before the number on the second.
    assert_eq!(f.location.offset, 2 * (12 + 7));
    assert_eq!((f.location.line, f.location.column), (Some(2), Some(8)));
    assert_eq!(
        f.annotations.get("encoding").map(|e| e.as_str()),
        Some("utf-16le")
    );
    // The Japanese context word was read: confidence is raised.
    assert!(f.confidence >= 0.8, "confidence {}", f.confidence);
}

#[test]
fn utf16be_with_bom_is_found() {
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(
        format!("card {JCB} exp 12/27")
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    let out = scan_bytes("be.txt", &bytes);
    let f = only_finding(&out);
    assert_eq!(f.masked, masked(JCB));
    assert_eq!(f.location.offset, 2 + 2 * 5);
    assert!(f.expiry_nearby);
}

#[test]
fn utf16_pan_across_a_read_window_boundary_is_found_once() {
    for shift in [0usize, 1, 7, 100, 333] {
        let mut text = "x".repeat(CHUNK / 2 - 20 + shift);
        text.push_str(&format!(" pan {VISA} end\n"));
        text.push_str(&"y ".repeat(CHUNK));
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16le(&text));
        let out = scan_bytes("big.txt", &bytes);
        let f = only_finding(&out);
        let expected = 2 + 2 * (text.find(VISA).unwrap() as u64);
        assert_eq!(f.location.offset, expected, "shift {shift}");
    }
}

#[test]
fn base64_segment_is_decoded_and_named() {
    let payload = base64::engine::general_purpose::STANDARD.encode(format!("{{\"card_number\":\"{VISA}\"}}"));
    let text = format!("2026-11-01 INFO request body={payload} status=200\n");
    let out = scan_bytes("app.log", text.as_bytes());
    let f = only_finding(&out);
    let at = text.find(&payload).unwrap();
    assert_eq!(f.provenance.to_string(), format!("app.log!/base64@{at}"));
    assert!(f.location.offset >= at as u64 && f.location.offset < (at + payload.len()) as u64);
    assert_eq!(f.location.line, Some(1));
}

#[test]
fn mime_wrapped_base64_is_decoded() {
    let body = format!(
        "Dear customer,\r\nyour card {AMEX} was charged. Please keep this email for your records.\r\n"
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(body);
    let lines: Vec<String> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let mail = format!(
        "Subject: receipt\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        lines.join("\r\n")
    );
    let out = scan_bytes("mail.txt", mail.as_bytes());
    let f = only_finding(&out);
    assert_eq!(f.masked, masked(AMEX));
    assert!(f.provenance.to_string().starts_with("mail.txt!/base64@"));
}

#[test]
fn base64_of_gzip_is_decompressed_and_scanned() {
    let encoded = base64::engine::general_purpose::STANDARD.encode(gzip(format!("card={VISA}\n").as_bytes()));
    let text = format!("blob: {encoded}\n");
    let out = scan_bytes("dump.txt", text.as_bytes());
    let f = only_finding(&out);
    assert!(
        f.provenance.to_string().starts_with("dump.txt!/base64@6!/"),
        "{}",
        f.provenance
    );
}

#[test]
fn percent_encoded_digits_are_found() {
    let encoded: String = VISA.bytes().map(|b| format!("%{b:02X}")).collect();
    let text = format!("GET /checkout?card_no={encoded}&amount=5000 HTTP/1.1\n");
    let out = scan_bytes("access.log", text.as_bytes());
    let f = only_finding(&out);
    let at = text.find("%34").unwrap();
    assert_eq!(f.provenance.to_string(), format!("access.log!/percent@{at}"));
    assert_eq!(f.location.offset, at as u64);
    assert_eq!(f.location.column, Some(at as u64 + 1));
}

#[test]
fn plain_pan_next_to_percent_encoding_is_reported_once() {
    let text = "q=%E3%82%AB%E3%83%BC%E3%83%89 n=4526%200181%205908%203012 m=%33%35%33%30%31%38%36%32%35%32%37%36%30%31%38%36\n";
    let out = scan_bytes("q.log", text.as_bytes());
    let mut found = pans(&out);
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|(m, p, _)| m == &masked(VISA) && p == "q.log"));
    assert!(found
        .iter()
        .any(|(m, p, _)| m == &masked(JCB) && p.starts_with("q.log!/percent@")));
}

#[test]
fn hex_encoded_digits_are_found() {
    let text = format!("frame={} end\n", hex::encode(format!("PAN={VISA};")));
    let out = scan_bytes("trace.log", text.as_bytes());
    let f = only_finding(&out);
    assert_eq!(f.provenance.to_string(), "trace.log!/hex@6");
}

#[test]
fn ebcdic_037_record_is_found_with_context() {
    // "CARD 4526018159083012" in code page 037, padded like a fixed-width record.
    let mut record = vec![0xC3, 0xC1, 0xD9, 0xC4, 0x40];
    record.extend(VISA.bytes().map(|d| 0xF0 + (d - b'0')));
    record.extend([0x40; 20]);
    let out = scan_bytes("MAINFRAME.DAT", &record);
    let f = only_finding(&out);
    assert_eq!(f.provenance.to_string(), "MAINFRAME.DAT!/ebcdic@5");
    assert_eq!(f.location.offset, 5);
    assert!(
        f.confidence >= 0.8,
        "the EBCDIC word CARD counts: {}",
        f.confidence
    );
}

#[test]
fn shift_jis_text_reads_japanese_context() {
    let text = format!("注文\r\nカード番号：{VISA}　有効期限：12/27\r\n");
    let (sjis, _, _) = SHIFT_JIS.encode(&text);
    let out = scan_bytes("orders-sjis.csv", &sjis);
    let f = only_finding(&out);
    assert_eq!(
        f.annotations.get("encoding").map(|e| e.as_str()),
        Some("shift_jis")
    );
    // 注文 CR LF (6 bytes), then カード番号： (12 bytes).
    assert_eq!(f.location.offset, 18);
    assert_eq!(f.location.line, Some(2));
    assert!(f.confidence >= 0.8 && f.expiry_nearby);
}

#[test]
fn euc_jp_text_reads_japanese_context() {
    let text = format!("カード番号 {JCB} セキュリティコード 123\n");
    let (euc, _, _) = EUC_JP.encode(&text);
    let out = scan_bytes("orders-euc.txt", &euc);
    let f = only_finding(&out);
    assert_eq!(f.annotations.get("encoding").map(|e| e.as_str()), Some("euc-jp"));
    assert_eq!(f.location.offset, 11);
    assert!(
        out.findings.iter().any(|f| f.rule_id == "CVV"),
        "セキュリティコード read in EUC-JP"
    );
}

#[test]
fn full_width_digits_are_found() {
    let full: String = "４５２６－０１８１－５９０８－３０１２".to_string();
    let text = format!("お客様のカード番号：{full}\n");
    let out = scan_bytes("form.txt", text.as_bytes());
    let f = only_finding(&out);
    let at = text.find('４').unwrap();
    assert_eq!(f.provenance.to_string(), format!("form.txt!/fullwidth@{at}"));
    assert_eq!(f.location.offset, at as u64);
    assert!(f.confidence >= 0.8);
}

#[test]
fn full_width_digits_in_shift_jis_are_found() {
    let (sjis, _, _) = SHIFT_JIS.encode("番号 ３５３０１８６２５２７６０１８６\r\n");
    let out = scan_bytes("form-sjis.txt", &sjis);
    let f = only_finding(&out);
    assert_eq!(f.masked, masked(JCB));
    assert_eq!(f.location.offset, 5);
}

#[test]
fn packed_bcd_in_a_binary_record_is_found() {
    // ISO 8583-like: MTI, bitmap, then field 2 as LLVAR (BCD length 16).
    let mut msg = vec![0x02, 0x00, 0x70, 0x24, 0x05, 0x80, 0x00, 0xC0, 0x00, 0x00, 0x16];
    msg.extend([0x45, 0x26, 0x01, 0x81, 0x59, 0x08, 0x30, 0x12]);
    msg.extend([0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0x50, 0x00]);
    let out = scan_bytes("switch.bin", &msg);
    let f = only_finding(&out);
    assert_eq!(f.provenance.to_string(), "switch.bin!/bcd@10");
    assert_eq!(f.location.offset, 11);
}

#[test]
fn sqlite_database_text_columns_are_found() {
    for (fixture, provenance) in [
        // Read by record (SQLite decodes UTF-16 text): table, column and row.
        ("orders-utf8.sqlite", "orders.sqlite!/orders.card_number#rowid="),
        ("orders-utf16.sqlite", "orders.sqlite!/orders.card_number#rowid="),
    ] {
        let bytes =
            std::fs::read(format!("{}/tests/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let out = scan_bytes("orders.sqlite", &bytes);
        let f = only_finding(&out);
        assert_eq!(f.masked, masked(VISA), "{fixture}");
        assert!(
            f.provenance.to_string().starts_with(provenance),
            "{fixture}: {}",
            f.provenance
        );
        assert!(
            out.findings.iter().any(|f| f.rule_id == "PAN_MASKED"),
            "{fixture}"
        );
    }
}

#[test]
fn utf16_strings_inside_binaries_are_found() {
    let mut blob = vec![0u8, 1, 2, 3, 0xFF, 0x7F, 0, 0];
    blob.extend(utf16le(&format!("CardNumber={AMEX}")));
    blob.extend([0u8, 0, 0x10, 0x20, 0xC0]);
    let out = scan_bytes("app.dmp.bin", &blob);
    let f = only_finding(&out);
    assert_eq!(f.provenance.to_string(), "app.dmp.bin!/utf-16@8");
    assert_eq!(f.location.offset, 8 + 2 * 11);
}

#[test]
fn elf_core_dump_is_processed() {
    let mut core = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0\x3e\0\x01\0\0\0".to_vec();
    core.extend([0u8; 40]);
    core.extend(format!("\0card={VISA}\0").as_bytes());
    core.extend(utf16le(&format!("\0{JCB}\0")));
    let out = scan_bytes("core.1234", &core);
    assert_eq!(pans(&out).len(), 2, "{:?}", pans(&out));
    assert!(out
        .findings
        .iter()
        .all(|f| f.category == GuidelineCategory::Processed));
}

#[test]
fn swap_and_hibernation_files_are_processed() {
    let mut swap = vec![0u8; 4096];
    swap[4086..].copy_from_slice(b"SWAPSPACE2");
    swap.extend(format!("..card={VISA}..").as_bytes());
    let mut hiber = b"HIBR".to_vec();
    hiber.extend([0u8; 60]);
    hiber.extend(format!(" card={VISA} ").as_bytes());
    for (name, bytes) in [("swapfile", swap), ("hiberfil.sys", hiber)] {
        let out = scan_bytes(name, &bytes);
        assert_eq!(
            only_finding(&out).category,
            GuidelineCategory::Processed,
            "{name}"
        );
    }
}

#[test]
fn look_alikes_are_not_reported() {
    let random: Vec<u8> = (0u32..600)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&random);
    let text = format!(
        "blob={b64}\nsha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n\
         uuid=33343532-3630-3138-3135-393038333031\nmd5=3435323630313831353930383330313\n\
         id=%31%32%33 phone=０３－１２３４－５６７８\n"
    );
    let out = scan_bytes("noise.log", text.as_bytes());
    assert!(out.findings.is_empty(), "{:?}", pans(&out));
}

#[test]
fn plain_pan_glued_to_percent_encoding_is_found_once() {
    let text = format!("q=%E3%82%AB%E3%83%BC%E3%83%89%E7%95%AA%E5%8F%B7%3A{VISA}%26x%3D%31%32%33%34%35%36%37%38%39%30%31%32%33\n");
    let out = scan_bytes("q.log", text.as_bytes());
    // Glued to `%3A` (a colon), the raw scan cannot tell it from a word; decoded, it stands alone.
    let at = text.find(VISA).unwrap() as u64;
    let piece = text.find("%31").unwrap();
    assert_eq!(
        pans(&out),
        vec![(masked(VISA), format!("q.log!/percent@{piece}"), at)]
    );
}

#[test]
fn base64_piece_across_a_read_window_boundary_is_found_once() {
    use base64::engine::general_purpose::STANDARD;
    let filler: String = (0..1500)
        .map(|i| format!("line {i} of a long base64 body, "))
        .collect();
    let payload = STANDARD.encode(format!("{filler} card {VISA} end"));
    for start in [CHUNK - payload.len() / 2, CHUNK - 100, CHUNK - payload.len() + 10] {
        let mut text = "log line without numbers\n".repeat(start / 25);
        text.push_str(&" ".repeat(start - text.len()));
        text.push_str(&payload);
        text.push_str(" done\n");
        text.push_str(&"tail text\n".repeat(30_000));
        let out = scan_bytes("big.log", text.as_bytes());
        let f = only_finding(&out);
        assert_eq!(f.provenance.to_string(), format!("big.log!/base64@{start}"));
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    }
}

#[test]
fn base64_piece_longer_than_half_a_window_is_recorded_as_partly_decoded() {
    use base64::engine::general_purpose::STANDARD;
    let payload = STANDARD.encode(format!("card {VISA} {}", "x".repeat(CHUNK)));
    let text = format!("{} {payload} end\n", "y".repeat(1000));
    let out = scan_bytes("huge.log", text.as_bytes());
    assert_eq!(only_finding(&out).provenance.to_string(), "huge.log!/base64@1001");
    assert!(
        out.skipped
            .iter()
            .any(|s| s.provenance.to_string() == "huge.log!/base64@1001"),
        "{:?}",
        out.skipped
    );
}
