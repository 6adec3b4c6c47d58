//! Sources: where bytes come from: files under the scan roots, git, the
//! memory of running processes, and live database servers.

pub mod database;
pub mod git;
pub mod process;
pub mod shard;
mod special;
pub mod walk;

pub use special::{
    open_regular_file, pseudo_filesystem, pseudo_filesystem_detail, special_file_kind, NotRegular, OpenedFile,
};
