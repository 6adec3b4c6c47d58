//! Sources: where bytes come from: files under the scan roots, and the
//! memory of running processes.

pub mod process;
mod special;
pub mod walk;

pub use special::{open_regular_file, special_file_kind};
