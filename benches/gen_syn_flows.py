#!/usr/bin/env python3
"""A classic pcap of many SYN-only TCP flows (a port scan, a SYN flood), for
measuring the capture flow table's memory (docs/performance.md, "Captures").

Every flow is one SYN from its own client address and port to 10.0.0.9:443,
so the table holds no payload at all: only the flows. One more flow, opened
first, carries a synthetic card number (Luhn-valid, generated) in a packet
after the last SYN, so the scan must keep finding it however many flows
came between.

usage: gen_syn_flows.py OUT.pcap [--flows 2000000]
"""
import argparse
import struct

CARD = b"POST /pay HTTP/1.1\r\n\r\ncard_number=4539875260181596\r\n"


def frame(src_ip, src_port, seq, flags, payload=b""):
    ip_len = 20 + 20 + len(payload)
    eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00])
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, ip_len, 1, 0x4000, 64, 6, 0, src_ip, bytes([10, 0, 0, 9]))
    tcp = struct.pack(">HHIIBBHHH", src_port, 443, seq, 0, 0x50, flags, 0xFFFF, 0, 0)
    return eth + ip + tcp + payload


def record(out, secs, data):
    out.write(struct.pack("<IIII", secs, 0, len(data), len(data)))
    out.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=2_000_000)
    args = ap.parse_args()
    syn, psh_ack = 0x02, 0x18
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        talker = bytes([10, 0, 0, 5])
        record(out, 1_700_000_000, frame(talker, 51234, 999, syn))
        for i in range(args.flows):
            ip = bytes([11, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
            port = 1024 + (i >> 24)
            record(out, 1_700_000_000, frame(ip, port, 1000, syn))
        record(out, 1_700_000_001, frame(talker, 51234, 1000, psh_ack, CARD))


if __name__ == "__main__":
    main()
