//! The capture reader on arbitrary bytes: pcap and pcapng headers, blocks,
//! link layers, IP, fragments, TCP and UDP. Input that is not a capture gets
//! a classic pcap header (Ethernet) in front so it reaches the packet parser.
#![no_main]

use hihoji_fuzz::scan_capture;
use libfuzzer_sys::fuzz_target;

const PCAP_HEADER: [u8; 24] = [
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0,
];

fuzz_target!(|data: &[u8]| {
    if hihoji_scanner::decode::sniff(data).is_some_and(|d| d.name() == "pcap") {
        scan_capture(data);
    } else {
        let mut capture = PCAP_HEADER.to_vec();
        capture.extend_from_slice(data);
        scan_capture(&capture);
    }
});
