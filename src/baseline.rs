//! `hihoji baseline create|update`: scan, and write the findings as accepted.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use hihoji_scanner::baseline::{Accepted, Baseline};
use hihoji_scanner::findings::{Finding, FindingSink};

use crate::cli::{BaselineAction, BaselineArgs};
use crate::output::Outputs;
use crate::scan::{run_scan_with, Settings};

/// Where a baseline goes when neither `--output` nor hihoji.yaml says.
const DEFAULT_BASELINE: &str = ".hihoji-baseline.json";

pub fn run(action: &BaselineAction) -> Result<ExitCode> {
    let (args, update) = match action {
        BaselineAction::Create(args) => (args, false),
        BaselineAction::Update(args) => (args, true),
    };
    write_baseline(args, update)?;
    Ok(ExitCode::SUCCESS)
}

fn write_baseline(args: &BaselineArgs, update: bool) -> Result<()> {
    let mut settings = Settings::resolve(&args.scan)?;
    let output = args
        .output
        .clone()
        .or_else(|| settings.baseline.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
    // The baseline holds masked values: scanning it would report them.
    settings.add_own_file(&output, "baseline");
    let targets = settings.report_targets();
    let (mut outcome, sink) = run_scan_with(&settings, &args.scan, |head| {
        Ok(Accepting {
            outputs: Outputs::begin(&targets, head, None)?,
            accepted: Accepted::default(),
        })
    })?;
    sink.outputs.finish(&mut outcome)?;
    let existing = if update && output.exists() {
        Baseline::read(&output)?.entries
    } else {
        Vec::new()
    };
    let writing = || -> std::io::Result<usize> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&output)?);
        let entries = sink.accepted.write(&mut file, existing)?;
        file.flush()?;
        Ok(entries)
    };
    let entries = writing().with_context(|| format!("writing baseline {}", output.display()))?;
    if !args.scan.quiet {
        crate::stderr::say(&format!(
            "hihoji: wrote {} accepted finding(s) to {} ({} skipped item(s) not covered)",
            entries,
            output.display(),
            outcome.skipped.len()
        ));
    }
    Ok(())
}

/// Findings go to the reports asked for and into the baseline being made,
/// as they come: a scan with millions of findings holds only their entries.
struct Accepting {
    outputs: Outputs,
    accepted: Accepted,
}

impl FindingSink for Accepting {
    fn finding(&mut self, finding: Finding) -> std::io::Result<()> {
        let accepted = self.accepted.add(&finding);
        let reported = self.outputs.finding(finding);
        accepted.and(reported)
    }
}
