//! Wide-block byte tests for the views' triggers.
//!
//! Each view has a cheap trigger that rejects windows holding nothing it
//! could decode (most windows of plain text). The tests here look at 32 or 64
//! bytes at a time: AVX2 when the CPU has it (checked once per call, cached by
//! the standard library), SSE2 otherwise (every x86_64 CPU has it), or a
//! scalar loop elsewhere; all give the same answer.

/// The largest byte of `bytes` (0 when empty): one vectorised pass that
/// tells views looking for bytes the text never holds (UTF-8 lead bytes of
/// full-width digits, EBCDIC digits) to stop at once.
pub fn max_byte(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |max, &b| max.max(b))
}

/// Fills `out` with one word per 64 bytes: bit `i` of word `k` is set when
/// byte `64 * k + i` is `first` and the byte after it an ASCII digit (`3X`:
/// the hex of an ASCII digit).
pub fn digit_pairs(bytes: &[u8], first: u8, out: &mut Vec<u64>) {
    out.clear();
    // Whole blocks whose look-ahead byte is in `bytes` too.
    let wide = bytes.len().saturating_sub(1) / 64;
    #[cfg(target_arch = "x86_64")]
    {
        let blocks = &bytes[..(64 * wide + 1).min(bytes.len())];
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { x86::digit_pairs_avx2(blocks, first, out) }
        } else {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe { x86::digit_pairs_sse2(blocks, first, out) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    scalar_digit_pairs(bytes, first, 0, wide, out);
    scalar_digit_pairs(bytes, first, wide, bytes.len().div_ceil(64), out);
}

/// The same test, one byte at a time: the fallback, and the reference the
/// SIMD versions are tested against.
pub fn scalar_digit_pairs_all(bytes: &[u8], first: u8, out: &mut Vec<u64>) {
    out.clear();
    scalar_digit_pairs(bytes, first, 0, bytes.len().div_ceil(64), out);
}

/// Words `from..to` of [`digit_pairs`], one byte at a time.
fn scalar_digit_pairs(bytes: &[u8], first: u8, from: usize, to: usize, out: &mut Vec<u64>) {
    for k in from..to {
        let mut word = 0u64;
        for i in 0..64 {
            let at = 64 * k + i;
            let pair = bytes.get(at) == Some(&first) && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
            word |= u64::from(pair) << i;
        }
        out.push(word);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    /// A digit plus `0x80 - b'0'` is `-128..=-119` as a signed byte: one
    /// add and one compare test the whole range.
    const DIGIT_SHIFT: i8 = (0x80u8 - b'0') as i8;
    const DIGIT_LIMIT: i8 = -118;

    /// [`super::digit_pairs`] over whole blocks; `bytes` holds one byte past them.
    #[target_feature(enable = "avx2")]
    pub unsafe fn digit_pairs_avx2(bytes: &[u8], first: u8, out: &mut Vec<u64>) {
        let (shift, limit) = (_mm256_set1_epi8(DIGIT_SHIFT), _mm256_set1_epi8(DIGIT_LIMIT));
        let first = _mm256_set1_epi8(first as i8);
        macro_rules! half {
            ($at:expr) => {{
                // SAFETY: `at + 33 <= bytes.len()` (one byte past the whole
                // blocks); the loads are unaligned.
                let (here, next) = unsafe {
                    let ptr = bytes.as_ptr().add($at);
                    (
                        _mm256_loadu_si256(ptr.cast::<__m256i>()),
                        _mm256_loadu_si256(ptr.add(1).cast::<__m256i>()),
                    )
                };
                let digit_next = _mm256_cmpgt_epi8(limit, _mm256_add_epi8(next, shift));
                let pairs = _mm256_and_si256(_mm256_cmpeq_epi8(here, first), digit_next);
                u64::from(_mm256_movemask_epi8(pairs) as u32)
            }};
        }
        // Written by index: pushing made LLVM rebuild the compare results byte by byte.
        let from = out.len();
        out.resize(from + bytes.len() / 64, 0);
        for (k, word) in out[from..].iter_mut().enumerate() {
            *word = half!(64 * k) | (half!(64 * k + 32) << 32);
        }
    }

    /// [`super::digit_pairs`] over whole blocks with SSE2; `bytes` holds one byte past them.
    #[target_feature(enable = "sse2")]
    pub unsafe fn digit_pairs_sse2(bytes: &[u8], first: u8, out: &mut Vec<u64>) {
        let (shift, limit) = (_mm_set1_epi8(DIGIT_SHIFT), _mm_set1_epi8(DIGIT_LIMIT));
        let first = _mm_set1_epi8(first as i8);
        macro_rules! quarter {
            ($at:expr) => {{
                // SAFETY: `at + 17 <= bytes.len()`; the loads are unaligned.
                let (here, next) = unsafe {
                    let ptr = bytes.as_ptr().add($at);
                    (
                        _mm_loadu_si128(ptr.cast::<__m128i>()),
                        _mm_loadu_si128(ptr.add(1).cast::<__m128i>()),
                    )
                };
                let digit_next = _mm_cmplt_epi8(_mm_add_epi8(next, shift), limit);
                let pairs = _mm_and_si128(_mm_cmpeq_epi8(here, first), digit_next);
                u64::from(_mm_movemask_epi8(pairs) as u16)
            }};
        }
        let from = out.len();
        out.resize(from + bytes.len() / 64, 0);
        for (k, word) in out[from..].iter_mut().enumerate() {
            let at = 64 * k;
            *word =
                quarter!(at) | quarter!(at + 16) << 16 | quarter!(at + 32) << 32 | quarter!(at + 48) << 48;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn simd_and_scalar_digit_pairs_agree(
            bytes in proptest::collection::vec(prop_oneof![Just(b'3'), Just(b'7'), Just(b'a'), any::<u8>()], 0..400),
        ) {
            let (mut fast, mut scalar) = (Vec::new(), Vec::new());
            digit_pairs(&bytes, b'3', &mut fast);
            scalar_digit_pairs_all(&bytes, b'3', &mut scalar);
            prop_assert_eq!(&fast, &scalar);
            #[cfg(target_arch = "x86_64")]
            {
                let wide = bytes.len().saturating_sub(1) / 64;
                let mut sse2 = Vec::new();
                // SAFETY: SSE2 is part of the x86_64 baseline.
                unsafe { x86::digit_pairs_sse2(&bytes[..64 * wide + 1.min(bytes.len())], b'3', &mut sse2) };
                prop_assert_eq!(&sse2[..], &scalar[..wide]);
            }
        }

        #[test]
        fn max_byte_is_the_largest(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(max_byte(&bytes), bytes.iter().copied().max().unwrap_or(0));
        }
    }

    #[test]
    fn pairs_follow_byte_positions() {
        let mut bytes = vec![b'x'; 130];
        bytes[0..2].copy_from_slice(b"34");
        bytes[63..65].copy_from_slice(b"30");
        bytes[128..130].copy_from_slice(b"3x");
        let mut pairs = Vec::new();
        digit_pairs(&bytes, b'3', &mut pairs);
        assert_eq!(pairs, vec![1 | 1 << 63, 0, 0]);
    }
}
