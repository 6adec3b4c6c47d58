//! HTTP/1.x on a reassembled TCP direction: the messages one after another
//! (httparse for the request/status line and headers), and the parts whose
//! bytes on the wire hide what they carry — chunked and compressed bodies,
//! percent-encoded form bodies and query strings, JSON with escapes —
//! decoded so the detectors see the text.
//!
//! Parts that are already plain on the wire are left to the raw stream scan,
//! so that one value is reported once. Parsing stops at the first bytes that
//! are not HTTP; whatever follows is covered by the raw scan.

use std::io::Read;
use std::ops::Range;

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use httparse::Status;

use crate::position::{OffsetMap, SourcePosition};

/// Headers read per message; more is not HTTP any client sends.
const MAX_HEADERS: usize = 96;

/// A part of the stream decoded into the text it carries.
#[derive(Debug)]
pub struct DecodedPart {
    /// Layer name: `http-body` or `http-query`.
    pub name: &'static str,
    /// The view bytes it was decoded from (the raw scan leaves them out).
    pub raw: Range<usize>,
    pub bytes: Vec<u8>,
    pub map: PartMap,
    /// Why the part is incomplete (decoding failed part-way or hit the limit).
    pub incomplete: Option<String>,
}

/// Decoded offsets → view offsets, one step per decoding applied.
#[derive(Debug, Default)]
pub struct PartMap {
    /// Applied last first.
    steps: Vec<Step>,
}

/// One decoding's offsets: `(decoded, source)` points where runs start.
#[derive(Debug)]
struct Step {
    points: Vec<(u64, u64)>,
    /// Byte for byte within a run (dechunking, percent-decoding); otherwise
    /// every offset maps to its run's start (decompression).
    linear: bool,
}

impl PartMap {
    /// The view offset a decoded offset came from.
    pub fn view_offset(&self, decoded: u64) -> u64 {
        self.steps.iter().rev().fold(decoded, |at, step| {
            let i = step.points.partition_point(|p| p.0 <= at);
            match i.checked_sub(1).and_then(|i| step.points.get(i)) {
                Some(&(from, to)) if step.linear => to + (at - from),
                Some(&(_, to)) => to,
                None => at,
            }
        })
    }
}

/// A decoded part's positions: the decoded offset, with the frame and
/// timestamp of the raw bytes it came from.
pub struct PartOrigin<'a> {
    pub part: &'a PartMap,
    pub stream: &'a dyn OffsetMap,
}

impl OffsetMap for PartOrigin<'_> {
    fn locate(&self, offset: u64) -> SourcePosition {
        SourcePosition {
            offset,
            annotations: self.stream.locate(self.part.view_offset(offset)).annotations,
        }
    }
}

/// True when `view` starts like an HTTP/1.x request or response.
pub fn looks_like_http(view: &[u8]) -> bool {
    const STARTS: [&[u8]; 10] = [
        b"HTTP/1.",
        b"GET ",
        b"POST ",
        b"PUT ",
        b"PATCH ",
        b"DELETE ",
        b"HEAD ",
        b"OPTIONS ",
        b"CONNECT ",
        b"TRACE ",
    ];
    STARTS.iter().any(|s| view.starts_with(s))
}

/// Decodes every HTTP message in `view` (one direction of a flow) and
/// returns the parts that need decoding. `limit` bounds one decoded part.
pub fn decode_messages(view: &[u8], limit: usize) -> Vec<DecodedPart> {
    let mut parts = Vec::new();
    let mut at = 0;
    while at < view.len() && looks_like_http(&view[at..]) {
        match message(view, at, limit, &mut parts) {
            Some(next) if next > at => at = next,
            _ => break,
        }
    }
    parts
}

/// How a message's body is framed and encoded.
#[derive(Debug, Default)]
struct Framing {
    chunked: bool,
    content_length: Option<usize>,
    /// `gzip`, `deflate`, or another coding this decoder does not read.
    encoding: Option<String>,
    form: bool,
    json: bool,
    /// A response body runs to the end of the connection when not framed.
    until_close: bool,
    no_body: bool,
}

impl Framing {
    fn from_headers(headers: &[httparse::Header<'_>]) -> Self {
        let mut f = Framing::default();
        for h in headers {
            let value = String::from_utf8_lossy(h.value).trim().to_ascii_lowercase();
            if h.name.eq_ignore_ascii_case("transfer-encoding") {
                f.chunked = value.rsplit(',').next().is_some_and(|c| c.trim() == "chunked");
            } else if h.name.eq_ignore_ascii_case("content-length") {
                f.content_length = value.parse().ok();
            } else if h.name.eq_ignore_ascii_case("content-encoding") && value != "identity" {
                f.encoding = Some(value);
            } else if h.name.eq_ignore_ascii_case("content-type") {
                f.form = value.starts_with("application/x-www-form-urlencoded");
                f.json = value.contains("json");
            }
        }
        f
    }
}

/// Reads one message starting at `at`; returns where the next one starts.
fn message(view: &[u8], at: usize, limit: usize, parts: &mut Vec<DecodedPart>) -> Option<usize> {
    let bytes = &view[at..];
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let (head_len, framing) = if bytes.starts_with(b"HTTP/") {
        let mut response = httparse::Response::new(&mut headers);
        let Ok(Status::Complete(len)) = response.parse(bytes) else {
            return None;
        };
        let mut framing = Framing::from_headers(response.headers);
        let code = response.code.unwrap_or(0);
        framing.no_body = (100..200).contains(&code) || code == 204 || code == 304;
        framing.until_close = true;
        (len, framing)
    } else {
        let mut request = httparse::Request::new(&mut headers);
        let Ok(Status::Complete(len)) = request.parse(bytes) else {
            return None;
        };
        if let Some(path) = request.path {
            query_part(view, path, limit, parts);
        }
        (len, Framing::from_headers(request.headers))
    };
    let start = at + head_len;
    if framing.no_body {
        return Some(start);
    }
    let (body, end, map) = if framing.chunked {
        let (body, end, points) = dechunk(view, start, limit);
        (body, end, Step { points, linear: true })
    } else {
        let end = match framing.content_length {
            Some(len) => start.saturating_add(len).min(view.len()),
            None if framing.until_close => view.len(),
            None => start,
        };
        let body = view[start..end].to_vec();
        (
            body,
            end,
            Step {
                points: vec![(0, start as u64)],
                linear: true,
            },
        )
    };
    if end > start {
        if let Some(part) = body_part(body, map, &framing, limit) {
            parts.push(DecodedPart {
                raw: start..end,
                ..part
            });
        }
    }
    Some(end)
}

/// The body decoded as its headers say, if that changes its bytes.
fn body_part(body: Vec<u8>, first: Step, framing: &Framing, limit: usize) -> Option<DecodedPart> {
    let mut map = PartMap { steps: vec![first] };
    let mut changed = framing.chunked;
    let mut incomplete = None;
    let mut body = body;
    if let Some(coding) = &framing.encoding {
        match inflate(&body, coding, limit) {
            Some((inflated, problem)) => {
                body = inflated;
                incomplete = problem;
                changed = true;
                map.steps.push(Step {
                    points: vec![(0, 0)],
                    linear: false,
                });
            }
            None => {
                incomplete = Some(format!(
                    "content-encoding {coding} is not decoded; its bytes were scanned raw"
                ));
            }
        }
    }
    if framing.form && has_escapes(&body) {
        let (decoded, points) = percent_decode(&body);
        body = decoded;
        changed = true;
        map.steps.push(Step { points, linear: true });
    } else if framing.json && body.contains(&b'\\') {
        if let Some(text) = json_text(&body) {
            body = text;
            changed = true;
            map.steps.push(Step {
                points: vec![(0, 0)],
                linear: false,
            });
        }
    }
    (changed || incomplete.is_some()).then_some(DecodedPart {
        name: "http-body",
        raw: 0..0,
        bytes: if changed { body } else { Vec::new() },
        map,
        incomplete,
    })
}

/// A percent-encoded query string, decoded.
fn query_part(view: &[u8], path: &str, limit: usize, parts: &mut Vec<DecodedPart>) {
    let Some(q) = path.find('?') else {
        return;
    };
    let query = &path.as_bytes()[q + 1..];
    if !has_escapes(query) || query.len() > limit {
        return;
    }
    // `path` borrows from `view`: its position is the pointer difference.
    let start = query.as_ptr() as usize - view.as_ptr() as usize;
    let (bytes, mut points) = percent_decode(query);
    for p in &mut points {
        p.1 += start as u64;
    }
    parts.push(DecodedPart {
        name: "http-query",
        raw: start..start + query.len(),
        bytes,
        map: PartMap {
            steps: vec![Step { points, linear: true }],
        },
        incomplete: None,
    });
}

/// The chunked body starting at `start`: its data, where it ends, and where
/// each chunk's data sits in the view. An incomplete body ends at the view's end.
fn dechunk(view: &[u8], start: usize, limit: usize) -> (Vec<u8>, usize, Vec<(u64, u64)>) {
    let mut body = Vec::new();
    let mut points = Vec::new();
    let mut at = start;
    loop {
        let Ok(Status::Complete((size_len, size))) = httparse::parse_chunk_size(&view[at..]) else {
            return (body, view.len(), points);
        };
        let data = at + size_len;
        if size == 0 {
            // Trailer fields end with an empty line.
            let rest = &view[data..];
            let end = if rest.starts_with(b"\r\n") {
                data + 2
            } else {
                memchr::memmem::find(rest, b"\r\n\r\n").map_or(view.len(), |i| data + i + 4)
            };
            return (body, end, points);
        }
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| data.checked_add(s))
            .unwrap_or(usize::MAX)
            .min(view.len());
        if body.len() < limit {
            points.push((body.len() as u64, data as u64));
            let take = (end - data).min(limit - body.len());
            body.extend_from_slice(&view[data..data + take]);
        }
        at = end;
        if view[at..].starts_with(b"\r\n") {
            at += 2;
        }
        if at >= view.len() {
            return (body, view.len(), points);
        }
    }
}

/// Decompresses a body; `None` for a coding this decoder does not read.
/// The problem, if decompression stopped early, comes with what was decoded.
fn inflate(body: &[u8], coding: &str, limit: usize) -> Option<(Vec<u8>, Option<String>)> {
    let mut out = Vec::new();
    let result = match coding {
        "gzip" | "x-gzip" => read_limited(MultiGzDecoder::new(body), limit, &mut out),
        // "deflate" is meant as zlib (RFC 9110) but some servers send raw deflate.
        "deflate" => match read_limited(ZlibDecoder::new(body), limit, &mut out) {
            Err(_) if out.is_empty() => read_limited(DeflateDecoder::new(body), limit, &mut out),
            other => other,
        },
        _ => return None,
    };
    let problem = match result {
        Ok(true) => Some(format!(
            "decoded body over the {limit}-byte limit; the rest was not scanned"
        )),
        Ok(false) => None,
        Err(e) => Some(format!(
            "{coding} body damaged after {} decoded bytes: {e}",
            out.len()
        )),
    };
    Some((out, problem))
}

/// Reads at most `limit` bytes into `out`; true when there was more.
fn read_limited(reader: impl Read, limit: usize, out: &mut Vec<u8>) -> std::io::Result<bool> {
    out.clear();
    reader.take(limit as u64 + 1).read_to_end(out)?;
    let over = out.len() > limit;
    out.truncate(limit);
    Ok(over)
}

/// True when percent-decoding would change what the detectors see: an
/// escape other than `%20`, which they read as a separator already.
fn has_escapes(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'%', bytes).any(|i| {
        let hex = bytes.get(i + 1..i + 3);
        hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit) && h != b"20")
    })
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space). Written
/// here rather than taken from a crate because the offsets must be kept:
/// returns the points where each run of decoded bytes starts in the source.
fn percent_decode(bytes: &[u8]) -> (Vec<u8>, Vec<(u64, u64)>) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut points = vec![(0, 0)];
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
                points.push((out.len() as u64, i as u64));
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    (out, points)
}

/// A JSON document as `key: value` lines, escapes resolved, so that a value
/// written as `"\u0034\u0035…"` reads as digits next to its key.
fn json_text(body: &[u8]) -> Option<Vec<u8>> {
    fn walk(key: &str, value: &serde_json::Value, out: &mut Vec<u8>) {
        use serde_json::Value;
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(k, v, out)),
            Value::Array(items) => items.iter().for_each(|v| walk(key, v, out)),
            Value::String(s) => out.extend_from_slice(format!("{key}: {s}\n").as_bytes()),
            Value::Number(n) => out.extend_from_slice(format!("{key}: {n}\n").as_bytes()),
            Value::Bool(_) | Value::Null => {}
        }
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut out = Vec::new();
    walk("", &value, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_data_maps_back_to_its_bytes() {
        let view = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n";
        let parts = decode_messages(view, 1 << 20);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].bytes, b"abcdefg");
        assert_eq!(parts[0].raw.end, view.len());
        let e = parts[0].map.view_offset(4) as usize;
        assert_eq!(view[e], b'e');
    }

    #[test]
    fn plain_bodies_are_left_to_the_raw_scan() {
        let view = b"POST /pay HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\ncard=1234GET / HTTP/1.1\r\n\r\n";
        assert!(decode_messages(view, 1 << 20).is_empty());
    }

    #[test]
    fn percent_encoded_digits_are_decoded_in_forms_and_queries() {
        let view = b"GET /x?n=%34%35 HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 8\r\n\r\nn=%34%35";
        let parts = decode_messages(view, 1 << 20);
        let texts: Vec<_> = parts.iter().map(|p| (p.name, p.bytes.as_slice())).collect();
        assert_eq!(
            texts,
            vec![("http-query", &b"n=45"[..]), ("http-body", &b"n=45"[..])]
        );
        let five = parts[0].map.view_offset(3) as usize;
        assert_eq!(&view[five..five + 3], b"%35");
    }

    #[test]
    fn json_escapes_are_resolved() {
        let body = br#"{"card":"\u0034\u0035"}"#;
        assert_eq!(json_text(body).unwrap(), b"card: 45\n");
    }
}
