#![no_main]
//! The opaque decoder never panics, hangs or allocates without bound on any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hihoji_fuzz::run("opaque", data));
