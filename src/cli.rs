//! The command line (DESIGN.md §4).

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use hihoji_reports::summary::Lang;
use hihoji_scanner::findings::Level;
use hihoji_scanner::sources::shard::Shard;
use serde::Deserialize;

use crate::limits::LimitOverrides;

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
    /// Record today's findings as accepted, so that scans with --baseline fail
    /// only on new ones.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// List, explain and check detection rules.
    Rules {
        #[command(subcommand)]
        action: RulesAction,
    },
    /// Print a shell completion script (e.g. `hihoji completions bash > /etc/bash_completion.d/hihoji`).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print a manual page (roff) to standard output: `hihoji man scan | man -l -`.
    Man {
        /// The command whose page to print (`scan`, `rules check`, …); none for hihoji itself.
        command: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineAction {
    /// Scan and write a new baseline of every finding.
    Create(BaselineArgs),
    /// Scan and add today's findings to an existing baseline (entries already
    /// there are kept).
    Update(BaselineArgs),
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Where to write the baseline (fingerprints, rule ids, paths and masked
    /// values only) [default: hihoji.yaml's `baseline`, else .hihoji-baseline.json].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// List every rule: id, level, name, PCI DSS requirements.
    List(RulePacks),
    /// Explain one rule, with its examples.
    Explain {
        /// Rule id (PAN, TRACK1, CVV, …).
        id: String,
        #[command(flatten)]
        packs: RulePacks,
    },
    /// Check a rule pack: merge it over the default pack, compile it and run
    /// every rule's examples. Exit 0 when all pass, 2 otherwise.
    Check {
        /// The rule pack (YAML) to check.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct RulePacks {
    /// Extra rule pack, merged over the embedded default (repeatable).
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
}

/// The level from which findings make the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    /// Files, directories or database servers to scan (default: ".", unless only
    /// processes are asked for). A server is a URL: postgres://USER@HOST[:PORT]/DB
    /// or mysql://USER@HOST[:PORT][/DB] (MariaDB too), with ?sslmode=require for TLS.
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub db: DatabaseArgs,

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

    /// Write a SARIF 2.1.0 report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    /// Write a JSON report to FILE ("-" for standard output).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write a self-contained HTML report to FILE ("-" for standard output), in --lang.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

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

    /// Exit 1 when a finding is at or above this level [default: warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Exit 0 instead of 3 when something in scope could not be read
    /// (permission denied, damaged, encrypted, a limit hit, …); the verdict
    /// still says incomplete and the unread items are still listed.
    #[arg(long)]
    pub accept_gaps: bool,

    /// Worker threads (default: one per core; at most 4 per core).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,

    /// Read settings from FILE (default: hihoji.yaml in the first directory
    /// scanned). Command-line flags win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Accepted findings (from `hihoji baseline create`): they are reported as
    /// notes and do not fail the scan; only new ones do.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Also skip what .gitignore files ignore (off by default: ignored files
    /// are where card data leaks). .hihojiignore files are always honoured.
    #[arg(long)]
    pub respect_gitignore: bool,

    /// Scan only the files changed since the git commit BASE (working tree,
    /// staged and untracked files included).
    #[arg(long, value_name = "BASE", conflicts_with = "git_history")]
    pub git_diff: Option<String>,

    /// Scan every blob reachable from any ref of the repository REPO, once,
    /// reporting the commit, path and author where it first appeared. With
    /// PATHs too, both are scanned in one scan and one report.
    #[arg(long, value_name = "REPO")]
    pub git_history: Option<PathBuf>,

    /// Language of the terminal summary, the HTML report and the SARIF
    /// messages [default: ja when the locale ($LC_ALL, $LC_MESSAGES, $LANG) starts with ja, else en].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Follow symbolic links (they are recorded as skipped otherwise).
    #[arg(long)]
    pub follow_symlinks: bool,

    #[command(flatten)]
    pub limits: LimitOverrides,

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

/// How database servers named among the paths are read (docs/databases.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "Databases")]
pub struct DatabaseArgs {
    /// Read only this schema (PostgreSQL) or database (MySQL) (repeatable; default: all).
    #[arg(long = "db-schema", value_name = "NAME")]
    pub schemas: Vec<String>,

    /// Read only tables whose `schema.table` or `table` matches GLOB (repeatable).
    #[arg(long = "db-table", value_name = "GLOB")]
    pub tables: Vec<String>,

    /// Read at most N rows per table (default: every row, as an audit needs).
    #[arg(long = "db-sample", value_name = "N")]
    pub sample: Option<u64>,

    /// Cancel one table's read after this many seconds (recorded as a timeout).
    #[arg(long = "db-timeout", value_name = "SECONDS", default_value_t = 3600)]
    pub timeout: u64,

    /// Read the password from the first line of FILE (else the URL,
    /// $PGPASSWORD / ~/.pgpass, or $MYSQL_PWD).
    #[arg(long = "db-password-file", value_name = "FILE")]
    pub password_file: Option<PathBuf>,
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

    /// Language of the HTML report, the SARIF messages and the summary
    /// [default: ja when the locale ($LC_ALL, $LC_MESSAGES, $LANG) starts with ja, else en].
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Exit 1 when a finding is at or above this level [default: the level
    /// the (first) input was scanned with].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Exit 0 instead of 3 when the inputs list items that could not be read.
    #[arg(long)]
    pub accept_gaps: bool,

    /// Print nothing but errors (reports are still written).
    #[arg(short, long)]
    pub quiet: bool,
}

/// Language of the terminal summary, the HTML report and the SARIF messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LangArg {
    Ja,
    En,
}

impl LangArg {
    pub fn lang(self) -> Lang {
        match self {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}
