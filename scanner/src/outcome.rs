//! The result of a scan: findings plus coverage (what was scanned and what was
//! not, and why). This is the model every report is rendered from, and what
//! the JSON report stores, so saved reports can be re-rendered and merged.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::{Finding, GuidelineCategory, Level, Note, Redacted, SkipReason, Skipped};
use crate::rules::RuleSpec;
use crate::verdict::VerdictPolicy;

/// Bytes and streams scanned by one decoder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecoderCoverage {
    pub streams: u64,
    pub bytes: u64,
}

/// What was scanned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Top-level files read to the end (or to the first damage, see `skipped`).
    pub files_scanned: u64,
    /// Bytes read from those files.
    pub bytes_scanned: u64,
    /// Streams and decoded bytes per decoder (`text`, `gzip`, `zip`, …).
    pub by_decoder: BTreeMap<String, DecoderCoverage>,
    /// Every process whose memory was asked for: read, partly read or not read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessCoverage>,
    /// Bytes of sparse files' holes, not read: a hole reads as zeros, which
    /// hold no card data.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sparse_bytes_skipped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How far a process's memory was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessStatus {
    /// Every selected region was read (unreadable pages are listed as skipped).
    Scanned,
    /// Some regions were read before the process exited or refused the rest.
    Partial,
    /// Nothing could be read.
    Skipped,
}

/// What was read from one process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessCoverage {
    pub pid: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Redacted>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executable: Option<Redacted>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<Redacted>,
    pub status: ProcessStatus,
    /// Regions read, and their bytes.
    pub regions_scanned: u64,
    pub bytes_scanned: u64,
    /// Regions recorded as skipped (too large, unreadable), each in `skipped`.
    pub regions_skipped: u64,
    /// Regions left out by choice (read-only file mappings, guard pages,
    /// devices), with their bytes; `--all-regions` reads most of them.
    pub regions_excluded: u64,
    pub bytes_excluded: u64,
    /// Why the process was not (completely) read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<SkipReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Redacted>,
}

impl Coverage {
    pub fn add_stream(&mut self, decoder: &str, bytes: u64) {
        let entry = self.by_decoder.entry(decoder.to_string()).or_default();
        entry.streams += 1;
        entry.bytes += bytes;
    }

    pub fn merge(&mut self, other: &Coverage) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        for (decoder, c) in &other.by_decoder {
            let entry = self.by_decoder.entry(decoder.clone()).or_default();
            entry.streams += c.streams;
            entry.bytes += c.bytes;
        }
        self.processes.extend(other.processes.iter().cloned());
        self.sparse_bytes_skipped += other.sparse_bytes_skipped;
    }
}

/// The rule pack a scan used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePackInfo {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

/// The scope of one scan among several merged into one outcome: what an
/// auditor needs to know about each input of a fleet report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanScope {
    pub tool_version: String,
    pub host: Redacted,
    pub roots: Vec<Redacted>,
    pub started_at: String,
    pub finished_at: String,
    pub rule_pack: RulePackInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    pub coverage: Coverage,
}

/// Everything one scan found and covered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanOutcome {
    pub tool_version: String,
    pub host: Redacted,
    pub roots: Vec<Redacted>,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    pub rule_pack: RulePackInfo,
    pub rules: Vec<RuleSpec>,
    pub findings: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    /// Informational notes (encrypted flows, …).
    #[serde(default)]
    pub notes: Vec<Note>,
    pub coverage: Coverage,
    /// `K/N` when this scan covered only share K of N of its roots (`--shard`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The scans this outcome merges (`hihoji report a.json b.json`); empty for
    /// a single scan, whose scope is the fields above. In a merged outcome every
    /// finding's, skip's and note's provenance names its host.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<ScanScope>,
    /// How the verdict is decided (`--fail-on`, `--accept-gaps`).
    #[serde(default)]
    pub policy: VerdictPolicy,
    /// Counts of every finding the scan made, when `findings` holds only a
    /// sample of them (a streamed scan: the findings went to report writers
    /// as they were made). `None`: `findings` is the whole list. Never written:
    /// a reader counts the findings it reads back.
    #[serde(skip)]
    pub totals: Option<FindingTotals>,
}

impl ScanOutcome {
    /// The scope of this outcome as one input of a merge.
    pub fn scope(&self) -> ScanScope {
        ScanScope {
            tool_version: self.tool_version.clone(),
            host: self.host.clone(),
            roots: self.roots.clone(),
            started_at: self.started_at.clone(),
            finished_at: self.finished_at.clone(),
            rule_pack: self.rule_pack.clone(),
            shard: self.shard.clone(),
            coverage: self.coverage.clone(),
        }
    }

    /// Counts of every finding: kept while they streamed past, or counted
    /// from `findings` when that is the whole list.
    pub fn totals(&self) -> Cow<'_, FindingTotals> {
        match &self.totals {
            Some(totals) => Cow::Borrowed(totals),
            None => {
                let mut totals = FindingTotals::default();
                self.findings.iter().for_each(|f| totals.add(f));
                Cow::Owned(totals)
            }
        }
    }

    /// How many findings there are in all (not only those held).
    pub fn finding_count(&self) -> u64 {
        self.totals().findings
    }

    /// The scans behind this outcome: its inputs when merged, else itself.
    pub fn scopes(&self) -> Vec<ScanScope> {
        if self.inputs.is_empty() {
            vec![self.scope()]
        } else {
            self.inputs.clone()
        }
    }
}

/// How many findings in one cell of the level × category table: all of
/// them, and those that count towards the verdict (not accepted in a
/// baseline, not allowed in the source).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub all: u64,
    pub actionable: u64,
}

/// Counts per severity: error, warning, note (the reports' column order).
pub type SeverityCounts = [u64; 3];

/// Where a finding's top-level file is: its host in a merged report, its
/// artifact, and the finding's category.
pub type FileKey = (Option<Redacted>, Redacted, GuidelineCategory);

/// Counts of findings, kept as they stream past so that a verdict, a summary
/// and a report's figures cover every finding while only a sample is held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingTotals {
    pub findings: u64,
    pub by_level_category: BTreeMap<(Level, GuidelineCategory), Tally>,
    pub by_rule: BTreeMap<String, u64>,
    pub by_brand: BTreeMap<String, SeverityCounts>,
    pub by_file: BTreeMap<FileKey, SeverityCounts>,
}

impl FindingTotals {
    pub fn add(&mut self, f: &Finding) {
        self.findings += 1;
        let cell = self.by_level_category.entry((f.level, f.category)).or_default();
        cell.all += 1;
        cell.actionable += u64::from(f.is_actionable());
        *self.by_rule.entry(f.rule_id.clone()).or_default() += 1;
        let column = severity_column(f.level);
        if let Some(brand) = &f.brand {
            self.by_brand.entry(brand.clone()).or_default()[column] += 1;
        }
        self.by_file.entry(Self::file_key(f)).or_default()[column] += 1;
    }

    /// The key of a finding's top-level file in [`FindingTotals::by_file`].
    pub fn file_key(f: &Finding) -> FileKey {
        (
            f.provenance.host.clone(),
            f.provenance.artifact.clone(),
            f.category,
        )
    }

    /// Findings matching a level and a category (`None`: any), all or only actionable ones.
    pub fn count(&self, level: Option<Level>, category: Option<GuidelineCategory>, actionable: bool) -> u64 {
        self.by_level_category
            .iter()
            .filter(|((l, c), _)| level.is_none_or(|x| x == *l) && category.is_none_or(|x| x == *c))
            .map(|(_, t)| if actionable { t.actionable } else { t.all })
            .sum()
    }

    /// Findings at or above `fail_on` that count towards the verdict, in a category or all.
    pub fn failing(&self, fail_on: Level, category: Option<GuidelineCategory>) -> u64 {
        self.by_level_category
            .iter()
            .filter(|((l, c), _)| *l >= fail_on && category.is_none_or(|x| x == *c))
            .map(|(_, t)| t.actionable)
            .sum()
    }

    /// Findings accepted in a baseline or allowed in the source.
    pub fn accepted(&self) -> u64 {
        self.by_level_category
            .values()
            .map(|t| t.all - t.actionable)
            .sum()
    }
}

/// The column of a level in [`SeverityCounts`].
pub fn severity_column(level: Level) -> usize {
    match level {
        Level::Error => 0,
        Level::Warning => 1,
        Level::Note => 2,
    }
}

/// Findings of one top-level file listed in a sample; the rest are counted.
pub const SAMPLE_PER_FILE: usize = 20;
/// Findings listed in a sample in all.
pub const SAMPLE_MAX: usize = 5_000;

/// The findings a person reads: counts of every finding, and a capped sample
/// (the first [`SAMPLE_PER_FILE`] of each file, at most [`SAMPLE_MAX`] in
/// all) for the terminal summary and the HTML report, which say how many
/// more the JSON report holds.
#[derive(Debug, Default)]
pub struct FindingSample {
    pub totals: FindingTotals,
    pub findings: Vec<Finding>,
}

impl crate::findings::FindingSink for FindingSample {
    fn finding(&mut self, finding: Finding) -> std::io::Result<()> {
        self.totals.add(&finding);
        let in_file: u64 = self
            .totals
            .by_file
            .get(&FindingTotals::file_key(&finding))
            .map_or(0, |c| c.iter().sum());
        if self.findings.len() < SAMPLE_MAX && in_file <= SAMPLE_PER_FILE as u64 {
            self.findings.push(finding);
        }
        Ok(())
    }
}

impl FindingSample {
    /// Puts the sample and the counts into `outcome`.
    pub fn fill(self, outcome: &mut ScanOutcome) {
        outcome.findings = self.findings;
        outcome.totals = Some(self.totals);
    }
}
