//! The table of open TCP flows: which segment belongs to which flow and
//! direction, when a flow is finished (FIN from both sides, RST, idle, end
//! of capture), and the memory all flows may hold together.

use std::collections::HashMap;
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
}

/// Open flows and the bytes they hold.
pub struct FlowTable {
    flows: HashMap<FlowKey, Flow>,
    buffered: usize,
    max_stream: usize,
    max_total: usize,
}

impl FlowTable {
    pub fn new(max_stream: usize, max_total: usize) -> Self {
        FlowTable {
            flows: HashMap::new(),
            buffered: 0,
            max_stream,
            max_total,
        }
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
        let flow = self.flows.entry(key).or_insert_with(|| {
            // The side that sends the SYN is the client; without one (a capture
            // started mid-connection) the lower port is taken for the server.
            let (client, server) = if opening || (!seg.syn && seg.src.port() > seg.dst.port()) {
                (seg.src, seg.dst)
            } else {
                (seg.dst, seg.src)
            };
            Flow {
                client,
                server,
                halves: [HalfStream::new(max_stream), HalfStream::new(max_stream)],
                first_frame: frame,
                first_time: time,
                last_time: time,
                rst: false,
            }
        });
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
    }

    /// Finishes flows idle since before `now - IDLE_SECS`.
    pub fn expire(&mut self, now: Timestamp, done: &mut dyn FnMut(Flow, Finish)) {
        let oldest = now.secs.saturating_sub(IDLE_SECS);
        let idle: Vec<FlowKey> = self
            .flows
            .iter()
            .filter(|(_, f)| f.last_time.secs < oldest)
            .map(|(k, _)| *k)
            .collect();
        for key in idle {
            self.finish(key, Finish::Ended, done);
        }
    }

    /// Finishes every flow (end of capture, or damage).
    pub fn finish_all(&mut self, done: &mut dyn FnMut(Flow, Finish)) {
        let mut flows: Vec<Flow> = self.flows.drain().map(|(_, f)| f).collect();
        flows.sort_by_key(|f| f.first_frame);
        self.buffered = 0;
        for flow in flows {
            done(flow, Finish::Ended);
        }
    }

    fn finish(&mut self, key: FlowKey, how: Finish, done: &mut dyn FnMut(Flow, Finish)) {
        if let Some(mut flow) = self.flows.remove(&key) {
            self.buffered = self.buffered.saturating_sub(flow.buffered());
            if how == Finish::Flushed {
                // The rest of the connection continues as a new flow entry.
                let [to_server, to_client] = &mut flow.halves;
                self.flows.insert(
                    key,
                    Flow {
                        client: flow.client,
                        server: flow.server,
                        halves: [to_server.successor(), to_client.successor()],
                        first_frame: flow.first_frame,
                        first_time: flow.last_time,
                        last_time: flow.last_time,
                        rst: false,
                    },
                );
            }
            done(flow, how);
        }
    }
}
