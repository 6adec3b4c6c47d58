//! Sources: where bytes come from: files under the scan roots, and git.

pub mod git;
mod special;
pub mod walk;

pub use special::{open_regular_file, special_file_kind};
