//! hihoji's reports, rendered from a [`ScanOutcome`]: SARIF 2.1.0 for code
//! scanning, a JSON report that keeps everything (and can be read back and
//! merged), a self-contained HTML report for auditors, and a
//! short human summary for the terminal.
//!
//! Reports know the findings model and nothing of how findings were made. No
//! report ever sees a full card value: findings hold only masked values and
//! keyed fingerprints.

pub mod html;
pub mod json;
pub mod merge;
pub mod messages;
pub mod sarif;
#[cfg(test)]
mod stream_tests;
pub mod summary;
mod summary_text;
#[cfg(test)]
mod test_support;
mod uri;

pub use hihoji_scanner::outcome::ScanOutcome;
