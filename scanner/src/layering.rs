//! The import graph runs one way: sources → scan → decode → {detect,
//! findings, limits}. A decoder that reached back into `scan` would tie the
//! formats to one worker's internals and bring back the import circle that
//! issue 15 removed; these tests read the source and fail on such a use.

use std::path::{Path, PathBuf};

/// Modules (directories or files under `src/`) and the modules they must not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("decode", &["scan", "sources"]),
    ("limits.rs", &["scan", "sources", "decode"]),
    ("meter.rs", &["scan", "sources", "decode"]),
    ("position.rs", &["scan", "sources", "decode"]),
    ("field.rs", &["scan", "sources", "decode"]),
];

/// The lines of `source` that name module `module` of this crate: a path
/// (`crate::scan::Limits`, `super::super::scan`, a doc link) or a grouped
/// import (`use crate::{decode, scan};`).
fn uses_of(source: &str, module: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut grouped: Option<String> = None;
    for line in source.lines() {
        let trimmed = line.trim();
        if let Some(group) = &mut grouped {
            group.push_str(trimmed);
            if trimmed.contains(';') {
                if names_in_group(group, module) {
                    found.push(group.clone());
                }
                grouped = None;
            }
            continue;
        }
        let names_path = ["crate::", "super::super::", "hihoji_scanner::"]
            .iter()
            .any(|root| names_module_at(line, &format!("{root}{module}")));
        if names_path {
            found.push(line.to_string());
        } else if trimmed.starts_with("use crate::{") || trimmed.starts_with("pub use crate::{") {
            if trimmed.contains(';') {
                if names_in_group(trimmed, module) {
                    found.push(line.to_string());
                }
            } else {
                grouped = Some(trimmed.to_string());
            }
        }
    }
    found
}

/// True when `line` holds `path` followed by something that ends a path
/// segment (so `crate::scan` does not match `crate::scanner`).
fn names_module_at(line: &str, path: &str) -> bool {
    line.match_indices(path).any(|(at, _)| {
        line[at + path.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// True when the `{…}` group of a `use crate::{…};` names `module` at its top level.
fn names_in_group(group: &str, module: &str) -> bool {
    let inner = group.split_once('{').map_or("", |(_, rest)| {
        rest.rsplit_once('}').map_or(rest, |(inner, _)| inner)
    });
    let mut depth = 0;
    let mut item = String::new();
    let mut items = Vec::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => items.push(std::mem::take(&mut item)),
            _ => item.push(c),
        }
    }
    items.push(item);
    items.iter().any(|item| {
        let head = item.trim().split("::").next().unwrap_or("");
        head.split_whitespace().next() == Some(module)
    })
}

fn rust_files(at: &Path, files: &mut Vec<PathBuf>) {
    if at.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(at)
            .unwrap_or_else(|e| panic!("listing {}: {e}", at.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, files);
        }
    } else if at.extension().is_some_and(|e| e == "rs") {
        files.push(at.to_path_buf());
    }
}

#[test]
fn decoders_and_ground_floor_modules_do_not_import_upwards() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    let mut violations = Vec::new();
    for (module, forbidden) in FORBIDDEN {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        assert!(
            !files.is_empty(),
            "{module} has no Rust files: the check would pass vacuously"
        );
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            checked += 1;
            for name in *forbidden {
                for line in uses_of(&source, name) {
                    violations.push(format!("{}: names `{name}`: {}", file.display(), line.trim()));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} files checked");
    assert!(
        violations.is_empty(),
        "imports against the flow:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_import_check_sees_every_way_of_naming_a_module() {
    for line in [
        "use crate::scan::{Field, Limits};",
        "use crate::scan;",
        "    let limits = crate::scan::Limits::default();",
        "//! up to [`Limits`](crate::scan::Limits)",
        "use super::super::scan::Worker;",
        "use crate::{decode, scan};",
        "use crate::{findings::Layer, scan::Limits};",
        "use crate::{\n    findings::Layer,\n    scan::{Limits, Meter},\n};",
    ] {
        assert_eq!(uses_of(line, "scan").len(), 1, "not caught: {line}");
    }
    for line in [
        "use crate::scanner_name;",
        "use crate::findings::{Layer, SkipReason};",
        "use crate::{findings::scan, limits::Limits};",
        "// the scan reads it",
        "use crate::{\n    findings::Layer,\n    limits::Limits,\n};",
    ] {
        assert!(uses_of(line, "scan").is_empty(), "false alarm: {line}");
    }
}
