//! Writes a large synthetic capture for measuring capture scanning
//! (docs/captures.md): many interleaved HTTP, TLS, plain-TCP and UDP flows
//! with a few synthetic card numbers among them.
//!
//! `cargo run --release -p hihoji-scanner --example gen_capture -- OUT.pcap SIZE_MB`

#[path = "../tests/support/capture.rs"]
mod capture;

use std::io::{BufWriter, Write};

use capture::{client_hello, pcap, udp_frame, Conversation, Frame, Link, PcapFlavour, Side, ETHERNET};

/// Connections open at once; their segments are interleaved.
const CONCURRENT: usize = 64;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(size)) = (args.get(1), args.get(2).and_then(|s| s.parse::<u64>().ok())) else {
        eprintln!("usage: gen_capture OUT.pcap SIZE_MB");
        std::process::exit(2);
    };
    let target = size << 20;
    let mut file = BufWriter::new(std::fs::File::create(out)?);
    // The file header alone: a pcap of no frames.
    file.write_all(&pcap(&[], ETHERNET, PcapFlavour::default()))?;
    let mut written = 24u64;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut flow = 0u64;
    let mut clock = 1_700_000_000_000_000_000u64;
    while written < target {
        // A batch of connections, their frames interleaved round-robin.
        let batch: Vec<Vec<Frame>> = (0..CONCURRENT)
            .map(|_| {
                flow += 1;
                conversation(flow, &mut rng, clock)
            })
            .collect();
        let longest = batch.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..longest {
            for frames in &batch {
                if let Some(f) = frames.get(i) {
                    let f = Frame {
                        secs: (clock / 1_000_000_000) as u32,
                        nanos: (clock % 1_000_000_000) as u32,
                        ..f.clone()
                    };
                    clock += 10_000;
                    let record = pcap(&[f], ETHERNET, PcapFlavour::default());
                    file.write_all(&record[24..])?;
                    written += record.len() as u64 - 24;
                }
            }
        }
    }
    file.flush()?;
    eprintln!("{out}: {written} bytes, {flow} connections");
    Ok(())
}

fn next(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

/// Synthetic PANs (Luhn-valid, random middle digits), one per thousand flows.
const PANS: [&str; 4] = [
    "4526018159083012",
    "3530186252760186",
    "5382199351819096",
    "6011170342366718",
];

fn conversation(n: u64, rng: &mut u64, clock: u64) -> Vec<Frame> {
    let port = 1024 + (n % 60000) as u16;
    let host = 2 + (n % 200) as u8;
    let card = n.is_multiple_of(1000).then(|| PANS[(n / 1000 % 4) as usize]);
    match n % 10 {
        0..=5 => http(n, rng, port, host, card, clock),
        6 | 7 => tls(rng, port, host, clock),
        8 => pos(rng, port, host, card, clock),
        _ => {
            let src = format!("10.1.0.{host}:{port}")
                .parse()
                .unwrap_or_else(|_| unreachable!());
            let dst = "10.1.0.1:514".parse().unwrap_or_else(|_| unreachable!());
            let line = format!(
                "<13>pos-terminal {n}: sale approved amount {} JPY",
                next(rng) % 100_000
            );
            let data = udp_frame(Link::Ethernet, src, dst, line.as_bytes());
            vec![Frame {
                secs: 0,
                nanos: 0,
                interface: 0,
                data,
            }]
        }
    }
}

fn start(port: u16, host: u8, server: &str, clock: u64) -> Conversation {
    let mut c = Conversation::new(
        Link::Ethernet,
        &format!("10.0.{}.{host}:{port}", host / 100),
        server,
    );
    c.clock = clock;
    c.handshake();
    c
}

/// Sends `bytes` in MSS-sized segments.
fn send(c: &mut Conversation, side: Side, bytes: &[u8]) {
    for chunk in bytes.chunks(1448) {
        c.send(side, chunk);
    }
}

fn filler(rng: &mut u64, len: usize) -> Vec<u8> {
    const WORDS: [&str; 8] = [
        "item",
        "price",
        "JPY",
        "order",
        "<div class=\"row\">",
        "</div>\n",
        "stock",
        "1200",
    ];
    let mut out = Vec::with_capacity(len + 32);
    while out.len() < len {
        out.extend_from_slice(WORDS[(next(rng) % 8) as usize].as_bytes());
        out.push(b' ');
    }
    out.truncate(len);
    out
}

fn http(n: u64, rng: &mut u64, port: u16, host: u8, card: Option<&str>, clock: u64) -> Vec<Frame> {
    let mut c = start(port, host, "10.0.0.80:80", clock);
    let body = match card {
        Some(pan) => format!("order={n}&card_number={pan}&exp=12%2F29"),
        None => format!("order={n}&qty={}", next(rng) % 10),
    };
    let request = format!(
        "POST /checkout HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send(&mut c, Side::Client, request.as_bytes());
    let len = 8_000 + (next(rng) % 120_000) as usize;
    let page = filler(rng, len);
    let mut response = Vec::new();
    if n.is_multiple_of(2) {
        response.extend_from_slice(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        for chunk in page.chunks(4096) {
            response.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            response.extend_from_slice(chunk);
            response.extend_from_slice(b"\r\n");
        }
        response.extend_from_slice(b"0\r\n\r\n");
    } else {
        response.extend_from_slice(
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                page.len()
            )
            .as_bytes(),
        );
        response.extend_from_slice(&page);
    }
    send(&mut c, Side::Server, &response);
    c.close();
    c.frames
}

fn tls(rng: &mut u64, port: u16, host: u8, clock: u64) -> Vec<Frame> {
    let mut c = start(port, host, "203.0.113.7:443", clock);
    c.send(Side::Client, &client_hello("pay.psp.example"));
    // Application data (random bytes standing for ciphertext) in records of at most 16 KiB.
    let body: Vec<u8> = (0..30_000 + next(rng) % 60_000)
        .map(|_| next(rng) as u8)
        .collect();
    let mut records = Vec::new();
    for chunk in body.chunks(16_384) {
        records.extend_from_slice(&[0x17, 3, 3]);
        records.extend_from_slice(&(chunk.len() as u16).to_be_bytes());
        records.extend_from_slice(chunk);
    }
    send(&mut c, Side::Server, &records);
    c.close();
    c.frames
}

fn pos(rng: &mut u64, port: u16, host: u8, card: Option<&str>, clock: u64) -> Vec<Frame> {
    let mut c = start(port, host, "10.0.0.85:8583", clock);
    for i in 0..20 {
        let pan = card.filter(|_| i == 7).unwrap_or("");
        let line = format!(
            "0200|{i:06}|{pan}|AMT={:08}|TERM=POS{host:03}\n",
            next(rng) % 1_000_000
        );
        c.send(Side::Client, line.as_bytes());
        c.send(Side::Server, b"0210|00|APPROVED\n");
    }
    c.close();
    c.frames
}
