//! Which guideline category a stream belongs to by its content: memory images
//! (core dumps, crash dumps, swap and hibernation files) hold what a process
//! had in memory, so card data there was processed (処理), not just stored.

use crate::findings::GuidelineCategory;

/// `Processed` when `head` (the stream's first bytes) is a memory image.
pub fn memory_image(head: &[u8]) -> Option<GuidelineCategory> {
    (is_elf_core(head)
        || is_mach_o_core(head)
        || is_windows_dump(head)
        || is_hibernation(head)
        || is_swap(head))
    .then_some(GuidelineCategory::Processed)
}

/// ELF with `e_type` ET_CORE (4), in the byte order `EI_DATA` names.
fn is_elf_core(head: &[u8]) -> bool {
    if !head.starts_with(b"\x7fELF") || head.len() < 18 {
        return false;
    }
    let e_type = match head[5] {
        1 => u16::from_le_bytes([head[16], head[17]]),
        2 => u16::from_be_bytes([head[16], head[17]]),
        _ => return false,
    };
    e_type == 4
}

/// 64- or 32-bit Mach-O with filetype MH_CORE (4): a macOS core dump.
fn is_mach_o_core(head: &[u8]) -> bool {
    let magic_le = [[0xCF, 0xFA, 0xED, 0xFE], [0xCE, 0xFA, 0xED, 0xFE]];
    head.len() >= 16 && magic_le.iter().any(|m| head.starts_with(m)) && head[12..16] == [4, 0, 0, 0]
}

/// Windows minidumps (`MDMP`) and full kernel dumps (`PAGEDUMP`, `PAGEDU64`).
fn is_windows_dump(head: &[u8]) -> bool {
    head.starts_with(b"MDMP") || head.starts_with(b"PAGEDUMP") || head.starts_with(b"PAGEDU64")
}

/// Windows hiberfil.sys: `hibr`, `wake`, `rstr` (any case) at offset 0.
fn is_hibernation(head: &[u8]) -> bool {
    head.get(..4).is_some_and(|magic| {
        [b"hibr", b"wake", b"rstr"]
            .iter()
            .any(|m| magic.eq_ignore_ascii_case(&m[..]))
    })
}

/// Linux swap (`SWAPSPACE2`, or a hibernation image's `S1SUSPEND`, `LINHIB0001`)
/// at the end of its first page, for the common page sizes.
fn is_swap(head: &[u8]) -> bool {
    const SIGNATURES: [&[u8]; 4] = [b"SWAPSPACE2", b"SWAP-SPACE", b"S1SUSPEND", b"LINHIB0001"];
    [4096usize, 8192, 16384, 65536].iter().any(|&page| {
        let at = page - 10;
        head.get(at..page)
            .is_some_and(|sig| SIGNATURES.iter().any(|s| sig.starts_with(s)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_images_are_processed() {
        let mut core = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x04\0\x3e\0".to_vec();
        assert_eq!(memory_image(&core), Some(GuidelineCategory::Processed));
        core[16] = 2; // ET_EXEC: a program, not a core dump
        assert_eq!(memory_image(&core), None);
        assert!(memory_image(b"MDMP\x93\xa7\0\0").is_some());
        assert!(memory_image(b"HIBR\0\0\0\0").is_some());
        assert!(memory_image(b"wake\0\0\0\0").is_some());
        let mut swap = vec![0u8; 4096];
        swap[4086..].copy_from_slice(b"SWAPSPACE2");
        assert!(memory_image(&swap).is_some());
        assert_eq!(memory_image(b"hello world"), None);
    }
}
