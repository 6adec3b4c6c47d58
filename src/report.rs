//! `hihoji report`: render reports from saved JSON reports without scanning
//! again, merging several (the hosts of a fleet, the shards of one tree).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use hihoji_reports::{html, json, merge, sarif, summary};
use hihoji_scanner::outcome::ScanOutcome;

use crate::cli::{report_lang, ReportArgs};
use crate::scan::{failing_count, write_report};

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let outcomes = args
        .inputs
        .iter()
        .map(|path| read_outcome(path))
        .collect::<Result<Vec<_>>>()?;
    let outcome = merge::merge(outcomes).ok_or_else(|| anyhow!("no input report"))?;
    if let Some(path) = &args.html {
        let lang = report_lang(args.lang);
        write_report(path, |out| html::write_html(&outcome, lang, out))?;
    }
    if let Some(path) = &args.sarif {
        write_report(path, |out| sarif::write_sarif(&outcome, out))?;
    }
    if let Some(path) = &args.json {
        write_report(path, |out| json::write_json(&outcome, out))?;
    }
    let failing = failing_count(&outcome, args.fail_on.level());
    let wrote_any = args.html.is_some() || args.sarif.is_some() || args.json.is_some();
    if !args.quiet && !wrote_any {
        let stdout = std::io::stdout();
        let style = summary::SummaryStyle {
            color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            max_listed: 200,
        };
        let mut out = stdout.lock();
        summary::write_summary(&outcome, style, &mut out)?;
        out.flush()?;
    }
    if !args.quiet {
        eprintln!(
            "hihoji report: {} input report(s), {} scan(s), {} finding(s), {} at or above {}, {} not scanned",
            args.inputs.len(),
            outcome.scopes().len(),
            outcome.findings.len(),
            failing,
            args.fail_on.level().as_str(),
            outcome.skipped.len()
        );
    }
    Ok(ExitCode::from(if failing > 0 { 1 } else { 0 }))
}

fn read_outcome(path: &Path) -> Result<ScanOutcome> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let report = json::read_json(&text)
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("{} is not a hihoji JSON report", path.display()))?;
    Ok(report.outcome)
}
