//! The command line (DESIGN.md §4).

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
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
    /// Scan files and directories, or the memory of running processes, for card data.
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
#[command(group(ArgGroup::new("process_selection").multiple(true)))]
pub struct ScanArgs {
    /// Files or directories to scan (default: ".", unless only processes are asked for).
    pub paths: Vec<PathBuf>,

    /// Scan the memory of every process this user may read (Linux; root or
    /// CAP_SYS_PTRACE reads other users' processes).
    #[arg(long, group = "process_selection")]
    pub processes: bool,

    /// Scan the memory of process PID (repeatable).
    #[arg(long = "pid", value_name = "PID", group = "process_selection")]
    pub pids: Vec<u32>,

    /// Scan the memory of processes with this command or executable name (repeatable).
    #[arg(long = "process-name", value_name = "NAME", group = "process_selection")]
    pub process_names: Vec<String>,

    /// Also read read-only file mappings (libraries, executables) and kernel
    /// pages of the processes scanned.
    #[arg(long, requires = "process_selection")]
    pub all_regions: bool,

    /// Skip process memory regions larger than this many bytes (recorded as too large).
    #[arg(long, value_name = "BYTES", default_value_t = hihoji_scanner::scan::DEFAULT_MAX_REGION_SIZE)]
    pub max_region_size: u64,

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
