//! TCP reassembly and HTTP decoding on arbitrary segment sequences: any
//! order, overlap, retransmission, flag and sequence-number jump, written as
//! a valid capture so every segment reaches the reassembler.
#![no_main]

use arbitrary::Arbitrary;
use etherparse::PacketBuilder;
use hihoji_fuzz::scan_capture;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Segment {
    from_server: bool,
    /// Added to the side's initial sequence number (wraps).
    seq: u32,
    flags: u8,
    /// A second connection on other ports, to exercise the flow table.
    other_flow: bool,
    payload: Vec<u8>,
}

fuzz_target!(|segments: Vec<Segment>| {
    let mut capture = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0];
    for (i, s) in segments.iter().take(256).enumerate() {
        let client = ([10, 0, 0, 5], if s.other_flow { 40000 } else { 51234 });
        let server = ([10, 0, 0, 9], 80);
        let (src, dst, base) = if s.from_server {
            (server, client, 0xffff_ff00u32)
        } else {
            (client, server, 1000)
        };
        let mut tcp = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
            .ipv4(src.0, dst.0, 64)
            .tcp(src.1, dst.1, base.wrapping_add(s.seq), 65535);
        if s.flags & 1 != 0 {
            tcp = tcp.syn();
        }
        if s.flags & 2 != 0 {
            tcp = tcp.ack(1);
        }
        if s.flags & 4 != 0 {
            tcp = tcp.fin();
        }
        if s.flags & 8 != 0 {
            tcp = tcp.rst();
        }
        let payload = &s.payload[..s.payload.len().min(2000)];
        let mut frame = Vec::new();
        if tcp.write(&mut frame, payload).is_err() {
            return;
        }
        // Timestamps jump past the idle timeout now and then.
        let secs = (i as u32) * if s.flags & 16 != 0 { 400 } else { 1 };
        for field in [secs, 0, frame.len() as u32, frame.len() as u32] {
            capture.extend_from_slice(&field.to_le_bytes());
        }
        capture.extend_from_slice(&frame);
    }
    scan_capture(&capture);
});
