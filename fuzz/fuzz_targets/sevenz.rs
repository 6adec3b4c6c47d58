#![no_main]
//! The 7z decoder never panics, hangs or allocates without bound on any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hihoji_fuzz::run("7z", data));
