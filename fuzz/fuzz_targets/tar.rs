#![no_main]
//! The tar decoder never panics, hangs or allocates without bound on any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hihoji_fuzz::run("tar", data));
