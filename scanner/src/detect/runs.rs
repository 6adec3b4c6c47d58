//! Finding the runs of digit groups worth parsing, in wide blocks.
//!
//! Logs are full of numbers: timestamps, ids, sizes, addresses. Parsing each
//! one byte by byte was half the scan time (issue 3). Instead, one pass
//! classifies the window 64 bytes at a time into bit masks — digits, and the
//! separators that join two digits into one run (`4526 0181`, `4526%200181`)
//! — with AVX2 when the CPU has it, SSE2 otherwise (every x86_64 CPU has it),
//! or a scalar loop elsewhere. Runs are then read off the masks with bit
//! arithmetic: only runs of six or more bytes are visited at all (a card
//! number has 13 digits, a masked one shows 6 or 8), and the detector looks
//! at their digit count and neighbours before parsing any.

use crate::simd::ByteMasks;

/// The one-byte separators (space, dash, plus), and the `%` of `%20`.
const SEPARATORS: [[u8; 3]; 2] = [[b' ', b'-', b'+'], [b'%'; 3]];

/// Bit masks of one window: bit `i` of word `k` describes byte `64 * k + i`.
#[derive(Debug, Default)]
pub struct RunMasks {
    bytes: ByteMasks<2>,
    /// Digits and the separators joining two of them into one run.
    run: Vec<u64>,
    /// `%` bytes that may start a `%20` between two digits. A superset: a
    /// run holding one is parsed exactly by the caller.
    percent: Vec<u64>,
    len: usize,
}

/// A maximal run of digits and joining separators, as the masks show it.
/// Its digit count and shape are computed only when asked for.
#[derive(Debug, Clone, Copy)]
pub struct Run<'m> {
    pub start: usize,
    pub end: usize,
    single_group: bool,
    masks: &'m RunMasks,
}

impl Run<'_> {
    /// One group of digits with no separator.
    pub fn single_group(&self) -> bool {
        self.single_group
    }

    /// Digits in the run (counting the `2` and `0` of a `%20`: an upper bound).
    pub fn digits(&self) -> usize {
        count_ones(&self.masks.bytes.digit, self.start, self.end)
    }

    /// The run may hold a `%` joiner, whose exact extent only parsing tells.
    pub fn percent_joined(&self) -> bool {
        count_ones(&self.masks.percent, self.start, self.end) > 0
    }
}

impl RunMasks {
    /// Classifies `bytes`, replacing what the masks held.
    pub fn classify(&mut self, bytes: &[u8]) {
        self.bytes.classify(bytes, SEPARATORS);
        self.join_separators(bytes.len());
    }

    /// The same masks, one byte at a time: the reference the SIMD
    /// classification is tested against.
    pub fn classify_scalar(&mut self, bytes: &[u8]) {
        self.bytes.classify_scalar(bytes, SEPARATORS);
        self.join_separators(bytes.len());
    }

    /// Turns the separator masks into run masks: a separator joins when a
    /// digit is on both sides of it (`%20` needs three digits after its `%`).
    fn join_separators(&mut self, len: usize) {
        self.len = len;
        let words = self.bytes.words();
        let [separators, percents] = &self.bytes.sets;
        let digits = &self.bytes.digit;
        self.run.clear();
        self.percent.clear();
        let mut previous_digit = 0u64;
        for k in 0..words {
            let digit = digits[k];
            let next_digit = if k + 1 < words { digits[k + 1] } else { 0 };
            let digit_before = (digit << 1) | (previous_digit >> 63);
            let after1 = (digit >> 1) | (next_digit << 63);
            let after2 = (digit >> 2) | (next_digit << 62);
            let after3 = (digit >> 3) | (next_digit << 61);
            let joins = separators[k] & digit_before & after1;
            let percent = percents[k] & digit_before & after1 & after2 & after3;
            self.run.push(digit | joins | percent);
            self.percent.push(percent);
            previous_digit = digit;
        }
    }

    /// Calls `visit` for every run of at least six bytes, in order.
    pub fn for_each_long_run<'m>(&'m self, mut visit: impl FnMut(Run<'m>)) {
        let mut previous = 0u64;
        let mut next_free = 0usize;
        for (k, &run) in self.run.iter().enumerate() {
            // Bit i: the six bytes ending at i are all in a run.
            let both = (u128::from(run) << 64) | u128::from(previous);
            let two = both & (both << 1);
            let four = two & (two << 2);
            let mut six = ((four & (two << 4)) >> 64) as u64;
            previous = run;
            let base = 64 * k;
            if next_free > base {
                six &= u64::MAX.checked_shl((next_free - base) as u32).unwrap_or(0);
            }
            while six != 0 {
                // The first such bit of a run is its sixth byte (runs before
                // it were cleared), so the run starts five bytes earlier.
                let sixth = base + six.trailing_zeros() as usize;
                let start = sixth - 5;
                let end = self.run_end(sixth);
                let single_group = if end <= base + 64 && start >= base {
                    let span = (u64::MAX >> (64 - (end - start))) << (start - base);
                    run & !self.bytes.digit[k] & span == 0
                } else {
                    self.all_digits(start, end)
                };
                visit(Run {
                    start,
                    end,
                    single_group,
                    masks: self,
                });
                next_free = end;
                six &= u64::MAX.checked_shl((end - base).min(64) as u32).unwrap_or(0);
            }
        }
    }

    /// Every byte of `start..end` (not empty) is a digit.
    fn all_digits(&self, start: usize, end: usize) -> bool {
        let (first, last) = (start / 64, (end - 1) / 64);
        (first..=last).all(|k| {
            let mut others = self.run[k] & !self.bytes.digit[k];
            if k == first {
                others &= u64::MAX << (start % 64);
            }
            if k == last {
                others &= u64::MAX >> (63 - (end - 1) % 64);
            }
            others == 0
        })
    }

    /// One past the last byte of the run holding byte `inside`.
    fn run_end(&self, inside: usize) -> usize {
        let (mut k, bit) = (inside / 64, inside % 64);
        let mut gaps = !self.run[k] & (u64::MAX << bit);
        loop {
            if gaps != 0 {
                return (64 * k + gaps.trailing_zeros() as usize).min(self.len);
            }
            k += 1;
            match self.run.get(k) {
                Some(&run) => gaps = !run,
                None => return self.len,
            }
        }
    }
}

/// Set bits of `masks` at positions `start..end` (not empty).
fn count_ones(masks: &[u64], start: usize, end: usize) -> usize {
    let (first, last) = (start / 64, (end - 1) / 64);
    let head = masks[first] & (u64::MAX << (start % 64));
    let tail_bits = u64::MAX >> (63 - (end - 1) % 64);
    if first == last {
        return (head & tail_bits).count_ones() as usize;
    }
    let middle: u32 = masks[first + 1..last].iter().map(|w| w.count_ones()).sum();
    (head.count_ones() + middle + (masks[last] & tail_bits).count_ones()) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn runs(text: &str) -> Vec<(usize, usize, usize, bool)> {
        let mut masks = RunMasks::default();
        masks.classify(text.as_bytes());
        let mut out = Vec::new();
        masks.for_each_long_run(|r| out.push((r.start, r.end, r.digits(), r.single_group())));
        out
    }

    #[test]
    fn long_runs_with_their_digit_counts() {
        assert_eq!(runs("ts=1700000000000 x"), vec![(3, 16, 13, true)]);
        assert_eq!(runs("a 4526 0181 5908 3012."), vec![(2, 21, 16, false)]);
        assert_eq!(
            runs("12 34 5 and 12345 and 123456"),
            vec![(0, 7, 5, false), (22, 28, 6, true)]
        );
        assert_eq!(runs("4526%200181"), vec![(0, 11, 10, false)]);
        assert_eq!(runs("45  26 1 2"), vec![(4, 10, 4, false)]);
        assert_eq!(runs("45  26 1 x 12345"), vec![]);
    }

    #[test]
    fn runs_across_block_edges() {
        for at in 0..140 {
            let mut bytes = vec![b'x'; 200];
            bytes[at..at + 9].copy_from_slice(b"4526-0181");
            let text = String::from_utf8(bytes).unwrap();
            assert_eq!(runs(&text), vec![(at, at + 9, 8, false)], "run at {at}");
        }
    }

    /// Maximal runs, found byte by byte with the parser's own rules.
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
        fn every_long_parsed_run_lies_in_a_visited_run(
            bytes in proptest::collection::vec(prop_oneof![Just(b'4'), Just(b' '), Just(b'-'), Just(b'+'), Just(b'%'), Just(b'2'), Just(b'0'), Just(b'x')], 0..300),
        ) {
            let mut masks = RunMasks::default();
            masks.classify(&bytes);
            let mut visited = Vec::new();
            masks.for_each_long_run(|r| visited.push(r));
            for (start, end) in reference_runs(&bytes) {
                let digits = bytes[start..end].iter().filter(|b| b.is_ascii_digit()).count();
                let holder = visited.iter().find(|r| r.start <= start && end <= r.end);
                if end - start >= 6 {
                    prop_assert!(holder.is_some(), "run {start}..{end} not visited");
                }
                if let Some(r) = holder {
                    prop_assert!(r.digits() >= digits);
                    if r.single_group() {
                        prop_assert_eq!((r.start, r.end), (start, end));
                    }
                }
            }
        }
    }
}
