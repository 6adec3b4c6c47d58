//! Finding the runs of digit groups worth parsing, in wide blocks.
//!
//! Logs are full of numbers: timestamps, ids, sizes, addresses (about 35
//! million runs of six or more bytes in the 1 GB corpus of issue 3). Parsing
//! each one byte by byte was half the scan time, and even visiting each one
//! to look at its length cost a third. So the choice of runs is made with
//! bit arithmetic on 64-bit words of SIMD-built masks: which bytes are
//! digits, which separators join two digits into one run (`4526 0181`,
//! `4526%200181`), how long each run is, whether it holds a separator or
//! starts with a digit a card number can start with (2–9: Troy starts with 9), and whether a
//! mask character follows it. Only these runs come out:
//!
//! - 13 or more bytes, holding a separator or starting with 2–9;
//! - 15 or more bytes starting with 1 (UATP's 15-digit numbers: the 13-digit
//!   millisecond timestamps that fill logs stay out);
//! - 6 or more bytes followed by a mask character, maybe after one
//!   separator (the visible digits of `452601******3012`, `4526 01** …`).
//!
//! The detector then checks each one exactly; this only has to never drop a
//! run it would accept, which a property test checks against a byte-by-byte
//! reference.

/// Masks and candidate runs of one window: bit `i` of word `k` describes byte `64 * k + i`.
#[derive(Debug)]
pub struct RunMasks {
    /// ASCII mask characters, padded by repeating one (or with a non-ASCII
    /// byte, which is a mask lead anyway).
    mask_chars: [u8; 4],
    /// The rules have more ASCII mask characters than the classifier
    /// compares with: any byte may then start a mask.
    any_byte_may_mask: bool,
    /// The classes of a few KiB of the window, between classifying and using them.
    piece: PieceClasses,
    found: Found,
}

/// A run of digits and joining separators that may hold card data.
#[derive(Debug, Clone, Copy)]
pub struct Run<'m> {
    pub start: usize,
    pub end: usize,
    bytes: &'m [u8],
    /// The window's digit masks, a word per 64 bytes.
    digit: &'m [u64],
}

impl Run<'_> {
    /// Digits in the run (counting the `2` and `0` of a `%20`: an upper
    /// bound), counted on the digit masks: one popcount per 64 bytes instead
    /// of a test per byte, for every candidate run of a number-dense text.
    pub fn digits(&self) -> usize {
        self.words()
            .map(|(k, in_run)| (self.digit[k] & in_run).count_ones() as usize)
            .sum()
    }

    /// The run is one group of digits (no separator): the same as
    /// `digits() == end - start`, without counting.
    pub fn is_one_group(&self) -> bool {
        self.words().all(|(k, in_run)| self.digit[k] & in_run == in_run)
    }

    /// The mask words the run covers, each with the run's bits in it.
    fn words(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        let (first, last) = (self.start / 64, (self.end - 1) / 64);
        (first..=last).map(move |k| {
            let mut in_run = u64::MAX;
            if k == first {
                in_run &= u64::MAX << (self.start % 64);
            }
            let end_bit = self.end - 64 * k;
            if k == last && end_bit < 64 {
                in_run &= (1u64 << end_bit) - 1;
            }
            (k, in_run)
        })
    }

    /// The run may hold a `%` joiner, whose exact extent only parsing tells.
    pub fn percent_joined(&self) -> bool {
        self.bytes[self.start..self.end].contains(&b'%')
    }
}

impl RunMasks {
    /// Masks for rules whose masked numbers hide digits with `mask_chars`.
    pub fn new(mask_chars: &[char]) -> Self {
        let ascii: Vec<u8> = mask_chars.iter().filter_map(|&c| u8::try_from(c).ok()).collect();
        let pad = ascii.first().copied().unwrap_or(0x80);
        RunMasks {
            mask_chars: std::array::from_fn(|i| ascii.get(i).copied().unwrap_or(pad)),
            any_byte_may_mask: ascii.len() > 4,
            piece: PieceClasses::default(),
            found: Found::default(),
        }
    }

    /// Classifies `bytes` and finds its candidate runs, replacing what the masks held.
    pub fn classify(&mut self, bytes: &[u8]) {
        self.classify_with(bytes, classify_piece);
    }

    /// The same, classifying one byte at a time: the reference the SIMD
    /// classification is tested against.
    pub fn classify_scalar(&mut self, bytes: &[u8]) {
        self.classify_with(bytes, classify_piece_scalar);
    }

    /// Classifies a few KiB at a time, so that the classes stay in the L1
    /// cache between being written and read (whole-window masks did not,
    /// and cost more than the classification).
    fn classify_with(&mut self, bytes: &[u8], classify: fn(&[u8], [u8; 4], &mut PieceClasses)) {
        const PIECE: usize = 4096;
        let words = bytes.len().div_ceil(64);
        let found = &mut self.found;
        for masks in [&mut found.run, &mut found.digit, &mut found.after_candidate] {
            // Every word is written below: no need to clear.
            masks.resize(words + 1, 0);
        }
        let mut state = WordState::default();
        for piece in bytes.chunks(PIECE) {
            classify(piece, self.mask_chars, &mut self.piece);
            let p = &self.piece;
            let every_byte = if self.any_byte_may_mask { u64::MAX } else { 0 };
            for k in 0..p.digit.len() {
                let classes = WordClasses {
                    digit: p.digit[k],
                    separator: p.separator[k],
                    percent: p.percent[k],
                    good_first_digit: p.good_first_digit[k],
                    one: p.one[k],
                    mask_lead: p.mask_lead[k] | every_byte,
                };
                state.step(classes, found);
            }
        }
        // The last word, then one past the end: a run may end on the last byte.
        state.step(WordClasses::default(), found);
        state.step(WordClasses::default(), found);
    }

    /// Calls `visit` for every candidate run, in order.
    pub fn for_each_candidate<'m>(&'m self, bytes: &'m [u8], mut visit: impl FnMut(Run<'m>)) {
        for (k, &after) in self.found.after_candidate.iter().enumerate() {
            let mut after = after;
            while after != 0 {
                let end = 64 * k + after.trailing_zeros() as usize;
                visit(Run {
                    start: self.run_start(end - 1),
                    end,
                    bytes,
                    digit: &self.found.digit,
                });
                after &= after - 1;
            }
        }
    }

    /// The first byte of the run whose last byte is `last`.
    fn run_start(&self, last: usize) -> usize {
        let (mut k, bit) = (last / 64, last % 64);
        let mut gaps = !self.found.run[k] & ((1u64 << bit) - 1);
        loop {
            if gaps != 0 {
                return 64 * k + 64 - gaps.leading_zeros() as usize;
            }
            if k == 0 {
                return 0;
            }
            k -= 1;
            gaps = !self.found.run[k];
        }
    }
}

/// What one word of the byte masks says, for the run logic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WordClasses {
    digit: u64,
    separator: u64,
    percent: u64,
    /// Digits 2–9, which a card number can start with.
    good_first_digit: u64,
    /// The digit 1, which starts UATP's 15-digit numbers.
    one: u64,
    mask_lead: u64,
}

/// Where the word-by-word run logic is: the word it decides next (it needs
/// the word after it first), and what carries over from the words before.
#[derive(Debug, Default)]
struct WordState {
    /// Index of `current`; words are decided one behind the classification.
    index: usize,
    current: Option<WordClasses>,
    previous_digit: u64,
    previous: History,
    carry: bool,
    /// The carry of the second sum, for runs starting with 1.
    carry_one: bool,
}

/// Masks of the word before, whose top bits the next word's shifts need.
#[derive(Debug, Default, Clone, Copy)]
struct History {
    run: u64,
    at_least_2: u64,
    at_least_6: u64,
    at_least_13: u64,
    at_least_15: u64,
}

/// The masks the run logic writes, one word per 64 bytes of the window.
#[derive(Debug, Default)]
struct Found {
    /// Digits and the separators joining two of them into one run.
    run: Vec<u64>,
    /// Digits.
    digit: Vec<u64>,
    /// The byte just after each candidate run.
    after_candidate: Vec<u64>,
}

impl WordState {
    /// Takes the classes of the next word and decides the current one.
    #[inline(always)]
    fn step(&mut self, next: WordClasses, found: &mut Found) {
        let Some(word) = self.current.replace(next) else {
            return;
        };
        let k = self.index;
        self.index += 1;
        let digit = word.digit;
        let digit_before = (digit << 1) | (self.previous_digit >> 63);
        let digit_after = |n: u32| (digit >> n) | (next.digit << (64 - n));
        let joins = word.separator & digit_before & digit_after(1);
        // `%` is rare: the three-digit look-ahead of `%20` is skipped without one.
        let percent = if word.percent == 0 {
            0
        } else {
            word.percent & digit_before & digit_after(1) & digit_after(2) & digit_after(3)
        };
        let run = digit | joins | percent;

        let run_before = shifted_in(run, self.previous.run, 1);
        let after_run = !run & run_before;
        // A run holding a separator, or starting with a digit a card number
        // can start with: adding such a run's lowest marked bit carries
        // through the run to the byte just after it.
        let marks = (run & !digit) | (run & !run_before & word.good_first_digit);
        let (sum, carry) = add_with_carry(run, marks, self.carry);
        self.carry = carry;
        let after_marked = sum & !run;
        // The same for runs of digits starting with 1, which must be longer.
        let (sum_one, carry_one) = add_with_carry(run, run & !run_before & word.one, self.carry_one);
        self.carry_one = carry_one;
        let after_one = sum_one & !run;

        // Bit i of `at_least_n`: the n bytes ending at i are all in a run.
        let previous = self.previous;
        let at_least_2 = run & run_before;
        let at_least_4 = at_least_2 & shifted_in(at_least_2, previous.at_least_2, 2);
        let at_least_6 = at_least_4 & shifted_in(at_least_2, previous.at_least_2, 4);
        let at_least_13 =
            at_least_6 & shifted_in(at_least_6, previous.at_least_6, 6) & shifted_in(run, previous.run, 12);
        let at_least_15 = at_least_13 & shifted_in(at_least_2, previous.at_least_2, 13);
        // Moved to the byte after the run's end.
        let long = shifted_in(at_least_6, previous.at_least_6, 1);
        let card_long = shifted_in(at_least_13, previous.at_least_13, 1);
        let uatp_long = shifted_in(at_least_15, previous.at_least_15, 1);

        let lead = word.mask_lead;
        let mask_follows = lead | (word.separator & ((lead >> 1) | (next.mask_lead << 63)));
        let candidate =
            after_run & long & (mask_follows | (card_long & after_marked) | (uatp_long & after_one));
        if let Some(slot) = found.run.get_mut(k) {
            *slot = run;
            found.digit[k] = digit;
            found.after_candidate[k] = candidate;
        }
        self.previous = History {
            run,
            at_least_2,
            at_least_6,
            at_least_13,
            at_least_15,
        };
        self.previous_digit = digit;
    }
}

/// `word` moved `n` bits up (towards later bytes), with the top bits of the
/// word before it shifted in.
#[inline(always)]
fn shifted_in(word: u64, before: u64, n: u32) -> u64 {
    (word << n) | (before >> (64 - n))
}

/// The classes of a piece of the window, a word per 64 bytes, one array per
/// class (an array of structs made LLVM assemble each store byte by byte).
#[derive(Debug, Default)]
struct PieceClasses {
    digit: Vec<u64>,
    separator: Vec<u64>,
    percent: Vec<u64>,
    good_first_digit: Vec<u64>,
    one: Vec<u64>,
    mask_lead: Vec<u64>,
}

impl PieceClasses {
    /// Room for `words` words; every one is written before it is read.
    fn resize(&mut self, words: usize) {
        for masks in [
            &mut self.digit,
            &mut self.separator,
            &mut self.percent,
            &mut self.good_first_digit,
            &mut self.one,
            &mut self.mask_lead,
        ] {
            masks.resize(words, 0);
        }
    }

    fn set(&mut self, k: usize, c: WordClasses) {
        self.digit[k] = c.digit;
        self.separator[k] = c.separator;
        self.percent[k] = c.percent;
        self.good_first_digit[k] = c.good_first_digit;
        self.one[k] = c.one;
        self.mask_lead[k] = c.mask_lead;
    }
}

/// The classes of each 64 bytes of `piece` (the last block may be shorter).
fn classify_piece(piece: &[u8], mask_chars: [u8; 4], out: &mut PieceClasses) {
    let full = piece.len() / 64;
    out.resize(piece.len().div_ceil(64));
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { x86::blocks_avx2(&piece[..64 * full], mask_chars, out) }
        } else {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe { x86::blocks_sse2(&piece[..64 * full], mask_chars, out) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (k, block) in piece[..64 * full].chunks_exact(64).enumerate() {
        out.set(k, scalar_block(block, mask_chars));
    }
    if piece.len() > 64 * full {
        out.set(full, scalar_block(&piece[64 * full..], mask_chars));
    }
}

/// The same, one byte at a time.
fn classify_piece_scalar(piece: &[u8], mask_chars: [u8; 4], out: &mut PieceClasses) {
    out.resize(piece.len().div_ceil(64));
    for (k, block) in piece.chunks(64).enumerate() {
        out.set(k, scalar_block(block, mask_chars));
    }
}

/// The classes of up to 64 bytes.
fn scalar_block(block: &[u8], mask_chars: [u8; 4]) -> WordClasses {
    let mut c = WordClasses::default();
    for (i, &b) in block.iter().enumerate() {
        c.digit |= u64::from(b.is_ascii_digit()) << i;
        c.separator |= u64::from(matches!(b, b' ' | b'-' | b'+')) << i;
        c.percent |= u64::from(b == b'%') << i;
        c.good_first_digit |= u64::from((b'2'..=b'9').contains(&b)) << i;
        c.one |= u64::from(b == b'1') << i;
        c.mask_lead |= u64::from(!b.is_ascii() || mask_chars.contains(&b)) << i;
    }
    c
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{PieceClasses, WordClasses};
    use std::arch::x86_64::*;

    /// A byte in `first..=last` plus `0x80 - first` is below
    /// `last - first - 127` as a signed byte: one add and one compare.
    const fn range(first: u8, last: u8) -> (i8, i8) {
        (0x80u8.wrapping_sub(first) as i8, (last - first) as i8 - 127)
    }
    const DIGIT: (i8, i8) = range(b'0', b'9');
    const GOOD_FIRST_DIGIT: (i8, i8) = range(b'2', b'9');

    /// Classes of whole 64-byte blocks, with AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn blocks_avx2(bytes: &[u8], mask_chars: [u8; 4], out: &mut PieceClasses) {
        let [space, dash, plus, percent, one] =
            [b' ', b'-', b'+', b'%', b'1'].map(|b| _mm256_set1_epi8(b as i8));
        let [m0, m1, m2, m3] = mask_chars.map(|b| _mm256_set1_epi8(b as i8));
        let (digit_shift, digit_limit) = (_mm256_set1_epi8(DIGIT.0), _mm256_set1_epi8(DIGIT.1));
        let (good_shift, good_limit) = (
            _mm256_set1_epi8(GOOD_FIRST_DIGIT.0),
            _mm256_set1_epi8(GOOD_FIRST_DIGIT.1),
        );
        for (k, block) in bytes.chunks_exact(64).enumerate() {
            // SAFETY: `block` is 64 readable bytes; the loads are unaligned.
            let halves = unsafe {
                let ptr = block.as_ptr().cast::<__m256i>();
                [_mm256_loadu_si256(ptr), _mm256_loadu_si256(ptr.add(1))]
            };
            // One 64-bit mask from a test of each half.
            macro_rules! bits {
                (|$v:ident| $test:expr) => {{
                    let $v = halves[0];
                    let low = _mm256_movemask_epi8($test) as u32;
                    let $v = halves[1];
                    u64::from(low) | (u64::from(_mm256_movemask_epi8($test) as u32) << 32)
                }};
            }
            out.set(
                k,
                WordClasses {
                    digit: bits!(|v| _mm256_cmpgt_epi8(digit_limit, _mm256_add_epi8(v, digit_shift))),
                    separator: bits!(|v| _mm256_or_si256(
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, space), _mm256_cmpeq_epi8(v, dash)),
                        _mm256_cmpeq_epi8(v, plus)
                    )),
                    percent: bits!(|v| _mm256_cmpeq_epi8(v, percent)),
                    good_first_digit: bits!(|v| _mm256_cmpgt_epi8(
                        good_limit,
                        _mm256_add_epi8(v, good_shift)
                    )),
                    one: bits!(|v| _mm256_cmpeq_epi8(v, one)),
                    // The top bit: a non-ASCII byte, or one of the mask characters.
                    mask_lead: bits!(|v| _mm256_or_si256(
                        v,
                        _mm256_or_si256(
                            _mm256_or_si256(_mm256_cmpeq_epi8(v, m0), _mm256_cmpeq_epi8(v, m1)),
                            _mm256_or_si256(_mm256_cmpeq_epi8(v, m2), _mm256_cmpeq_epi8(v, m3)),
                        )
                    )),
                },
            );
        }
    }

    /// Classes of whole 64-byte blocks, with SSE2.
    #[target_feature(enable = "sse2")]
    pub unsafe fn blocks_sse2(bytes: &[u8], mask_chars: [u8; 4], out: &mut PieceClasses) {
        let [space, dash, plus, percent, one] =
            [b' ', b'-', b'+', b'%', b'1'].map(|b| _mm_set1_epi8(b as i8));
        let [m0, m1, m2, m3] = mask_chars.map(|b| _mm_set1_epi8(b as i8));
        let (digit_shift, digit_limit) = (_mm_set1_epi8(DIGIT.0), _mm_set1_epi8(DIGIT.1));
        let (good_shift, good_limit) = (
            _mm_set1_epi8(GOOD_FIRST_DIGIT.0),
            _mm_set1_epi8(GOOD_FIRST_DIGIT.1),
        );
        for (k, block) in bytes.chunks_exact(64).enumerate() {
            // SAFETY: `block` is 64 readable bytes; the loads are unaligned.
            let quarters: [__m128i; 4] = std::array::from_fn(|q| unsafe {
                _mm_loadu_si128(block.as_ptr().add(16 * q).cast::<__m128i>())
            });
            // One 64-bit mask from a test of each quarter.
            macro_rules! bits {
                (|$v:ident| $test:expr) => {{
                    let mut mask = 0u64;
                    for (q, &$v) in quarters.iter().enumerate() {
                        mask |= u64::from(_mm_movemask_epi8($test) as u16) << (16 * q);
                    }
                    mask
                }};
            }
            out.set(
                k,
                WordClasses {
                    digit: bits!(|v| _mm_cmplt_epi8(_mm_add_epi8(v, digit_shift), digit_limit)),
                    separator: bits!(|v| _mm_or_si128(
                        _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, dash)),
                        _mm_cmpeq_epi8(v, plus)
                    )),
                    percent: bits!(|v| _mm_cmpeq_epi8(v, percent)),
                    good_first_digit: bits!(|v| _mm_cmplt_epi8(_mm_add_epi8(v, good_shift), good_limit)),
                    one: bits!(|v| _mm_cmpeq_epi8(v, one)),
                    mask_lead: bits!(|v| _mm_or_si128(
                        v,
                        _mm_or_si128(
                            _mm_or_si128(_mm_cmpeq_epi8(v, m0), _mm_cmpeq_epi8(v, m1)),
                            _mm_or_si128(_mm_cmpeq_epi8(v, m2), _mm_cmpeq_epi8(v, m3)),
                        )
                    )),
                },
            );
        }
    }
}

/// `a + b + carry` on one word of a multi-word number, and the carry out.
fn add_with_carry(a: u64, b: u64, carry: bool) -> (u64, bool) {
    let (sum, first) = a.overflowing_add(b);
    let (sum, second) = sum.overflowing_add(u64::from(carry));
    (sum, first | second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MASK_CHARS: [char; 5] = ['*', 'X', 'x', '#', '•'];

    fn candidates(bytes: &[u8]) -> Vec<(usize, usize, usize, bool)> {
        let mut masks = RunMasks::new(&MASK_CHARS);
        masks.classify(bytes);
        let mut out = Vec::new();
        masks.for_each_candidate(bytes, |r| {
            out.push((r.start, r.end, r.digits(), r.is_one_group()))
        });
        out
    }

    #[test]
    fn candidate_runs_with_their_digit_counts() {
        let found = |text: &str| candidates(text.as_bytes());
        assert_eq!(found("ts=4700000000000 x"), vec![(3, 16, 13, true)]);
        assert_eq!(found("ts=1700000000000 y"), vec![], "no brand starts with 1");
        assert_eq!(found("a 4526 0181 5908 3012."), vec![(2, 21, 16, false)]);
        assert_eq!(found("4526%200181%205908%203012"), vec![(0, 25, 22, false)]);
        assert_eq!(found("id 452601****3012"), vec![(3, 9, 6, true)]);
        assert_eq!(found("id 4526 01** **** 3012"), vec![(3, 10, 6, false)]);
        assert_eq!(found("200 46354 rt=0.1 order 123456789012"), vec![]);
    }

    #[test]
    fn runs_across_block_edges() {
        for at in 0..140 {
            let mut bytes = vec![b'x'; 200];
            bytes[at..at + 19].copy_from_slice(b"4526-0181-5908-3012");
            assert_eq!(candidates(&bytes), vec![(at, at + 19, 16, false)], "run at {at}");
            let end = bytes.len();
            bytes[end - 13..].copy_from_slice(b"4000000000000");
            assert_eq!(
                candidates(&bytes).last(),
                Some(&(end - 13, end, 13, true)),
                "run at the end"
            );
        }
    }

    /// Whether the detector would parse the run `start..end` (found byte by
    /// byte with the parser's own rules), decided one byte at a time.
    fn reference_candidate(bytes: &[u8], start: usize, end: usize) -> bool {
        let len = end - start;
        let single = bytes[start..end].iter().all(u8::is_ascii_digit);
        let lead = |at: usize| {
            bytes
                .get(at)
                .is_some_and(|&b| !b.is_ascii() || MASK_CHARS.contains(&char::from(b)))
        };
        let mask_follows = lead(end) || (matches!(bytes.get(end), Some(b' ' | b'-' | b'+')) && lead(end + 1));
        let card_like = !single || matches!(bytes[start], b'2'..=b'9') || (bytes[start] == b'1' && len >= 15);
        len >= 6 && (mask_follows || (len >= 13 && card_like))
    }

    /// The SSE2 classes, whatever the CPU has (the scalar ones elsewhere).
    fn sse2_classes(bytes: &[u8], mask_chars: [u8; 4]) -> PieceClasses {
        let mut out = PieceClasses::default();
        classify_piece_scalar(bytes, mask_chars, &mut out);
        #[cfg(target_arch = "x86_64")]
        {
            let full = bytes.len() / 64;
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe { x86::blocks_sse2(&bytes[..64 * full], mask_chars, &mut out) };
        }
        out
    }

    fn reference_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut groups = Vec::new();
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(offset) = bytes[at..].iter().position(u8::is_ascii_digit) {
            let start = at + offset;
            at = super::super::digits::parse_run(bytes, start, &mut groups);
            out.push((start, at));
        }
        out
    }

    proptest! {
        #[test]
        fn simd_and_scalar_classes_agree(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'1'), Just(b'2'), Just(b'9'), Just(b' '), Just(b'%'), Just(b'*'), Just(b'#'), any::<u8>()],
                0..300,
            ),
        ) {
            let mask_chars = [b'*', b'X', b'x', b'#'];
            let classes = |classify: fn(&[u8], [u8; 4], &mut PieceClasses)| {
                let mut out = PieceClasses::default();
                classify(&bytes, mask_chars, &mut out);
                out
            };
            let scalar = classes(classify_piece_scalar);
            for simd in [classes(classify_piece), sse2_classes(&bytes, mask_chars)] {
                prop_assert_eq!(&simd.digit, &scalar.digit);
                prop_assert_eq!(&simd.separator, &scalar.separator);
                prop_assert_eq!(&simd.percent, &scalar.percent);
                prop_assert_eq!(&simd.good_first_digit, &scalar.good_first_digit);
                prop_assert_eq!(&simd.one, &scalar.one);
                prop_assert_eq!(&simd.mask_lead, &scalar.mask_lead);
            }
        }

        #[test]
        fn candidates_are_the_runs_the_reference_would_parse(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'4'), Just(b'1'), Just(b'9'), Just(b' '), Just(b'-'), Just(b'+'),
                    Just(b'*'), Just(b'x'), Just(b'y'), Just(0xe2), any::<u8>()
                ],
                0..300,
            ),
        ) {
            // `%` is left out: the masks over-join around it on purpose, and
            // the detector's own fast-versus-reference test covers it.
            let bytes: Vec<u8> = bytes.into_iter().filter(|&b| b != b'%').collect();
            let expected: Vec<(usize, usize)> = reference_runs(&bytes)
                .into_iter()
                .filter(|&(start, end)| reference_candidate(&bytes, start, end))
                .collect();
            let found: Vec<(usize, usize)> = candidates(&bytes).into_iter().map(|(s, e, _, _)| (s, e)).collect();
            prop_assert_eq!(found, expected);
            // Digits counted on the masks, as byte by byte.
            for (start, end, digits, one_group) in candidates(&bytes) {
                let counted = bytes[start..end].iter().filter(|b| b.is_ascii_digit()).count();
                prop_assert_eq!(digits, counted);
                prop_assert_eq!(one_group, counted == end - start);
            }
        }
    }
}
