//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `hihoji` with a fixed fingerprint key, so no test touches the user's key file.
pub fn hihoji() -> Command {
    let mut cmd = Command::cargo_bin("hihoji").expect("hihoji binary");
    cmd.env("HIHOJI_FINGERPRINT_KEY", "end-to-end-test-key")
        .env("NO_COLOR", "1");
    cmd
}

/// Every Luhn-valid run of 13–19 digits (written plainly or grouped) in the
/// files under `dir`: the full values that must never appear in any output.
pub fn card_numbers_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir(dir) {
        let Ok(bytes) = std::fs::read(&entry) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let digits: String = text
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { ' ' })
            .collect();
        // Also join digits separated by single space, dash, plus or %20.
        let joined = text.replace("%20", " ");
        let joined: String = joined
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '+'))
            .map(|c| if c.is_ascii_digit() { c } else { ' ' })
            .collect();
        for word in digits.split_whitespace().chain(joined.split_whitespace()) {
            if (13..=19).contains(&word.len()) && luhn(word) {
                found.push(word.to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

pub fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let v = u32::from(b - b'0');
            if i % 2 == 1 {
                let d = v * 2;
                if d > 9 {
                    d - 9
                } else {
                    d
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The ways a number can be written that an output must not contain.
pub fn written_forms(pan: &str) -> Vec<String> {
    let groups = |sep: &str| {
        pan.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(sep)
    };
    vec![
        pan.to_string(),
        groups(" "),
        groups("-"),
        groups("+"),
        groups("%20"),
    ]
}

/// True when the process runs as root (CI does).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
