//! Packet captures (`.pcap`, `.pcapng`): card data passing through the
//! network (通過).
//!
//! The pipeline, one module per step: [`capture`] reads frames from the file,
//! [`link`] and [`dissect`] take them down to TCP segments and UDP datagrams
//! (IP fragments reassembled), [`flows`] and [`reassembly`] put each TCP
//! direction back together, and [`streams`] pushes the result into the sink:
//! the raw stream (any protocol: ISO 8583, POS text protocols, SMTP), the
//! HTTP parts that need decoding ([`http`]) and a note for each TLS flow
//! ([`tls`]). Every finding is `transmitted`, whatever the capture is in.
//!
//! Memory is bounded by [`Limits::max_stream_bytes`](crate::limits::Limits)
//! per direction and [`Limits::max_reassembly_bytes`](crate::limits::Limits)
//! for all open flows, their payload and a fixed cost per flow
//! ([`flows::FLOW_OVERHEAD`]) together (docs/captures.md).

mod capture;
mod dissect;
mod flows;
mod http;
mod link;
mod reassembly;
mod streams;
mod tls;

use std::io::{self, Read};

use super::{DecodeError, Decoder, InnerSink};
use capture::CaptureError;
use dissect::{Dissector, Transport};
use flows::FlowTable;

/// Idle flows and stale fragments are looked for every this many frames.
const EXPIRE_EVERY: u64 = 4096;

pub struct Capture;

impl Decoder for Capture {
    fn name(&self) -> &'static str {
        "pcap"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        match head {
            // Classic pcap, microsecond and nanosecond, both byte orders; version 2.
            [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, ..] | [0x4d, 0x3c, 0xb2, 0xa1, 2, 0, ..] => true,
            [0xa1, 0xb2, 0xc3, 0xd4, 0, 2, ..] | [0xa1, 0xb2, 0x3c, 0x4d, 0, 2, ..] => true,
            // pcapng: a section header block, with its byte-order magic.
            [0x0a, 0x0d, 0x0d, 0x0a, _, _, _, _, magic @ ..] => {
                magic.starts_with(&[0x1a, 0x2b, 0x3c, 0x4d]) || magic.starts_with(&[0x4d, 0x3c, 0x2b, 0x1a])
            }
            _ => false,
        }
    }

    fn decode(&self, input: &mut dyn Read, _name: &str, sink: &mut dyn InnerSink) -> Result<(), DecodeError> {
        let limits = sink.limits();
        let max_stream = usize::try_from(limits.max_stream_bytes).unwrap_or(usize::MAX);
        let max_total = usize::try_from(limits.max_reassembly_bytes).unwrap_or(usize::MAX);
        let mut table = FlowTable::new(max_stream, max_total);
        let mut dissector = Dissector::new();
        let result = capture::read_packets(input, &mut |packet| {
            dissector.dissect(&packet, &mut |transport| match transport {
                Transport::Tcp(segment) => {
                    table.add(&segment, packet.frame, packet.time, &mut |flow, how| {
                        streams::scan_flow(flow, how, max_stream, sink)
                    })
                }
                Transport::Udp { src, dst, payload } => {
                    streams::scan_datagram(src, dst, payload, packet.frame, packet.time, sink)
                }
            });
            if packet.frame % EXPIRE_EVERY == 0 {
                table.expire(packet.time, &mut |flow, how| {
                    streams::scan_flow(flow, how, max_stream, sink)
                });
                dissector.expire(packet.time);
            }
        });
        // Whatever was read before damage is scanned.
        table.finish_all(&mut |flow, how| streams::scan_flow(flow, how, max_stream, sink));
        streams::note_frames(&dissector.counts, sink);
        streams::note_evictions(&table, sink);
        match result {
            Ok(_) => Ok(()),
            Err(CaptureError::Io { frames, source }) => Err(DecodeError::Io(io::Error::new(
                source.kind(),
                format!("after frame {frames}: {source}"),
            ))),
            Err(e) => Err(DecodeError::Corrupt(e.to_string())),
        }
    }
}
