//! Helpers shared by the end-to-end tests (`tests/cli`, `tests/process_memory.rs`):
//! the `hihoji` command with the tests' environment, the synthetic card
//! numbers and fixture builders (`scanner/src/test_support.rs`, the one
//! generator of the workspace), a tree of planted card data for the report
//! tests, and throw-away databases.

// The two test binaries use different parts.
#![allow(dead_code)]

pub mod databases;
pub mod report;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

#[path = "../../scanner/src/test_support.rs"]
mod generated;
pub use generated::*;

/// Packet captures built frame by frame (shared with the scanner's tests).
#[path = "../../scanner/tests/support/capture.rs"]
pub mod capture;

/// The fingerprint key every test run uses, so no test touches the user's key file.
pub const KEY: &str = "end-to-end-test-key";

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `hihoji` binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hihoji"))
}

/// `hihoji` with the fixed key, no colour and English messages, as a
/// `std` command (to spawn it and read its pipes as it runs).
pub fn hihoji_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(binary());
    tests_environment(&mut cmd);
    cmd
}

/// `hihoji` with the fixed key, no colour and English messages.
pub fn hihoji() -> Command {
    Command::from_std(hihoji_process())
}

/// `hihoji` as user nobody when the tests run as root (so that permission
/// checks are real), else as the current user; the same environment.
pub fn hihoji_unprivileged() -> Command {
    if !is_root() {
        return hihoji();
    }
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(binary());
    tests_environment(&mut cmd);
    Command::from_std(cmd)
}

fn tests_environment(cmd: &mut std::process::Command) {
    cmd.env("HIHOJI_FINGERPRINT_KEY", KEY)
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
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
            if (13..=19).contains(&word.len()) && luhn_valid(word) {
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

/// Where `sarif` breaks the SARIF 2.1.0 schema (`tests/data`), one line each.
///
/// The published schema's `run.language` pattern has a stray `]` that a
/// strict regex check of the schema itself rejects; the vendored file is kept
/// byte for byte, and only that pattern is repaired here, in memory.
pub fn sarif_schema_errors(sarif: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("tests/data/sarif-schema-2.1.0.json"))
        .unwrap()
        .replace(
            "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
            "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
        );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
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
