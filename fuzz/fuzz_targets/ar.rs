#![no_main]
//! The ar decoder never panics, hangs or allocates without bound on any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hihoji_fuzz::run("ar", data));
