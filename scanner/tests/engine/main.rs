//! The engine's integration tests, in one test binary: one link instead of
//! one per file (issue 15). Each module is one subject; their shared helpers
//! are in `scanner/tests/support`. `cargo test -p hihoji-scanner --test engine
//! containers` runs one module's tests.

#[path = "../support/mod.rs"]
mod support;

mod captures;
mod containers;
mod detector_properties;
mod encodings;
mod encodings_props;
mod threads_properties;
