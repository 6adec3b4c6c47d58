//! A page's content stream cut down to the operators that show text.
//!
//! `lopdf` parses a whole content stream into operations before it extracts
//! text, at about twenty times the stream's size: a 2 MB vector drawing (an
//! Illustrator file is a PDF) costs 40 MB. The path, colour and image
//! operators that make up such a page carry no text, so they are dropped
//! first with a tokenizer that keeps no more than the bytes it copies, and
//! what is left is cut into slices parsed one after the other.

/// Operators that show text or set how it is shown (ISO 32000-1 §9.4):
/// `lopdf`'s extraction reads `Tf`, `Tj`, `TJ`, `'`, `"`, `T*` and `ET`; the
/// others are kept so the stream stays a faithful text object.
const TEXT_OPERATORS: &[&[u8]] = &[
    b"BT", b"ET", b"Tf", b"Tj", b"TJ", b"'", b"\"", b"T*", b"Td", b"TD", b"Tm", b"Tc", b"Tw", b"Tz", b"TL",
    b"Ts", b"Tr",
];

/// Where a slice may end: after showing text or ending a text object.
/// `lopdf` keeps no state across them but the font, which the next slice
/// sets again.
const ENDS_A_SLICE: &[&[u8]] = &[b"ET", b"Tj", b"TJ", b"'", b"\""];

/// The text operations of `content`, each with its operands, one per line,
/// in slices of about `slice_bytes` that `lopdf` can parse one at a time:
/// a slice ends after text is shown or a text object ends, and the next one
/// starts with the font in effect (`Tf`), so the slices' texts joined are
/// the page's text.
pub fn text_operations(content: &[u8], slice_bytes: usize) -> Vec<Vec<u8>> {
    let mut slices = Vec::new();
    let mut kept = Vec::new();
    let mut font: Vec<u8> = Vec::new();
    // The bytes at the start of `kept` carried over from the slice before.
    let mut carried = 0;
    let mut operands_start = 0;
    let mut nesting = 0usize;
    let mut at = 0;
    while at < content.len() {
        let byte = content[at];
        at = match byte {
            b if is_whitespace(b) => at + 1,
            b'%' => {
                let end = memchr::memchr2(b'\n', b'\r', &content[at..]).map_or(content.len(), |end| at + end);
                if content[operands_start..at].iter().all(|&b| is_whitespace(b)) {
                    operands_start = end;
                }
                end
            }
            b'(' => skip_literal_string(content, at),
            b'<' if content.get(at + 1) == Some(&b'<') => {
                nesting += 1;
                at + 2
            }
            b'>' if content.get(at + 1) == Some(&b'>') => {
                nesting = nesting.saturating_sub(1);
                at + 2
            }
            b'<' => memchr::memchr(b'>', &content[at..]).map_or(content.len(), |end| at + end + 1),
            b'[' => {
                nesting += 1;
                at + 1
            }
            b']' => {
                nesting = nesting.saturating_sub(1);
                at + 1
            }
            b'/' => end_of_regular(content, at + 1),
            _ => {
                let end = end_of_regular(content, at).max(at + 1);
                let token = &content[at..end];
                if nesting > 0 || is_operand(token) {
                    end
                } else {
                    if TEXT_OPERATORS.contains(&token) {
                        let operation = &content[operands_start..end];
                        let first = operation.iter().position(|&b| !is_whitespace(b)).unwrap_or(0);
                        let operation = &operation[first..];
                        kept.extend_from_slice(operation);
                        kept.push(b'\n');
                        if token == b"Tf" {
                            font = operation.to_vec();
                        } else if ENDS_A_SLICE.contains(&token) && kept.len() >= slice_bytes {
                            slices.push(std::mem::take(&mut kept));
                            if !font.is_empty() {
                                kept.extend_from_slice(&font);
                                kept.push(b'\n');
                            }
                            carried = kept.len();
                        }
                    }
                    let next = if token == b"ID" {
                        skip_inline_image(content, end)
                    } else {
                        end
                    };
                    operands_start = next;
                    next
                }
            }
        };
    }
    if kept.len() > carried || slices.is_empty() {
        slices.push(kept);
    }
    slices
}

/// PDF white-space characters (ISO 32000-1 §7.2.2).
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Where the run of regular characters starting at `from` ends.
fn end_of_regular(content: &[u8], from: usize) -> usize {
    content[from..]
        .iter()
        .position(|&b| is_whitespace(b) || is_delimiter(b))
        .map_or(content.len(), |length| from + length)
}

/// Numbers and the three keywords that are values, not operators.
fn is_operand(token: &[u8]) -> bool {
    token
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
        || matches!(token, b"true" | b"false" | b"null")
}

/// Where the literal string opening at `open` ends: parentheses nest and a
/// backslash escapes the next byte.
fn skip_literal_string(content: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut at = open;
    while at < content.len() {
        match content[at] {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    content.len()
}

/// Where an inline image's data (after `ID`) ends: past the `EI` that stands
/// alone between white space.
fn skip_inline_image(content: &[u8], after_id: usize) -> usize {
    let mut from = after_id;
    while let Some(found) = memchr::memmem::find(&content[from..], b"EI") {
        let at = from + found;
        let before = at.checked_sub(1).map(|i| content[i]);
        let after = content.get(at + 2).copied();
        if before.is_some_and(is_whitespace) && after.is_none_or(is_whitespace) {
            return at + 2;
        }
        from = at + 2;
    }
    content.len()
}

#[cfg(test)]
mod tests {
    use super::text_operations;

    fn kept(content: &str) -> String {
        let slices = text_operations(content.as_bytes(), usize::MAX);
        assert_eq!(slices.len(), 1);
        String::from_utf8(slices.concat()).unwrap()
    }

    #[test]
    fn slices_end_after_shown_text_and_carry_the_font_on() {
        let page = "BT /F1 9 Tf (a) Tj ET BT (b) Tj ET BT /F2 9 Tf (c) Tj ET q 1 g Q";
        let slices: Vec<String> = text_operations(page.as_bytes(), 20)
            .into_iter()
            .map(|slice| String::from_utf8(slice).unwrap())
            .collect();
        assert_eq!(
            slices,
            [
                "BT\n/F1 9 Tf\n(a) Tj\nET\n",
                "/F1 9 Tf\nBT\n(b) Tj\nET\n",
                // Cut inside a text object, after the text it shows.
                "/F1 9 Tf\nBT\n/F2 9 Tf\n(c) Tj\n",
                "/F2 9 Tf\nET\n",
            ]
        );
    }

    #[test]
    fn drawing_operators_are_dropped_and_text_ones_kept_with_their_operands() {
        let page = "q 1 0 0 1 10 10 cm 0.5 g 10 20 m 30 40 l S\nBT /F1 12 Tf 72 700 Td (Card 4111) Tj ET Q";
        assert_eq!(kept(page), "BT\n/F1 12 Tf\n72 700 Td\n(Card 4111) Tj\nET\n");
    }

    #[test]
    fn strings_arrays_and_dictionaries_hide_what_looks_like_operators() {
        let page = "/P <</MCID 0>> BDC BT [(a) -250 (S l ET\\) f) 3 <4142>] TJ ET EMC";
        assert_eq!(kept(page), "BT\n[(a) -250 (S l ET\\) f) 3 <4142>] TJ\nET\n");
    }

    #[test]
    fn inline_image_data_is_skipped_up_to_a_free_standing_ei() {
        let page = "BI /W 2 /H 1 ID \x01ET(EIx\x02 EI BT (x) Tj ET";
        assert_eq!(kept(page), "BT\n(x) Tj\nET\n");
    }

    #[test]
    fn the_quote_operators_keep_their_strings() {
        let page = "BT 1 0 (one) \" (two) ' T* ET";
        assert_eq!(kept(page), "BT\n1 0 (one) \"\n(two) '\nT*\nET\n");
    }

    #[test]
    fn comments_and_unterminated_input_end_without_panicking() {
        assert_eq!(kept("% BT (x) Tj ET\nBT (y) Tj ET"), "BT\n(y) Tj\nET\n");
        assert_eq!(kept("BT (never closed Tj"), "BT\n");
        assert_eq!(kept("BT <4142"), "BT\n");
    }
}
