//! Classifying bytes 64 at a time into bit masks.
//!
//! The detectors and the views' triggers ask the same kind of question of
//! every byte of a window (is it a digit, a separator, a `3`?) and then
//! reason about neighbours with shifts and ANDs on 64-bit words. This module
//! answers the per-byte part with AVX2 when the CPU has it (checked once per
//! call, cached by the standard library), SSE2 otherwise (every x86_64 CPU
//! has it), or a scalar loop elsewhere; all three give the same masks.

/// Bit `i` of word `k` describes byte `64 * k + i` of the classified bytes.
#[derive(Debug)]
pub struct ByteMasks<const N: usize> {
    /// ASCII digits.
    pub digit: Vec<u64>,
    /// Bytes of 0x80 and up (not ASCII).
    pub high: Vec<u64>,
    /// Bytes equal to one of the three bytes of set `j` (repeat a byte for smaller sets).
    pub sets: [Vec<u64>; N],
}

impl<const N: usize> Default for ByteMasks<N> {
    fn default() -> Self {
        ByteMasks {
            digit: Vec::new(),
            high: Vec::new(),
            sets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl<const N: usize> ByteMasks<N> {
    /// Classifies `bytes`, replacing what the masks held. Bits past the end are clear.
    pub fn classify(&mut self, bytes: &[u8], sets: [[u8; 3]; N]) {
        let full = self.start(bytes);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2 (checked just above).
                unsafe { x86::blocks_avx2(&bytes[..64 * full], sets, self) }
            } else {
                // SAFETY: SSE2 is part of the x86_64 baseline.
                unsafe { x86::blocks_sse2(&bytes[..64 * full], sets, self) }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.scalar_blocks(bytes, full, sets);
        self.tail(bytes, full, sets);
    }

    /// The same masks, one byte at a time: the fallback, and the reference
    /// the SIMD versions are tested against.
    pub fn classify_scalar(&mut self, bytes: &[u8], sets: [[u8; 3]; N]) {
        let full = self.start(bytes);
        self.scalar_blocks(bytes, full, sets);
        self.tail(bytes, full, sets);
    }

    /// How many words the masks hold.
    pub fn words(&self) -> usize {
        self.digit.len()
    }

    /// Sizes the masks for `bytes`; returns how many whole 64-byte blocks it has.
    fn start(&mut self, bytes: &[u8]) -> usize {
        let words = bytes.len().div_ceil(64);
        for masks in [&mut self.digit, &mut self.high]
            .into_iter()
            .chain(&mut self.sets)
        {
            // Every word is written before it is read: no need to clear.
            masks.resize(words, 0);
        }
        bytes.len() / 64
    }

    fn scalar_blocks(&mut self, bytes: &[u8], full: usize, sets: [[u8; 3]; N]) {
        for (k, block) in bytes[..64 * full].chunks_exact(64).enumerate() {
            self.scalar_block(k, block, sets);
        }
    }

    fn tail(&mut self, bytes: &[u8], full: usize, sets: [[u8; 3]; N]) {
        let tail = &bytes[64 * full..];
        if !tail.is_empty() {
            self.scalar_block(full, tail, sets);
        }
    }

    /// Word `k` from up to 64 bytes.
    fn scalar_block(&mut self, k: usize, block: &[u8], sets: [[u8; 3]; N]) {
        let (mut digit, mut high, mut found) = (0u64, 0u64, [0u64; N]);
        for (i, &b) in block.iter().enumerate() {
            digit |= u64::from(b.is_ascii_digit()) << i;
            high |= u64::from(!b.is_ascii()) << i;
            for (mask, set) in found.iter_mut().zip(&sets) {
                *mask |= u64::from(set.contains(&b)) << i;
            }
        }
        self.digit[k] = digit;
        self.high[k] = high;
        for (masks, mask) in self.sets.iter_mut().zip(found) {
            masks[k] = mask;
        }
    }
}

/// The largest byte of `bytes` (0 when empty): one vectorised pass that
/// tells views looking for bytes the text never holds (UTF-8 lead bytes of
/// full-width digits, EBCDIC digits) to stop at once.
pub fn max_byte(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |max, &b| max.max(b))
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::ByteMasks;
    use std::arch::x86_64::*;

    /// A digit plus `0x80 - b'0'` is `-128..=-119` as a signed byte: one
    /// add and one compare test the whole range.
    const DIGIT_SHIFT: i8 = (0x80u8 - b'0') as i8;
    const DIGIT_LIMIT: i8 = -118;

    /// Fills the masks of `bytes` (whole 64-byte blocks) with AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn blocks_avx2<const N: usize>(bytes: &[u8], sets: [[u8; 3]; N], masks: &mut ByteMasks<N>) {
        let shift = _mm256_set1_epi8(DIGIT_SHIFT);
        let limit = _mm256_set1_epi8(DIGIT_LIMIT);
        let splat = sets.map(|set| set.map(|b| _mm256_set1_epi8(b as i8)));
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
            masks.digit[k] = bits!(|v| _mm256_cmpgt_epi8(limit, _mm256_add_epi8(v, shift)));
            masks.high[k] = bits!(|v| v);
            for (set_masks, [a, b, c]) in masks.sets.iter_mut().zip(&splat) {
                set_masks[k] = bits!(|v| _mm256_or_si256(
                    _mm256_or_si256(_mm256_cmpeq_epi8(v, *a), _mm256_cmpeq_epi8(v, *b)),
                    _mm256_cmpeq_epi8(v, *c),
                ));
            }
        }
    }

    /// Fills the masks of `bytes` (whole 64-byte blocks) with SSE2.
    #[target_feature(enable = "sse2")]
    pub unsafe fn blocks_sse2<const N: usize>(bytes: &[u8], sets: [[u8; 3]; N], masks: &mut ByteMasks<N>) {
        let shift = _mm_set1_epi8(DIGIT_SHIFT);
        let limit = _mm_set1_epi8(DIGIT_LIMIT);
        let splat = sets.map(|set| set.map(|b| _mm_set1_epi8(b as i8)));
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
            masks.digit[k] = bits!(|v| _mm_cmplt_epi8(_mm_add_epi8(v, shift), limit));
            masks.high[k] = bits!(|v| v);
            for (set_masks, [a, b, c]) in masks.sets.iter_mut().zip(&splat) {
                set_masks[k] = bits!(|v| _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, *a), _mm_cmpeq_epi8(v, *b)),
                    _mm_cmpeq_epi8(v, *c),
                ));
            }
        }
    }

    #[cfg(test)]
    pub fn sse2_for_test<const N: usize>(bytes: &[u8], sets: [[u8; 3]; N]) -> ByteMasks<N> {
        let mut masks = ByteMasks::default();
        let full = masks.start(bytes);
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { blocks_sse2(&bytes[..64 * full], sets, &mut masks) };
        masks.tail(bytes, full, sets);
        masks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SETS: [[u8; 3]; 2] = [[b' ', b'-', b'+'], [b'%'; 3]];

    proptest! {
        #[test]
        fn simd_and_scalar_masks_agree(
            bytes in proptest::collection::vec(prop_oneof![Just(b'7'), Just(b' '), Just(b'%'), Just(b'-'), any::<u8>()], 0..400),
        ) {
            let mut fast = ByteMasks::default();
            fast.classify(&bytes, SETS);
            let mut scalar = ByteMasks::default();
            scalar.classify_scalar(&bytes, SETS);
            prop_assert_eq!((&fast.digit, &fast.high, &fast.sets), (&scalar.digit, &scalar.high, &scalar.sets));
            #[cfg(target_arch = "x86_64")]
            {
                let sse2 = x86::sse2_for_test(&bytes, SETS);
                prop_assert_eq!((&sse2.digit, &sse2.high, &sse2.sets), (&scalar.digit, &scalar.high, &scalar.sets));
            }
        }
    }

    #[test]
    fn bits_follow_byte_positions() {
        let mut bytes = vec![b'x'; 130];
        bytes[0] = b'1';
        bytes[63] = b'-';
        bytes[129] = b'%';
        let mut masks = ByteMasks::default();
        masks.classify(&bytes, SETS);
        assert_eq!(masks.digit, vec![1, 0, 0]);
        assert_eq!(masks.sets[0], vec![1 << 63, 0, 0]);
        assert_eq!(masks.sets[1], vec![0, 0, 1 << 1]);
    }
}
