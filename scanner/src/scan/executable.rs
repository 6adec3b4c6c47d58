//! Machine code and bytecode, told by their first bytes.
//!
//! Packed BCD is a reading of any bytes whose nibbles are 0–9: in programs,
//! shared libraries and compiled Python, instruction and constant bytes form
//! a length, an ISO 8583 header and BCD fields by chance (three times in
//! 12 GB of a real system, measured). Card records are not kept in code, so
//! packed BCD read in such a stream is a note.

/// Whether a stream starting with `head` is an executable, a shared library,
/// a Java class, WebAssembly or compiled Python.
pub fn is_executable(head: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"\x7fELF",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\0asm",
    ];
    MAGICS.iter().any(|m| head.starts_with(m)) || is_windows_executable(head) || is_python_bytecode(head)
}

/// `MZ` and a PE header where the DOS header points.
fn is_windows_executable(head: &[u8]) -> bool {
    let Some(pointer) = head.get(0x3c..0x40) else {
        return false;
    };
    let at = u32::from_le_bytes([pointer[0], pointer[1], pointer[2], pointer[3]]) as usize;
    head.starts_with(b"MZ") && head.get(at..at.saturating_add(4)) == Some(b"PE\0\0")
}

/// A `.pyc`: a two-byte version number, `\r\n`, then flags 0–3 (Python 3.7+).
fn is_python_bytecode(head: &[u8]) -> bool {
    head.len() >= 16 && head[2..4] == *b"\r\n" && head[5..8] == [0, 0, 0] && head[4] <= 3
}

#[cfg(test)]
mod tests {
    use super::is_executable;

    #[test]
    fn programs_and_bytecode_are_told_by_their_first_bytes() {
        assert!(is_executable(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"));
        assert!(is_executable(b"\xcb\x0d\x0d\x0a\0\0\0\0\x12\x34\x56\x78\0\0\0\0"));
        let mut pe = vec![0u8; 0x90];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert!(is_executable(&pe));
    }

    #[test]
    fn data_is_not_an_executable() {
        assert!(!is_executable(b"MZ but no PE header here, just text"));
        assert!(!is_executable(b"SQLite format 3\0"));
        assert!(!is_executable(b"ab\r\ncard 4111\n\0\0\0\0\0\0\0\0"));
        assert!(!is_executable(b""));
    }
}
