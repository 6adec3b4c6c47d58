//! `hihoji report`: render reports from saved JSON reports without scanning
//! again, merging several (the hosts of a fleet, the shards of one tree).

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context, Result};
use hihoji_reports::{html, json, merge, sarif, summary};
use hihoji_scanner::outcome::ScanOutcome;

use crate::cli::ReportArgs;
use crate::scan::{failing_count, lang_from_env, write_report};

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let outcomes = args
        .inputs
        .iter()
        .map(|path| read_outcome(path))
        .collect::<Result<Vec<_>>>()?;
    let outcome = merge::merge(outcomes).ok_or_else(|| anyhow!("no input report"))?;
    let lang = args.lang.map_or_else(lang_from_env, |l| l.lang());
    if let Some(path) = &args.html {
        write_report(path, |out| html::write_html(&outcome, lang, out))?;
    }
    if let Some(path) = &args.sarif {
        write_report(path, |out| sarif::write_sarif(&outcome, out))?;
    }
    if let Some(path) = &args.json {
        write_report(path, |out| json::write_json(&outcome, out))?;
    }
    let fail_on = args.fail_on.level();
    let failing = failing_count(&outcome, fail_on);
    if !args.quiet {
        let wrote_any = args.html.is_some() || args.sarif.is_some() || args.json.is_some();
        if wrote_any {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprintln!("{}", summary::verdict(&outcome, failing, fail_on, lang, color));
        } else {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let style = summary::SummaryStyle {
                color,
                max_listed: 200,
                lang,
            };
            let mut out = stdout.lock();
            summary::write_summary(&outcome, style, &mut out)?;
            writeln!(
                out,
                "{}",
                summary::verdict(&outcome, failing, fail_on, lang, color)
            )?;
        }
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
