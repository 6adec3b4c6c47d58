//! Skipping text that cannot hold a card number, in wide blocks.
//!
//! Every card number and every masked number has a group of at least four
//! consecutive digits (all groupings start with 4 or 6; masked numbers show 6
//! or 8 first digits). So the detector jumps from one run of four digits to
//! the next and never looks at the bytes in between. On x86_64 the digit test
//! runs on 64 bytes at a time with SSE2, which every x86_64 processor has (no
//! runtime detection needed); elsewhere a scalar loop does the same.

/// Index of a digit inside the first run of at least four consecutive ASCII
/// digits that ends at or after `from + 3`, or `None`.
pub fn next_four_digits(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { sse2::next_four_digits(bytes, from) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_next_four_digits(bytes, from)
    }
}

/// The same answer, one byte at a time: the fallback, and the reference the
/// SIMD version is tested against.
pub fn scalar_next_four_digits(bytes: &[u8], from: usize) -> Option<usize> {
    let mut run = 0;
    for (i, b) in bytes.iter().enumerate().skip(from) {
        if b.is_ascii_digit() {
            run += 1;
            if run == 4 {
                return Some(i - 3);
            }
        } else {
            run = 0;
        }
    }
    None
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8,
        _mm_sub_epi8,
    };

    /// Bit `i` set when `block[i]` is an ASCII digit.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn digit_mask(block: &[u8; 64]) -> u64 {
        let zero = _mm_set1_epi8(b'0' as i8);
        let nine = _mm_set1_epi8(9);
        let mut mask = 0u64;
        for (k, lane) in block.chunks_exact(16).enumerate() {
            // SAFETY: `lane` is 16 readable bytes; the load is unaligned.
            let v = unsafe { _mm_loadu_si128(lane.as_ptr().cast::<__m128i>()) };
            // A digit minus '0' is 0..=9 as an unsigned byte.
            let d = _mm_sub_epi8(v, zero);
            let is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
            mask |= u64::from(_mm_movemask_epi8(is_digit) as u16) << (16 * k);
        }
        mask
    }

    #[target_feature(enable = "sse2")]
    pub fn next_four_digits(bytes: &[u8], from: usize) -> Option<usize> {
        let mut at = from;
        // Digit bits of the previous block, so runs crossing blocks are seen.
        let mut prev = 0u64;
        while at + 64 <= bytes.len() {
            let block: &[u8; 64] = bytes[at..at + 64].try_into().ok()?;
            let m = digit_mask(block);
            let ends = m & ((m << 1) | (prev >> 63)) & ((m << 2) | (prev >> 62)) & ((m << 3) | (prev >> 61));
            if ends != 0 {
                let end = at + ends.trailing_zeros() as usize;
                return Some((end - 3).max(from));
            }
            prev = m;
            at += 64;
        }
        // The tail, with up to three digits carried from the last block.
        let carried = (prev.leading_ones() as usize).min(3).min(at - from);
        super::scalar_next_four_digits(bytes, at - carried)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_runs_across_block_edges() {
        for at in 0..140 {
            let mut bytes = vec![b'x'; 200];
            bytes[at..at + 4].copy_from_slice(b"1234");
            assert_eq!(next_four_digits(&bytes, 0), Some(at), "run at {at}");
            assert_eq!(next_four_digits(&bytes, at + 1), None);
        }
    }

    proptest! {
        #[test]
        fn simd_and_scalar_agree(
            bytes in proptest::collection::vec(prop_oneof![Just(b'7'), Just(b' '), Just(b'a'), any::<u8>()], 0..400),
            from in 0usize..400,
        ) {
            let from = from.min(bytes.len());
            let fast = next_four_digits(&bytes, from);
            let slow = scalar_next_four_digits(&bytes, from);
            // Both point into the same run of four (the fast one may point at
            // its first digit after `from`).
            let run_end = |p: usize| {
                let mut e = p;
                while e < bytes.len() && bytes[e].is_ascii_digit() { e += 1; }
                e
            };
            prop_assert_eq!(fast.map(run_end), slow.map(run_end));
        }
    }
}
