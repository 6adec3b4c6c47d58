//! Writing small packet captures for tests: frames built with etherparse's
//! packet builder, written as classic pcap (either byte order, micro- or
//! nanosecond) or pcapng. No capture is committed as a binary.

#![allow(dead_code)] // each test binary uses its own part of the helpers

use std::net::{IpAddr, SocketAddr};

use etherparse::PacketBuilder;

/// Link types used here.
pub const ETHERNET: u16 = 1;
pub const RAW_IP: u16 = 101;
pub const LINUX_SLL2: u16 = 276;

/// One captured frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub secs: u32,
    pub nanos: u32,
    /// pcapng interface index.
    pub interface: u32,
    pub data: Vec<u8>,
}

/// How a classic pcap file is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct PcapFlavour {
    pub big_endian: bool,
    pub nanoseconds: bool,
}

/// A classic pcap file holding `frames` of `linktype`.
pub fn pcap(frames: &[Frame], linktype: u16, flavour: PcapFlavour) -> Vec<u8> {
    let u32b = |v: u32| {
        if flavour.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u16b = |v: u16| {
        if flavour.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut out = Vec::new();
    out.extend(u32b(if flavour.nanoseconds {
        0xa1b2_3c4d
    } else {
        0xa1b2_c3d4
    }));
    out.extend(u16b(2));
    out.extend(u16b(4));
    out.extend(u32b(0));
    out.extend(u32b(0));
    out.extend(u32b(262_144));
    out.extend(u32b(u32::from(linktype)));
    for f in frames {
        let fraction = if flavour.nanoseconds {
            f.nanos
        } else {
            f.nanos / 1000
        };
        out.extend(u32b(f.secs));
        out.extend(u32b(fraction));
        out.extend(u32b(f.data.len() as u32));
        out.extend(u32b(f.data.len() as u32));
        out.extend(&f.data);
    }
    out
}

/// A pcapng file (little-endian) with one interface per entry of
/// `linktypes` (nanosecond resolution) and the frames on them.
pub fn pcapng(frames: &[Frame], linktypes: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    let block = |out: &mut Vec<u8>, kind: u32, body: &[u8]| {
        let padded = body.len().div_ceil(4) * 4;
        let len = (12 + padded) as u32;
        out.extend(kind.to_le_bytes());
        out.extend(len.to_le_bytes());
        out.extend(body);
        out.resize(out.len() + padded - body.len(), 0);
        out.extend(len.to_le_bytes());
    };
    let mut shb = Vec::new();
    shb.extend(0x1a2b_3c4du32.to_le_bytes());
    shb.extend(1u16.to_le_bytes());
    shb.extend(0u16.to_le_bytes());
    shb.extend((-1i64).to_le_bytes());
    block(&mut out, 0x0a0d_0d0a, &shb);
    for &linktype in linktypes {
        let mut idb = Vec::new();
        idb.extend(linktype.to_le_bytes());
        idb.extend(0u16.to_le_bytes());
        idb.extend(262_144u32.to_le_bytes());
        // if_tsresol = 9 (nanoseconds), then opt_endofopt.
        idb.extend([9, 0, 1, 0, 9, 0, 0, 0]);
        idb.extend([0, 0, 0, 0]);
        block(&mut out, 1, &idb);
    }
    for f in frames {
        let ticks = u64::from(f.secs) * 1_000_000_000 + u64::from(f.nanos);
        let mut epb = Vec::new();
        epb.extend(f.interface.to_le_bytes());
        epb.extend(((ticks >> 32) as u32).to_le_bytes());
        epb.extend((ticks as u32).to_le_bytes());
        epb.extend((f.data.len() as u32).to_le_bytes());
        epb.extend((f.data.len() as u32).to_le_bytes());
        epb.extend(&f.data);
        epb.resize(epb.len().div_ceil(4) * 4, 0);
        block(&mut out, 6, &epb);
    }
    out
}

/// TCP flags of a segment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
}

/// How frames are framed below IP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Link {
    #[default]
    Ethernet,
    /// Ethernet with an 802.1Q tag.
    Vlan(u16),
    /// No link header (LINKTYPE_RAW).
    RawIp,
    /// Linux cooked capture v2.
    Sll2,
}

/// An IP packet (with its link header) carrying one TCP segment.
pub fn tcp_frame(
    link: Link,
    src: SocketAddr,
    dst: SocketAddr,
    seq: u32,
    flags: Flags,
    payload: &[u8],
) -> Vec<u8> {
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let ip = match (src.ip(), dst.ip()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => eth.ipv4(a.octets(), b.octets(), 64),
        (IpAddr::V6(a), IpAddr::V6(b)) => eth.ipv6(a.octets(), b.octets(), 64),
        _ => panic!("mixed address families"),
    };
    let mut tcp = ip.tcp(src.port(), dst.port(), seq, 65535);
    if flags.syn {
        tcp = tcp.syn();
    }
    if flags.ack {
        tcp = tcp.ack(1);
    }
    if flags.fin {
        tcp = tcp.fin();
    }
    if flags.rst {
        tcp = tcp.rst();
    }
    let mut frame = Vec::new();
    tcp.write(&mut frame, payload).unwrap();
    relink(frame, link)
}

/// An IP packet (with its link header) carrying one UDP datagram.
pub fn udp_frame(link: Link, src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let eth = PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]);
    let ip = match (src.ip(), dst.ip()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => eth.ipv4(a.octets(), b.octets(), 64),
        (IpAddr::V6(a), IpAddr::V6(b)) => eth.ipv6(a.octets(), b.octets(), 64),
        _ => panic!("mixed address families"),
    };
    let mut frame = Vec::new();
    ip.udp(src.port(), dst.port()).write(&mut frame, payload).unwrap();
    relink(frame, link)
}

/// Replaces the Ethernet header of `frame` by the link header asked for.
fn relink(mut frame: Vec<u8>, link: Link) -> Vec<u8> {
    match link {
        Link::Ethernet => frame,
        Link::Vlan(id) => {
            let ether_type = [frame[12], frame[13]];
            frame.splice(
                12..14,
                [
                    0x81,
                    0x00,
                    (id >> 8) as u8,
                    id as u8,
                    ether_type[0],
                    ether_type[1],
                ],
            );
            frame
        }
        Link::RawIp => frame.split_off(14),
        Link::Sll2 => {
            let ip = frame.split_off(14);
            let mut sll2 = vec![frame[12], frame[13], 0, 0, 0, 0, 0, 1, 0, 1, 0, 6];
            sll2.extend([2, 0, 0, 0, 0, 1, 0, 0]);
            sll2.extend(ip);
            sll2
        }
    }
}

/// A TCP connection being written frame by frame, with sequence numbers kept.
pub struct Conversation {
    pub link: Link,
    pub client: SocketAddr,
    pub server: SocketAddr,
    /// Next sequence number of each side (client, server).
    pub seq: [u32; 2],
    pub frames: Vec<Frame>,
    /// Capture time of the next frame: one millisecond apart.
    pub clock: u64,
}

/// Which side sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

impl Conversation {
    pub fn new(link: Link, client: &str, server: &str) -> Self {
        Conversation {
            link,
            client: client.parse().unwrap(),
            server: server.parse().unwrap(),
            seq: [1000, 5000],
            frames: Vec::new(),
            clock: 1_700_000_000_000_000_000,
        }
    }

    /// SYN, SYN/ACK, ACK (frames 1–3).
    pub fn handshake(&mut self) {
        self.raw(
            Side::Client,
            self.seq[0],
            Flags {
                syn: true,
                ..Flags::default()
            },
            b"",
        );
        self.raw(
            Side::Server,
            self.seq[1],
            Flags {
                syn: true,
                ack: true,
                ..Flags::default()
            },
            b"",
        );
        self.seq[0] += 1;
        self.seq[1] += 1;
        self.raw(
            Side::Client,
            self.seq[0],
            Flags {
                ack: true,
                ..Flags::default()
            },
            b"",
        );
    }

    /// Sends `payload` in order.
    pub fn send(&mut self, side: Side, payload: &[u8]) {
        let i = side as usize;
        self.raw(
            side,
            self.seq[i],
            Flags {
                ack: true,
                ..Flags::default()
            },
            payload,
        );
        self.seq[i] = self.seq[i].wrapping_add(payload.len() as u32);
    }

    /// FIN from both sides.
    pub fn close(&mut self) {
        for side in [Side::Client, Side::Server] {
            let i = side as usize;
            self.raw(
                side,
                self.seq[i],
                Flags {
                    fin: true,
                    ack: true,
                    ..Flags::default()
                },
                b"",
            );
        }
    }

    /// Writes one segment with an explicit sequence number (for reordering
    /// and retransmissions); sequence state is not changed.
    pub fn raw(&mut self, side: Side, seq: u32, flags: Flags, payload: &[u8]) {
        let (src, dst) = match side {
            Side::Client => (self.client, self.server),
            Side::Server => (self.server, self.client),
        };
        let data = tcp_frame(self.link, src, dst, seq, flags, payload);
        self.push(data);
    }

    pub fn push(&mut self, data: Vec<u8>) {
        self.frames.push(Frame {
            secs: (self.clock / 1_000_000_000) as u32,
            nanos: (self.clock % 1_000_000_000) as u32,
            interface: 0,
            data,
        });
        self.clock += 1_000_000;
    }
}

/// A TLS 1.2 record holding a ClientHello that names `host` (SNI).
pub fn client_hello(host: &str) -> Vec<u8> {
    let name = host.as_bytes();
    let mut sni = Vec::new();
    sni.extend(((name.len() + 3) as u16).to_be_bytes());
    sni.push(0);
    sni.extend((name.len() as u16).to_be_bytes());
    sni.extend(name);
    let mut extensions = vec![0, 0];
    extensions.extend((sni.len() as u16).to_be_bytes());
    extensions.extend(sni);
    let mut hello = vec![3, 3];
    hello.extend([7u8; 32]);
    hello.push(0);
    hello.extend([0, 2, 0x13, 0x01]);
    hello.extend([1, 0]);
    hello.extend((extensions.len() as u16).to_be_bytes());
    hello.extend(extensions);
    let mut handshake = vec![1];
    handshake.extend(&(hello.len() as u32).to_be_bytes()[1..]);
    handshake.extend(hello);
    let mut record = vec![0x16, 3, 1];
    record.extend((handshake.len() as u16).to_be_bytes());
    record.extend(handshake);
    record
}

/// Splits the IPv4 packet of an Ethernet `frame` into two fragments, the
/// first carrying `first_len` payload bytes (a multiple of 8).
pub fn fragment_ipv4(frame: &[u8], first_len: usize) -> [Vec<u8>; 2] {
    use etherparse::{IpFragOffset, Ipv4Header};
    let (header, payload) = Ipv4Header::from_slice(&frame[14..]).unwrap();
    let payload = &payload[..usize::from(header.total_len) - header.header_len()];
    let piece = |offset: usize, bytes: &[u8], more: bool| {
        let mut h = header.clone();
        h.more_fragments = more;
        h.fragment_offset = IpFragOffset::try_new((offset / 8) as u16).unwrap();
        h.total_len = (h.header_len() + bytes.len()) as u16;
        h.header_checksum = h.calc_header_checksum();
        let mut out = frame[..14].to_vec();
        h.write(&mut out).unwrap();
        out.extend_from_slice(bytes);
        out
    };
    [
        piece(0, &payload[..first_len], true),
        piece(first_len, &payload[first_len..], false),
    ]
}
