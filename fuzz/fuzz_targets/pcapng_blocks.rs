#![no_main]
//! pcapng with arbitrary block contents: a valid section and interface
//! (fuzzed timestamp resolution), then enhanced packet blocks whose
//! timestamps (any 64-bit value, past year 9999 included), lengths and
//! bytes are the fuzzer's, scanned the way the scanner scans a file.

use arbitrary::Arbitrary;
use hihoji_fuzz::scan_capture;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Capture {
    tsresol: u8,
    linktype: u16,
    packets: Vec<Packet>,
    /// Raw block bytes appended at the end (damage, unknown blocks).
    tail: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
struct Packet {
    timestamp: u64,
    original_len: u32,
    data: Vec<u8>,
}

fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
    let padded = body.len().div_ceil(4) * 4;
    let len = (12 + padded) as u32;
    out.extend(kind.to_le_bytes());
    out.extend(len.to_le_bytes());
    out.extend(body);
    out.resize(out.len() + padded - body.len(), 0);
    out.extend(len.to_le_bytes());
}

fuzz_target!(|capture: Capture| {
    let mut out = Vec::new();
    let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    shb.extend([1, 0, 0, 0]);
    shb.extend((-1i64).to_le_bytes());
    block(&mut out, 0x0a0d_0d0a, &shb);
    let mut idb = capture.linktype.to_le_bytes().to_vec();
    idb.extend([0, 0]);
    idb.extend(262_144u32.to_le_bytes());
    idb.extend([9, 0, 1, 0, capture.tsresol, 0, 0, 0, 0, 0, 0, 0]);
    block(&mut out, 1, &idb);
    for p in &capture.packets {
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend(((p.timestamp >> 32) as u32).to_le_bytes());
        epb.extend((p.timestamp as u32).to_le_bytes());
        epb.extend((p.data.len() as u32).to_le_bytes());
        epb.extend(p.original_len.to_le_bytes());
        epb.extend(&p.data);
        block(&mut out, 6, &epb);
    }
    out.extend(&capture.tail);
    scan_capture(&out);
});
