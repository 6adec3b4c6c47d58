//! `hihoji baseline create|update`: scan, and write the findings as accepted.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use hihoji_scanner::baseline::Baseline;

use crate::cli::{BaselineAction, BaselineArgs};
use crate::scan::{run_scan, write_reports, Settings};

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
    let outcome = run_scan(&settings, &args.scan)?;
    write_reports(&settings, &outcome)?;
    let mut baseline = Baseline::from_outcome(&outcome);
    if update && output.exists() {
        baseline = Baseline::read(&output)?.merged(baseline);
    }
    let text = serde_json::to_string_pretty(&baseline).context("serialising the baseline")?;
    std::fs::write(&output, text + "\n").with_context(|| format!("writing baseline {}", output.display()))?;
    if !args.scan.quiet {
        crate::stderr::say(&format!(
            "hihoji: wrote {} accepted finding(s) to {} ({} skipped item(s) not covered)",
            baseline.entries.len(),
            output.display(),
            outcome.skipped.len()
        ));
    }
    Ok(())
}
