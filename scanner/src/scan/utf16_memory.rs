//! A minimal UTF-16LE view of process memory: Java, .NET and Windows-heritage
//! programs keep strings as UTF-16LE, where a card number is `4\05\02\0…` and
//! no byte scanner sees it.
//!
//! Each 2-byte unit becomes one byte: an ASCII character stored as UTF-16LE,
//! at either byte alignment (`c 0` read in step, or `0 c` one byte out of
//! step), becomes `c`; anything else becomes NUL, which joins nothing. ASCII
//! text (two non-zero bytes per unit) becomes NULs too, so the plain scan and
//! this one never report the same bytes. Out of step, a string's first
//! character shares its unit with the byte before it and survives only when
//! that byte is NUL. Only ASCII characters survive:
//! enough for digits, separators and English context words; Japanese context
//! words in UTF-16 are not seen here.

use std::io::{self, Read};

/// Memory bytes per byte of the view.
pub const UNIT: u64 = 2;

/// The encoding named in findings made through this view.
pub const ENCODING: &str = "utf-16le";

/// Reads `inner` as UTF-16LE code units, one output byte per unit.
pub struct Utf16Ascii<R> {
    inner: R,
    units: Vec<u8>,
    /// A byte read after the last whole unit.
    odd: Option<u8>,
}

impl<R: Read> Utf16Ascii<R> {
    pub fn new(inner: R) -> Self {
        Utf16Ascii {
            inner,
            units: Vec::new(),
            odd: None,
        }
    }
}

impl<R: Read> Read for Utf16Ascii<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.units.resize(out.len() * 2, 0);
        let mut have = 0;
        if let Some(b) = self.odd.take() {
            self.units[0] = b;
            have = 1;
        }
        while have < 2 {
            match self.inner.read(&mut self.units[have..]) {
                Ok(0) => break,
                Ok(n) => have += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        // A last odd byte at the end of the stream is not a whole unit.
        if have % 2 == 1 {
            self.odd = Some(self.units[have - 1]);
        }
        let units = have / 2;
        for (byte, unit) in out.iter_mut().zip(self.units[..units * 2].chunks_exact(2)) {
            *byte = match (unit[0], unit[1]) {
                (c, 0) | (0, c) if c.is_ascii() => c,
                _ => 0,
            };
        }
        Ok(units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(bytes: &[u8], read_size: usize) -> Vec<u8> {
        let mut reader = Utf16Ascii::new(bytes);
        let mut out = Vec::new();
        let mut buf = vec![0u8; read_size];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn utf16le_ascii_becomes_ascii_in_step_and_one_byte_out_of_step() {
        assert_eq!(view(&le("pan 4526"), 64), b"pan 4526");
        // Out of step, the unit holding the first character also holds the
        // byte before it: that character is seen only after a NUL.
        let mut shifted = vec![0xAB];
        shifted.extend(le("4526 x"));
        assert_eq!(view(&shifted, 64), b"\x00526 x");
        let mut shifted = vec![0x00];
        shifted.extend(le("4526 x"));
        assert_eq!(view(&shifted, 64), b"4526 x");
    }

    #[test]
    fn ascii_text_and_non_ascii_characters_become_nul() {
        assert_eq!(view(b"45260181", 64), [0u8; 4]);
        assert_eq!(view(&le("番号1"), 64), b"\0\x001");
    }

    #[test]
    fn small_reads_carry_odd_bytes_between_calls() {
        let text = le("card 4526018159083012");
        assert_eq!(view(&text, 1), b"card 4526018159083012");
        assert_eq!(view(&text, 3), b"card 4526018159083012");
    }
}
