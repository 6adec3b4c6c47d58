//! Finding the runs of digit groups worth parsing, in wide blocks.
//!
//! Logs are full of numbers: timestamps, ids, sizes, addresses (about 35
//! million runs of six or more bytes in the 1 GB corpus of issue 3). Parsing
//! each one byte by byte was half the scan time, and even visiting each one
//! to look at its length cost a third. So the choice of runs is made with
//! bit arithmetic on 64-bit words of masks ([`ByteMasks`]): which bytes are
//! digits, which separators join two digits into one run (`4526 0181`,
//! `4526%200181`), how long each run is, whether it holds a separator or
//! starts with a digit a card number can start with (2–8), and whether a
//! mask character follows it. Only these runs come out:
//!
//! - 13 or more bytes, holding a separator or starting with 2–8;
//! - 6 or more bytes followed by a mask character, maybe after one
//!   separator (the visible digits of `452601******3012`, `4526 01** …`).
//!
//! The detector then checks each one exactly; this only has to never drop a
//! run it would accept, which a property test checks against a byte-by-byte
//! reference.

use crate::simd::ByteMasks;

/// Byte sets classified besides digits, by index.
const SEPARATOR: usize = 0;
const PERCENT: usize = 1;
const BAD_FIRST_DIGIT: usize = 2;
const MASK_CHARS: [usize; 2] = [3, 4];
const SETS: usize = 5;

/// Masks and candidate runs of one window: bit `i` of word `k` describes byte `64 * k + i`.
#[derive(Debug)]
pub struct RunMasks {
    bytes: ByteMasks<SETS>,
    sets: [[u8; 3]; SETS],
    /// The rules have more ASCII mask characters than the sets hold: any
    /// byte may then start a mask.
    any_byte_may_mask: bool,
    found: Found,
}

/// A run of digits and joining separators that may hold card data.
#[derive(Debug, Clone, Copy)]
pub struct Run<'m> {
    pub start: usize,
    pub end: usize,
    bytes: &'m [u8],
}

impl Run<'_> {
    /// One group of digits with no separator.
    pub fn single_group(&self) -> bool {
        self.digits() == self.end - self.start
    }

    /// Digits in the run (counting the `2` and `0` of a `%20`: an upper bound).
    pub fn digits(&self) -> usize {
        self.bytes[self.start..self.end]
            .iter()
            .filter(|b| b.is_ascii_digit())
            .count()
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
        // Unused slots repeat a mask character (or NUL, which only lets more runs through).
        let mask_char = |i: usize| ascii.get(i).or(ascii.first()).copied().unwrap_or(0);
        let mut sets = [[0u8; 3]; SETS];
        sets[SEPARATOR] = [b' ', b'-', b'+'];
        sets[PERCENT] = [b'%'; 3];
        sets[BAD_FIRST_DIGIT] = [b'0', b'1', b'9'];
        for (n, set) in MASK_CHARS.into_iter().enumerate() {
            sets[set] = std::array::from_fn(|i| mask_char(3 * n + i));
        }
        RunMasks {
            bytes: ByteMasks::default(),
            sets,
            any_byte_may_mask: ascii.len() > 3 * MASK_CHARS.len(),
            found: Found::default(),
        }
    }

    /// Classifies `bytes` and finds its candidate runs, replacing what the masks held.
    pub fn classify(&mut self, bytes: &[u8]) {
        self.classify_with(bytes, ByteMasks::classify);
    }

    /// The same, classifying one byte at a time: the reference the SIMD
    /// classification is tested against.
    pub fn classify_scalar(&mut self, bytes: &[u8]) {
        self.classify_with(bytes, ByteMasks::classify_scalar);
    }

    /// Classifies a few KiB at a time, so that the byte masks stay in the
    /// L1 cache between being written and read (whole-window masks did not,
    /// and cost more than the classification).
    fn classify_with(&mut self, bytes: &[u8], classify: fn(&mut ByteMasks<SETS>, &[u8], [[u8; 3]; SETS])) {
        const PIECE: usize = 4096;
        let words = bytes.len().div_ceil(64);
        let found = &mut self.found;
        for masks in [&mut found.run, &mut found.after_candidate] {
            // Every word is written below: no need to clear.
            masks.resize(words + 1, 0);
        }
        let mut state = WordState::default();
        for piece in bytes.chunks(PIECE) {
            classify(&mut self.bytes, piece, self.sets);
            let b = &self.bytes;
            for i in 0..b.words() {
                let mask_lead = b.high[i] | b.sets[MASK_CHARS[0]][i] | b.sets[MASK_CHARS[1]][i];
                let next = WordClasses {
                    digit: b.digit[i],
                    separator: b.sets[SEPARATOR][i],
                    percent: b.sets[PERCENT][i],
                    bad_first_digit: b.sets[BAD_FIRST_DIGIT][i],
                    mask_lead: if self.any_byte_may_mask {
                        u64::MAX
                    } else {
                        mask_lead
                    },
                };
                state.step(next, &mut self.found);
            }
        }
        // The last word, then one past the end: a run may end on the last byte.
        state.step(WordClasses::default(), &mut self.found);
        state.step(WordClasses::default(), &mut self.found);
    }

    /// Calls `visit` for every candidate run, in order.
    pub fn for_each_candidate<'m>(&self, bytes: &'m [u8], mut visit: impl FnMut(Run<'m>)) {
        for (k, &after) in self.found.after_candidate.iter().enumerate() {
            let mut after = after;
            while after != 0 {
                let end = 64 * k + after.trailing_zeros() as usize;
                visit(Run {
                    start: self.run_start(end - 1),
                    end,
                    bytes,
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
#[derive(Debug, Clone, Copy, Default)]
struct WordClasses {
    digit: u64,
    separator: u64,
    percent: u64,
    bad_first_digit: u64,
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
}

/// Masks of the word before, whose top bits the next word's shifts need.
#[derive(Debug, Default, Clone, Copy)]
struct History {
    run: u64,
    at_least_2: u64,
    at_least_6: u64,
    at_least_13: u64,
}

/// The masks the run logic writes, one word per 64 bytes of the window.
#[derive(Debug, Default)]
struct Found {
    /// Digits and the separators joining two of them into one run.
    run: Vec<u64>,
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
        let marks = (run & !digit) | (run & !run_before & !word.bad_first_digit);
        let (sum, carry) = add_with_carry(run, marks, self.carry);
        self.carry = carry;
        let after_marked = sum & !run;

        // Bit i of `at_least_n`: the n bytes ending at i are all in a run.
        let previous = self.previous;
        let at_least_2 = run & run_before;
        let at_least_4 = at_least_2 & shifted_in(at_least_2, previous.at_least_2, 2);
        let at_least_6 = at_least_4 & shifted_in(at_least_2, previous.at_least_2, 4);
        let at_least_13 =
            at_least_6 & shifted_in(at_least_6, previous.at_least_6, 6) & shifted_in(run, previous.run, 12);
        // Moved to the byte after the run's end.
        let long = shifted_in(at_least_6, previous.at_least_6, 1);
        let card_long = shifted_in(at_least_13, previous.at_least_13, 1);

        let lead = word.mask_lead;
        let mask_follows = lead | (word.separator & ((lead >> 1) | (next.mask_lead << 63)));
        let candidate = after_run & long & (mask_follows | (card_long & after_marked));
        if let Some(slot) = found.run.get_mut(k) {
            *slot = run;
            found.after_candidate[k] = candidate;
        }
        self.previous = History {
            run,
            at_least_2,
            at_least_6,
            at_least_13,
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
            out.push((r.start, r.end, r.digits(), r.single_group()))
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
        let card_like = !single || matches!(bytes[start], b'2'..=b'8');
        len >= 6 && (mask_follows || (len >= 13 && card_like))
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
        }
    }
}
