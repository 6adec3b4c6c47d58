//! Wide-block byte tests for the views' triggers.
//!
//! Each view has a cheap trigger that rejects windows holding nothing it
//! could decode (most windows of plain text). The tests here look at 32 or 64
//! bytes at a time: AVX2 when the CPU has it (checked once per call, cached by
//! the standard library), SSE2 otherwise (every x86_64 CPU has it), or a
//! scalar loop elsewhere; all give the same answer.

use std::cell::RefCell;

/// The largest byte of `bytes` (0 when empty): one vectorised pass that
/// tells views looking for bytes the text never holds (UTF-8 lead bytes of
/// full-width digits, EBCDIC digits) to stop at once.
pub fn max_byte(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |max, &b| max.max(b))
}

/// A test of a byte and the byte after it, run over whole windows by [`pairs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairTest {
    /// `3` and an ASCII digit: the hex of an ASCII digit.
    HexDigit,
    /// The first two characters of a base64 trigger: `[MNO][DTjz]` (three
    /// ASCII digits encoded), or `H4`, `UE`, `JV` (the container signatures).
    Base64Trigger,
    /// Two bytes of packed BCD: each nibble of both is 0–9.
    PackedDigits,
    /// Two zero bytes.
    Zeros,
    /// A first byte that can announce a packed card number's length: 7–10
    /// bytes (EMV) or 13–19 digits, in binary or in BCD (0x07–0x0A, 0x0D–0x19).
    BcdLength,
    /// An ASCII digit and a zero byte: a digit in UTF-16LE.
    Utf16Digit,
}

impl PairTest {
    pub fn matches(self, first: u8, second: u8) -> bool {
        match self {
            PairTest::HexDigit => first == b'3' && second.is_ascii_digit(),
            PairTest::Base64Trigger => {
                matches!(first, b'M'..=b'O') && matches!(second, b'D' | b'T' | b'j' | b'z')
                    || matches!((first, second), (b'H', b'4') | (b'U', b'E') | (b'J', b'V'))
            }
            PairTest::PackedDigits => packed_digits(first) && packed_digits(second),
            PairTest::Zeros => first == 0 && second == 0,
            PairTest::BcdLength => matches!(first, 0x07..=0x0A | 0x0D..=0x19),
            PairTest::Utf16Digit => first.is_ascii_digit() && second == 0,
        }
    }
}

/// Whether both nibbles of `b` are decimal digits.
pub fn packed_digits(b: u8) -> bool {
    (b >> 4) <= 9 && (b & 0x0F) <= 9
}

/// Fills `out` with one word per 64 bytes: bit `i` of word `k` is set when
/// byte `64 * k + i` and the byte after it pass `test`.
pub fn pairs(bytes: &[u8], test: PairTest, out: &mut Vec<u64>) {
    out.clear();
    // Whole blocks whose look-ahead byte is in `bytes` too.
    let wide = bytes.len().saturating_sub(1) / 64;
    #[cfg(target_arch = "x86_64")]
    {
        let blocks = &bytes[..(64 * wide + 1).min(bytes.len())];
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above).
            unsafe { x86::pairs_avx2(blocks, test, out) }
        } else {
            // SAFETY: SSE2 is part of the x86_64 baseline.
            unsafe { x86::pairs_sse2(blocks, test, out) }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    scalar_pairs(bytes, test, 0, wide, out);
    scalar_pairs(bytes, test, wide, bytes.len().div_ceil(64), out);
}

/// Views sample a binary window every [`GRID_STRIDE`] bytes.
pub const GRID_STRIDE: usize = 4;

/// The first set bit of `words` at or after `from`, a whole number of
/// [`GRID_STRIDE`]s away from it.
pub fn next_on_grid(words: &[u64], from: usize) -> Option<usize> {
    next_on_grid_with(words, from, |words, k| words[k])
}

/// [`next_on_grid`] over the words `word_at(words, k)` makes of `words`.
pub fn next_on_grid_with(
    words: &[u64],
    from: usize,
    word_at: impl Fn(&[u64], usize) -> u64,
) -> Option<usize> {
    // 64 is a multiple of the stride: the same lanes in every word.
    const LANES: u64 = 0x1111_1111_1111_1111;
    let lanes = LANES << (from % GRID_STRIDE);
    let mut k = from / 64;
    if k >= words.len() {
        return None;
    }
    let mut word = word_at(words, k) & lanes & (u64::MAX << (from % 64));
    loop {
        if word != 0 {
            return Some(64 * k + word.trailing_zeros() as usize);
        }
        k += 1;
        if k >= words.len() {
            return None;
        }
        word = word_at(words, k) & lanes;
    }
}

/// Calls `use_words` with the [`pairs`] of `bytes`, written into a buffer
/// kept per thread, so that windows do not allocate.
pub fn with_pairs<R>(bytes: &[u8], test: PairTest, use_words: impl FnOnce(&[u64]) -> R) -> R {
    thread_local! {
        static WORDS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    }
    WORDS.with(|words| match words.try_borrow_mut() {
        Ok(mut words) => {
            pairs(bytes, test, &mut words);
            use_words(&words)
        }
        // A call from inside `use_words` gets a buffer of its own.
        Err(_) => {
            let mut own = Vec::new();
            pairs(bytes, test, &mut own);
            use_words(&own)
        }
    })
}

/// The same, one byte at a time: the reference the SIMD versions are tested against.
#[cfg(test)]
fn scalar_pairs_all(bytes: &[u8], test: PairTest, out: &mut Vec<u64>) {
    out.clear();
    scalar_pairs(bytes, test, 0, bytes.len().div_ceil(64), out);
}

/// Words `from..to` of [`pairs`], one byte at a time.
fn scalar_pairs(bytes: &[u8], test: PairTest, from: usize, to: usize, out: &mut Vec<u64>) {
    for k in from..to {
        let mut word = 0u64;
        for i in 0..64 {
            let at = 64 * k + i;
            let pair = match (bytes.get(at), bytes.get(at + 1)) {
                (Some(&first), Some(&second)) => test.matches(first, second),
                _ => false,
            };
            word |= u64::from(pair) << i;
        }
        out.push(word);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::PairTest;

    /// A byte in `first..=last` plus `0x80 - first` is below
    /// `last - first - 127` as a signed byte: one add and one compare test
    /// the whole range.
    const DIGIT_SHIFT: i8 = (0x80u8 - b'0') as i8;
    const DIGIT_LIMIT: i8 = 9 - 127;
    const MNO_SHIFT: i8 = (0x80u8 - b'M') as i8;
    const MNO_LIMIT: i8 = 2 - 127;

    /// Writes one word per whole block of `bytes` (which holds one byte
    /// past them) with `$width`-byte vectors, testing each byte `here` and
    /// the one after it `next` with `$test`. By index: pushing made LLVM
    /// rebuild the compare results byte by byte.
    macro_rules! pair_words {
        ($bytes:ident, $out:ident, $width:expr, $load:ident, $movemask:ident, $mask_ty:ty, $test:expr) => {{
            let from = $out.len();
            $out.resize(from + $bytes.len() / 64, 0);
            for (k, word) in $out[from..].iter_mut().enumerate() {
                let mut bits = 0u64;
                let mut lane = 0;
                while lane < 64 {
                    // SAFETY: `64 * k + lane + $width + 1 <= bytes.len()` (one
                    // byte past the whole blocks); the loads are unaligned.
                    let (here, next) = unsafe {
                        let ptr = $bytes.as_ptr().add(64 * k + lane);
                        ($load(ptr.cast()), $load(ptr.add(1).cast()))
                    };
                    bits |= u64::from($movemask($test(here, next)) as $mask_ty) << lane;
                    lane += $width;
                }
                *word = bits;
            }
        }};
    }

    /// [`super::pairs`] over whole blocks, one function per instruction set:
    /// every test is written once, with that set's intrinsics.
    macro_rules! pairs_with {
        ($name:ident, $feature:literal, $width:expr, $mask_ty:ty, $load:ident, $movemask:ident,
         $set1:ident, $setzero:ident, $cmpeq:ident, $cmpgt:ident, $add:ident, $and:ident, $or:ident,
         $min:ident, $max:ident) => {
            #[doc = concat!("[`super::pairs`] over whole blocks with ", $feature, ".")]
            #[target_feature(enable = $feature)]
            pub unsafe fn $name(bytes: &[u8], test: PairTest, out: &mut Vec<u64>) {
                let splat = |b: u8| $set1(b as i8);
                let is = |x, b: u8| $cmpeq(x, splat(b));
                // Signed ranges as above; unsigned `x <= high` as `min(x, high) == x`.
                let in_range =
                    |x, shift: i8, limit: i8| $cmpgt(splat(limit as u8), $add(x, splat(shift as u8)));
                let within = |x, low: u8, high: u8| {
                    $and(
                        $cmpeq($max(x, splat(low)), x),
                        $cmpeq($min(x, splat(high)), x),
                    )
                };
                let digit = |x| in_range(x, DIGIT_SHIFT, DIGIT_LIMIT);
                let packed = |x| {
                    $and(
                        within($and(x, splat(0xF0)), 0, 0x90),
                        within($and(x, splat(0x0F)), 0, 9),
                    )
                };
                macro_rules! words {
                    ($test:expr) => {
                        pair_words!(bytes, out, $width, $load, $movemask, $mask_ty, $test)
                    };
                }
                match test {
                    PairTest::HexDigit => words!(|here, next| $and(is(here, b'3'), digit(next))),
                    PairTest::Base64Trigger => words!(|here, next| {
                        let mno = in_range(here, MNO_SHIFT, MNO_LIMIT);
                        let dtjz = $or(
                            $or(is(next, b'D'), is(next, b'T')),
                            $or(is(next, b'j'), is(next, b'z')),
                        );
                        let signature = $or(
                            $or(
                                $and(is(here, b'H'), is(next, b'4')),
                                $and(is(here, b'U'), is(next, b'E')),
                            ),
                            $and(is(here, b'J'), is(next, b'V')),
                        );
                        $or($and(mno, dtjz), signature)
                    }),
                    PairTest::PackedDigits => words!(|here, next| $and(packed(here), packed(next))),
                    PairTest::Zeros => words!(|here, next| $cmpeq($or(here, next), $setzero())),
                    PairTest::BcdLength => {
                        words!(|here, _next| $or(within(here, 0x07, 0x0A), within(here, 0x0D, 0x19)))
                    }
                    PairTest::Utf16Digit => words!(|here, next| $and(digit(here), $cmpeq(next, $setzero()))),
                }
            }
        };
    }

    pairs_with!(
        pairs_avx2,
        "avx2",
        32,
        u32,
        _mm256_loadu_si256,
        _mm256_movemask_epi8,
        _mm256_set1_epi8,
        _mm256_setzero_si256,
        _mm256_cmpeq_epi8,
        _mm256_cmpgt_epi8,
        _mm256_add_epi8,
        _mm256_and_si256,
        _mm256_or_si256,
        _mm256_min_epu8,
        _mm256_max_epu8
    );
    pairs_with!(
        pairs_sse2,
        "sse2",
        16,
        u16,
        _mm_loadu_si128,
        _mm_movemask_epi8,
        _mm_set1_epi8,
        _mm_setzero_si128,
        _mm_cmpeq_epi8,
        _mm_cmpgt_epi8,
        _mm_add_epi8,
        _mm_and_si128,
        _mm_or_si128,
        _mm_min_epu8,
        _mm_max_epu8
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn simd_and_scalar_pairs_agree(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'3'), Just(b'7'), Just(b'N'), Just(b'T'), Just(b'U'), Just(b'E'), Just(0), Just(0x45), Just(0x99), Just(0x9A), Just(0xA9), Just(0x07), Just(0x0A), Just(0x0D), Just(0x19), Just(0x1A), any::<u8>()],
                0..400,
            ),
        ) {
            for test in [PairTest::HexDigit, PairTest::Base64Trigger, PairTest::PackedDigits, PairTest::Zeros, PairTest::BcdLength, PairTest::Utf16Digit] {
                let (mut fast, mut scalar) = (Vec::new(), Vec::new());
                pairs(&bytes, test, &mut fast);
                scalar_pairs_all(&bytes, test, &mut scalar);
                prop_assert_eq!(&fast, &scalar);
                #[cfg(target_arch = "x86_64")]
                {
                    let wide = bytes.len().saturating_sub(1) / 64;
                    let mut sse2 = Vec::new();
                    // SAFETY: SSE2 is part of the x86_64 baseline.
                    unsafe { x86::pairs_sse2(&bytes[..(64 * wide + 1).min(bytes.len())], test, &mut sse2) };
                    prop_assert_eq!(&sse2[..], &scalar[..wide]);
                }
            }
        }

        #[test]
        fn next_on_grid_is_the_first_set_bit_on_the_grid(
            words in proptest::collection::vec(any::<u64>().prop_map(|w| w & w.rotate_left(7) & w.rotate_left(19)), 0..6),
            from in 0usize..400,
        ) {
            let set = |i: usize| words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1);
            let expected = (from..64 * words.len()).step_by(GRID_STRIDE).find(|&i| set(i));
            prop_assert_eq!(next_on_grid(&words, from), expected);
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
        let mut words = Vec::new();
        pairs(&bytes, PairTest::HexDigit, &mut words);
        assert_eq!(words, vec![1 | 1 << 63, 0, 0]);
    }
}
