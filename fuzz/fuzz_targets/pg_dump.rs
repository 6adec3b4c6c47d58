#![no_main]
//! The pg_dump decoder never panics, hangs or allocates without bound on any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| hihoji_fuzz::run("pg_dump", data));
