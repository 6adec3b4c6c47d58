//! From a frame's link layer to its IP packet, with etherparse: Ethernet
//! (with VLAN tags), Linux cooked capture v1 and v2, BSD loopback and raw IP.

use etherparse::{EtherType, SlicedPacket};
use pcap_parser::Linktype;

/// The frame sliced down to its network and transport layers; `None` for
/// link types and frames that carry no IP (ARP, unknown link types, damage).
pub fn slice(linktype: Linktype, data: &[u8]) -> Option<SlicedPacket<'_>> {
    match linktype {
        Linktype::ETHERNET => SlicedPacket::from_ethernet(data).ok(),
        Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data).ok(),
        Linktype::LINUX_SLL2 => {
            // 20-byte header; the protocol (an EtherType) comes first.
            let protocol = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
            SlicedPacket::from_ether_type(EtherType(protocol), data.get(20..)?).ok()
        }
        Linktype::NULL | Linktype::LOOP => {
            // A 4-byte address family (host order for NULL, network order for LOOP);
            // the IP version nibble says the same, and is simpler to trust.
            SlicedPacket::from_ip(data.get(4..)?).ok()
        }
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 | Linktype(12) | Linktype(14) => {
            SlicedPacket::from_ip(data).ok()
        }
        _ => None,
    }
}
