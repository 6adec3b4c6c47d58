//! Sources: where bytes come from. Today, files under the scan roots.

pub mod shard;
mod special;
pub mod walk;

pub use special::{open_regular_file, special_file_kind};
