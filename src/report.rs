//! `hihoji report`: render reports from saved JSON reports without scanning
//! again, merging several (the hosts of a fleet, the shards of one tree).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::cmp::Ordering;
use std::fs::File;
use std::sync::mpsc;

use anyhow::{anyhow, bail, Context, Result};
use hihoji_reports::{json, merge};
use hihoji_scanner::findings::{Finding, FindingSink, Redacted};
use hihoji_scanner::outcome::{ScanOutcome, ScanScope};

use crate::cli::ReportArgs;
use crate::output::{Outputs, ReportTargets};
use crate::scan::lang_from_env;

pub fn run(args: &ReportArgs) -> Result<ExitCode> {
    // Two passes over each input, neither holding its findings: the first
    // reads what surrounds them (scope, skipped, notes, coverage) to merge
    // and start the reports, the second streams the findings into them.
    let inputs = args
        .inputs
        .iter()
        .map(|path| Ok((path.clone(), read_outcome(path, &mut |_| Ok(()))?)))
        .collect::<Result<Vec<_>>>()?;
    let inputs = distinct_scans(inputs)?;
    let hosts: Vec<(PathBuf, Redacted)> = inputs.iter().map(|(p, o)| (p.clone(), o.host.clone())).collect();
    let mut outcome = merge::merge(inputs.into_iter().map(|(_, o)| o).collect())
        .ok_or_else(|| anyhow!("no input report"))?;
    if let Some(fail_on) = args.fail_on {
        outcome.policy.fail_on = fail_on.level();
    }
    outcome.policy.accept_gaps |= args.accept_gaps;
    let lang = args.lang.map_or_else(lang_from_env, |l| l.lang());
    let targets = ReportTargets {
        sarif: args.sarif.clone(),
        json: args.json.clone(),
        html: args.html.clone(),
        lang,
    };
    let mut outputs = Outputs::begin(&targets, &outcome, None)?;
    stream_merged(&hosts, &mut outputs)?;
    crate::output::conclude(outputs, &mut outcome, lang, args.quiet)
}

/// Findings read ahead from each input.
const READ_AHEAD: usize = 256;

/// Streams the findings of every input into `sink`, merged in walk order
/// (host, then the top-level file's path one component at a time, which is
/// the order a scan's walk visits files), each input's own order kept: the
/// shards of one tree merge into the order of the unsharded scan. One
/// reader thread per input, each a bounded channel ahead.
fn stream_merged(inputs: &[(PathBuf, Redacted)], sink: &mut dyn FindingSink) -> Result<()> {
    std::thread::scope(|scope| {
        let mut readers = Vec::new();
        let mut streams = Vec::new();
        for (path, host) in inputs {
            let (sender, findings) = mpsc::sync_channel::<Finding>(READ_AHEAD);
            readers.push(scope.spawn(move || {
                read_outcome(path, &mut |mut finding| {
                    // As the merge does: every finding names its host.
                    finding.provenance.host.get_or_insert_with(|| host.clone());
                    sender
                        .send(finding)
                        .map_err(|_| "the report writer stopped".to_string())
                })
                .map(drop)
            }));
            streams.push(findings);
        }
        let mut next: Vec<Option<Finding>> = streams.iter().map(|s| s.recv().ok()).collect();
        let mut written = Ok(());
        while let Some(i) = (0..next.len())
            .filter(|&i| next[i].is_some())
            .min_by(|&a, &b| walk_order(next[a].as_ref(), next[b].as_ref()).then(a.cmp(&b)))
        {
            let finding = std::mem::replace(&mut next[i], streams[i].recv().ok());
            if let Some(finding) = finding {
                written = sink.finding(finding).context("writing the reports");
                if written.is_err() {
                    break;
                }
            }
        }
        drop(streams);
        for reader in readers {
            reader.join().map_err(|_| anyhow!("a report reader faulted"))??;
        }
        written
    })
}

/// The order a scan's walk visits top-level files, per host.
fn walk_order(a: Option<&Finding>, b: Option<&Finding>) -> Ordering {
    let key = |f: Option<&Finding>| {
        f.map(|f| {
            (
                f.provenance.host.clone(),
                f.provenance
                    .artifact
                    .split(['/', '\\'])
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            )
        })
    };
    key(a).cmp(&key(b))
}

/// The inputs with each scan once: an input whose scans (same host, roots
/// and start time) were all given before is the same report again, merged
/// once with a warning; one that shares only some of them (a merged report
/// and one of its own inputs) cannot be merged without counting twice.
fn distinct_scans(inputs: Vec<(PathBuf, ScanOutcome)>) -> Result<Vec<(PathBuf, ScanOutcome)>> {
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
        kept.push((path, outcome));
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

/// Reads a saved JSON report, handing its findings to `on_finding` one by
/// one; returns the rest of the outcome.
fn read_outcome(
    path: &Path,
    on_finding: &mut dyn FnMut(Finding) -> Result<(), String>,
) -> Result<ScanOutcome> {
    let file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let report = json::read_json_stream(file, on_finding)
        .map_err(|e| anyhow!(e))
        .with_context(|| format!("{} is not a hihoji JSON report", path.display()))?;
    Ok(report.outcome)
}
