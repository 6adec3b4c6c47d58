//! PostgreSQL's COPY text format, as `COPY … TO STDOUT` streams it and as
//! plain `pg_dump` files hold it: one row per line, fields split by tabs,
//! `\N` for NULL, backslash escapes inside fields.

use std::io::{self, BufRead};

/// Reads one row (without its newline) into `line`, keeping at most `max`
/// bytes of it. Returns `None` at the end of the input, else whether the row
/// was cut at `max` (the rest of it is read and dropped).
pub(crate) fn read_row(reader: &mut dyn BufRead, line: &mut Vec<u8>, max: usize) -> io::Result<Option<bool>> {
    line.clear();
    let mut cut = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(cut));
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..at], Some(at + 1)),
            None => (available, None),
        };
        let room = max.saturating_sub(line.len());
        if chunk.len() > room {
            cut = true;
        }
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(available.len());
        reader.consume(used);
        if done.is_some() {
            return Ok(Some(cut));
        }
    }
}

/// The fields of one row, unescaped, reusing one buffer.
#[derive(Default)]
pub(crate) struct CopyFields {
    values: Vec<u8>,
    bounds: Vec<Option<(usize, usize)>>,
}

impl CopyFields {
    pub fn split(&mut self, line: &[u8]) {
        self.values.clear();
        self.bounds.clear();
        for raw in line.split(|&b| b == b'\t') {
            if raw == b"\\N" {
                self.bounds.push(None);
                continue;
            }
            let start = self.values.len();
            unescape(raw, &mut self.values);
            self.bounds.push(Some((start, self.values.len())));
        }
    }

    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Field `i`, `None` for NULL or past the end.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let (start, end) = (*self.bounds.get(i)?)?;
        Some(&self.values[start..end])
    }
}

fn unescape(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        i += 1;
        if b != b'\\' || i == raw.len() {
            out.push(b);
            continue;
        }
        let c = raw[i];
        i += 1;
        match c {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(c - b'0');
                let mut taken = 1;
                while taken < 3 && i < raw.len() && (b'0'..=b'7').contains(&raw[i]) {
                    value = value * 8 + u32::from(raw[i] - b'0');
                    i += 1;
                    taken += 1;
                }
                out.push((value & 0xff) as u8);
            }
            b'x' if i < raw.len() && raw[i].is_ascii_hexdigit() => {
                let mut value = 0u8;
                let mut taken = 0;
                while taken < 2 && i < raw.len() && raw[i].is_ascii_hexdigit() {
                    value = value * 16 + hex_value(raw[i]);
                    i += 1;
                    taken += 1;
                }
                out.push(value);
            }
            other => out.push(other),
        }
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

/// A `bytea` value in PostgreSQL's hex output (`\x4142…`) as its bytes.
pub(crate) fn bytea(text: &[u8]) -> Option<Vec<u8>> {
    let hex = text.strip_prefix(b"\\x")?;
    hex::decode(hex).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_split_by_tab_and_unescaped() {
        let mut fields = CopyFields::default();
        fields.split(b"(0,1)\t\\N\ta\\tb\\\\c\t\\\\x4142\t\\101");
        assert_eq!(fields.len(), 5);
        assert_eq!(fields.get(0), Some(&b"(0,1)"[..]));
        assert_eq!(fields.get(1), None);
        assert_eq!(fields.get(2), Some(&b"a\tb\\c"[..]));
        assert_eq!(fields.get(3).and_then(bytea), Some(b"AB".to_vec()));
        assert_eq!(fields.get(4), Some(&b"A"[..]));
    }

    #[test]
    fn long_rows_are_cut_and_the_next_row_is_read_whole() {
        let mut input = &b"0123456789\nabc\nlast"[..];
        let mut line = Vec::new();
        assert_eq!(read_row(&mut input, &mut line, 4).unwrap(), Some(true));
        assert_eq!(line, b"0123");
        assert_eq!(read_row(&mut input, &mut line, 4).unwrap(), Some(false));
        assert_eq!(line, b"abc");
        assert_eq!(read_row(&mut input, &mut line, 4).unwrap(), Some(false));
        assert_eq!(line, b"last");
        assert_eq!(read_row(&mut input, &mut line, 4).unwrap(), None);
    }
}
