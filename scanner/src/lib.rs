//! hihoji's engine: finds card data in bytes and says where it was.
//!
//! Data flows one way: **sources** (files on disk) → **decoders** (plain
//! bytes, compressed and archive formats) → **detectors** (candidate finder →
//! Luhn → brand/IIN → context) → **findings** (masked value, keyed fingerprint,
//! provenance, guideline category) → a [`findings::FindingSink`]. Reports are
//! built from the sink by the `hihoji-reports` crate.

pub mod detect;
pub mod rules;
pub mod examples;
pub mod findings;
pub mod mask;
pub mod key;
pub mod outcome;
pub mod scan;
pub mod sources;
