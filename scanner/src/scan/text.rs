//! Feeding a byte stream to the detectors in overlapping windows and turning
//! hits into findings with line and column.
//!
//! Reads go into one reused buffer per worker thread. Measured on this
//! project's 2-core machine (issue 3): a reused 256 KiB read buffer reads a
//! warm page cache at about 4.7 GB/s, where mapping every file with mmap reached
//! 2.2–2.5 GB/s (page faults) and a fresh buffer per file 1.5 GB/s. A mapping
//! also counts the whole file towards RSS. So every file, small or huge, is read
//! through the reused buffer, and memory stays bounded by its size.

use std::io::{self, Read};

use super::allow::allowance;
use super::category;
use super::executable::is_executable;
use crate::decode::{self, OffsetMap, SourcePosition, SNIFF_LEN};
use crate::detect::{Detector, Hit, Window};
use crate::findings::{
    Finding, GuidelineCategory, LayerKind, Location, Provenance, Redacted, SkipReason, Skipped,
};
use crate::mask::{masked, Fingerprinter};
use crate::rules::{Level, RuleSet};
use crate::simd;
use crate::transform::{self, CharMap, Decoded, TextEncoding};

/// Size of the per-thread read buffer (see the module docs for why).
pub const CHUNK: usize = 256 * 1024;

/// How deep views look inside what other views decoded (percent-encoding
/// inside base64 is depth 2).
const MAX_VIEW_DEPTH: u32 = 3;

/// Where a stream's findings go and how they are labelled.
pub struct StreamLabel<'a> {
    pub provenance: &'a Provenance,
    pub category: GuidelineCategory,
    /// For decoded streams: where each offset came from. Such streams get no
    /// line and column (their lines are not the source's).
    pub origin: Option<&'a dyn OffsetMap>,
}

impl StreamLabel<'_> {
    /// Where stream offset `offset` came from.
    fn locate(&self, offset: u64) -> SourcePosition {
        match self.origin {
            Some(origin) => origin.locate(offset),
            None => SourcePosition {
                offset,
                annotations: Default::default(),
            },
        }
    }
}

/// Where the text scanner puts what it finds in a stream. The worker's
/// sink decodes a container as soon as it is pushed, through the same path as
/// a decoder's [`Piece`](crate::decode::Piece), so nothing waits in a queue
/// that a caller must remember to drain.
pub trait TextSink {
    fn finding(&mut self, finding: Finding);

    /// A decoded piece that holds a container format (base64 of a gzip
    /// stream), found at `provenance`: decode it like any inner stream.
    fn container(&mut self, provenance: &Provenance, category: GuidelineCategory, bytes: &[u8]);

    /// A decoded piece that could not be scanned whole.
    fn skipped(&mut self, skipped: Skipped);
}

/// How a stream's bytes become the text the detectors read, decided from its first window.
#[derive(Debug, Clone, Copy)]
struct StreamMode {
    /// Transcoded to UTF-8 first (UTF-16, Shift_JIS, EUC-JP).
    encoding: Option<TextEncoding>,
    /// Lines and columns are counted (text that is the source's own).
    lines: bool,
    /// Views for binary streams apply (no text encoding and NUL bytes).
    binary: bool,
    category: GuidelineCategory,
    /// Machine code or bytecode: packed BCD read there is a note.
    executable: bool,
}

impl StreamMode {
    fn sniff(head: &[u8], label: &StreamLabel<'_>) -> StreamMode {
        let encoding = TextEncoding::sniff(head);
        let text = encoding.is_some() || looks_like_text(head);
        let category = match label.category {
            GuidelineCategory::Stored => category::memory_image(head).unwrap_or(label.category),
            other => other,
        };
        if category == GuidelineCategory::Processed {
            // Memory (a process's region, a core dump) mixes everything: it
            // is never one text encoding, and the views for binary streams
            // (UTF-16 runs, packed BCD, …) look at every window of it.
            return StreamMode {
                encoding: None,
                lines: false,
                binary: true,
                category,
                executable: false,
            };
        }
        StreamMode {
            encoding,
            lines: text && label.origin.is_none(),
            binary: !text,
            category,
            executable: is_executable(head),
        }
    }
}

/// Whether a stored stream whose first window is `head` is read as its own
/// bytes, not transcoded first: only such a stream's windows lie on the grid
/// that lets it be split into parts (`scan::split`).
pub(super) fn read_untranscoded(head: &[u8]) -> bool {
    let provenance = Provenance::file(String::new());
    let label = StreamLabel {
        provenance: &provenance,
        category: GuidelineCategory::Stored,
        origin: None,
    };
    StreamMode::sniff(head, &label).encoding.is_none()
}

/// One window of a stream, as text for the detectors.
struct TextWindow<'a> {
    window: Window<'a>,
    /// Stream offset of `window.bytes[0]` when the text is the raw bytes.
    base: u64,
    /// For transcoded text: where each text byte came from (stream offsets).
    map: Option<&'a CharMap>,
    /// Text index where the next window's carried-over part starts.
    carry_from: usize,
    /// Stream offset just past the window's raw bytes.
    raw_end: u64,
    /// Line and column at the window's first byte, when counted.
    lines: Option<LineCursor>,
    binary: bool,
    /// Machine code or bytecode (see [`is_executable`]).
    executable: bool,
    /// The stream's text encoding, when it was transcoded.
    encoding: Option<TextEncoding>,
}

impl TextWindow<'_> {
    /// Names the text encoding in a finding from a transcoded stream.
    fn annotate(&self, mut finding: Finding) -> Finding {
        if let Some(encoding) = self.encoding {
            finding
                .annotations
                .insert("encoding".to_string(), encoding.name().into());
        }
        finding
    }

    /// Stream offset of text byte `index`.
    fn stream_offset(&self, index: usize) -> u64 {
        match self.map {
            Some(map) => map.source_offset(index),
            None => self.base + index as u64,
        }
    }
}

/// Scratch that a worker keeps between streams.
pub struct TextScanner<'r> {
    rules: &'r RuleSet,
    fingerprinter: &'r Fingerprinter,
    detector: Detector<'r>,
    buf: Vec<u8>,
    hits: Vec<Hit>,
    transcoded: Vec<u8>,
    map: CharMap,
    /// Stream offset of the earliest encoded run that the window ended
    /// inside of: the next window must start before it.
    straddle: Option<u64>,
}

impl<'r> TextScanner<'r> {
    pub fn new(rules: &'r RuleSet, fingerprinter: &'r Fingerprinter) -> Self {
        TextScanner {
            rules,
            fingerprinter,
            detector: Detector::new(rules),
            buf: Vec::new(),
            hits: Vec::new(),
            transcoded: Vec::new(),
            map: CharMap::default(),
            straddle: None,
        }
    }

    /// Scans `reader` to its end; returns the number of bytes read. Findings
    /// found before a read error are kept in `out`.
    pub fn scan_reader(
        &mut self,
        reader: &mut dyn Read,
        label: &StreamLabel<'_>,
        out: &mut dyn TextSink,
    ) -> io::Result<u64> {
        self.scan_windows(reader, label, None, out).bytes
    }

    /// Scans one part of a stream split for several workers
    /// (`scan::split`): `reader` is positioned at `part.start`, a multiple of
    /// [`CHUNK`], and the windows are the ones a scan of the whole stream
    /// makes there, so each hit is decided by exactly one part. `head` is the
    /// stream's first window, which decides how its bytes are read. Lines
    /// and columns of its findings are relative to the part's start
    /// ([`RELATIVE_LINE`]).
    pub(super) fn scan_part(
        &mut self,
        reader: &mut dyn Read,
        head: &[u8],
        part: &PartWindows<'_>,
        label: &StreamLabel<'_>,
        out: &mut dyn TextSink,
    ) -> WindowsRead {
        let mode = StreamMode::sniff(head, label);
        self.scan_windows(reader, label, Some((part, mode)), out)
    }

    /// The windows of a whole stream, or of one part of it.
    fn scan_windows(
        &mut self,
        reader: &mut dyn Read,
        label: &StreamLabel<'_>,
        part: Option<(&PartWindows<'_>, StreamMode)>,
        out: &mut dyn TextSink,
    ) -> WindowsRead {
        let overlap = self.detector.overlap();
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(CHUNK + overlap, 0);
        let mut carried = 0;
        let mut base = 0u64;
        let mut lines = LineCursor::start();
        let mut mode = None;
        // Where this part stops (the end of a window on the grid), and the
        // stops of the parts after it, should it have to go on into them.
        let mut stops: &[u64] = &[];
        let mut covers = 0u32;
        if let Some((part, part_mode)) = part {
            mode = Some(part_mode);
            stops = part.stops;
            base = part.start;
            lines = LineCursor::relative();
            if base > 0 {
                // The first window carries the overlap, as after the window before it.
                let (read, status) = fill(reader, &mut buf[..overlap]);
                if let Err(e) = status {
                    self.buf = buf;
                    return WindowsRead {
                        bytes: Err(e),
                        lines: None,
                        covers,
                    };
                }
                carried = read;
            }
        }
        let result = loop {
            // Plain text is read on a fixed grid: every window but the first
            // starts at a multiple of CHUNK, and one that starts off it (a
            // run carried whole) ends where the grid's window would, so that
            // a part of the stream begins with the same window as the whole.
            let want = match mode {
                Some(StreamMode { encoding: None, .. }) => {
                    let grid_end = grid_end(base + carried as u64, overlap);
                    usize::try_from(grid_end - base).map_or(buf.len(), |w| w.min(buf.len()))
                }
                _ => buf.len(),
            };
            let (filled, status) = fill(reader, &mut buf[carried..want]);
            let status = status.map(|()| carried + filled < want);
            let len = carried + filled;
            // A read error ends the stream here: what was read before it is still scanned.
            let eof = !matches!(status, Ok(false));
            let mode: StreamMode = *mode.get_or_insert_with(|| StreamMode::sniff(&buf[..len], label));
            let label = &StreamLabel {
                category: mode.category,
                ..*label
            };
            // Transcoded text takes up to twice the bytes: carry twice as many.
            let keep = (overlap * mode.encoding.map_or(1, TextEncoding::expansion)).min(len);
            let next_base = if eof { len } else { len - keep };
            let window = Window {
                bytes: &buf[..len],
                fresh_from: carried,
                starts_stream: base == 0,
                ends_stream: eof,
            };
            self.straddle = None;
            let mut text_before_next = match mode.encoding {
                None => {
                    let text = TextWindow {
                        window,
                        base,
                        map: None,
                        carry_from: next_base,
                        raw_end: base + len as u64,
                        lines: mode.lines.then_some(lines),
                        binary: mode.binary,
                        executable: mode.executable,
                        encoding: None,
                    };
                    self.scan_text(&text, label, out);
                    next_base
                }
                Some(encoding) => {
                    self.scan_transcoded(encoding, &window, base, next_base, mode, lines, label, out)
                }
            };
            // Carry an encoded run the window ended inside of whole, with a
            // byte before it so that it does not look cut at the start.
            let (keep, next_base) = match self.straddle {
                Some(at) if !eof => {
                    let from = usize::try_from(at.saturating_sub(base))
                        .unwrap_or(0)
                        .saturating_sub(1);
                    let from = from.min(next_base);
                    if mode.encoding.is_some() {
                        text_before_next = self
                            .map
                            .output_offset(from.saturating_sub(mode.encoding.map_or(0, |e| e.align(base))));
                    } else {
                        text_before_next = from;
                    }
                    (len - from, from)
                }
                _ => (keep, next_base),
            };
            if eof {
                break status.map(|_| base + len as u64);
            }
            if mode.lines {
                match mode.encoding {
                    None => lines.advance(&buf[..next_base]),
                    Some(_) => lines.advance(&self.transcoded[..text_before_next]),
                }
            }
            if let Some((&stop, later)) = stops.split_first() {
                if base + len as u64 == stop {
                    if self.straddle.is_none() {
                        break Ok(base + next_base as u64);
                    }
                    // A run is carried into the next part's first window:
                    // the next window here differs from the one that part
                    // starts with, so this part scans that one's bytes too.
                    stops = later;
                    covers += 1;
                }
            }
            buf.copy_within(next_base..len, 0);
            base += next_base as u64;
            carried = keep;
        };
        self.buf = buf;
        WindowsRead {
            bytes: result,
            lines: mode.is_some_and(|m| m.lines).then_some(lines.since_relative()),
            covers,
        }
    }

    /// Transcodes one window and scans it; returns the length of the text
    /// before the next window's carried-over part.
    #[allow(clippy::too_many_arguments)]
    fn scan_transcoded(
        &mut self,
        encoding: TextEncoding,
        raw: &Window<'_>,
        base: u64,
        next_base: usize,
        mode: StreamMode,
        lines: LineCursor,
        label: &StreamLabel<'_>,
        out: &mut dyn TextSink,
    ) -> usize {
        let skip = encoding.align(base).min(raw.bytes.len());
        let mut text = std::mem::take(&mut self.transcoded);
        let mut map = std::mem::take(&mut self.map);
        encoding.transcode(&raw.bytes[skip..], &mut text, &mut map);
        map.set_base(base + skip as u64);
        let text_index = |raw_index: usize| map.output_offset(raw_index.saturating_sub(skip));
        let carry_from = text_index(next_base);
        let window = TextWindow {
            window: Window {
                bytes: &text,
                fresh_from: text_index(raw.fresh_from),
                starts_stream: raw.starts_stream,
                ends_stream: raw.ends_stream,
            },
            base,
            map: Some(&map),
            carry_from,
            raw_end: base + raw.bytes.len() as u64,
            lines: mode.lines.then_some(lines),
            binary: false,
            executable: false,
            encoding: Some(encoding),
        };
        self.scan_text(&window, label, out);
        if encoding.scan_raw_too() {
            // Only the detectors: the text scan above already ran the views.
            let raw_text = TextWindow {
                window: *raw,
                base,
                map: None,
                carry_from: next_base,
                raw_end: base + raw.bytes.len() as u64,
                lines: None,
                binary: true,
                executable: false,
                encoding: None,
            };
            self.scan_window(&raw_text, label, out);
        }
        self.transcoded = text;
        self.map = map;
        carry_from
    }

    /// Scans bytes that are all in memory already.
    pub fn scan_bytes(&mut self, bytes: &[u8], label: &StreamLabel<'_>, out: &mut dyn TextSink) {
        let is_text = looks_like_text(bytes);
        let text = TextWindow {
            window: Window::whole(bytes),
            base: 0,
            map: None,
            carry_from: bytes.len(),
            raw_end: bytes.len() as u64,
            lines: (label.origin.is_none() && is_text).then_some(LineCursor::start()),
            binary: !is_text,
            executable: is_executable(bytes),
            encoding: None,
        };
        self.scan_text(&text, label, out);
    }

    /// The detectors, then the views, over one window of text.
    fn scan_text(&mut self, text: &TextWindow<'_>, label: &StreamLabel<'_>, out: &mut dyn TextSink) {
        self.scan_window(text, label, out);
        self.scan_views(text, label, out);
    }

    fn scan_window(&mut self, text: &TextWindow<'_>, label: &StreamLabel<'_>, out: &mut dyn TextSink) {
        let window = &text.window;
        self.hits.clear();
        self.detector.scan(window, &mut self.hits);
        let mut cursor = text.lines.map(|l| (l, 0usize));
        for hit in &self.hits {
            let (line, column) = match cursor.as_mut() {
                Some((at_base, pos)) => {
                    // Hits are sorted, so one cursor walks the window once.
                    let mut here = *at_base;
                    here.advance(&window.bytes[*pos..hit.start]);
                    *at_base = here;
                    *pos = hit.start;
                    (Some(here.line), Some(here.column))
                }
                None => (None, None),
            };
            let source = label.locate(text.stream_offset(hit.start));
            let mut finding = self.finding(hit, label, label.provenance.clone(), source, line, column);
            // Allow comments apply to the source's own lines, not to bytes an
            // encoding was decoded from.
            if label.origin.is_none() {
                let line = line_around(window.bytes, hit.start, hit.end);
                finding.suppression = allowance(line, &finding.rule_id);
            }
            out.finding(text.annotate(finding));
        }
    }

    fn finding(
        &self,
        hit: &Hit,
        label: &StreamLabel<'_>,
        provenance: Provenance,
        source: SourcePosition,
        line: Option<u64>,
        column: Option<u64>,
    ) -> Finding {
        let meta = &self.rules.rules[hit.rule].meta;
        Finding {
            rule_id: meta.id.clone(),
            level: if hit.weak {
                meta.level.min(Level::Note)
            } else {
                meta.level
            },
            brand: hit.brand.as_deref().map(str::to_string),
            masked: masked(&hit.value).into(),
            fingerprint: self.fingerprinter.fingerprint(&meta.id, &hit.value),
            category: label.category,
            provenance,
            location: Location {
                offset: source.offset,
                line,
                column,
            },
            confidence: (hit.confidence * 100.0).round() / 100.0,
            expiry_nearby: hit.expiry_nearby,
            annotations: source
                .annotations
                .into_iter()
                .map(|(k, v)| (k, v.into()))
                .collect(),
            baseline_state: None,
            suppression: None,
            evidence: hit.evidence.iter().map(Redacted::from).collect(),
        }
    }

    /// Runs every view over one window of text and scans what they decode.
    fn scan_views(&mut self, text: &TextWindow<'_>, label: &StreamLabel<'_>, out: &mut dyn TextSink) {
        let window = &text.window;
        let mut decoded = Vec::new();
        for view in views_for(window.bytes, text.binary, label) {
            if !window.ends_stream {
                if let Some(start) = view
                    .open_run(window.bytes)
                    .filter(|&s| s > 0 && s < text.carry_from)
                {
                    self.carry_whole(text.stream_offset(start), text.raw_end);
                }
            }
            decoded.clear();
            view.decode(window.bytes, &mut decoded);
            for piece in &decoded {
                // Touching the window's start, it may be the tail of a piece
                // the previous window saw whole.
                if piece.start == 0 && !window.starts_stream {
                    continue;
                }
                let at = label.locate(text.stream_offset(piece.start)).offset;
                let provenance = label
                    .provenance
                    .child(LayerKind::Decoded, format!("{}@{at}", view.name()));
                let cut_at_end = piece.end == window.bytes.len() && !window.ends_stream;
                if cut_at_end && piece.start < text.carry_from {
                    // The next window would not see its start: carry it whole
                    // into the next window, up to half a window.
                    if !self.carry_whole(text.stream_offset(piece.start), text.raw_end) {
                        out.skipped(Skipped {
                            provenance: provenance.clone(),
                            reason: SkipReason::TooLarge,
                            detail: format!(
                                "{} piece longer than half the {CHUNK}-byte read window: only its first {} bytes were decoded",
                                view.name(),
                                piece.end - piece.start
                            )
                            .into(),
                        });
                    }
                }
                let to_window = |i: usize| piece.origin.get(i).map_or(piece.start, |&o| o as usize);
                self.scan_piece(piece, &to_window, &provenance, text, label, 1, out);
            }
        }
    }

    /// Asks the reader to start the next window just before stream offset
    /// `at`, when what follows it up to `raw_end` fits in half a window.
    fn carry_whole(&mut self, at: u64, raw_end: u64) -> bool {
        let fits = raw_end - at < (CHUNK / 2) as u64;
        if fits {
            self.straddle = Some(self.straddle.map_or(at, |s| s.min(at)));
        }
        fits
    }

    /// Scans one decoded piece: a container goes to the sink; otherwise its
    /// hits that the window's own scan did not already report become findings,
    /// and views look inside it in turn. `to_window` maps a piece index to
    /// the window index of the encoded byte it came from.
    #[allow(clippy::too_many_arguments)]
    fn scan_piece(
        &mut self,
        piece: &Decoded,
        to_window: &dyn Fn(usize) -> usize,
        provenance: &Provenance,
        text: &TextWindow<'_>,
        label: &StreamLabel<'_>,
        depth: u32,
        out: &mut dyn TextSink,
    ) {
        let bytes = &piece.bytes;
        if decode::sniff(&bytes[..bytes.len().min(SNIFF_LEN)]).is_some() {
            out.container(provenance, label.category, bytes);
            return;
        }
        let mut hits = Vec::new();
        self.detector.scan(&Window::whole(bytes), &mut hits);
        for hit in &hits {
            let at = to_window(hit.start);
            let at_end = to_window(hit.end.saturating_sub(1)) + 1;
            // Decided once across overlapping windows, like the window's own hits.
            if !text.window.decides(at, at_end, self.detector.lookahead()) {
                continue;
            }
            // The window's own scan found this number there already.
            if self
                .hits
                .iter()
                .any(|h| h.rule == hit.rule && h.start < at_end && at < h.end)
            {
                continue;
            }
            let (line, column) = match text.lines {
                Some(mut cursor) => {
                    cursor.advance(&text.window.bytes[..at.min(text.window.bytes.len())]);
                    (Some(cursor.line), Some(cursor.column))
                }
                None => (None, None),
            };
            let source = label.locate(text.stream_offset(at));
            let mut finding = self.finding(hit, label, provenance.clone(), source, line, column);
            let encoding = provenance.layers.last().and_then(|l| l.name.split('@').next());
            finding
                .evidence
                .push(format!("encoding:{}", encoding.unwrap_or("?")).into());
            // In a binary stream, an encoding read by chance (EBCDIC, hex or
            // base64 of random bytes) needs card evidence inside the decoded
            // record; packed BCD needs its ISO 8583 or EMV framing.
            let card_evidence = finding
                .evidence
                .iter()
                .any(|e| e.starts_with("keyword") || e == "expiry_nearby" || e == "track_format");
            let needs_framing = text.binary && matches!(encoding, Some("ebcdic" | "hex" | "base64"));
            let bcd_in_code = text.executable && encoding == Some("bcd");
            if piece.unframed || bcd_in_code || (needs_framing && !card_evidence) {
                finding.level = finding.level.min(Level::Note);
                finding.confidence = finding.confidence.min(0.3);
                let why = if bcd_in_code && !piece.unframed {
                    "in_executable"
                } else {
                    "unframed"
                };
                finding.evidence.push(why.into());
            }
            out.finding(text.annotate(finding));
        }
        if depth >= MAX_VIEW_DEPTH {
            return;
        }
        let binary = !looks_like_text(bytes);
        let mut inner = Vec::new();
        for view in views_for(bytes, binary, label) {
            inner.clear();
            view.decode(bytes, &mut inner);
            for nested in &inner {
                let child = provenance.child(LayerKind::Decoded, format!("{}@{}", view.name(), nested.start));
                let nested_to_window =
                    |i: usize| to_window(nested.origin.get(i).map_or(nested.start, |&o| o as usize));
                self.scan_piece(nested, &nested_to_window, &child, text, label, depth + 1, out);
            }
        }
    }
}

/// The views that can find something in `bytes`: those for its kind (text
/// or binary, memory or not) whose bytes it can hold at all.
fn views_for(
    bytes: &[u8],
    binary: bool,
    label: &StreamLabel<'_>,
) -> impl Iterator<Item = &'static dyn transform::View> {
    let memory = label.category == GuidelineCategory::Processed;
    let max_byte = simd::max_byte(bytes);
    transform::views().iter().copied().filter(move |v| {
        v.applies_to(binary) && (!memory || v.applies_to_memory()) && max_byte >= v.needs_byte_from()
    })
}

/// The bytes of the line holding `start..end`, as far as the window shows it.
fn line_around(bytes: &[u8], start: usize, end: usize) -> &[u8] {
    let end = end.min(bytes.len());
    let start = start.min(end);
    let from = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let to = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    &bytes[from..to]
}

/// Reads until `buf` is full, the stream ends or a read fails; returns what
/// was read in every case, and the error that stopped it after those bytes.
/// Fewer bytes than `buf` holds without an error means the stream ended.
pub(crate) fn fill(reader: &mut dyn Read, buf: &mut [u8]) -> (usize, io::Result<()>) {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (filled, Err(e)),
        }
    }
    (filled, Ok(()))
}

/// Text has no NUL bytes near its start (the heuristic of grep and git).
pub fn looks_like_text(head: &[u8]) -> bool {
    !head[..head.len().min(8192)].contains(&0)
}

/// The window end on the grid of a plain stream's windows
/// ([`TextScanner::scan_windows`]) that comes next after stream offset `at`:
/// the smallest `k * CHUNK + overlap` past it, `k` at least 1.
fn grid_end(at: u64, overlap: usize) -> u64 {
    let (chunk, overlap) = (CHUNK as u64, overlap as u64);
    let k = at.checked_sub(overlap).map_or(1, |past| past / chunk + 1);
    k * chunk + overlap
}

/// Marks a line number counted from the start of a part of a stream, not
/// from the stream's start: the findings collector adds the lines of the
/// parts before it (`scan::collect`). No stream has 2^63 lines.
pub(super) const RELATIVE_LINE: u64 = 1 << 63;

/// The lines a part of a stream holds, for the parts after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineDelta {
    pub(super) newlines: u64,
    /// Column (1-based) at the part's end, counted from its last line start
    /// or, when it holds no newline, from the part's start.
    pub(super) column: u64,
}

/// Where a part of a plain stream starts and where its windows stop.
pub(super) struct PartWindows<'a> {
    /// A multiple of [`CHUNK`].
    pub(super) start: u64,
    /// Stream offsets where the part stops, then where each part after it
    /// stops (each the end of a window on the grid, its next part's start
    /// plus the overlap); past the last, it reads to the end of the stream.
    pub(super) stops: &'a [u64],
}

/// What [`TextScanner::scan_part`] read.
pub(super) struct WindowsRead {
    /// Bytes of the stream read up to where the part ended, or the error that stopped it.
    pub(super) bytes: io::Result<u64>,
    /// The lines counted, when they are.
    pub(super) lines: Option<LineDelta>,
    /// Parts after this one that it scanned too (a run carried into them).
    pub(super) covers: u32,
}

/// Line and column (1-based, in Unicode code points) at some byte position.
#[derive(Debug, Clone, Copy)]
struct LineCursor {
    line: u64,
    column: u64,
}

impl LineCursor {
    fn start() -> Self {
        LineCursor { line: 1, column: 1 }
    }

    /// The start of a part of a stream, whose line number is not known yet.
    fn relative() -> Self {
        LineCursor {
            line: RELATIVE_LINE | 1,
            column: 1,
        }
    }

    /// How far a cursor started [`LineCursor::relative`] has moved.
    fn since_relative(self) -> LineDelta {
        LineDelta {
            newlines: (self.line & !RELATIVE_LINE).saturating_sub(1),
            column: self.column,
        }
    }

    /// Moves the cursor over `bytes`.
    fn advance(&mut self, bytes: &[u8]) {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
                self.column = 1 + code_points(&bytes[last + 1..]);
            }
            None => self.column += code_points(bytes),
        }
    }
}

/// UTF-8 code points in `bytes` (continuation bytes are not counted).
fn code_points(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}
