//! The table of open TCP flows: which segment belongs to which flow and
//! direction, when a flow is finished (FIN from both sides, RST, idle, end
//! of capture), and the memory all flows may hold together.
//!
//! The table stays within `--max-reassembly-bytes`, counting each open flow
//! at [`FLOW_OVERHEAD`] bytes plus the payload it holds: a capture of two
//! million SYN-only flows holds no payload at all, yet its table of flows
//! alone once took 3.2 GB. Over the limit, the flow holding the most payload
//! is scanned early and goes on as a new stream (as before); when the flows
//! themselves are what fills the table, the least recently active flow is
//! scanned early and dropped, and a later packet of it opens a new stream.
//! Each eviction is counted and the capture gets one note saying how many.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;

use super::capture::Timestamp;
use super::dissect::TcpSegment;
use super::reassembly::HalfStream;

/// A flow without a packet for this long (capture time) is finished.
pub const IDLE_SECS: u64 = 300;

/// A TCP connection: client → server is direction 0.
#[derive(Debug)]
pub struct Flow {
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// `[client → server, server → client]`.
    pub halves: [HalfStream; 2],
    pub first_frame: u64,
    pub first_time: Timestamp,
    last_time: Timestamp,
    rst: bool,
    /// When the flow last had a packet, in the table's packet count (its key in the table's `recent`).
    touched: u64,
}

impl Flow {
    fn buffered(&self) -> usize {
        self.halves[0].buffered() + self.halves[1].buffered()
    }

    fn done(&self) -> bool {
        self.rst || (self.halves[0].fin && self.halves[1].fin)
    }
}

/// Both directions of a connection share one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FlowKey(SocketAddr, SocketAddr);

impl FlowKey {
    fn of(a: SocketAddr, b: SocketAddr) -> Self {
        if a <= b {
            FlowKey(a, b)
        } else {
            FlowKey(b, a)
        }
    }
}

/// Why a flow left the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// FIN, RST, idle or end of capture.
    Ended,
    /// Scanned early to keep within the total limit; more may follow.
    Flushed,
    /// The least recently active flow, scanned early and dropped because the
    /// table of open flows reached the total limit; more may follow.
    Evicted,
}

/// Bytes an open flow costs besides its payload. Its parts add up to about
/// 820 bytes (`flow_parts` in the tests); measured peak memory per open flow was 910
/// bytes (2 M SYN-only flows under several limits, docs/performance.md
/// "Captures": allocator slack and B-tree nodes left part-empty by the
/// removals), so a round 1 KiB is counted, and the table stays within the
/// limit in real memory too.
pub const FLOW_OVERHEAD: usize = 1024;

/// Open flows and the bytes they hold.
pub struct FlowTable {
    flows: HashMap<FlowKey, Box<Flow>>,
    /// Open flows by when they last had a packet, least recent first.
    recent: BTreeMap<u64, FlowKey>,
    /// Packets added so far: the clock of `recent`.
    packets: u64,
    buffered: usize,
    max_stream: usize,
    max_total: usize,
    /// Flows evicted early because the open flows filled the limit, and how
    /// many of them held payload (and were scanned).
    pub evicted: u64,
    pub evicted_with_data: u64,
}

impl FlowTable {
    pub fn new(max_stream: usize, max_total: usize) -> Self {
        FlowTable {
            flows: HashMap::new(),
            recent: BTreeMap::new(),
            packets: 0,
            buffered: 0,
            max_stream,
            max_total,
            evicted: 0,
            evicted_with_data: 0,
        }
    }

    /// Bytes the open flows hold, payload and overhead.
    pub fn held(&self) -> usize {
        self.buffered + self.flows.len() * FLOW_OVERHEAD
    }

    /// The most bytes the table holds (`--max-reassembly-bytes`).
    pub fn limit(&self) -> usize {
        self.max_total
    }

    /// Adds a segment; flows it finishes, or flushes to stay in the limits,
    /// are handed to `done`.
    pub fn add(
        &mut self,
        seg: &TcpSegment<'_>,
        frame: u64,
        time: Timestamp,
        done: &mut dyn FnMut(Flow, Finish),
    ) {
        let key = FlowKey::of(seg.src, seg.dst);
        // A new connection on the same ports replaces the old one.
        let opening = seg.syn && !seg.ack;
        if opening
            && self
                .flows
                .get(&key)
                .is_some_and(|f| f.halves.iter().any(HalfStream::has_data))
        {
            self.finish(key, Finish::Ended, done);
        }
        let max_stream = self.max_stream;
        self.packets += 1;
        let touched = self.packets;
        let flow = self.flows.entry(key).or_insert_with(|| {
            // The side that sends the SYN is the client; without one (a capture
            // started mid-connection) the lower port is taken for the server.
            let (client, server) = if opening || (!seg.syn && seg.src.port() > seg.dst.port()) {
                (seg.src, seg.dst)
            } else {
                (seg.dst, seg.src)
            };
            Box::new(Flow {
                client,
                server,
                halves: [HalfStream::new(max_stream), HalfStream::new(max_stream)],
                first_frame: frame,
                first_time: time,
                last_time: time,
                rst: false,
                touched,
            })
        });
        self.recent.remove(&flow.touched);
        flow.touched = touched;
        self.recent.insert(touched, key);
        let direction = usize::from(seg.src != flow.client);
        let before = flow.halves[direction].buffered();
        flow.halves[direction].add(seg.seq, seg.syn, seg.fin, seg.payload, frame, time);
        let after = flow.halves[direction].buffered();
        self.buffered = (self.buffered + after).saturating_sub(before);
        flow.last_time = flow.last_time.max(time);
        flow.rst |= seg.rst;
        if flow.done() {
            self.finish(key, Finish::Ended, done);
        }
        while self.buffered > self.max_total {
            let Some(largest) = self
                .flows
                .iter()
                .max_by_key(|(_, f)| f.buffered())
                .map(|(k, _)| *k)
            else {
                break;
            };
            self.finish(largest, Finish::Flushed, done);
        }
        // The flows themselves fill the table: the least recent goes, never
        // the one this segment belongs to.
        while self.held() > self.max_total && self.flows.len() > 1 {
            let Some((_, oldest)) = self.recent.pop_first() else {
                break;
            };
            self.finish(oldest, Finish::Evicted, done);
        }
    }

    /// Finishes flows idle since before `now - IDLE_SECS`. Flows are looked
    /// at least recently active first, up to the first one that is not idle:
    /// the cost is the flows finished, not the flows open. (In a capture whose
    /// clock jumps back, a flow behind that one waits for the end, or for
    /// eviction.)
    pub fn expire(&mut self, now: Timestamp, done: &mut dyn FnMut(Flow, Finish)) {
        let oldest = now.secs.saturating_sub(IDLE_SECS);
        while let Some((_, &key)) = self.recent.first_key_value() {
            if self.flows.get(&key).is_some_and(|f| f.last_time.secs >= oldest) {
                break;
            }
            self.finish(key, Finish::Ended, done);
        }
    }

    /// Finishes every flow (end of capture, or damage).
    pub fn finish_all(&mut self, done: &mut dyn FnMut(Flow, Finish)) {
        let mut flows: Vec<Box<Flow>> = self.flows.drain().map(|(_, f)| f).collect();
        flows.sort_by_key(|f| f.first_frame);
        self.recent.clear();
        self.buffered = 0;
        for flow in flows {
            done(*flow, Finish::Ended);
        }
    }

    fn finish(&mut self, key: FlowKey, how: Finish, done: &mut dyn FnMut(Flow, Finish)) {
        if let Some(mut flow) = self.flows.remove(&key) {
            self.recent.remove(&flow.touched);
            self.buffered = self.buffered.saturating_sub(flow.buffered());
            if how == Finish::Evicted {
                self.evicted += 1;
                if flow.halves.iter().any(HalfStream::has_data) {
                    self.evicted_with_data += 1;
                }
            }
            if how == Finish::Flushed {
                // The rest of the connection continues as a new flow entry.
                let [to_server, to_client] = &mut flow.halves;
                self.flows.insert(
                    key,
                    Box::new(Flow {
                        client: flow.client,
                        server: flow.server,
                        halves: [to_server.successor(), to_client.successor()],
                        first_frame: flow.first_frame,
                        first_time: flow.last_time,
                        last_time: flow.last_time,
                        rst: false,
                        touched: flow.touched,
                    }),
                );
                self.recent.insert(flow.touched, key);
            }
            done(*flow, how);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What an open flow's parts take: the flow itself (boxed, so that growing
    /// the hash table moves pointers, not flows) with its allocation header; its
    /// slot in the hash table three times (a table grows by doubling, so up to
    /// half its slots are empty, and while it grows the old and the new table
    /// are both held); its entry in the order of activity twice (a B-tree's
    /// nodes are at least half full).
    fn flow_parts() -> usize {
        const ALLOCATION_HEADER: usize = 16;
        size_of::<Flow>()
            + ALLOCATION_HEADER
            + 3 * (size_of::<FlowKey>() + size_of::<Box<Flow>>() + 1)
            + 2 * (size_of::<u64>() + size_of::<FlowKey>())
    }

    fn syn(client: u32, port: u16) -> (SocketAddr, SocketAddr) {
        let client = SocketAddr::from((client.to_be_bytes(), port));
        let server = SocketAddr::from(([10, 0, 0, 9], 443));
        (client, server)
    }

    fn segment<'a>(src: SocketAddr, dst: SocketAddr, syn: bool, payload: &'a [u8]) -> TcpSegment<'a> {
        TcpSegment {
            src,
            dst,
            seq: 1000,
            syn,
            ack: !syn,
            fin: false,
            rst: false,
            payload,
        }
    }

    #[test]
    fn the_counted_overhead_covers_what_a_flow_takes() {
        // A bigger `Flow` (a new field) must be counted: raise FLOW_OVERHEAD
        // and measure again (docs/performance.md, "Captures").
        assert!(flow_parts() <= FLOW_OVERHEAD * 9 / 10, "{} bytes", flow_parts());
    }

    #[test]
    fn syn_only_flows_are_evicted_oldest_first_within_the_limit() {
        let limit = 50 * FLOW_OVERHEAD;
        let mut table = FlowTable::new(1 << 20, limit);
        let mut finished = Vec::new();
        let (talker, server) = syn(0x0a00_0005, 51234);
        let time = Timestamp {
            secs: 1_700_000_000,
            nanos: 0,
        };
        table.add(&segment(talker, server, true, b""), 1, time, &mut |f, how| {
            finished.push((f.client, how))
        });
        for i in 0..1000u32 {
            let (client, server) = syn(0x0a01_0000 + i, 40000);
            table.add(
                &segment(client, server, true, b""),
                2 + u64::from(i),
                time,
                &mut |f, how| finished.push((f.client, how)),
            );
            assert!(
                table.held() <= limit,
                "{} bytes held after {i} flows",
                table.held()
            );
        }
        assert_eq!(table.flows.len(), 50);
        assert_eq!(table.evicted, 951, "1001 flows, 50 kept");
        assert_eq!(table.evicted_with_data, 0);
        // The first flow opened is the first to go.
        assert_eq!(finished[0], (talker, Finish::Evicted));
        assert!(finished.iter().all(|(_, how)| *how == Finish::Evicted));
    }

    #[test]
    fn an_active_flow_stays_while_idle_ones_are_evicted() {
        let limit = 10 * FLOW_OVERHEAD + 4096;
        let mut table = FlowTable::new(1 << 20, limit);
        let mut finished: Vec<(SocketAddr, Finish, usize)> = Vec::new();
        let (talker, server) = syn(0x0a00_0005, 51234);
        let time = Timestamp {
            secs: 1_700_000_000,
            nanos: 0,
        };
        let mut done = |f: Flow, how| {
            let bytes = f.halves[0].buffered();
            finished.push((f.client, how, bytes))
        };
        table.add(&segment(talker, server, true, b""), 1, time, &mut done);
        for i in 0..100u32 {
            let (client, server_end) = syn(0x0a01_0000 + i, 40000);
            table.add(
                &segment(client, server_end, true, b""),
                2 + u64::from(2 * i),
                time,
                &mut done,
            );
            // The talker sends between the new flows: it is never the least recent.
            let mut data = segment(talker, server, false, b"card 4539875260181596\n");
            data.seq = 1001 + 22 * i;
            table.add(&data, 3 + u64::from(2 * i), time, &mut done);
        }
        assert!(table.held() <= limit);
        table.finish_all(&mut done);
        let evicted = finished.iter().filter(|(_, how, _)| *how == Finish::Evicted);
        assert!(
            evicted.clone().all(|(client, _, _)| *client != talker),
            "the active flow was never evicted"
        );
        assert!(evicted.count() >= 90);
        let talker_end = finished.iter().find(|(c, _, _)| *c == talker).unwrap();
        assert_eq!(talker_end.1, Finish::Ended);
        assert!(talker_end.2 >= 2200, "all its bytes were kept: {}", talker_end.2);
    }
}
