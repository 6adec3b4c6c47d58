//! The token a card-number candidate belongs to.
//!
//! A number is judged by the token around it, not by the one byte next to
//! it. Digits glued to a word of letters are still a candidate: fixed-width
//! records and careless logs write `CARD4526…`, `…3012JPY`, `…3012YAMADA`.
//! Digits inside an identifier are not: a token mixing letters and digits
//! (`a1b2…`, hex and base64 strings), a symbol suffix (`.llvm.1234…`), an
//! identifier joined by `_` or `-` (`blk_-1234…`, `xn--…`), a signed integer
//! (`-1234…`, `+1234…`), a decoration run (`====…1234…==`, MIME boundaries)
//! or a decimal (`1.4526…`). Those need strong card evidence (a card word
//! labelling them) to be reported at all.

/// What the token around a candidate says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Delimited by spaces, punctuation, quotes, `=` or `:`.
    Free,
    /// Glued to a word of letters on one side or both (`CARD…`, `…JPY`).
    AttachedToWord,
    /// Part of a longer token that is not a card number, and which kind.
    InToken(&'static str),
}

/// One side of a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Free,
    /// A word of letters glued to the number: how many, whether all are
    /// hex digits, whether any is lower case.
    Letters {
        len: usize,
        hex: bool,
        lower: bool,
    },
    InToken(&'static str),
}

/// The shape of the token holding the candidate at `bytes[start..end]`,
/// looking only at the sides that are a run's edge (a side that is a
/// separator inside a run of digit groups is free).
pub fn token_shape_at_edges(
    bytes: &[u8],
    start: usize,
    end: usize,
    left_edge: bool,
    right_edge: bool,
) -> Shape {
    let left = if left_edge {
        left_side(bytes, start)
    } else {
        Side::Free
    };
    let right = if right_edge {
        right_side(bytes, end)
    } else {
        Side::Free
    };
    match (left, right) {
        (Side::InToken(why), _) | (_, Side::InToken(why)) => Shape::InToken(why),
        (Side::Free, Side::Free) => Shape::Free,
        _ => {
            let letters = |s: Side| match s {
                Side::Letters { len, hex, lower } => (len, hex, lower),
                _ => (0, true, false),
            };
            let ((l_len, l_hex, l_lower), (r_len, r_hex, r_lower)) = (letters(left), letters(right));
            // Only hex letters: a hex string unless it reads as a short
            // upper-case word (`…3012A`, `…CAD`) on one side.
            let hex_like =
                l_hex && r_hex && (l_lower || r_lower || (l_len > 0 && r_len > 0) || l_len + r_len >= 4);
            // One lower-case letter is a variable or id prefix (`x4526…`, `v…`).
            let one_lower_letter = l_len + r_len == 1 && (l_lower || r_lower);
            if hex_like {
                Shape::InToken("hex")
            } else if one_lower_letter {
                Shape::InToken("identifier")
            } else {
                Shape::AttachedToWord
            }
        }
    }
}

fn letters(word: &[u8]) -> Side {
    Side::Letters {
        len: word.len(),
        hex: word.iter().all(u8::is_ascii_hexdigit),
        lower: word.iter().any(u8::is_ascii_lowercase),
    }
}

fn left_side(bytes: &[u8], start: usize) -> Side {
    let at = |i: usize| i.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let Some(before) = at(start) else {
        return Side::Free;
    };
    let before2 = at(start - 1);
    let identifier_byte = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    match before {
        b if b.is_ascii_alphanumeric() => {
            let mut ws = start;
            while ws > 0 && bytes[ws - 1].is_ascii_alphanumeric() {
                ws -= 1;
            }
            let word = &bytes[ws..start];
            if word.iter().any(u8::is_ascii_digit) {
                return Side::InToken("mixed_token");
            }
            match at(ws) {
                Some(b'_') => Side::InToken("identifier"),
                Some(b'.' | b'-') if identifier_byte(at(ws - 1)) => Side::InToken("identifier"),
                _ => letters(word),
            }
        }
        b'-' | b'+' if identifier_byte(before2) || before2 == Some(b'-') => Side::InToken("identifier"),
        b'-' | b'+' => Side::InToken("signed_integer"),
        b'.' if before2.is_some_and(|b| b.is_ascii_digit()) => Side::InToken("decimal"),
        b'.' if identifier_byte(before2) => Side::InToken("symbol_suffix"),
        b'_' => Side::InToken("identifier"),
        b'=' if before2 == Some(b'=') => Side::InToken("decoration"),
        _ => Side::Free,
    }
}

fn right_side(bytes: &[u8], end: usize) -> Side {
    let Some(&after) = bytes.get(end) else {
        return Side::Free;
    };
    let after2 = bytes.get(end + 1).copied();
    match after {
        b if b.is_ascii_alphanumeric() => {
            let mut we = end;
            while we < bytes.len() && bytes[we].is_ascii_alphanumeric() {
                we += 1;
            }
            let word = &bytes[end..we];
            if word.iter().any(u8::is_ascii_digit) {
                return Side::InToken("mixed_token");
            }
            match bytes.get(we) {
                Some(b'_') => Side::InToken("identifier"),
                _ => letters(word),
            }
        }
        b'.' if after2.is_some_and(|b| b.is_ascii_digit()) => Side::InToken("decimal"),
        b'_' if after2.is_some_and(|b| b.is_ascii_alphanumeric()) => Side::InToken("identifier"),
        b'=' if after2 == Some(b'=') => Side::InToken("decoration"),
        _ => Side::Free,
    }
}

#[cfg(test)]
mod tests {
    use super::{token_shape_at_edges, Shape};

    fn shape(text: &str) -> Shape {
        let start = text.find("4526").expect("number");
        token_shape_at_edges(text.as_bytes(), start, start + 16, true, true)
    }

    #[test]
    fn digits_glued_to_a_word_are_still_a_candidate() {
        for text in [
            "CARD4526018159083012",
            "pan4526018159083012",
            "4526018159083012JPY",
            "4526018159083012YAMADA TARO",
            "ref:4526018159083012A",
            "x 4526018159083012CAD",
        ] {
            assert_eq!(shape(text), Shape::AttachedToWord, "{text}");
        }
        assert_eq!(shape("cc=4526018159083012&"), Shape::Free);
    }

    #[test]
    fn digits_inside_identifiers_are_not() {
        for (text, why) in [
            ("_ZN4core3fmt.llvm.4526018159083012", "symbol_suffix"),
            ("blk_-4526018159083012", "identifier"),
            ("x -4526018159083012,", "signed_integer"),
            ("===============4526018159083012==", "decoration"),
            ("id=a4526018159083012", "hex"),
            ("sha=4526018159083012ab", "hex"),
            ("k9x4526018159083012", "mixed_token"),
            ("4526018159083012_tmp", "identifier"),
            ("1.4526018159083012", "decimal"),
            ("xn--4526018159083012", "identifier"),
            ("foo_bar4526018159083012", "identifier"),
        ] {
            assert_eq!(shape(text), Shape::InToken(why), "{text}");
        }
    }
}
