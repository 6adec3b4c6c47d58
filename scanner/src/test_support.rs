//! What every test in the workspace builds its data with: the synthetic card
//! number generator and the archive and compression fixture builders.
//!
//! Fixtures hold only numbers made here: random or counted digits completed
//! with their Luhn check digit, never a real card. No fixture is committed as
//! a binary either; each test builds its gzip, zip, tar or 7z bytes here.
//!
//! One file, three users: the scanner's unit tests (`crate::test_support`),
//! and, through `#[path]`, the scanner's integration tests
//! (`scanner/tests/support`) and the CLI's (`tests/support`). So it uses
//! only `std` and the format crates all three have.

// Each of the three users takes its own part.
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// The Luhn check digit of `body`, given as digit values 0–9 (not ASCII).
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            match (i % 2 == 0, d * 2 > 9) {
                (true, true) => d * 2 - 9,
                (true, false) => d * 2,
                (false, _) => d,
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// `body` (ASCII digits) followed by its Luhn check digit.
pub fn luhn_complete(body: &str) -> String {
    let values: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{body}{}", check_digit(&values))
}

/// Whether `digits` (ASCII digits, at least two) pass the Luhn check.
pub fn luhn_valid(digits: &str) -> bool {
    digits.len() >= 2
        && digits.bytes().all(|b| b.is_ascii_digit())
        && luhn_complete(&digits[..digits.len() - 1]) == digits
}

/// A 16-digit Visa number made from `n` (below 10¹⁴): `4`, `n` zero-padded,
/// the check digit. Distinct `n`, distinct numbers.
pub fn synthetic_visa(n: u64) -> String {
    luhn_complete(&format!("4{n:014}"))
}

/// How a report shows `pan`: the first six and last four digits, `*` between.
pub fn masked(pan: &str) -> String {
    format!(
        "{}{}{}",
        &pan[..6],
        "*".repeat(pan.len() - 10),
        &pan[pan.len() - 4..]
    )
}

/// A small deterministic generator (xorshift64*), so every run makes the same numbers.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A digit value, 0–9.
    pub fn digit(&mut self) -> u8 {
        (self.next() % 10) as u8
    }
}

/// A Luhn-valid number of `len` digits starting with `prefix`, random in between.
pub fn synthetic_pan(rng: &mut Rng, prefix: &str, len: usize) -> String {
    let mut body = prefix.to_string();
    while body.len() < len - 1 {
        body.push(char::from(b'0' + rng.digit()));
    }
    luhn_complete(&body)
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `bytes` as a zlib stream (what a git loose object is).
pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip archive of `members` (name, content), with the zip crate's default method.
pub fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(members, zip::write::SimpleFileOptions::default())
}

/// A zip archive of `members` stored with `method`.
pub fn zip_with(members: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    zip_of(
        members,
        zip::write::SimpleFileOptions::default().compression_method(method),
    )
}

fn zip_of(members: &[(&str, &[u8])], options: zip::write::SimpleFileOptions) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A tar archive of `members` with GNU headers (what GNU tar writes).
pub fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    tar_of(members, tar::Header::new_gnu)
}

/// A tar archive of `members` with POSIX ustar headers (long names split
/// into the header's prefix field).
pub fn ustar(members: &[(&str, &[u8])]) -> Vec<u8> {
    tar_of(members, tar::Header::new_ustar)
}

fn tar_of(members: &[(&str, &[u8])], new_header: fn() -> tar::Header) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = new_header();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap()
}

/// A 7z archive of `members`, LZMA2-compressed.
pub fn seven_z(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = sevenz_rust2::ArchiveWriter::new(Cursor::new(Vec::new())).unwrap();
    for (name, bytes) in members {
        writer
            .push_archive_entry(sevenz_rust2::ArchiveEntry::new_file(name), Some(*bytes))
            .unwrap();
    }
    writer.finish().unwrap().into_inner()
}
