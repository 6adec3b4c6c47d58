//! Transforms: encodings that hide card data from a byte scanner.
//!
//! Two kinds, both pushed through the same detectors as plain text:
//!
//! - **Text encodings** of a whole stream ([`TextEncoding`]: UTF-16, Shift_JIS,
//!   EUC-JP). The text scanner transcodes each read window to UTF-8 and
//!   reports hits at their offsets in the stream's own bytes ([`CharMap`]), with
//!   line and column, as if the file were UTF-8.
//! - **Views** ([`View`]): encoded pieces inside a text or binary stream —
//!   percent-encoding, base64, hex, full-width digits, EBCDIC, packed BCD,
//!   UTF-16 runs in binaries. Each view has a cheap trigger that rejects a
//!   window holding nothing it could decode (most windows of plain text), and
//!   decodes only the pieces that could hold a card number. A hit in a piece
//!   is reported with a provenance layer naming the encoding and where the
//!   piece starts (`app.log!/base64@1234`).
//!
//! Adding an encoding is a new view module and one line in [`views`]; the
//! detectors and reports never change.

mod base64;
mod bcd;
pub mod charmap;
mod ebcdic;
mod fullwidth;
mod hex;
pub mod japanese;
mod percent;
pub mod text_encoding;
pub mod utf16;
mod utf16_runs;

pub use charmap::CharMap;
pub use text_encoding::TextEncoding;

/// A piece of a window decoded by a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Where the encoded bytes sit in the window.
    pub start: usize,
    pub end: usize,
    /// The decoded bytes (may hold card data: never print them).
    pub bytes: Vec<u8>,
    /// For each decoded byte, the window index of the encoded byte it came from.
    pub origin: Vec<u32>,
    /// The encoding was read without the structure that usually carries it
    /// (packed digits with no ISO 8583 or EMV header): random binary holds
    /// such runs too, so hits in the piece are reported as notes.
    pub unframed: bool,
}

impl Decoded {
    /// A decoded piece from `bytes` and the window index each came from.
    fn from_pairs(start: usize, end: usize, pairs: impl IntoIterator<Item = (u8, usize)>) -> Decoded {
        let (bytes, origin) = pairs.into_iter().map(|(b, at)| (b, at as u32)).unzip();
        Decoded {
            start,
            end,
            bytes,
            origin,
            unframed: false,
        }
    }
}

/// An encoding that can hide card data inside a stream's bytes.
pub trait View: Send + Sync {
    /// The encoding's name in provenance (`base64`, `percent`, …).
    fn name(&self) -> &'static str;

    /// Whether the view looks inside text streams, binary streams, or both.
    fn applies_to(&self, binary: bool) -> bool;

    /// Whether the view looks inside memory (process regions, core dumps):
    /// binary streams of every kind of data at once.
    fn applies_to_memory(&self) -> bool {
        true
    }

    /// The lowest value the largest byte of a window must reach for this
    /// view to find anything in it: full-width digits and EBCDIC digits are
    /// written with bytes from EF up, which ASCII text never holds. The
    /// scanner measures each window once and skips such views.
    fn needs_byte_from(&self) -> u8 {
        0
    }

    /// Appends to `out` the decoded pieces of `window` that could hold a card
    /// number, in order of their start. Must be cheap when there are none.
    fn decode(&self, window: &[u8], out: &mut Vec<Decoded>);

    /// Where an encoded run starts that `window` ends inside of and that may
    /// go on in the next read window (a long base64 line). The reader then
    /// carries the run whole into the next window, so that it is decoded from
    /// its start even when this window's part held no trigger.
    fn open_run(&self, _window: &[u8]) -> Option<usize> {
        None
    }
}

/// Every view, in the order they run.
pub fn views() -> &'static [&'static dyn View] {
    &[
        &percent::Percent,
        &base64::Base64,
        &hex::Hex,
        &fullwidth::FullWidth,
        &ebcdic::Ebcdic,
        &utf16_runs::Utf16Runs,
        &bcd::PackedBcd,
    ]
}

/// Fewest digits in a card number: a piece holding fewer is not decoded.
const MIN_PAN_DIGITS: usize = 13;

/// How many bytes of context on each side of an encoded card number a
/// transliterating view (percent, full-width, EBCDIC) decodes along with it,
/// so that context words and expiry dates around it count.
const CONTEXT: usize = 80;

/// One byte of a transliterated region and how many window bytes it took.
type Step = (u8, usize);

/// Where a transliterating view's digits and group separators are, and how
/// many window bytes each takes (`%34`, `４`, `%20`, `－`): the walk along a
/// number is the same for every such view.
struct NumberAlphabet {
    digit_at: fn(&[u8], usize) -> Option<Step>,
    separator_len: fn(&[u8], usize) -> Option<usize>,
}

impl NumberAlphabet {
    /// The number whose walk back stopped at `from` (maybe on separators
    /// before it): where its first digit is, where it ends, and how many
    /// digits it holds.
    fn number_from(&self, window: &[u8], from: usize) -> (usize, usize, usize) {
        let mut at = from;
        while at < window.len() && (self.digit_at)(window, at).is_none() {
            at += 1;
        }
        let start = at;
        let mut digits = 0;
        loop {
            if let Some((_, len)) = (self.digit_at)(window, at) {
                digits += 1;
                at += len;
            } else if let Some(len) =
                (self.separator_len)(window, at).filter(|&len| (self.digit_at)(window, at + len).is_some())
            {
                at += len;
            } else {
                return (start, at, digits);
            }
        }
    }
}

/// Decodes the context region of each cluster (an encoded card number and
/// [`CONTEXT`] bytes on each side) one character at a time with `step`,
/// merging clusters whose regions overlap so that every byte is decoded into
/// one piece only (a number is then found once, not once per neighbour).
fn transliterate(
    window: &[u8],
    clusters: &[(usize, usize)],
    step: impl Fn(&[u8], usize) -> Step,
    out: &mut Vec<Decoded>,
) {
    let mut i = 0;
    while i < clusters.len() {
        let (start, mut end) = clusters[i];
        while i + 1 < clusters.len() && clusters[i + 1].0 <= end + 2 * CONTEXT {
            i += 1;
            end = clusters[i].1;
        }
        i += 1;
        let region_end = (end + CONTEXT).min(window.len());
        let mut at = start.saturating_sub(CONTEXT);
        let mut piece = Decoded {
            start,
            end,
            bytes: Vec::with_capacity(region_end - at),
            origin: Vec::with_capacity(region_end - at),
            unframed: false,
        };
        while at < region_end {
            let (byte, len) = step(window, at);
            piece.bytes.push(byte);
            piece.origin.push(at as u32);
            at += len.max(1);
        }
        out.push(piece);
    }
}
