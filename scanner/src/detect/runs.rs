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

/// Bit masks of one window: bit `i` of word `k` describes byte `64 * k + i`.
#[derive(Debug, Default)]
pub struct RunMasks {
    digit: Vec<u64>,
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
        count_ones(&self.masks.digit, self.start, self.end)
    }

    /// The run may hold a `%` joiner, whose exact extent only parsing tells.
    pub fn percent_joined(&self) -> bool {
        count_ones(&self.masks.percent, self.start, self.end) > 0
    }
}

/// What one 64-byte block holds.
#[derive(Debug, Clone, Copy, Default)]
struct BlockMasks {
    digit: u64,
    /// Space, dash and plus: the one-byte separators.
    separator: u64,
    percent: u64,
}

impl RunMasks {
    /// Classifies `bytes`, replacing what the masks held.
    pub fn classify(&mut self, bytes: &[u8]) {
        let full = self.start(bytes);
        #[cfg(target_arch = "x86_64")]
        {
            let (digit, separator, percent) = (&mut self.digit, &mut self.run, &mut self.percent);
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { x86::blocks_avx2(&bytes[..64 * full], digit, separator, percent) }
            } else {
                // SAFETY: SSE2 is part of the x86_64 baseline.
                unsafe { x86::blocks_sse2(&bytes[..64 * full], digit, separator, percent) }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.scalar_blocks(bytes, full);
        self.finish(bytes, full);
    }

    /// The same masks, one byte at a time: the fallback, and the reference
    /// the SIMD versions are tested against.
    pub fn classify_scalar(&mut self, bytes: &[u8]) {
        let full = self.start(bytes);
        self.scalar_blocks(bytes, full);
        self.finish(bytes, full);
    }

    /// Sizes the masks for `bytes`; returns how many whole 64-byte blocks it has.
    fn start(&mut self, bytes: &[u8]) -> usize {
        let words = bytes.len().div_ceil(64);
        self.len = bytes.len();
        for masks in [&mut self.digit, &mut self.run, &mut self.percent] {
            masks.clear();
            masks.resize(words, 0);
        }
        bytes.len() / 64
    }

    fn scalar_blocks(&mut self, bytes: &[u8], full: usize) {
        for (k, block) in bytes[..64 * full].chunks_exact(64).enumerate() {
            self.set_block(k, scalar_block(block));
        }
    }

    fn set_block(&mut self, k: usize, m: BlockMasks) {
        self.digit[k] = m.digit;
        self.run[k] = m.separator;
        self.percent[k] = m.percent;
    }

    /// Classifies the tail after the whole blocks, then joins separators.
    fn finish(&mut self, bytes: &[u8], full: usize) {
        let tail = &bytes[64 * full..];
        if !tail.is_empty() {
            self.set_block(full, scalar_block(tail));
        }
        self.join_separators();
    }

    /// Turns the separator masks into run masks: a separator joins when a
    /// digit is on both sides of it (`%20` needs three digits after its `%`).
    fn join_separators(&mut self) {
        let mut previous_digit = 0u64;
        let words = self.digit.len();
        for k in 0..words {
            let digit = self.digit[k];
            let next_digit = if k + 1 < words { self.digit[k + 1] } else { 0 };
            let digit_before = (digit << 1) | (previous_digit >> 63);
            let after1 = (digit >> 1) | (next_digit << 63);
            let after2 = (digit >> 2) | (next_digit << 62);
            let after3 = (digit >> 3) | (next_digit << 61);
            let joins = self.run[k] & digit_before & after1;
            let percent = self.percent[k] & digit_before & after1 & after2 & after3;
            self.run[k] = digit | joins | percent;
            self.percent[k] = percent;
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
                    run & !self.digit[k] & span == 0
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
            let mut others = self.run[k] & !self.digit[k];
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

/// Masks of up to 64 bytes.
fn scalar_block(block: &[u8]) -> BlockMasks {
    let mut m = BlockMasks::default();
    for (i, &b) in block.iter().enumerate() {
        m.digit |= u64::from(b.is_ascii_digit()) << i;
        m.separator |= u64::from(matches!(b, b' ' | b'-' | b'+')) << i;
        m.percent |= u64::from(b == b'%') << i;
    }
    m
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// A digit plus `0x80 - b'0'` is `-128..=-119` as a signed byte: one
    /// add and one compare test the whole range.
    const DIGIT_SHIFT: i8 = (0x80u8 - b'0') as i8;
    const DIGIT_LIMIT: i8 = -118;

    /// Fills the masks of `bytes` (whole 64-byte blocks) with AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn blocks_avx2(bytes: &[u8], digit: &mut [u64], separator: &mut [u64], percent: &mut [u64]) {
        let shift = _mm256_set1_epi8(DIGIT_SHIFT);
        let limit = _mm256_set1_epi8(DIGIT_LIMIT);
        let (space, dash, plus) = (
            _mm256_set1_epi8(b' ' as i8),
            _mm256_set1_epi8(b'-' as i8),
            _mm256_set1_epi8(b'+' as i8),
        );
        let pct = _mm256_set1_epi8(b'%' as i8);
        let blocks = bytes
            .chunks_exact(64)
            .zip(digit.iter_mut().zip(separator.iter_mut().zip(percent)));
        for (block, (d, (s, p))) in blocks {
            // SAFETY: `block` is 64 readable bytes; the loads are unaligned.
            let (lo, hi) = unsafe {
                let ptr = block.as_ptr().cast::<__m256i>();
                (_mm256_loadu_si256(ptr), _mm256_loadu_si256(ptr.add(1)))
            };
            let bits = |lo: __m256i, hi: __m256i| {
                u64::from(_mm256_movemask_epi8(lo) as u32)
                    | (u64::from(_mm256_movemask_epi8(hi) as u32) << 32)
            };
            let is_digit = |v: __m256i| _mm256_cmpgt_epi8(limit, _mm256_add_epi8(v, shift));
            let is_separator = |v: __m256i| {
                _mm256_or_si256(
                    _mm256_or_si256(_mm256_cmpeq_epi8(v, space), _mm256_cmpeq_epi8(v, dash)),
                    _mm256_cmpeq_epi8(v, plus),
                )
            };
            *d = bits(is_digit(lo), is_digit(hi));
            *s = bits(is_separator(lo), is_separator(hi));
            *p = bits(_mm256_cmpeq_epi8(lo, pct), _mm256_cmpeq_epi8(hi, pct));
        }
    }

    /// Fills the masks of `bytes` (whole 64-byte blocks) with SSE2.
    #[target_feature(enable = "sse2")]
    pub unsafe fn blocks_sse2(bytes: &[u8], digit: &mut [u64], separator: &mut [u64], percent: &mut [u64]) {
        let shift = _mm_set1_epi8(DIGIT_SHIFT);
        let limit = _mm_set1_epi8(DIGIT_LIMIT);
        let (space, dash, plus) = (
            _mm_set1_epi8(b' ' as i8),
            _mm_set1_epi8(b'-' as i8),
            _mm_set1_epi8(b'+' as i8),
        );
        let pct = _mm_set1_epi8(b'%' as i8);
        let blocks = bytes
            .chunks_exact(64)
            .zip(digit.iter_mut().zip(separator.iter_mut().zip(percent)));
        for (block, (d, (s, p))) in blocks {
            let (mut dm, mut sm, mut pm) = (0u64, 0u64, 0u64);
            for quarter in 0..4 {
                // SAFETY: 16 readable bytes at `16 * quarter`; the load is unaligned.
                let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * quarter).cast::<__m128i>()) };
                let bits = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << (16 * quarter);
                dm |= bits(_mm_cmplt_epi8(_mm_add_epi8(v, shift), limit));
                let separators = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, space), _mm_cmpeq_epi8(v, dash)),
                    _mm_cmpeq_epi8(v, plus),
                );
                sm |= bits(separators);
                pm |= bits(_mm_cmpeq_epi8(v, pct));
            }
            (*d, *s, *p) = (dm, sm, pm);
        }
    }
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
        fn simd_and_scalar_masks_agree(
            bytes in proptest::collection::vec(prop_oneof![Just(b'7'), Just(b' '), Just(b'%'), Just(b'2'), Just(b'0'), any::<u8>()], 0..400),
        ) {
            let mut fast = RunMasks::default();
            fast.classify(&bytes);
            let mut scalar = RunMasks::default();
            scalar.classify_scalar(&bytes);
            prop_assert_eq!((&fast.digit, &fast.run, &fast.percent), (&scalar.digit, &scalar.run, &scalar.percent));
            #[cfg(target_arch = "x86_64")]
            {
                let mut sse2 = RunMasks::default();
                let full = sse2.start(&bytes);
                // SAFETY: SSE2 is part of the x86_64 baseline.
                unsafe { x86::blocks_sse2(&bytes[..64 * full], &mut sse2.digit, &mut sse2.run, &mut sse2.percent) };
                sse2.finish(&bytes, full);
                prop_assert_eq!((&sse2.digit, &sse2.run), (&scalar.digit, &scalar.run));
            }
        }

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
