//! From a frame to its TCP segment or UDP datagram, with fragmented IP
//! packets put back together first (etherparse's defragmentation pool).

use std::net::{IpAddr, SocketAddr};

use etherparse::defrag::IpDefragPool;
use etherparse::{IpNumber, NetSlice, SlicedPacket, TcpSlice, TransportSlice, UdpSlice};

use super::capture::{Packet, Timestamp};
use super::link;

/// Fragments of a packet that is not complete after this many seconds of
/// capture time are dropped (Linux waits 30 s).
const FRAGMENT_TIMEOUT_SECS: u64 = 30;

/// A TCP segment as the reassembler needs it.
pub struct TcpSegment<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: &'a [u8],
}

/// What a frame carried.
pub enum Transport<'a> {
    Tcp(TcpSegment<'a>),
    Udp {
        src: SocketAddr,
        dst: SocketAddr,
        payload: &'a [u8],
    },
}

/// Counts of frames that carried nothing to scan, for the capture's note.
#[derive(Debug, Default)]
pub struct FrameCounts {
    /// Link type unknown or frame too damaged to slice.
    pub undecodable: u64,
    /// Fragments that never completed.
    pub fragments_lost: u64,
}

/// Turns frames into transport payloads.
pub struct Dissector {
    fragments: IpDefragPool<Timestamp>,
    pub counts: FrameCounts,
}

impl Dissector {
    pub fn new() -> Self {
        Dissector {
            fragments: IpDefragPool::new(),
            counts: FrameCounts::default(),
        }
    }

    /// Pushes the TCP segment or UDP datagram the frame completes, if any.
    pub fn dissect(&mut self, packet: &Packet<'_>, on_transport: &mut dyn FnMut(Transport<'_>)) {
        let Some(sliced) = link::slice(packet.linktype, packet.data) else {
            self.counts.undecodable += 1;
            return;
        };
        let Some((src, dst)) = addresses(&sliced) else {
            return; // ARP and other non-IP frames carry no payload to scan.
        };
        match self.fragments.process_sliced_packet(&sliced, packet.time, ()) {
            Ok(Some(whole)) => {
                match whole.ip_number {
                    IpNumber::TCP => {
                        if let Ok(tcp) = TcpSlice::from_slice(&whole.payload) {
                            on_transport(Transport::Tcp(segment(src, dst, &tcp)));
                        }
                    }
                    IpNumber::UDP => {
                        if let Ok(udp) = UdpSlice::from_slice(&whole.payload) {
                            on_transport(udp_datagram(src, dst, &udp));
                        }
                    }
                    _ => {}
                }
                self.fragments.return_buf(whole);
                return;
            }
            Ok(None) => {}
            Err(_) => {
                self.counts.fragments_lost += 1;
                return;
            }
        }
        match &sliced.transport {
            Some(TransportSlice::Tcp(tcp)) => on_transport(Transport::Tcp(segment(src, dst, tcp))),
            Some(TransportSlice::Udp(udp)) => on_transport(udp_datagram(src, dst, udp)),
            _ => {}
        }
    }

    /// Drops fragments older than the timeout at `now`.
    pub fn expire(&mut self, now: Timestamp) {
        let oldest = now.secs.saturating_sub(FRAGMENT_TIMEOUT_SECS);
        self.fragments.retain(|t| t.secs >= oldest);
    }
}

fn addresses(sliced: &SlicedPacket<'_>) -> Option<(IpAddr, IpAddr)> {
    match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => {
            let h = ip.header();
            Some((IpAddr::V4(h.source_addr()), IpAddr::V4(h.destination_addr())))
        }
        Some(NetSlice::Ipv6(ip)) => {
            let h = ip.header();
            Some((IpAddr::V6(h.source_addr()), IpAddr::V6(h.destination_addr())))
        }
        _ => None,
    }
}

fn segment<'a>(src: IpAddr, dst: IpAddr, tcp: &TcpSlice<'a>) -> TcpSegment<'a> {
    TcpSegment {
        src: SocketAddr::new(src, tcp.source_port()),
        dst: SocketAddr::new(dst, tcp.destination_port()),
        seq: tcp.sequence_number(),
        syn: tcp.syn(),
        ack: tcp.ack(),
        fin: tcp.fin(),
        rst: tcp.rst(),
        payload: tcp.payload(),
    }
}

fn udp_datagram<'a>(src: IpAddr, dst: IpAddr, udp: &UdpSlice<'a>) -> Transport<'a> {
    Transport::Udp {
        src: SocketAddr::new(src, udp.source_port()),
        dst: SocketAddr::new(dst, udp.destination_port()),
        payload: udp.payload(),
    }
}
