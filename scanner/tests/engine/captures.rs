//! End to end: captures generated here are scanned and the findings, skips
//! and notes checked (category 通過, provenance, frame and timestamp).

use hihoji_scanner::findings::{Finding, GuidelineCategory, SkipReason};
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::scan::Limits;

use crate::support::capture::*;
use crate::support::{gzip, scan_tree};

const PAN: &str = "4526018159083012";
const PAN_MASKED: &str = "452601******3012";
const OTHER_PAN: &str = "3530186252760186";
const OTHER_MASKED: &str = "353018******0186";

fn scan_files(files: &[(&str, Vec<u8>)], limits: Limits) -> ScanOutcome {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    scan_tree(dir.path(), limits, 1)
}

fn scan_capture(name: &str, bytes: Vec<u8>) -> ScanOutcome {
    scan_files(&[(name, bytes)], Limits::default())
}

fn pans<'a>(outcome: &'a ScanOutcome, masked: &str) -> Vec<&'a Finding> {
    outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "PAN" && f.masked == masked)
        .collect()
}

/// The one finding of `masked`, checked to be 通過.
fn only<'a>(outcome: &'a ScanOutcome, masked: &str) -> &'a Finding {
    let found = pans(outcome, masked);
    assert_eq!(found.len(), 1, "{masked}: {:#?}", outcome.findings);
    assert_eq!(found[0].category, GuidelineCategory::Transmitted);
    found[0]
}

fn web() -> Conversation {
    let mut c = Conversation::new(Link::Ethernet, "10.0.0.5:51234", "10.0.0.9:80");
    c.handshake();
    c
}

fn form_post(body: &str) -> Vec<u8> {
    format!(
        "POST /checkout HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

const UP: &str = "capture.pcap#tcp:10.0.0.5:51234->10.0.0.9:80";
const DOWN: &str = "capture.pcap#tcp:10.0.0.9:80->10.0.0.5:51234";

#[test]
fn card_number_in_an_http_form_post_is_transmitted_with_frame_and_timestamp() {
    let mut c = web();
    c.send(
        Side::Client,
        &form_post(&format!("name=Taro&card_number={PAN}&exp=12%2F29")),
    );
    c.send(Side::Server, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    // The body has a percent escape (`%2F`), so it is scanned decoded, as a
    // layer inside the stream, and not again in the raw stream.
    assert_eq!(f.provenance.to_string(), format!("{UP}!/http-body"));
    assert_eq!(f.location.offset, "name=Taro&card_number=".len() as u64);
    assert_eq!(f.annotations["frame"], "4");
    assert_eq!(f.annotations["timestamp"], "2023-11-14T22:13:20.003000000Z");
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
}

#[test]
fn plain_form_body_is_reported_once_from_the_raw_stream() {
    let mut c = web();
    c.send(Side::Client, &form_post(&format!("card_number={PAN}&exp=12/29")));
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    assert_eq!(only(&outcome, PAN_MASKED).provenance.to_string(), UP);
}

#[test]
fn pan_split_across_two_segments_is_found_once_with_the_first_segments_frame() {
    let mut c = web();
    let request = form_post(&format!("card={PAN}"));
    let cut = request.len() - 8;
    c.send(Side::Client, &request[..cut]);
    c.send(Side::Client, &request[cut..]);
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.annotations["frame"], "4");
    // The offset is in the TCP stream: where the PAN starts in the request.
    assert_eq!(f.location.offset, (request.len() - PAN.len()) as u64);
}

#[test]
fn segments_out_of_order_are_reassembled() {
    let mut c = web();
    let request = form_post(&format!("card={PAN}"));
    let (first, second) = request.split_at(request.len() - 6);
    let seq = c.seq[0];
    let ack = Flags {
        ack: true,
        ..Flags::default()
    };
    c.raw(Side::Client, seq + first.len() as u32, ack, second);
    c.raw(Side::Client, seq, ack, first);
    c.seq[0] += request.len() as u32;
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.provenance.to_string(), UP);
    assert_eq!(
        f.annotations["frame"], "5",
        "the first byte came in the later frame"
    );
}

#[test]
fn a_retransmission_with_different_bytes_keeps_the_first_copy_and_is_noted() {
    let mut c = web();
    let original = form_post(&format!("card={PAN}"));
    let altered = form_post(&format!("card={OTHER_PAN}"));
    let seq = c.seq[0];
    c.send(Side::Client, &original);
    let ack = Flags {
        ack: true,
        ..Flags::default()
    };
    c.raw(Side::Client, seq, ack, &altered);
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    only(&outcome, PAN_MASKED);
    assert!(pans(&outcome, OTHER_MASKED).is_empty());
    let conflict = outcome
        .notes
        .iter()
        .find(|n| n.kind == "tcp_conflict")
        .expect("conflict note");
    assert_eq!(conflict.provenance.to_string(), UP);
    assert_eq!(conflict.annotations["conflicts"], "1");
}

#[test]
fn pan_across_a_chunk_boundary_is_found_in_the_decoded_body_only() {
    let mut c = web();
    c.send(
        Side::Client,
        b"GET /order/17 HTTP/1.1\r\nHost: shop.example\r\n\r\n",
    );
    let (a, b) = PAN.split_at(7);
    let body = format!(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n{:x}\r\ncard: {a}\r\n{:x}\r\n{b} paid\r\n0\r\n\r\n",
        6 + a.len(),
        b.len() + 5
    );
    c.send(Side::Server, body.as_bytes());
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.provenance.to_string(), format!("{DOWN}!/http-body"));
    assert_eq!(f.location.offset, 6, "offset in the decoded body");
    assert_eq!(f.annotations["frame"], "5");
}

#[test]
fn gzip_encoded_body_is_decompressed() {
    let body = gzip(format!("{{\"card_number\": \"{PAN}\"}}").as_bytes());
    let mut response =
        format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len())
            .into_bytes();
    response.extend(&body);
    let mut c = web();
    c.send(Side::Client, b"GET /card HTTP/1.1\r\n\r\n");
    c.send(Side::Server, &response);
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.provenance.to_string(), format!("{DOWN}!/http-body"));
    assert_eq!(f.annotations["frame"], "5");
}

#[test]
fn percent_encoded_digits_in_a_query_string_are_decoded() {
    let encoded: String = PAN.bytes().map(|b| format!("%{b:02X}")).collect();
    let mut c = web();
    c.send(
        Side::Client,
        format!("GET /pay?pan={encoded} HTTP/1.1\r\n\r\n").as_bytes(),
    );
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.provenance.to_string(), format!("{UP}!/http-query"));
}

#[test]
fn ipv6_flows_are_named_with_bracketed_addresses() {
    let mut c = Conversation::new(Link::Ethernet, "[2001:db8::5]:51234", "[2001:db8::9]:80");
    c.handshake();
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.close();
    let outcome = scan_capture("v6.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(
        f.provenance.to_string(),
        "v6.pcap#tcp:[2001:db8::5]:51234->[2001:db8::9]:80"
    );
}

#[test]
fn vlan_tagged_frames_are_decoded() {
    let mut c = Conversation::new(Link::Vlan(42), "10.0.0.5:51234", "10.0.0.9:80");
    c.handshake();
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    assert_eq!(only(&outcome, PAN_MASKED).provenance.to_string(), UP);
}

#[test]
fn pcapng_with_two_interfaces_of_different_link_types() {
    let mut eth = web();
    eth.send(Side::Client, &form_post(&format!("card={PAN}")));
    eth.close();
    let mut raw = Conversation::new(Link::RawIp, "192.168.1.20:40000", "192.168.1.1:8583");
    raw.clock = eth.clock;
    raw.handshake();
    raw.send(
        Side::Client,
        format!("0200 PAN {OTHER_PAN} AMT 1000\n").as_bytes(),
    );
    raw.close();
    let mut frames = eth.frames.clone();
    frames.extend(raw.frames.iter().cloned().map(|f| Frame { interface: 1, ..f }));
    let outcome = scan_capture("edge.pcapng", pcapng(&frames, &[ETHERNET, RAW_IP]));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(
        f.provenance.to_string(),
        "edge.pcapng#tcp:10.0.0.5:51234->10.0.0.9:80"
    );
    let g = only(&outcome, OTHER_MASKED);
    assert_eq!(
        g.provenance.to_string(),
        "edge.pcapng#tcp:192.168.1.20:40000->192.168.1.1:8583"
    );
    assert_eq!(g.annotations["frame"], (eth.frames.len() + 4).to_string());
    assert!(g.annotations["timestamp"].starts_with("2023-11-14T22:13:20.0"));
}

#[test]
fn big_endian_nanosecond_pcap_keeps_nanoseconds() {
    let mut c = web();
    c.clock += 123;
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.close();
    let flavour = PcapFlavour {
        big_endian: true,
        nanoseconds: true,
    };
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, flavour));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(f.annotations["timestamp"], "2023-11-14T22:13:20.003000123Z");
}

#[test]
fn linux_cooked_capture_v2_is_decoded() {
    let mut c = Conversation::new(Link::Sll2, "10.0.0.5:51234", "10.0.0.9:80");
    c.handshake();
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.close();
    let outcome = scan_capture(
        "capture.pcap",
        pcap(&c.frames, LINUX_SLL2, PcapFlavour::default()),
    );
    assert_eq!(only(&outcome, PAN_MASKED).provenance.to_string(), UP);
}

#[test]
fn truncated_capture_is_scanned_up_to_the_damage_and_recorded_corrupt() {
    let mut c = web();
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.send(Side::Client, &form_post(&format!("card={OTHER_PAN}")));
    let mut bytes = pcap(&c.frames, ETHERNET, PcapFlavour::default());
    bytes.truncate(bytes.len() - 30);
    let outcome = scan_capture("capture.pcap", bytes);
    only(&outcome, PAN_MASKED);
    assert!(pans(&outcome, OTHER_MASKED).is_empty());
    let skipped = &outcome.skipped[..];
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].reason, SkipReason::Corrupt);
    assert_eq!(skipped[0].provenance.to_string(), "capture.pcap");
    assert!(
        skipped[0].detail.contains("truncated after frame 4"),
        "{}",
        skipped[0].detail
    );
}

#[test]
fn tls_client_hello_sni_appears_in_the_notes() {
    let mut c = Conversation::new(Link::Ethernet, "10.0.0.5:51300", "203.0.113.7:443");
    c.handshake();
    c.send(Side::Client, &client_hello("pay.psp.example"));
    // Application data is ciphertext; digits there could only be chance. The
    // server's direction has no handshake record of its own (a capture that
    // missed it) and is still treated as TLS.
    let mut record = vec![0x17, 3, 3, 0, 21];
    record.extend(format!("card {PAN}").as_bytes());
    c.send(Side::Client, &record);
    c.send(Side::Server, &record);
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let notes: Vec<_> = outcome.notes.iter().filter(|n| n.kind == "tls_flow").collect();
    assert_eq!(notes.len(), 1, "{:?}", outcome.notes);
    let note = notes[0];
    assert_eq!(
        note.provenance.to_string(),
        "capture.pcap#tcp:10.0.0.5:51300->203.0.113.7:443"
    );
    assert_eq!(note.annotations["sni"], "pay.psp.example");
    assert_eq!(note.annotations["server"], "203.0.113.7:443");
    assert_eq!(note.annotations["bytes_to_client"], "26");
    assert!(note.detail.contains("pay.psp.example"));
    assert!(pans(&outcome, PAN_MASKED).is_empty());
}

#[test]
fn udp_datagram_payload_is_scanned() {
    let mut c = web();
    let src = "10.0.0.5:5140".parse().unwrap();
    let dst = "10.0.0.2:514".parse().unwrap();
    c.push(udp_frame(
        Link::Ethernet,
        src,
        dst,
        format!("<13>pos: card {PAN} approved").as_bytes(),
    ));
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(
        f.provenance.to_string(),
        "capture.pcap#udp:10.0.0.5:5140->10.0.0.2:514"
    );
    assert_eq!(f.annotations["frame"], "4");
}

#[test]
fn fragmented_ipv4_datagram_is_reassembled_before_scanning() {
    let mut c = web();
    let src = "10.0.0.5:5140".parse().unwrap();
    let dst = "10.0.0.2:514".parse().unwrap();
    let line = format!("<13>pos: terminal 7 swiped card {PAN} approved");
    let whole = udp_frame(Link::Ethernet, src, dst, line.as_bytes());
    // The cut (8 UDP header bytes + 40 payload bytes) falls inside the PAN.
    let [first, second] = fragment_ipv4(&whole, 48);
    c.push(second);
    c.push(first);
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(
        f.provenance.to_string(),
        "capture.pcap#udp:10.0.0.5:5140->10.0.0.2:514"
    );
}

#[test]
fn capture_inside_gzip_is_decoded_and_still_transmitted() {
    let mut c = web();
    c.send(Side::Client, &form_post(&format!("card={PAN}")));
    c.close();
    let capture = pcap(&c.frames, ETHERNET, PcapFlavour::default());
    let outcome = scan_capture("capture.pcap.gz", gzip(&capture));
    let f = only(&outcome, PAN_MASKED);
    assert_eq!(
        f.provenance.to_string(),
        "capture.pcap.gz!/capture.pcap#tcp:10.0.0.5:51234->10.0.0.9:80"
    );
}

#[test]
fn flow_over_the_stream_limit_is_scanned_up_to_it_and_recorded_truncated() {
    let mut c = web();
    c.send(Side::Client, format!("card {PAN}\n").as_bytes());
    c.send(Side::Client, &[b'x'; 3000]);
    c.send(Side::Client, format!("card {OTHER_PAN}\n").as_bytes());
    c.close();
    let limits = Limits {
        max_stream_bytes: 2000,
        ..Limits::default()
    };
    let outcome = scan_files(
        &[("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()))],
        limits,
    );
    only(&outcome, PAN_MASKED);
    assert!(pans(&outcome, OTHER_MASKED).is_empty());
    let skipped = &outcome.skipped[..];
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].reason, SkipReason::BombLimit);
    assert_eq!(skipped[0].provenance.to_string(), UP);
}

#[test]
fn flows_over_the_total_limit_are_scanned_early_without_losing_data() {
    let mut a = web();
    let mut b = Conversation::new(Link::Ethernet, "10.0.0.6:51000", "10.0.0.9:80");
    b.clock = a.clock;
    b.handshake();
    a.send(Side::Client, format!("card {PAN}\n").as_bytes());
    b.send(Side::Client, &[b'y'; 3000]);
    a.send(Side::Client, format!("card {OTHER_PAN}\n").as_bytes());
    let mut frames = a.frames.clone();
    frames.extend(b.frames.iter().cloned());
    frames.sort_by_key(|f| (f.secs, f.nanos));
    let limits = Limits {
        max_reassembly_bytes: 2500,
        ..Limits::default()
    };
    let outcome = scan_files(
        &[("capture.pcap", pcap(&frames, ETHERNET, PcapFlavour::default()))],
        limits,
    );
    only(&outcome, PAN_MASKED);
    only(&outcome, OTHER_MASKED);
    assert!(outcome.skipped.is_empty(), "{:?}", outcome.skipped);
    assert!(outcome.notes.iter().any(|n| n.kind == "tcp_flow_split"));
}

mod robustness {
    //! Property tests standing in for the fuzz targets in the normal suite
    //! (fuzz/ runs them at length; see docs/captures.md).

    use super::*;
    use proptest::prelude::*;

    const PCAP_HEADER_LEN: usize = 24;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn garbage_after_a_pcap_header_is_a_recorded_skip_not_a_panic(
            body in proptest::collection::vec(any::<u8>(), 0..2048)
        ) {
            let mut bytes = pcap(&[], ETHERNET, PcapFlavour::default());
            bytes.extend(&body);
            let outcome = scan_capture("capture.pcap", bytes);
            prop_assert_eq!(outcome.coverage.files_scanned, 1);
            for s in &outcome.skipped {
                prop_assert!(matches!(s.reason, SkipReason::Corrupt | SkipReason::BombLimit), "{:?}", s);
                prop_assert!(!s.detail.is_empty());
            }
        }

        #[test]
        fn a_capture_cut_anywhere_keeps_earlier_frames_and_records_the_cut(cut in PCAP_HEADER_LEN..2000usize) {
            let mut c = web();
            c.send(Side::Client, &form_post(&format!("card={PAN}")));
            c.send(Side::Client, &[b'\n'; 900]);
            let bytes = pcap(&c.frames, ETHERNET, PcapFlavour::default());
            let boundaries: Vec<usize> = c.frames.iter().scan(PCAP_HEADER_LEN, |at, f| {
                *at += 16 + f.data.len();
                Some(*at)
            }).collect();
            let cut = cut.min(bytes.len());
            let outcome = scan_capture("capture.pcap", bytes[..cut].to_vec());
            let on_boundary = cut == PCAP_HEADER_LEN || boundaries.contains(&cut);
            prop_assert_eq!(outcome.skipped.is_empty(), on_boundary, "{:?}", outcome.skipped);
            // The request is frame 4: complete before the cut, it is found.
            prop_assert_eq!(pans(&outcome, PAN_MASKED).len(), usize::from(cut >= boundaries[3]));
        }

        #[test]
        fn segments_in_any_order_with_duplicates_give_the_pan_once(
            cuts in proptest::collection::btree_set(1..80usize, 1..8),
            order in Just(()).prop_perturb(|_, mut rng| {
                let mut keys: Vec<u32> = (0..16).map(|_| rng.random()).collect();
                keys.dedup();
                keys
            }),
            duplicate in 0..8usize,
        ) {
            let request = form_post(&format!("card={PAN}"));
            let mut bounds: Vec<usize> = cuts.into_iter().filter(|&c| c < request.len()).collect();
            bounds.insert(0, 0);
            bounds.push(request.len());
            let mut pieces: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
            if let Some(&again) = pieces.get(duplicate) {
                pieces.push(again);
            }
            let mut keyed: Vec<(u32, (usize, usize))> =
                pieces.into_iter().enumerate().map(|(i, p)| (order[i % order.len()].wrapping_add(i as u32), p)).collect();
            keyed.sort();
            let mut c = web();
            let seq = c.seq[0];
            let ack = Flags { ack: true, ..Flags::default() };
            for (_, (from, to)) in keyed {
                c.raw(Side::Client, seq + from as u32, ack, &request[from..to]);
            }
            c.seq[0] += request.len() as u32;
            c.close();
            let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
            prop_assert_eq!(pans(&outcome, PAN_MASKED).len(), 1);
            prop_assert!(outcome.notes.iter().all(|n| n.kind != "tcp_gap" && n.kind != "tcp_conflict"), "{:?}", outcome.notes);
        }
    }
}

#[test]
fn a_segment_more_than_2_gib_ahead_is_recorded_as_not_scanned() {
    let mut c = web();
    c.send(Side::Client, b"GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
    let ack = Flags {
        ack: true,
        ..Flags::default()
    };
    let far = c.seq[0].wrapping_add(3_000_000_000);
    c.raw(Side::Client, far, ack, format!("card={PAN}\r\n").as_bytes());
    c.close();
    let outcome = scan_capture("capture.pcap", pcap(&c.frames, ETHERNET, PcapFlavour::default()));
    let gap = outcome
        .skipped
        .iter()
        .find(|s| s.detail.contains("outside the stream"))
        .unwrap_or_else(|| panic!("no gap recorded: {:#?}", outcome.skipped));
    assert!(gap.reason.is_gap());
    assert_eq!(outcome.verdict(), hihoji_scanner::verdict::Verdict::Incomplete);
}
