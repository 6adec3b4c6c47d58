//! The command line (DESIGN.md §4).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hihoji_reports::html::Lang;
use hihoji_scanner::findings::Level;
use hihoji_scanner::sources::shard::Shard;

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
    /// Render reports from saved JSON reports, merging several (hosts of a
    /// fleet, shards of one tree) into one.
    Report(ReportArgs),
}

/// The HTML report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Japanese (日本語)
    Ja,
    /// English
    En,
}

/// `--lang`, or the locale's language when not given.
pub fn report_lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Ja) => Lang::Ja,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_locale(),
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// JSON reports written by `hihoji scan --json` (or by `hihoji report --json`).
    #[arg(required = true, value_name = "INPUT.json")]
    pub inputs: Vec<PathBuf>,

    /// Write the HTML report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Write a SARIF 2.1.0 report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Write the merged JSON report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Language of the HTML report (default: from LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,

    /// Exit 1 when a finding is at or above this level.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,

    /// Print nothing but errors (reports are still written).
    #[arg(short, long)]
    pub quiet: bool,
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

    /// Write a self-contained HTML report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Language of the HTML report (default: from LC_ALL, LC_MESSAGES or LANG).
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<LangArg>,

    /// Scan only share K of N of the files (by a fixed hash of their path), so
    /// N machines can split one tree; merge their JSON with `hihoji report`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,

    /// Name the scanned machine in reports (default: this host's name); useful
    /// when a pod or a jump host scans storage that belongs to another machine.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,

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
