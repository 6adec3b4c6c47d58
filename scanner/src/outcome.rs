//! The result of a scan: findings plus coverage (what was scanned and what was
//! not, and why). This is the model every report is rendered from, and what
//! the JSON report stores, so saved reports can be re-rendered and merged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::{Finding, Note, Redacted, SkipReason, Skipped};
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

    /// The scans behind this outcome: its inputs when merged, else itself.
    pub fn scopes(&self) -> Vec<ScanScope> {
        if self.inputs.is_empty() {
            vec![self.scope()]
        } else {
            self.inputs.clone()
        }
    }
}
