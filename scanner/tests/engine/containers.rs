//! Containers end to end through the engine: compressed streams, archives,
//! Office documents, nesting, damage and bomb limits. Every fixture is
//! generated here, holding synthetic Luhn-valid PANs only.

use std::io::{Cursor, Write};
use std::path::Path;

use hihoji_scanner::findings::SkipReason;
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::scan::{Limits, CHUNK};

use crate::support::{gzip, scan_dir, scan_tree, seven_z, tar, zip, zlib};

const VISA: &str = "4526018159083012";
const JCB: &str = "3530186252760186";
const MASTERCARD: &str = "5382199351819096";

fn pan_places(outcome: &ScanOutcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "PAN")
        .map(|f| f.provenance.to_string())
        .collect()
}

fn skips(outcome: &ScanOutcome) -> Vec<(String, SkipReason, String)> {
    outcome
        .skipped
        .iter()
        .map(|s| (s.provenance.to_string(), s.reason, s.detail.to_string()))
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn nested_archives_give_the_whole_provenance_chain() {
    let dir = tempfile::tempdir().unwrap();
    let log = format!("2024-03-01 charge card={VISA} ok\n");
    let tar_bytes = tar(&[("c.log.gz", &gzip(log.as_bytes()))]);
    write(dir.path(), "a.zip", &zip(&[("b.tar", &tar_bytes)]));
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["a.zip!/b.tar!/c.log.gz!/c.log"]);
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
}

#[test]
fn java_modules_are_read_as_the_zip_after_their_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut jmod = b"JM\x01\x00".to_vec();
    jmod.extend(zip(&[("classes/Pay.class", format!("card={VISA}\n").as_bytes())]));
    write(dir.path(), "pay.jmod", &jmod);
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["pay.jmod!/classes/Pay.class"]);
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
}

/// A JKS keystore (version 2): one private key with a one-certificate
/// chain, then one trusted certificate; "certificates" are the given bytes.
fn keystore(key_chain_cert: &[u8], trusted_cert: &[u8]) -> Vec<u8> {
    let utf = |s: &str| [&(s.len() as u16).to_be_bytes()[..], s.as_bytes()].concat();
    let mut ks = vec![0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 2];
    ks.extend(1u32.to_be_bytes());
    ks.extend(utf("server"));
    ks.extend(0u64.to_be_bytes());
    ks.extend(48u32.to_be_bytes());
    ks.extend([0xA5; 48]);
    ks.extend(1u32.to_be_bytes());
    ks.extend(utf("X.509"));
    ks.extend((key_chain_cert.len() as u32).to_be_bytes());
    ks.extend(key_chain_cert);
    ks.extend(2u32.to_be_bytes());
    ks.extend(utf("rootca"));
    ks.extend(0u64.to_be_bytes());
    ks.extend(utf("X.509"));
    ks.extend((trusted_cert.len() as u32).to_be_bytes());
    ks.extend(trusted_cert);
    ks.extend([0u8; 20]);
    ks
}

#[test]
fn java_keystores_are_read_by_entry_and_their_keys_are_not_readable() {
    let dir = tempfile::tempdir().unwrap();
    let chain = format!("subject card={VISA}");
    let trusted = format!("issuer cc={JCB}");
    write(
        dir.path(),
        "cacerts",
        &keystore(chain.as_bytes(), trusted.as_bytes()),
    );
    let outcome = scan_dir(dir.path());
    let mut places = pan_places(&outcome);
    places.sort();
    assert_eq!(places, ["cacerts!/rootca", "cacerts!/server#1"]);
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].0, "cacerts!/server");
    assert_eq!(skipped[0].1, SkipReason::Encrypted);
}

#[test]
fn tar_gz_members_are_scanned_under_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("name,card\nalice,{JCB}\n");
    let tgz = gzip(&tar(&[
        ("export/orders.csv", csv.as_bytes()),
        ("export/empty.txt", b""),
    ]));
    write(dir.path(), "backup.tgz", &tgz);
    let outcome = scan_dir(dir.path());
    assert_eq!(
        pan_places(&outcome),
        ["backup.tgz!/backup.tar!/export/orders.csv"],
        "{:?} {:?}",
        outcome.findings,
        outcome.coverage
    );
    let finding = &outcome.findings[0];
    assert_eq!(
        (finding.location.line, finding.location.column),
        (Some(2), Some(7))
    );
}

#[test]
fn formats_are_recognised_by_content_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("card {MASTERCARD}\n");
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(text.as_bytes()).unwrap();
    write(dir.path(), "one.dat", &bz.finish().unwrap());
    let mut xz = lzma_rust2::XzWriter::new(Vec::new(), lzma_rust2::XzOptions::with_preset(6)).unwrap();
    xz.write_all(text.as_bytes()).unwrap();
    write(dir.path(), "two.dat", &xz.finish().unwrap());
    write(
        dir.path(),
        "three.dat",
        &zstd::encode_all(text.as_bytes(), 3).unwrap(),
    );
    write(dir.path(), "four.txt", &gzip(text.as_bytes()));
    write(dir.path(), "five.log", &zip(&[("inner", text.as_bytes())]));
    let mut places = pan_places(&scan_dir(dir.path()));
    places.sort();
    assert_eq!(
        places,
        [
            "five.log!/inner",
            "four.txt!/four.txt.ungz",
            "one.dat!/one.dat.unbzip2",
            "three.dat!/three.dat.unzstd",
            "two.dat!/two.dat.unxz",
        ]
    );
}

#[test]
fn pan_across_a_gzip_chunk_boundary_is_found_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let start = CHUNK - 7;
    let mut text = vec![b'x'; start];
    for (i, b) in text.iter_mut().enumerate() {
        if i % 80 == 79 {
            *b = b'\n';
        }
    }
    text[start - 1] = b' ';
    text.extend_from_slice(VISA.as_bytes());
    text.extend_from_slice(b" end\n");
    text.extend(std::iter::repeat_n(b'y', CHUNK));
    write(dir.path(), "big.log.gz", &gzip(&text));
    let outcome = scan_dir(dir.path());
    let pans: Vec<_> = outcome.findings.iter().filter(|f| f.rule_id == "PAN").collect();
    assert_eq!(pans.len(), 1, "{pans:?}");
    assert_eq!(pans[0].location.offset, start as u64);
    assert_eq!(pans[0].provenance.to_string(), "big.log.gz!/big.log");
}

/// A minimal docx: the parts Word needs to name the document's type, and its body.
fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        ),
        ("word/document.xml", document.as_bytes()),
    ])
}

#[test]
fn docx_pan_split_across_runs_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "<w:p><w:r><w:t>Card: {}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p>",
        &VISA[..4],
        &VISA[4..10],
        &VISA[10..]
    );
    write(dir.path(), "report.docx", &docx(&body));
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["report.docx!/word/document.xml"]);
    assert_eq!(outcome.findings[0].masked, "452601******3012");
}

#[test]
fn docx_pan_in_one_run_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("<w:p><w:r><w:t>Card: {VISA}</w:t></w:r></w:p>");
    write(dir.path(), "memo.docx", &docx(&body));
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["memo.docx!/word/document.xml"]);
}

#[test]
fn pans_split_by_paragraphs_are_not_joined() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p><w:p><w:r><w:t>{}</w:t></w:r></w:p>",
        &VISA[..8],
        &VISA[8..]
    );
    write(dir.path(), "two.docx", &docx(&body));
    assert!(pan_places(&scan_dir(dir.path())).is_empty());
}

#[test]
fn xlsx_shared_string_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t>card_number</t></si>
<si><r><t>{}</t></r><r><rPr><sz val="11"/></rPr><t>{}</t></r></si>
</sst>"#,
        &JCB[..6],
        &JCB[6..]
    );
    let sheet = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>"#;
    write(
        dir.path(),
        "cards.xlsx",
        &zip(&[
            ("xl/sharedStrings.xml", strings.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet),
        ]),
    );
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["cards.xlsx!/xl/sharedStrings.xml"]);
    assert_eq!(outcome.findings[0].brand.as_deref(), Some("JCB"));
}

#[test]
fn truncated_gzip_keeps_what_came_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("first line card {VISA}\n").into_bytes();
    // Incompressible filler, so that the cut lands well after the PAN.
    let mut state = 0x2545_f491_u32;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        text.push(b'a' + (state % 26) as u8);
    }
    let gz = gzip(&text);
    write(dir.path(), "cut.log.gz", &gz[..gz.len() / 2]);
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["cut.log.gz!/cut.log"]);
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(
        (skipped[0].0.as_str(), skipped[0].1),
        ("cut.log.gz", SkipReason::Corrupt)
    );
}

#[test]
fn encrypted_zip_member_is_skipped_and_the_others_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let secret = zip::write::SimpleFileOptions::default().with_aes_encryption(zip::AesMode::Aes256, "pw");
    writer.start_file("secret.csv", secret).unwrap();
    writer.write_all(format!("{JCB}\n").as_bytes()).unwrap();
    writer
        .start_file("open.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(format!("{VISA}\n").as_bytes()).unwrap();
    write(dir.path(), "mixed.zip", &writer.finish().unwrap().into_inner());
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["mixed.zip!/open.csv"]);
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(
        (skipped[0].0.as_str(), skipped[0].1),
        ("mixed.zip!/secret.csv", SkipReason::Encrypted)
    );
}

#[test]
fn corrupt_zip_scans_the_members_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let first = format!("card {VISA}\n");
    let second = vec![b'z'; 50_000];
    let whole = zip(&[("first.txt", first.as_bytes()), ("second.bin", &second)]);
    // Cut inside the second member: the directory at the end is gone.
    write(dir.path(), "broken.zip", &whole[..whole.len() / 2]);
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["broken.zip!/first.txt"]);
    assert!(
        outcome
            .skipped
            .iter()
            .any(|s| s.reason == SkipReason::Corrupt && s.provenance.to_string().starts_with("broken.zip")),
        "{:?}",
        skips(&outcome)
    );
}

#[test]
fn zip_inside_a_stream_is_held_in_memory_or_read_by_local_headers() {
    let text = format!("card {MASTERCARD}\n");
    let inner = zip(&[("deep.txt", text.as_bytes())]);
    let tgz = gzip(&tar(&[("inner.zip", &inner)]));
    for max_buffered_bytes in [1 << 20, 16] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "x.tar.gz", &tgz);
        let limits = Limits {
            max_buffered_bytes,
            ..Limits::default()
        };
        let outcome = scan_tree(dir.path(), limits, 1);
        assert_eq!(
            pan_places(&outcome),
            ["x.tar.gz!/x.tar!/inner.zip!/deep.txt"],
            "buffer {max_buffered_bytes}"
        );
        assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_skipped_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = format!("card {VISA}\n").into_bytes();
    for _ in 0..4 {
        bytes = gzip(&bytes);
    }
    write(dir.path(), "onion", &bytes);
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let outcome = scan_tree(dir.path(), limits, 1);
    assert!(pan_places(&outcome).is_empty());
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].1, SkipReason::BombLimit);
    assert!(skipped[0].2.contains("--max-depth"), "{}", skipped[0].2);
}

#[test]
fn archives_with_too_many_members_are_skipped_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..5).map(|i| format!("m{i}.txt")).collect();
    let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    write(dir.path(), "many.zip", &zip(&members));
    write(dir.path(), "many.tar", &tar(&members));
    let limits = Limits {
        max_members: 3,
        ..Limits::default()
    };
    let outcome = scan_tree(dir.path(), limits, 1);
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped
        .iter()
        .all(|s| s.1 == SkipReason::BombLimit && s.2.contains("--max-members")));
}

/// A 42.zip-style bomb: zips of zips, each level sixteen copies of the one
/// below, the innermost a member of 64 MiB of zeros: 16 GiB when unpacked.
fn nested_bomb() -> Vec<u8> {
    let zeros = vec![0u8; 64 << 20];
    let mut level = zip(&[("zeros.bin", &zeros)]);
    for _ in 0..2 {
        let names: Vec<String> = (0..16).map(|i| format!("{i:x}.zip")).collect();
        let members: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), level.as_slice())).collect();
        level = zip(&members);
    }
    level
}

#[test]
fn zip_bomb_is_stopped_by_its_ratio_with_bounded_work() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = nested_bomb();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {} bytes", bomb.len());
    write(dir.path(), "42.zip", &bomb);
    let outcome = scan_dir(dir.path());
    let skipped = skips(&outcome);
    assert!(
        skipped
            .iter()
            .any(|s| s.0 == "42.zip" && s.1 == SkipReason::BombLimit && s.2.contains("--max-ratio")),
        "{skipped:?}"
    );
    assert!(
        skipped.len() <= 8,
        "one skip per level, not per member: {skipped:?}"
    );
    let scanned = outcome.coverage.by_decoder.get("text").map_or(0, |c| c.bytes);
    let limits = Limits::default();
    assert!(
        scanned <= limits.ratio_floor + 2 * CHUNK as u64,
        "stopped soon after the floor: {scanned} bytes scanned"
    );
}

#[test]
fn member_larger_than_the_member_limit_is_skipped_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("card {VISA}\n").into_bytes();
    text.resize(4 << 20, b'.');
    write(dir.path(), "big.gz", &gzip(&text));
    let limits = Limits {
        max_member_bytes: 1 << 20,
        ..Limits::default()
    };
    let outcome = scan_tree(dir.path(), limits, 1);
    assert_eq!(
        pan_places(&outcome),
        ["big.gz!/big"],
        "what came before the limit is scanned"
    );
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].1, SkipReason::BombLimit);
    assert!(skipped[0].2.contains("--max-member-bytes"), "{}", skipped[0].2);
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    encoded
        .as_bytes()
        .chunks(76)
        .map(|line| format!("{}\r\n", String::from_utf8_lossy(line)))
        .collect()
}

/// A message whose body is quoted-printable with a soft line break inside
/// the PAN, and a zip attachment in base64 holding another.
fn email(from: &str) -> String {
    let attachment = zip(&[("cards.csv", format!("name,card\nalice,{JCB}\n").as_bytes())]);
    format!(
        "From: {from}\r\nTo: shop@example.com\r\nSubject: order\r\nMessage-ID: <1@example.com>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\nMy card is {}=\r\n{} thanks =E3=81=82\r\n--b1\r\n\
Content-Type: application/zip; name=\"cards.zip\"\r\nContent-Disposition: attachment; filename=\"cards.zip\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}--b1--\r\n",
        &VISA[..7],
        &VISA[7..],
        base64(&attachment)
    )
}

#[test]
fn email_parts_are_decoded_and_attachments_opened() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "order.eml", email("alice@example.com").as_bytes());
    let mut places = pan_places(&scan_dir(dir.path()));
    places.sort();
    assert_eq!(
        places,
        ["order.eml!/cards.zip!/cards.csv", "order.eml!/part-1.txt"]
    );
}

#[test]
fn mailbox_messages_are_split_and_each_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = format!(
        "From alice@example.com Mon Mar  4 10:00:00 2024\n{}\nFrom bob@example.com Mon Mar  4 11:00:00 2024\n{}\n",
        email("alice@example.com").replace("\r\n", "\n"),
        email("bob@example.com").replace("\r\n", "\n"),
    );
    write(dir.path(), "Inbox", mbox.as_bytes());
    let outcome = scan_dir(dir.path());
    let mut places = pan_places(&outcome);
    places.sort();
    assert_eq!(
        places,
        [
            "Inbox!/message-1!/cards.zip!/cards.csv",
            "Inbox!/message-1!/part-1.txt",
            "Inbox!/message-2!/cards.zip!/cards.csv",
            "Inbox!/message-2!/part-1.txt",
        ]
    );
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
}

#[test]
fn a_limit_hit_under_a_tar_reader_is_reported_as_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = vec![b'.'; 2 << 20];
    write(dir.path(), "big.tgz", &gzip(&tar(&[("big.txt", &big)])));
    let limits = Limits {
        max_member_bytes: 1 << 20,
        ..Limits::default()
    };
    let skipped = skips(&scan_tree(dir.path(), limits, 1));
    assert!(!skipped.is_empty());
    assert!(
        skipped.iter().all(|s| s.1 == SkipReason::BombLimit),
        "a limit, not damage: {skipped:?}"
    );
}

/// A one-page PDF, content compressed with FlateDecode, showing the PAN as
/// a kerned TJ array (the digits in three strings) after a label and a drawing.
fn pdf() -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id =
        doc.add_object(dictionary! {"Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier"});
    let resources_id = doc.add_object(dictionary! {"Font" => dictionary! {"F1" => font_id}});
    let pieces = vec![
        Object::string_literal(&VISA[..4]),
        Object::Integer(-20),
        Object::string_literal(&VISA[4..10]),
        Object::string_literal(&VISA[10..]),
    ];
    // Drawing first, as in a designed invoice: none of it is text.
    let mut operations: Vec<Operation> = (0..40)
        .flat_map(|i| {
            [
                Operation::new("re", vec![i.into(), 10.into(), 20.into(), 30.into()]),
                Operation::new("f", vec![]),
            ]
        })
        .collect();
    operations.extend([
        Operation::new(
            "BDC",
            vec!["P".into(), Object::Dictionary(dictionary! {"MCID" => 0})],
        ),
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
    ]);
    // Enough repetition that the stream is worth compressing.
    operations.extend((0..40).map(|_| Operation::new("Td", vec![0.into(), 0.into()])));
    operations.extend([
        Operation::new("Tj", vec![Object::string_literal("Card: ")]),
        Operation::new("TJ", vec![Object::Array(pieces)]),
        Operation::new("ET", vec![]),
        Operation::new("EMC", vec![]),
    ]);
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id =
        doc.add_object(dictionary! {"Type" => "Page", "Parent" => pages_id, "Contents" => content_id});
    let pages = dictionary! {
        "Type" => "Pages",
        "Kids" => vec![page_id.into()],
        "Count" => 1,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn pdf_page_text_is_extracted_from_compressed_content() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = pdf();
    assert!(
        !bytes.windows(4).any(|w| w == &VISA.as_bytes()[..4]),
        "the digits are only in a compressed stream"
    );
    write(dir.path(), "invoice.pdf", &bytes);
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["invoice.pdf!/page-1"]);
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
}

#[test]
fn damaged_pdf_is_reported_and_its_raw_bytes_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("%PDF-1.4\n1 0 obj\n<< /Note ({MASTERCARD}) >>\nendobj\ngarbage");
    write(dir.path(), "broken.pdf", text.as_bytes());
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["broken.pdf"]);
    let skipped = skips(&outcome);
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].1, SkipReason::Corrupt);
}

/// Every format's fixture, cut short and with bytes flipped at random (a
/// fixed seed), scans without a panic and never reports a file as clean
/// without either scanning it or saying why not. The cargo-fuzz targets in
/// `fuzz/` search the same space much longer.
#[test]
fn damaged_containers_never_panic() {
    const ROUNDS: u64 = 40;
    let docx_bytes = docx("<w:p><w:r><w:t>text</w:t></w:r></w:p>");
    let inner_zip = zip(&[("a.txt", format!("card {VISA}\n").as_bytes())]);
    let fixtures: Vec<Vec<u8>> = vec![
        gzip(format!("card {VISA}\n").as_bytes()),
        inner_zip.clone(),
        gzip(&tar(&[("a.zip", &inner_zip), ("b.txt", b"hello")])),
        docx_bytes,
        email("alice@example.com").into_bytes(),
        pdf(),
        zstd::encode_all(&inner_zip[..], 3).unwrap(),
        seven_z(&[("a.txt", format!("card {VISA}\n").as_bytes())]),
        zlib(format!("blob 22\0card {VISA}\n").as_bytes()),
        std::fs::read(pg_dump_fixture()).unwrap(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (index, fixture) in fixtures.iter().enumerate() {
        for round in 0..ROUNDS {
            let mut bytes = fixture.clone();
            if round % 3 == 0 {
                bytes.truncate((next() as usize) % bytes.len());
            }
            for _ in 0..(1 + next() % 8) {
                let at = (next() as usize) % bytes.len().max(1);
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << (next() % 8);
                }
            }
            write(dir.path(), &format!("f{index}-{round}"), &bytes);
        }
    }
    let outcome = scan_dir(dir.path());
    assert_eq!(
        outcome.coverage.files_scanned,
        fixtures.len() as u64 * ROUNDS,
        "every file was read: {:?}",
        outcome
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::InternalError)
            .collect::<Vec<_>>()
    );
    assert!(!outcome.skipped.is_empty(), "damage is reported");
    assert!(outcome.skipped.iter().all(|s| !s.detail.is_empty()));
}

/// A `pg_dump -Fc` file made by PostgreSQL 15 (see tests/cli/verdict_cli.rs).
fn pg_dump_fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/pg_dump_custom_zlib.pgc")
}

#[test]
fn seven_z_members_are_scanned_under_their_names_nested_too() {
    let dir = tempfile::tempdir().unwrap();
    let archive = seven_z(&[
        ("exports/orders.csv", format!("id,card\n1,{VISA}\n").as_bytes()),
        ("notes.txt", b"nothing"),
    ]);
    write(dir.path(), "backup.7z", &archive);
    write(dir.path(), "outer.zip", &zip(&[("inner.7z", &archive)]));
    let places = pan_places(&scan_dir(dir.path()));
    assert!(
        places.contains(&"backup.7z!/exports/orders.csv".to_string()),
        "{places:?}"
    );
    assert!(
        places.contains(&"outer.zip!/inner.7z!/exports/orders.csv".to_string()),
        "{places:?}"
    );
}

#[test]
fn a_git_loose_object_is_inflated_and_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let object = zlib(format!("blob 22\0card {VISA}\n").as_bytes());
    std::fs::create_dir_all(dir.path().join("objects/ab")).unwrap();
    write(dir.path(), "objects/ab/cdef0123", &object);
    write(
        dir.path(),
        "formula.txt",
        b"x^2 + y^2 = r^2 is the circle; card numbers do not live here",
    );
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["objects/ab/cdef0123!/cdef0123.unzlib"]);
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
    assert_eq!(
        outcome.coverage.by_decoder.get("zlib").map(|c| c.streams),
        Some(1)
    );
}

#[test]
fn a_pg_dump_custom_file_names_the_table_of_each_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(pg_dump_fixture(), dir.path().join("shop.pgc")).unwrap();
    let outcome = scan_dir(dir.path());
    let places: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| f.provenance.to_string())
        .collect();
    assert_eq!(places, ["shop.pgc!/public.orders"], "{:?}", skips(&outcome));
    assert!(outcome.skipped.is_empty(), "{:?}", skips(&outcome));
}

/// A zip whose two members are both named `orders.csv` (written under two
/// names of the same length, then renamed in the bytes).
fn zip_with_duplicate_names() -> Vec<u8> {
    let first = format!("card {VISA}\n");
    let second = format!("card {JCB}\n");
    let mut bytes = zip(&[
        ("orders.csv", first.as_bytes()),
        ("orders.cs2", second.as_bytes()),
    ]);
    let from = b"orders.cs2";
    while let Some(at) = bytes.windows(from.len()).position(|w| w == from) {
        bytes[at..at + from.len()].copy_from_slice(b"orders.csv");
    }
    bytes
}

#[test]
fn zip_members_of_the_same_name_are_all_scanned_and_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dup.zip", &zip_with_duplicate_names());
    let mut places = pan_places(&scan_dir(dir.path()));
    places.sort();
    assert_eq!(places, ["dup.zip!/orders.csv", "dup.zip!/orders.csv#2"]);
}

#[test]
fn a_zip_entry_missing_from_the_directory_and_the_comment_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    // A member's local header and data with no directory entry, in front of a whole zip.
    let hidden = zip(&[("hidden.csv", format!("card {VISA}\n").as_bytes())]);
    let directory_at = hidden.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    let mut bytes = hidden[..directory_at].to_vec();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file("listed.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(b"nothing here").unwrap();
    writer
        .set_comment(format!("exported with card {MASTERCARD}"))
        .unwrap();
    bytes.extend(writer.finish().unwrap().into_inner());
    write(dir.path(), "export.zip", &bytes);
    let outcome = scan_dir(dir.path());
    let mut places = pan_places(&outcome);
    places.sort();
    assert!(
        places.contains(&"export.zip!/hidden.csv".to_string()),
        "{places:?} {:?}",
        skips(&outcome)
    );
    assert!(places.contains(&"export.zip!/#comment".to_string()), "{places:?}");
}

#[test]
fn a_gzip_stream_followed_by_garbage_keeps_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gzip(format!("card {VISA}\n").as_bytes());
    bytes.extend([0u8; 1000]);
    write(dir.path(), "orders.csv.gz", &bytes);
    let outcome = scan_dir(dir.path());
    assert_eq!(pan_places(&outcome), ["orders.csv.gz!/orders.csv"]);
    assert_eq!(
        outcome.skipped[0].reason,
        SkipReason::Corrupt,
        "the garbage is reported"
    );
}
