//! hihoji's engine: finds card data in bytes and says where it was.
//!
//! Data flows one way: **sources** (files on disk) → **decoders** (plain
//! bytes, compressed and archive formats) → **detectors** (candidate finder →
//! Luhn → brand/IIN → context) → **findings** (masked value, keyed fingerprint,
//! provenance, guideline category) → a [`findings::FindingSink`]. Reports are
//! built from the sink by the `hihoji-reports` crate.

pub mod baseline;
pub mod decode;
pub mod detect;
pub mod examples;
pub mod findings;
pub mod key;
pub mod mask;
pub mod outcome;
pub mod redact;
pub mod rules;
pub mod scan;
pub mod simd;
pub mod sources;
pub mod transform;
pub mod verdict;
