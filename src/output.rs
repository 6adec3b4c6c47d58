//! Where findings go, for `scan` and `report` alike: the reports asked for,
//! written as findings arrive, and the counts and sample a person reads.
//!
//! [`Outputs`] is the one [`FindingSink`] a scan (or a report read back)
//! feeds. Each finding is marked against the baseline first, then streamed
//! to the JSON report, spooled for SARIF (which is cut at GitHub's limit),
//! and counted with a capped sample for the HTML report and the terminal
//! ([`FindingSample`]). The verdict is decided from those counts, so it
//! covers every finding whatever was kept; one function ends `scan` and
//! `report` alike ([`conclude`]: finish the reports, print the verdict, give
//! the exit code).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use hihoji_reports::html;
use hihoji_reports::json::JsonWriter;
use hihoji_reports::sarif::{SarifWriter, MAX_RESULTS};
use hihoji_reports::summary::Lang;
use hihoji_scanner::baseline::{Baseline, BaselineMarker};
use hihoji_scanner::findings::{Finding, FindingSink};
use hihoji_scanner::outcome::{FindingSample, ScanOutcome};

use crate::terminal::{is_broken_pipe, print_result};

/// The report files asked for ("-" is standard output).
#[derive(Debug, Clone, Default)]
pub struct ReportTargets {
    pub sarif: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub lang: Lang,
}

impl ReportTargets {
    pub fn any(&self) -> bool {
        self.sarif.is_some() || self.json.is_some() || self.html.is_some()
    }
}

type Out = Box<dyn Write + Send>;

/// A report being written, and the first error writing it met.
struct Report<W> {
    path: PathBuf,
    writer: Option<W>,
    error: Option<io::Error>,
}

impl<W> Report<W> {
    fn new(path: &Path, writer: W) -> Self {
        Report {
            path: path.to_path_buf(),
            writer: Some(writer),
            error: None,
        }
    }

    /// Runs `write` unless an earlier write failed; keeps the first error
    /// (later findings still reach the other reports and the counts).
    fn write(&mut self, write: impl FnOnce(&mut W) -> io::Result<()>) {
        if let (Some(writer), None) = (&mut self.writer, &self.error) {
            if let Err(e) = write(writer) {
                self.error = Some(e);
            }
        }
    }

    /// The writer, or the error that stopped it, with the report's path.
    fn take(&mut self) -> Result<W> {
        let path = self.path.display().to_string();
        match (self.error.take(), self.writer.take()) {
            (Some(e), _) => Err(e).with_context(|| format!("writing report {path}")),
            (None, Some(writer)) => Ok(writer),
            (None, None) => anyhow::bail!("report {path} finished twice"),
        }
    }
}

/// Every destination of a scan's findings.
pub struct Outputs {
    targets: ReportTargets,
    baseline: Option<(BaselineMarker, bool)>,
    json: Option<Report<JsonWriter<Out>>>,
    sarif: Option<Report<SarifWriter<Out>>>,
    sample: FindingSample,
    sarif_total: u64,
}

impl Outputs {
    /// Opens the reports and writes what is known before the first finding.
    /// `baseline`: accepted findings, and whether to list stale entries.
    pub fn begin(
        targets: &ReportTargets,
        head: &ScanOutcome,
        baseline: Option<(Baseline, bool)>,
    ) -> Result<Self> {
        let json = match &targets.json {
            Some(path) => {
                let writer = JsonWriter::begin(open(path)?, head)
                    .with_context(|| format!("writing report {}", path.display()))?;
                Some(Report::new(path, writer))
            }
            None => None,
        };
        let sarif = match &targets.sarif {
            Some(path) => {
                let writer = SarifWriter::begin(open(path)?, head, targets.lang)
                    .with_context(|| format!("writing report {}", path.display()))?;
                Some(Report::new(path, writer))
            }
            None => None,
        };
        Ok(Outputs {
            targets: targets.clone(),
            baseline: baseline.map(|(b, list_stale)| (BaselineMarker::new(b), list_stale)),
            json,
            sarif,
            sample: FindingSample::default(),
            sarif_total: 0,
        })
    }

    /// Finishes every report with the rest of the outcome, and puts the
    /// counts and the sample into `outcome` (its verdict is theirs). Says on
    /// standard error when SARIF was cut at its limit. Returns whether any
    /// report was asked for.
    pub fn finish(mut self, outcome: &mut ScanOutcome) -> Result<bool> {
        if let Some((marker, true)) = &self.baseline {
            outcome.notes.extend(marker.stale_notes());
        }
        std::mem::take(&mut self.sample).fill(outcome);
        // JSON first: on standard output it is already under way.
        if let Some(report) = &mut self.json {
            let writer = report.take()?;
            let path = report.path.display().to_string();
            let mut out = writer
                .finish(outcome)
                .with_context(|| format!("writing report {path}"))?;
            out.flush().with_context(|| format!("writing report {path}"))?;
        }
        if let Some(report) = &mut self.sarif {
            let writer = report.take()?;
            let path = report.path.display().to_string();
            let mut out = writer
                .finish(outcome)
                .with_context(|| format!("writing report {path}"))?;
            out.flush().with_context(|| format!("writing report {path}"))?;
            if self.sarif_total > MAX_RESULTS as u64 {
                let all_in = if self.targets.json.is_some() {
                    "every finding is in the JSON report"
                } else {
                    "write them all with --json"
                };
                crate::stderr::say(&format!(
                    "hihoji: SARIF report {path}: {MAX_RESULTS} of {} results written (GitHub code scanning's limit), most severe first; {all_in}",
                    self.sarif_total
                ));
            }
        }
        if let Some(path) = &self.targets.html {
            let lang = self.targets.lang;
            let mut out = open(path)?;
            html::write_html(outcome, lang, &mut out)
                .and_then(|()| out.flush())
                .with_context(|| format!("writing report {}", path.display()))?;
        }
        Ok(self.targets.any())
    }
}

impl FindingSink for Outputs {
    fn finding(&mut self, mut finding: Finding) -> io::Result<()> {
        if let Some((marker, _)) = &mut self.baseline {
            marker.mark(&mut finding);
        }
        if let Some(report) = &mut self.json {
            report.write(|w| w.finding(&finding));
        }
        if let Some(report) = &mut self.sarif {
            self.sarif_total += 1;
            report.write(|w| w.finding(&finding));
        }
        self.sample.finding(finding)
    }
}

/// Finishes the reports, prints the verdict (or the summary when no report
/// was asked for) and gives the exit code: the one ending of `scan` and
/// `report`. The verdict is decided from the counts of every finding.
pub fn conclude(outputs: Outputs, outcome: &mut ScanOutcome, lang: Lang, quiet: bool) -> Result<ExitCode> {
    let written = outputs.finish(outcome);
    let code = ExitCode::from(outcome.exit_code());
    let wrote_any = match written {
        Ok(wrote_any) => wrote_any,
        // A report on standard output whose reader stopped early: the scan's
        // verdict still stands.
        Err(e) if is_broken_pipe(&e) => return Ok(code),
        Err(e) => return Err(e),
    };
    if !quiet {
        print_result(outcome, lang, wrote_any)?;
    }
    Ok(code)
}

/// Opens a report for writing: a file, or standard output for "-".
fn open(path: &Path) -> Result<Out> {
    if path == Path::new("-") {
        return Ok(Box::new(BufWriter::new(io::stdout())));
    }
    let file = File::create(path).with_context(|| format!("creating report {}", path.display()))?;
    Ok(Box::new(BufWriter::new(file)))
}
