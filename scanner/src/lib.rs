//! hihoji's engine: finds card data in bytes and says where it was.
//!
//! Data flows one way: **sources** (files, git history, process memory) →
//! **scan** (one worker per thread) → **decoders** (compressed and archive
//! formats, captures, databases) → **detectors** (candidate finder → Luhn →
//! brand/IIN → context) → **findings** (masked value, keyed fingerprint,
//! provenance, guideline category). The imports run the same way: `decode`
//! never imports `scan` (a test checks it); what both need — [`limits`],
//! [`meter`], [`position`], [`field`] — sits on the ground floor and imports
//! neither. See `docs/architecture.md`.

pub mod baseline;
pub mod decode;
pub mod detect;
pub mod examples;
pub mod field;
pub mod findings;
pub mod key;
#[cfg(test)]
mod layering;
pub mod limits;
pub mod mask;
pub mod meter;
pub mod outcome;
pub mod position;
pub mod redact;
pub mod rules;
pub mod scan;
pub mod simd;
pub mod sources;
#[cfg(test)]
pub(crate) mod test_support;
pub mod transform;
pub mod verdict;
