//! Splitting text into runs of digit groups: `4526 0181 5908 3012` is one run
//! of four groups joined by spaces.
//!
//! A run is maximal: it extends over every digit and every single separator
//! that sits between two digits, so a card number can never be taken from the
//! middle of a longer number without the caller seeing the neighbours.

/// What joins two digit groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Space,
    Dash,
    /// `+`, a space in URL query strings and form bodies.
    Plus,
    /// `%20`, a percent-encoded space.
    PercentSpace,
}

impl Separator {
    /// The separator starting at `bytes[at]` and its length in bytes.
    #[inline]
    pub fn at(bytes: &[u8], at: usize) -> Option<(Separator, usize)> {
        match bytes.get(at)? {
            b' ' => Some((Separator::Space, 1)),
            b'-' => Some((Separator::Dash, 1)),
            b'+' => Some((Separator::Plus, 1)),
            b'%' if bytes.get(at + 1) == Some(&b'2') && bytes.get(at + 2) == Some(&b'0') => {
                Some((Separator::PercentSpace, 3))
            }
            _ => None,
        }
    }
}

/// One group of consecutive digits inside a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    /// The separator joining this group to the previous one in the run.
    pub joined_by: Option<Separator>,
}

impl Group {
    pub fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Parses the run of digit groups that starts at `start` (a digit) into
/// `groups` (cleared first) and returns the end of the run.
pub fn parse_run(bytes: &[u8], start: usize, groups: &mut Vec<Group>) -> usize {
    groups.clear();
    let mut at = start;
    let mut joined_by = None;
    loop {
        let group_start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        groups.push(Group {
            start: group_start,
            end: at,
            joined_by,
        });
        match Separator::at(bytes, at) {
            Some((sep, len)) if bytes.get(at + len).is_some_and(u8::is_ascii_digit) => {
                joined_by = Some(sep);
                at += len;
            }
            _ => return at,
        }
    }
}

/// True for bytes that make a number part of a word, a hex string or an identifier.
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// True when the number ending at `end` continues as a decimal (`…123.45`)
/// or as part of a word. A comma does not continue it: CSV fields follow
/// numbers with commas.
pub fn continues_after(bytes: &[u8], end: usize) -> bool {
    match bytes.get(end) {
        Some(&b) if is_word_byte(b) => true,
        Some(b'.') => bytes.get(end + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

/// True when the number starting at `start` continues a decimal or a word
/// before it (`1.4526…`, `a4526…`).
pub fn continues_before(bytes: &[u8], start: usize) -> bool {
    if start == 0 {
        return false;
    }
    match bytes[start - 1] {
        b if is_word_byte(b) => true,
        b'.' => start >= 2 && bytes[start - 2].is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lens(text: &str) -> Vec<usize> {
        let mut groups = Vec::new();
        let start = text.find(|c: char| c.is_ascii_digit()).unwrap();
        parse_run(text.as_bytes(), start, &mut groups);
        groups.iter().map(Group::len).collect()
    }

    #[test]
    fn groups_split_on_single_separators() {
        assert_eq!(lens("x 4526 0181 5908 3012 y"), vec![4, 4, 4, 4]);
        assert_eq!(lens("4526-0181-5908-3012"), vec![4, 4, 4, 4]);
        assert_eq!(lens("4526%200181%205908%203012"), vec![4, 4, 4, 4]);
        assert_eq!(lens("4526+0181+5908+3012&"), vec![4, 4, 4, 4]);
    }

    #[test]
    fn double_separator_ends_the_run() {
        assert_eq!(lens("4526  0181"), vec![4]);
        assert_eq!(lens("4526- 0181"), vec![4]);
        assert_eq!(lens("4526 x"), vec![4]);
    }
}
