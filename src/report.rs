//! `hihoji report`: render reports from saved JSON reports without scanning
//! again, merging several (the hosts of a fleet, the shards of one tree).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use hihoji_reports::{html, json, merge};
use hihoji_scanner::findings::Redacted;
use hihoji_scanner::outcome::{ScanOutcome, ScanScope};

use crate::cli::ReportArgs;
use crate::scan::{lang_from_env, write_report};
use crate::terminal::{is_broken_pipe, print_result};

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    let inputs = args
        .inputs
        .iter()
        .map(|path| Ok((path.clone(), read_outcome(path)?)))
        .collect::<Result<Vec<_>>>()?;
    let outcomes = distinct_scans(inputs)?;
    let mut outcome = merge::merge(outcomes).ok_or_else(|| anyhow!("no input report"))?;
    if let Some(fail_on) = args.fail_on {
        outcome.policy.fail_on = fail_on.level();
    }
    outcome.policy.accept_gaps |= args.accept_gaps;
    let code = ExitCode::from(outcome.exit_code());
    let lang = args.lang.map_or_else(lang_from_env, |l| l.lang());
    let written = (|| -> Result<()> {
        if let Some(path) = &args.html {
            write_report(path, |out| html::write_html(&outcome, lang, out))?;
        }
        if let Some(path) = &args.sarif {
            write_report(path, |out| {
                hihoji_reports::sarif::write_sarif(&outcome, lang, out)
            })?;
        }
        if let Some(path) = &args.json {
            write_report(path, |out| json::write_json(&outcome, out))?;
        }
        Ok(())
    })();
    match written {
        Err(e) if is_broken_pipe(&e) => return Ok(code),
        other => other?,
    }
    if !args.quiet {
        let wrote_any = args.html.is_some() || args.sarif.is_some() || args.json.is_some();
        print_result(&outcome, lang, wrote_any)?;
    }
    Ok(code)
}

/// The inputs with each scan once: an input whose scans (same host, roots
/// and start time) were all given before is the same report again, merged
/// once with a warning; one that shares only some of them (a merged report
/// and one of its own inputs) cannot be merged without counting twice.
fn distinct_scans(inputs: Vec<(PathBuf, ScanOutcome)>) -> Result<Vec<ScanOutcome>> {
    let mut seen: Vec<(ScanKey, PathBuf)> = Vec::new();
    let mut kept = Vec::new();
    for (path, outcome) in inputs {
        let keys: Vec<ScanKey> = outcome.scopes().iter().map(ScanKey::of).collect();
        let earlier: Vec<&PathBuf> = keys
            .iter()
            .filter_map(|k| seen.iter().find(|(s, _)| s == k).map(|(_, p)| p))
            .collect();
        if earlier.len() == keys.len() && !keys.is_empty() {
            eprintln!(
                "hihoji: warning: {} is the same scan as {} (same host, roots and start time): merged once",
                path.display(),
                earlier[0].display()
            );
            continue;
        }
        if let Some(first) = earlier.first() {
            bail!(
                "{} and {} share some scans (same host, roots and start time) but not all: merging them would count those twice",
                path.display(),
                first.display()
            );
        }
        seen.extend(keys.into_iter().map(|k| (k, path.clone())));
        kept.push(outcome);
    }
    Ok(kept)
}

/// What makes two scans the same scan.
#[derive(PartialEq, Eq)]
struct ScanKey {
    host: Redacted,
    roots: Vec<Redacted>,
    started_at: String,
    shard: Option<String>,
}

impl ScanKey {
    fn of(scope: &ScanScope) -> Self {
        ScanKey {
            host: scope.host.clone(),
            roots: scope.roots.clone(),
            started_at: scope.started_at.clone(),
            shard: scope.shard.clone(),
        }
    }
}

fn read_outcome(path: &Path) -> Result<ScanOutcome> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let report = json::read_json(&text)
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("{} is not a hihoji JSON report", path.display()))?;
    Ok(report.outcome)
}
