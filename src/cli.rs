//! The command line (DESIGN.md §4).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hihoji_scanner::findings::Level;

#[derive(Debug, Parser)]
#[command(
    name = "hihoji",
    version,
    about = "Find card data (PAN, track data, security codes) to prove or disprove non-retention (カード情報の非保持化)",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories for card data.
    Scan(ScanArgs),
}

/// The level from which findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Note,
    Warning,
    Error,
}

impl FailOn {
    pub fn level(self) -> Level {
        match self {
            FailOn::Note => Level::Note,
            FailOn::Warning => Level::Warning,
            FailOn::Error => Level::Error,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Write a SARIF 2.1.0 report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Write a JSON report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Extra rule pack, merged over the embedded default (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Skip paths matching GLOB, relative to the root or by file name (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Exit 1 when a finding is at or above this level.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long = "threads", value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Follow symbolic links (they are recorded as skipped otherwise).
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Skip files larger than this many bytes (recorded as too large).
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// Decode containers (archives, compressed streams) at most N deep [default: 8].
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,

    /// Stop a decompressed stream past this many bytes [default: 16 GiB].
    #[arg(long, value_name = "BYTES")]
    pub max_member_bytes: Option<u64>,

    /// Stop a file past this many decompressed bytes, all layers together [default: 64 GiB].
    #[arg(long, value_name = "BYTES")]
    pub max_total_bytes: Option<u64>,

    /// Stop a container or file expanding more than N:1, once past 16 MiB [default: 200].
    #[arg(long, value_name = "N")]
    pub max_ratio: Option<u64>,

    /// Read at most N members of an archive [default: 100000].
    #[arg(long, value_name = "N")]
    pub max_members: Option<u64>,

    /// Hold a nested zip or Office XML part in memory up to this many bytes [default: 256 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_buffered_bytes: Option<u64>,

    /// Read the fingerprint key from FILE (default: $HIHOJI_FINGERPRINT_KEY, else a
    /// key generated once in the user's config directory).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,

    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,

    /// Print nothing but errors (reports are still written).
    #[arg(short, long)]
    pub quiet: bool,
}
