//! `hihoji scan`: run a scan and write the reports asked for.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use globset::{Glob, GlobSetBuilder};
use hihoji_reports::{json, sarif, summary};
use hihoji_scanner::key::load_key;
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::rules::load_rules;
use hihoji_scanner::scan::{scan, Engine, Limits, ScanConfig};
use hihoji_scanner::sources::walk::WalkOptions;

use crate::cli::ScanArgs;
use crate::progress::Progress;

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let rules = load_rules(&args.rules)?;
    let (key, _) = load_key(args.key_file.as_deref())?;
    let mut exclude = GlobSetBuilder::new();
    for pattern in &args.exclude {
        exclude.add(Glob::new(pattern).with_context(|| format!("--exclude {pattern:?}"))?);
    }
    let config = ScanConfig {
        roots: args.paths.clone(),
        walk: WalkOptions {
            follow_symlinks: args.follow_symlinks,
            exclude: exclude.build().context("--exclude")?,
        },
        limits: limits(args),
        threads: args.threads,
    };
    let engine = Engine {
        rules,
        fingerprinter: Fingerprinter::new(&key),
        limits: config.limits.clone(),
    };
    let progress = Progress::new(!args.no_progress && !args.quiet);
    let outcome = scan(&config, &engine, &progress);
    progress.finish();
    let outcome = outcome?;

    let mut wrote_any = false;
    if let Some(path) = &args.sarif {
        write_report(path, |out| sarif::write_sarif(&outcome, out))?;
        wrote_any = true;
    }
    if let Some(path) = &args.json {
        write_report(path, |out| json::write_json(&outcome, out))?;
        wrote_any = true;
    }
    let failing = failing_count(&outcome, args.fail_on.level());
    if !args.quiet {
        if wrote_any {
            eprintln!("{}", verdict(&outcome, failing, args));
        } else {
            let stdout = std::io::stdout();
            let style = summary::SummaryStyle {
                color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                max_listed: 200,
            };
            let mut out = stdout.lock();
            summary::write_summary(&outcome, style, &mut out)?;
            writeln!(out, "{}", verdict(&outcome, failing, args))?;
        }
    }
    Ok(ExitCode::from(if failing > 0 { 1 } else { 0 }))
}

/// The scan's limits: the defaults, with the flags given over them.
fn limits(args: &ScanArgs) -> Limits {
    let default = Limits::default();
    Limits {
        max_file_size: args.max_file_size,
        max_depth: args.max_depth.unwrap_or(default.max_depth),
        max_member_bytes: args.max_member_bytes.unwrap_or(default.max_member_bytes),
        max_total_bytes: args.max_total_bytes.unwrap_or(default.max_total_bytes),
        max_ratio: args.max_ratio.unwrap_or(default.max_ratio),
        ratio_floor: default.ratio_floor,
        max_members: args.max_members.unwrap_or(default.max_members),
        max_buffered_bytes: args.max_buffered_bytes.unwrap_or(default.max_buffered_bytes),
    }
}

fn failing_count(outcome: &ScanOutcome, fail_on: hihoji_scanner::findings::Level) -> usize {
    outcome.findings.iter().filter(|f| f.level >= fail_on).count()
}

/// One line: what the exit code means.
fn verdict(outcome: &ScanOutcome, failing: usize, args: &ScanArgs) -> String {
    let level = args.fail_on.level().as_str();
    if failing > 0 {
        format!(
            "Verdict: card data found — {failing} finding(s) at or above {level}; exit 1. カード情報の保持が見つかりました。"
        )
    } else {
        format!(
            "Verdict: no card data at or above {level} in {} files ({} not scanned); exit 0.",
            outcome.coverage.files_scanned,
            outcome.skipped.len()
        )
    }
}

/// Writes a report to `path`, or standard output for "-".
fn write_report(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    if path == Path::new("-") {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        write(&mut out).context("writing report to standard output")?;
        return Ok(());
    }
    let file = File::create(path).with_context(|| format!("creating report {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("writing report {}", path.display()))?;
    out.flush()
        .with_context(|| format!("writing report {}", path.display()))
}
