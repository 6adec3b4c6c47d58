//! `hihoji scan`: run a scan and write the reports asked for.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use globset::{Glob, GlobSetBuilder};
use hihoji_reports::summary::Lang;
use hihoji_scanner::baseline::Baseline;
use hihoji_scanner::examples::check_examples;
use hihoji_scanner::findings::{FindingSink, Redacted};
use hihoji_scanner::key::{load_key, KeySource, KEY_ENV};
use hihoji_scanner::mask::Fingerprinter;
use hihoji_scanner::outcome::ScanOutcome;
use hihoji_scanner::rules::{load_rules, RuleSet};
use hihoji_scanner::scan::{outcome_head, scan_into, Engine, Limits, ScanConfig};
use hihoji_scanner::sources::database::{self, DatabaseOptions, DatabaseTarget};
use hihoji_scanner::sources::git::changed_files;
use hihoji_scanner::sources::process::ProcessTargets;
use hihoji_scanner::sources::walk::WalkOptions;
use hihoji_scanner::verdict::VerdictPolicy;

use crate::cli::{FailOn, ScanArgs};
use crate::config::Config;
use crate::output::{conclude, Outputs, ReportTargets};
use crate::progress::Progress;

/// The settings of one scan: flags over `hihoji.yaml` over defaults.
pub struct Settings {
    pub scan: ScanConfig,
    pub rules: Vec<PathBuf>,
    /// `--fail-on` and `--accept-gaps`.
    pub policy: VerdictPolicy,
    pub sarif: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub lang: Lang,
    /// Replaces this machine's name in the reports (`--host`).
    pub host: Option<String>,
    /// Database servers named among the paths, and how to read them.
    pub databases: Vec<DatabaseTarget>,
    pub database_options: DatabaseOptions,
}

impl Settings {
    pub fn resolve(args: &ScanArgs) -> Result<Self> {
        let config = Config::load(args.config.as_deref(), &args.paths)?;
        let file = &config.file;
        let mut exclude = GlobSetBuilder::new();
        for (pattern, origin) in file
            .exclude
            .iter()
            .map(|p| (p, "hihoji.yaml exclude"))
            .chain(args.exclude.iter().map(|p| (p, "--exclude")))
        {
            exclude.add(Glob::new(pattern).with_context(|| format!("{origin} {pattern:?}"))?);
        }
        let mut rules: Vec<PathBuf> = file.rules.iter().map(|p| config.resolve(p)).collect();
        rules.extend(args.rules.iter().cloned());
        let pick = |flag: &Option<PathBuf>, from_file: &Option<PathBuf>| {
            flag.clone()
                .or_else(|| from_file.as_deref().map(|p| config.resolve(p)))
        };
        let only = match &args.git_diff {
            Some(base) => {
                let dir = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
                Some(Arc::new(changed_files(dir, base)?))
            }
            None => None,
        };
        let sarif = pick(&args.sarif, &file.output.sarif);
        let json = pick(&args.json, &file.output.json);
        let html = pick(&args.html, &file.output.html);
        let baseline = pick(&args.baseline, &file.baseline);
        let processes = process_targets(args);
        let (databases, paths) = split_targets(&args.paths)?;
        // Paths default to "." only when no process, history or database is asked for.
        let roots = if args.paths.is_empty() && processes.is_none() && args.git_history.is_none() {
            vec![PathBuf::from(".")]
        } else {
            paths
        };
        let scan = ScanConfig {
            roots,
            processes,
            walk: WalkOptions {
                follow_symlinks: args.follow_symlinks || file.follow_symlinks.unwrap_or(false),
                exclude: exclude.build().context("exclude patterns")?,
                respect_gitignore: args.respect_gitignore || file.respect_gitignore.unwrap_or(false),
                only,
                own_files: own_files(&[
                    (baseline.as_deref(), "baseline"),
                    (sarif.as_deref(), "SARIF report"),
                    (json.as_deref(), "JSON report"),
                    (html.as_deref(), "HTML report"),
                ]),
                shard: args.shard,
            },
            limits: args.limits.or(&file.limits).apply(Limits::default()),
            threads: capped_threads(args.threads.or(file.threads).unwrap_or(0)),
            git_history: args.git_history.clone(),
        };
        let lang = args
            .lang
            .or(file.lang)
            .map(|l| l.lang())
            .unwrap_or_else(lang_from_env);
        Ok(Settings {
            scan,
            rules,
            policy: VerdictPolicy {
                fail_on: args.fail_on.or(file.fail_on).unwrap_or(FailOn::Warning).level(),
                accept_gaps: args.accept_gaps || file.accept_gaps.unwrap_or(false),
            },
            sarif,
            json,
            html,
            baseline,
            lang,
            host: args.host.clone(),
            databases,
            database_options: database_options(args)?,
        })
    }

    /// The reports asked for.
    pub fn report_targets(&self) -> ReportTargets {
        ReportTargets {
            sarif: self.sarif.clone(),
            json: self.json.clone(),
            html: self.html.clone(),
            lang: self.lang,
        }
    }

    /// Adds a file that hihoji writes, so that a later scan does not report it.
    pub fn add_own_file(&mut self, path: &Path, what: &str) {
        self.scan.walk.own_files.extend(own_files(&[(Some(path), what)]));
    }
}

/// Most worker threads per core: more only adds scratch memory and
/// contention (a scan is bound by reading and detecting, not by waiting).
const MAX_THREADS_PER_CORE: usize = 4;

/// `requested` worker threads (0: one per core), at most
/// [`MAX_THREADS_PER_CORE`] per core, with a warning when it had to be cut.
fn capped_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let max = cores * MAX_THREADS_PER_CORE;
    if requested > max {
        crate::stderr::say(&format!(
            "hihoji: warning: {requested} threads asked for, {cores} core(s) here: using {max} ({MAX_THREADS_PER_CORE} per core)"
        ));
        return max;
    }
    requested
}

/// Database URLs among the scan targets, and the paths.
fn split_targets(targets: &[PathBuf]) -> Result<(Vec<DatabaseTarget>, Vec<PathBuf>)> {
    let mut databases = Vec::new();
    let mut paths = Vec::new();
    for target in targets {
        match target.to_str().and_then(DatabaseTarget::parse) {
            Some(parsed) => databases.push(parsed?),
            None => paths.push(target.clone()),
        }
    }
    Ok((databases, paths))
}

fn database_options(args: &ScanArgs) -> Result<DatabaseOptions> {
    let db = &args.db;
    let tables = if db.tables.is_empty() {
        None
    } else {
        let mut globs = GlobSetBuilder::new();
        for pattern in &db.tables {
            globs.add(Glob::new(pattern).with_context(|| format!("--db-table {pattern:?}"))?);
        }
        Some(globs.build().context("--db-table patterns")?)
    };
    Ok(DatabaseOptions {
        schemas: db.schemas.clone(),
        tables,
        sample: db.sample,
        statement_timeout: std::time::Duration::from_secs(db.timeout.max(1)),
        password_file: db.password_file.clone(),
        ..DatabaseOptions::default()
    })
}

/// The processes asked for with `--processes`, `--pid` and `--process-name`.
fn process_targets(args: &ScanArgs) -> Option<ProcessTargets> {
    let asked = args.processes || !args.pids.is_empty() || !args.process_names.is_empty();
    asked.then(|| ProcessTargets {
        all: args.processes,
        pids: args.pids.clone(),
        names: args.process_names.clone(),
        all_regions: args.all_regions,
    })
}

/// Canonical paths of the files among `files` that exist.
fn own_files(files: &[(Option<&Path>, &str)]) -> Vec<(PathBuf, String)> {
    files
        .iter()
        .filter_map(|(path, what)| {
            let path = path.filter(|p| *p != Path::new("-"))?;
            Some((std::fs::canonicalize(path).ok()?, what.to_string()))
        })
        .collect()
}

/// Japanese when the user's locale is Japanese.
pub fn lang_from_env() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default();
    if locale.starts_with("ja") {
        Lang::Ja
    } else {
        Lang::En
    }
}

/// The rules and key a scan runs with, from the settings.
fn engine(settings: &Settings, args: &ScanArgs) -> Result<Engine> {
    let rules = load_rules(&settings.rules)?;
    refuse_failing_examples(&rules, &settings.rules)?;
    let (key, source) = load_key(args.key_file.as_deref())?;
    if let KeySource::Ephemeral(reason) = &source {
        crate::stderr::say(&format!(
            "hihoji: warning: {reason}; using a fingerprint key for this run only, so fingerprints are not comparable with other runs (set {KEY_ENV} to keep them stable)"
        ));
    }
    Ok(Engine {
        rules,
        fingerprinter: Fingerprinter::new(&key),
        limits: settings.scan.limits.clone(),
    })
}

/// Runs the scan the settings describe, handing each finding to the sink
/// `start` makes (see [`run_scan_into`]); returns the rest of the outcome.
pub fn run_scan_with<S: FindingSink>(
    settings: &Settings,
    args: &ScanArgs,
    start: impl FnOnce(&ScanOutcome) -> Result<S>,
) -> Result<(ScanOutcome, S)> {
    let engine = engine(settings, args)?;
    run_scan_into(settings, args, &engine, start)
}

/// Runs the scan the settings describe, with a progress bar when asked,
/// handing each finding to the sink `start` makes from the outcome as known
/// before the first finding (the reports' header). Returns the rest of the
/// outcome.
fn run_scan_into<S: FindingSink>(
    settings: &Settings,
    args: &ScanArgs,
    engine: &Engine,
    start: impl FnOnce(&ScanOutcome) -> Result<S>,
) -> Result<(ScanOutcome, S)> {
    // Servers first: one that cannot be reached fails the scan before the files are walked.
    let databases = if settings.databases.is_empty() {
        None
    } else {
        Some(database::scan_databases(
            &settings.databases,
            &settings.database_options,
            engine,
        )?)
    };
    let settle = |outcome: &mut ScanOutcome| {
        if let Some(host) = &settings.host {
            outcome.host = host.into();
        }
        outcome.policy = settings.policy;
        outcome
            .roots
            .extend(settings.databases.iter().map(|t| Redacted::from(t.shown())));
    };
    let progress = Progress::new(!args.no_progress && !args.quiet);
    let mut head = outcome_head(&settings.scan, engine);
    settle(&mut head);
    let mut sink = start(&head)?;
    if let Some(found) = &databases {
        for finding in &found.findings {
            sink.finding(finding.clone())?;
        }
    }
    // A git history counts its blobs itself; a walk is counted alongside.
    if settings.scan.git_history.is_none() {
        progress.precount(&settings.scan);
    }
    let scanned = scan_into(&settings.scan, engine, &progress, &mut sink);
    progress.finish();
    let mut outcome = scanned?;
    settle(&mut outcome);
    outcome.started_at = head.started_at;
    if let Some(mut found) = databases {
        // Its findings went to the sink first.
        found.findings.clear();
        // The roots were named above; the rest of what the servers gave.
        let roots = outcome.roots.len();
        database::absorb(&mut outcome, &settings.databases, found);
        outcome.roots.truncate(roots);
    }
    Ok((outcome, sink))
}

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(args)?;
    let engine = engine(&settings, args)?;
    let baseline = match &settings.baseline {
        Some(path) => Some((Baseline::read(path)?, settings.scan.walk.only.is_none())),
        None => None,
    };
    let targets = settings.report_targets();
    let (mut outcome, outputs) = run_scan_into(&settings, args, &engine, |head| {
        Outputs::begin(&targets, head, baseline)
    })?;
    conclude(outputs, &mut outcome, settings.lang, args.quiet)
}

/// A user's rule pack whose own examples do not behave as its rules say
/// would scan with rules nobody has checked: refused, as `rules check` would.
fn refuse_failing_examples(rules: &RuleSet, packs: &[PathBuf]) -> Result<()> {
    if packs.is_empty() {
        return Ok(());
    }
    let failures = check_examples(rules);
    if failures.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = packs.iter().map(|p| p.display().to_string()).collect();
    let listed: Vec<String> = failures.iter().map(ToString::to_string).collect();
    anyhow::bail!(
        "rule pack {}: {} example(s) do not behave as their rules say ({}); `hihoji rules check FILE` shows each",
        names.join(", "),
        failures.len(),
        listed.join("; ")
    )
}
