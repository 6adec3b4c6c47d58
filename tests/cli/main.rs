//! End-to-end tests of the `hihoji` command, in one test binary: one link
//! instead of one per file (issue 15). Each module is one subject; their
//! shared helpers are in `tests/support`. `cargo test --test cli scan_cli`
//! runs one module's tests.
//!
//! `tests/process_memory.rs` is the other test binary: it has its own `main`.

#[path = "../support/mod.rs"]
mod support;

mod browser;
mod containers_cli;
mod daily_use;
mod databases;
mod encodings_cli;
mod html_report;
mod japanese_report;
mod never_prints;
mod precision_cli;
mod progress_terminal;
mod scan_cli;
mod verdict_cli;
