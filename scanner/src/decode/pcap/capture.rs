//! Reading the packets of a capture file with pcap-parser: classic pcap in
//! either byte order, with microsecond or nanosecond timestamps, and pcapng
//! with any number of sections and interfaces (each with its own link type
//! and timestamp resolution).
//!
//! Packets are pushed to a callback one at a time, straight out of the
//! reader's buffer, so memory does not grow with the file.

use std::io::{self, Read};
use std::time::{Duration, SystemTime};

use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{LegacyPcapReader, Linktype, PcapBlockOwned, PcapError, PcapNGReader};

/// Initial read buffer; grown up to [`MAX_BLOCK`] for larger blocks.
const BUFFER: usize = 256 * 1024;

/// The largest block accepted. Real packets are at most 256 KiB (the largest
/// snap length tools use); a bigger length field is damage.
const MAX_BLOCK: usize = 16 << 20;

/// When a packet was captured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp {
    pub secs: u64,
    pub nanos: u32,
}

impl Timestamp {
    /// RFC 3339 in UTC with nanoseconds, as findings carry it. A time that
    /// RFC 3339 cannot write (past year 9999: a damaged or forged capture)
    /// is written as raw seconds since 1970, `@253402300800.000000000`.
    pub fn rfc3339(self) -> String {
        /// 9999-12-31T23:59:59Z, the last second RFC 3339's four-digit year can write.
        const LAST_WRITABLE: u64 = 253_402_300_799;
        let nanos = self.nanos.min(999_999_999);
        let time = (self.secs <= LAST_WRITABLE)
            .then(|| SystemTime::UNIX_EPOCH.checked_add(Duration::new(self.secs, nanos)))
            .flatten();
        match time {
            Some(time) => humantime::format_rfc3339_nanos(time).to_string(),
            // Letters between the parts: a long run of digits would read as a
            // card number to the redaction step and be masked.
            None => format!("@{}s+{nanos}ns", self.secs),
        }
    }
}

#[cfg(test)]
mod timestamp_tests {
    use super::Timestamp;

    #[test]
    fn times_past_year_9999_are_written_as_raw_seconds() {
        let last = Timestamp {
            secs: 253_402_300_799,
            nanos: 5,
        };
        assert_eq!(last.rfc3339(), "9999-12-31T23:59:59.000000005Z");
        let past = Timestamp {
            secs: 253_402_300_800,
            nanos: 0,
        };
        assert_eq!(past.rfc3339(), "@253402300800s+0ns");
        let max = Timestamp {
            secs: u64::MAX,
            nanos: u32::MAX,
        };
        assert_eq!(max.rfc3339(), format!("@{}s+999999999ns", u64::MAX));
    }
}

/// One captured frame.
pub struct Packet<'a> {
    /// 1-based position in the file, as Wireshark numbers frames.
    pub frame: u64,
    pub time: Timestamp,
    pub linktype: Linktype,
    pub data: &'a [u8],
}

/// Why a capture could not be read to its end.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("truncated after frame {frames} (byte {offset}): the last block is incomplete")]
    Truncated { frames: u64, offset: usize },
    #[error("damaged after frame {frames} (byte {offset}): {what}")]
    Corrupt {
        frames: u64,
        offset: usize,
        what: &'static str,
    },
    #[error("not a capture file: {0}")]
    Header(&'static str),
    #[error("read error after frame {frames}: {source}")]
    Io {
        frames: u64,
        #[source]
        source: io::Error,
    },
}

/// An interface of a pcapng section: how to read its packets.
#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: Linktype,
    /// Timestamp units per second.
    resolution: u64,
    offset: i64,
}

/// Reads every packet of `input` into `on_packet`; returns the number of frames.
pub fn read_packets(
    input: &mut dyn Read,
    on_packet: &mut dyn FnMut(Packet<'_>),
) -> Result<u64, CaptureError> {
    let mut input = FullReader {
        inner: input,
        error: None,
    };
    let mut head = [0u8; 4];
    let head_len = input.read(&mut head).unwrap_or(0);
    let is_pcapng = head[..head_len] == [0x0a, 0x0d, 0x0d, 0x0a];
    let mut whole = FullReader {
        inner: &mut io::Cursor::new(&head[..head_len]).chain(&mut input),
        error: None,
    };
    let reader: Result<Box<dyn PcapReaderIterator + '_>, _> = if is_pcapng {
        PcapNGReader::new(BUFFER, &mut whole).map(|r| Box::new(r) as Box<dyn PcapReaderIterator>)
    } else {
        LegacyPcapReader::new(BUFFER, &mut whole).map(|r| Box::new(r) as Box<dyn PcapReaderIterator>)
    };
    let mut reader = reader.map_err(|e| CaptureError::Header(describe(&e)))?;
    let mut walk = Walk::default();
    let result = loop {
        match reader.next() {
            Ok((len, block)) => {
                walk.block(block, on_packet);
                reader.consume(len);
            }
            Err(PcapError::Eof) => break Ok(walk.frames),
            Err(PcapError::Incomplete(_)) => {
                if reader.refill().is_err() {
                    break Err(None);
                }
            }
            Err(PcapError::BufferTooSmall) => {
                let size = reader.data().len().max(BUFFER) * 2;
                if size > MAX_BLOCK || !reader.grow(size) {
                    break Err(Some("a block longer than 16 MiB"));
                }
                if reader.refill().is_err() {
                    break Err(None);
                }
            }
            Err(PcapError::UnexpectedEof) => {
                break Err(Some("truncated"));
            }
            Err(e) => break Err(Some(describe(&e))),
        }
    };
    let offset = reader.consumed();
    drop(reader);
    let error = whole.error.take().or_else(|| input.error.take());
    result.map_err(|what| match (what, error) {
        (_, Some(source)) => CaptureError::Io {
            frames: walk.frames,
            source,
        },
        (Some("truncated") | None, None) => CaptureError::Truncated {
            frames: walk.frames,
            offset,
        },
        (Some(what), None) => CaptureError::Corrupt {
            frames: walk.frames,
            offset,
            what,
        },
    })
}

/// State carried from block to block.
#[derive(Default)]
struct Walk {
    frames: u64,
    /// Legacy pcap: the file's link type and fraction unit.
    legacy: Option<(Linktype, u32)>,
    /// pcapng: the current section's interfaces.
    interfaces: Vec<Interface>,
}

impl Walk {
    fn block(&mut self, block: PcapBlockOwned<'_>, on_packet: &mut dyn FnMut(Packet<'_>)) {
        match block {
            PcapBlockOwned::LegacyHeader(header) => {
                let unit = if header.is_nanosecond_precision() { 1 } else { 1000 };
                self.legacy = Some((header.network, unit));
            }
            PcapBlockOwned::Legacy(packet) => {
                let (linktype, unit) = self.legacy.unwrap_or((Linktype::ETHERNET, 1000));
                self.frames += 1;
                on_packet(Packet {
                    frame: self.frames,
                    time: Timestamp {
                        secs: u64::from(packet.ts_sec),
                        nanos: packet.ts_usec.saturating_mul(unit),
                    },
                    linktype,
                    data: packet.data,
                });
            }
            PcapBlockOwned::NG(Block::SectionHeader(_)) => self.interfaces.clear(),
            PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => self.interfaces.push(Interface {
                linktype: idb.linktype,
                resolution: idb.ts_resolution().unwrap_or(1_000_000),
                offset: idb.ts_offset(),
            }),
            PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                self.frames += 1;
                // A packet naming an interface that was never described cannot be decoded;
                // its frame number is still used so later frames keep Wireshark's numbers.
                let Some(interface) = usize::try_from(epb.if_id)
                    .ok()
                    .and_then(|i| self.interfaces.get(i))
                else {
                    return;
                };
                let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                let resolution = interface.resolution.max(1);
                let fraction = ticks % resolution;
                on_packet(Packet {
                    frame: self.frames,
                    time: Timestamp {
                        secs: (ticks / resolution).saturating_add_signed(interface.offset),
                        nanos: (u128::from(fraction) * 1_000_000_000 / u128::from(resolution)) as u32,
                    },
                    linktype: interface.linktype,
                    data: epb.data,
                });
            }
            PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                self.frames += 1;
                if let Some(interface) = self.interfaces.first() {
                    on_packet(Packet {
                        frame: self.frames,
                        time: Timestamp::default(),
                        linktype: interface.linktype,
                        data: spb.data,
                    });
                }
            }
            PcapBlockOwned::NG(_) => {}
        }
    }
}

/// A description of a parse error that never includes the file's bytes.
fn describe<I>(e: &PcapError<I>) -> &'static str {
    match e {
        PcapError::HeaderNotRecognized => "unrecognised file header",
        PcapError::NomError(..) | PcapError::OwnedNomError(..) => "malformed block",
        PcapError::ReadError => "read error",
        PcapError::Eof | PcapError::UnexpectedEof | PcapError::Incomplete(_) => "truncated",
        PcapError::BufferTooSmall => "a block too large to read",
    }
}

/// Fills every read completely unless the stream ends (pcap-parser reads the
/// file header with a single `read`), and keeps the I/O error pcap-parser would
/// reduce to `ReadError`: after an error the stream reads as ended, so what came
/// before it is still decoded.
struct FullReader<'a> {
    inner: &'a mut dyn Read,
    error: Option<io::Error>,
}

impl Read for FullReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut filled = 0;
        while filled < buf.len() && self.error.is_none() {
            match self.inner.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => self.error = Some(e),
            }
        }
        Ok(filled)
    }
}
