//! Pushing what a capture carried into the sink: each finished TCP
//! direction as a stream (`#tcp:SRC:PORT->DST:PORT`), its decoded HTTP parts
//! as layers inside it (`…!/http-body`), UDP datagrams (`#udp:…`), and notes
//! for what an auditor should know (TLS flows, gaps, conflicting
//! retransmissions).
//!
//! TLS application data is ciphertext: it is blanked in the scanned view
//! (a match there could only be chance) and the flow is noted instead.
//!
//! One value is reported once: bytes that are scanned as a decoded part
//! (a chunked, compressed or percent-encoded body or query) are blanked in
//! the raw stream scan, and plain parts are not scanned a second time.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::net::SocketAddr;

use super::capture::Timestamp;
use super::dissect::FrameCounts;
use super::flows::{Finish, Flow, FlowTable, FLOW_OVERHEAD};
use super::http::{self, PartOrigin};
use super::reassembly::{FrameMap, Reassembled};
use super::tls;
use crate::decode::{Event, InnerSink, Piece};
use crate::findings::{GuidelineCategory, Layer, LayerKind, SkipReason};

const CATEGORY: GuidelineCategory = GuidelineCategory::Transmitted;

/// Scans both directions of a finished (or flushed) flow.
pub fn scan_flow(flow: Flow, how: Finish, max_part: usize, sink: &mut dyn InnerSink) {
    let Flow {
        client,
        server,
        halves: [to_server, to_client],
        first_frame,
        first_time,
        ..
    } = flow;
    let (to_server, to_client) = (to_server.finish(), to_client.finish());
    let is_tls = tls::starts_tls(&to_server.view) || tls::starts_tls(&to_client.view);
    if is_tls {
        let flow = FlowSummary {
            client,
            server,
            first_frame,
            first_time,
        };
        note_tls(&flow, &to_server, &to_client, sink);
    }
    let directions = [(client, server, to_server), (server, client, to_client)];
    for (src, dst, stream) in directions {
        scan_direction(src, dst, stream, is_tls, how, max_part, sink);
    }
}

/// Scans one UDP datagram.
pub fn scan_datagram(
    src: SocketAddr,
    dst: SocketAddr,
    payload: &[u8],
    frame: u64,
    time: Timestamp,
    sink: &mut dyn InnerSink,
) {
    if payload.is_empty() {
        return;
    }
    let layer = stream_layer("udp", src, dst);
    let name = layer.name.clone();
    let result = sink.push(Piece::mapped(
        vec![layer],
        CATEGORY,
        &mut Cursor::new(payload),
        &FrameMap::single(frame, time),
    ));
    if let Err(e) = result {
        sink.event(Event::skip_at(
            vec![stream_layer("udp", src, dst)],
            SkipReason::ReadError,
            format!("{name}: {e}"),
        ));
    }
}

/// Records frames that carried nothing that could be decoded.
pub fn note_frames(counts: &FrameCounts, sink: &mut dyn InnerSink) {
    if counts.undecodable == 0 && counts.fragments_lost == 0 {
        return;
    }
    let detail = format!(
        "{} frames with an unsupported link type or damaged headers, {} IP fragments that could not be reassembled; their payloads were not scanned",
        counts.undecodable, counts.fragments_lost
    );
    let annotations = [
        ("undecodable".to_string(), counts.undecodable.to_string()),
        ("fragments_lost".to_string(), counts.fragments_lost.to_string()),
    ];
    sink.event(Event::note(
        "frames",
        "undecoded_frames",
        detail,
        annotations.into(),
    ));
}

/// Records, once per capture, the flows evicted from the table of open
/// flows before they ended (one note, however many: a note per flow would
/// grow with the capture, which the limit exists to prevent).
pub fn note_evictions(table: &FlowTable, sink: &mut dyn InnerSink) {
    if table.evicted == 0 {
        return;
    }
    let detail = format!(
        "{} open TCP flows ({} of them carrying data) were scanned and dropped before they ended, least recently active first, \
         to keep the table of open flows within the {}-byte reassembly limit (--max-reassembly-bytes; each flow counts {} bytes plus its data); \
         a connection that went on afterwards was scanned again as a new stream, so a value cut across that point may be missed",
        table.evicted,
        table.evicted_with_data,
        table.limit(),
        FLOW_OVERHEAD
    );
    let annotations = [
        ("flows_evicted".to_string(), table.evicted.to_string()),
        (
            "flows_evicted_with_data".to_string(),
            table.evicted_with_data.to_string(),
        ),
    ];
    // Noted on the capture itself: the evicted flows are many, not one stream.
    sink.event(Event::Note {
        layers: Vec::new(),
        kind: "tcp_flows_evicted".to_string(),
        detail,
        annotations: annotations.into(),
    });
}

fn stream_layer(protocol: &str, src: SocketAddr, dst: SocketAddr) -> Layer {
    Layer {
        kind: LayerKind::Stream,
        name: format!("{protocol}:{src}->{dst}"),
    }
}

fn scan_direction(
    src: SocketAddr,
    dst: SocketAddr,
    mut stream: Reassembled,
    is_tls: bool,
    how: Finish,
    max_part: usize,
    sink: &mut dyn InnerSink,
) {
    if stream.view.is_empty() && stream.truncated == 0 && stream.gaps.is_empty() {
        return;
    }
    let layer = stream_layer("tcp", src, dst);
    let parts = if http::looks_like_http(&stream.view) {
        http::decode_messages(&stream.view, max_part)
    } else {
        Vec::new()
    };
    for part in parts.iter().filter(|p| !p.bytes.is_empty()) {
        stream.view[part.raw.clone()].fill(b'\n');
    }
    if is_tls {
        for span in tls::ciphertext(&stream.view) {
            stream.view[span].fill(b'\n');
        }
    }
    let scanned = sink.push(Piece::mapped(
        vec![layer.clone()],
        CATEGORY,
        &mut Cursor::new(&stream.view),
        &stream.map,
    ));
    if let Err(e) = scanned {
        sink.event(Event::skip_at(
            vec![layer.clone()],
            SkipReason::ReadError,
            e.to_string(),
        ));
    }
    for part in &parts {
        let layers = vec![
            layer.clone(),
            Layer {
                kind: LayerKind::Decoded,
                name: part.name.to_string(),
            },
        ];
        if !part.bytes.is_empty() {
            let origin = PartOrigin {
                part: &part.map,
                stream: &stream.map,
            };
            let scanned = sink.push(Piece::mapped(
                layers.clone(),
                CATEGORY,
                &mut Cursor::new(&part.bytes),
                &origin,
            ));
            if let Err(e) = scanned {
                sink.event(Event::skip_at(
                    layers.clone(),
                    SkipReason::ReadError,
                    e.to_string(),
                ));
            }
        }
        if let Some(why) = &part.incomplete {
            let reason = if why.contains("limit") {
                SkipReason::BombLimit
            } else {
                SkipReason::Corrupt
            };
            sink.event(Event::skip_at(layers, reason, why.clone()));
        }
    }
    note_damage(&layer, &stream, how, sink);
}

/// Truncation is a skip (bytes were not scanned); gaps, conflicts and
/// early flushes are notes (the capture, not the scan, is incomplete).
fn note_damage(layer: &Layer, stream: &Reassembled, how: Finish, sink: &mut dyn InnerSink) {
    if stream.truncated > 0 {
        sink.event(Event::skip_at(vec![layer.clone()], SkipReason::BombLimit, format!(
                "stream over the {}-byte reassembly limit per direction: the first {} bytes were scanned, {} bytes after them were not",
                stream.limit, stream.view.len(), stream.truncated
            )));
    }
    if stream.unplaced > 0 {
        sink.event(Event::skip_at(vec![layer.clone()], SkipReason::Corrupt, format!(
                "{} captured bytes lie outside the stream (sequence numbers before its start, or more than 2 GiB ahead of it) and were not scanned",
                stream.unplaced
            )));
    }
    if !stream.gaps.is_empty() {
        let missing: u64 = stream.gaps.iter().map(|g| g.len).sum();
        let first = stream.gaps[0].at;
        let detail = format!(
            "{} holes, {missing} bytes the capture does not hold (first at stream offset {first}); the bytes around them were scanned separately",
            stream.gaps.len()
        );
        let annotations = [
            ("gaps".to_string(), stream.gaps.len().to_string()),
            ("missing_bytes".to_string(), missing.to_string()),
            ("first_gap_offset".to_string(), first.to_string()),
        ];
        sink.event(Event::note(&layer.name, "tcp_gap", detail, annotations.into()));
    }
    if stream.conflicts > 0 {
        let detail = format!(
            "{} retransmitted or overlapping segments carried bytes different from the first copy; the first copy was scanned",
            stream.conflicts
        );
        let annotations = [("conflicts".to_string(), stream.conflicts.to_string())];
        sink.event(Event::note(
            &layer.name,
            "tcp_conflict",
            detail,
            annotations.into(),
        ));
    }
    if how == Finish::Flushed {
        let detail = format!(
            "scanned in parts to stay within the reassembly memory limit; this part ends at stream offset {}",
            stream.stream_len
        );
        sink.event(Event::note(
            &layer.name,
            "tcp_flow_split",
            detail,
            BTreeMap::new(),
        ));
    }
}

/// What a TLS note says about its flow.
struct FlowSummary {
    client: SocketAddr,
    server: SocketAddr,
    first_frame: u64,
    first_time: Timestamp,
}

/// An encrypted flow: where it went, as far as the capture says.
fn note_tls(flow: &FlowSummary, to_server: &Reassembled, to_client: &Reassembled, sink: &mut dyn InnerSink) {
    let sni = tls::client_hello_sni(&to_server.view);
    let mut annotations: BTreeMap<String, String> = [
        ("client".to_string(), flow.client.to_string()),
        ("server".to_string(), flow.server.to_string()),
        ("bytes_to_server".to_string(), to_server.captured().to_string()),
        ("bytes_to_client".to_string(), to_client.captured().to_string()),
        ("frame".to_string(), flow.first_frame.to_string()),
        ("timestamp".to_string(), flow.first_time.rfc3339()),
    ]
    .into();
    let to = match &sni {
        Some(name) => format!("{name} ({})", flow.server),
        None => flow.server.to_string(),
    };
    if let Some(name) = sni {
        // The server name travelled in clear: card data in it was transmitted (通過).
        sink.event(Event::name(
            vec![stream_layer("tcp", flow.client, flow.server)],
            CATEGORY,
            &name,
        ));
        annotations.insert("sni".to_string(), name);
    }
    sink.event(Event::note(
        &stream_layer("tcp", flow.client, flow.server).name,
        "tls_flow",
        format!(
            "TLS from {} to {to}: encrypted, its payload cannot be scanned; card data may travel here",
            flow.client
        ),
        annotations,
    ));
}
