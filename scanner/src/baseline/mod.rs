//! Baselines: findings a team has accepted (fixtures, known history), so that
//! a CI gate fails only on new card data.
//!
//! A baseline file holds, per finding, only its keyed fingerprint, rule id,
//! path and masked value — nothing that could give back a card number. A
//! finding matches an entry with the same fingerprint, rule and path: the
//! same number copied into another file is a new leak.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::findings::{BaselineState, Finding, Level, Note, Provenance, Redacted};
use crate::outcome::ScanOutcome;

mod accepted;
pub use accepted::Accepted;

/// Format version written into every baseline file.
pub const BASELINE_VERSION: u32 = 1;

/// The file `hihoji baseline create` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// The tool version that wrote it.
    pub tool_version: String,
    pub entries: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    /// The finding's provenance chain (`exports/a.zip!/b.csv`).
    pub path: Redacted,
    pub masked: Redacted,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read baseline: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a hihoji baseline: {source}")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: baseline format version {found}, this hihoji reads version {BASELINE_VERSION}")]
    Version { path: String, found: u32 },
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: name.clone(),
            source,
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|source| BaselineError::Parse {
            path: name.clone(),
            source,
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: name,
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    /// Marks every finding `new` or `unchanged` (and lowers unchanged ones to
    /// `note`). With `list_stale`, records each entry no finding matched as a
    /// `baseline_stale` note: fixed, moved, or scanned with another key. A
    /// scan of part of the tree (only changed files) leaves it off, since
    /// entries in files it did not look at are not stale.
    pub fn apply(&self, outcome: &mut ScanOutcome, list_stale: bool) {
        let mut marker = BaselineMarker::new(self.clone());
        outcome.findings.iter_mut().for_each(|f| marker.mark(f));
        if list_stale {
            outcome.notes.extend(marker.stale_notes());
        }
    }
}

/// Marks findings against a baseline one at a time, as they stream past,
/// remembering which entries matched.
#[derive(Debug)]
pub struct BaselineMarker {
    entries: Vec<BaselineEntry>,
    accepted: HashSet<BaselineEntry>,
    seen: HashSet<BaselineEntry>,
}

impl BaselineMarker {
    pub fn new(baseline: Baseline) -> Self {
        BaselineMarker {
            accepted: baseline.entries.iter().cloned().collect(),
            entries: baseline.entries,
            seen: HashSet::new(),
        }
    }

    /// Marks a finding `new` or `unchanged` (and lowers an unchanged one to `note`).
    pub fn mark(&mut self, f: &mut crate::findings::Finding) {
        let key = entry(f);
        if self.accepted.contains(&key) {
            f.baseline_state = Some(BaselineState::Unchanged);
            f.level = Level::Note;
            self.seen.insert(key);
        } else {
            f.baseline_state = Some(BaselineState::New);
        }
    }

    /// A `baseline_stale` note for each entry no finding matched.
    pub fn stale_notes(&self) -> Vec<Note> {
        self.entries
            .iter()
            .filter(|e| !self.seen.contains(*e))
            .map(|stale| Note {
                provenance: Provenance::file(stale.path.clone()),
                kind: STALE_NOTE.to_string(),
                detail: format!(
                    "baseline entry {} {} was not found: fixed, moved, or not scanned this time",
                    stale.rule_id, stale.masked
                )
                .into(),
                annotations: BTreeMap::from([
                    ("rule_id".to_string(), stale.rule_id.as_str().into()),
                    ("fingerprint".to_string(), stale.fingerprint.as_str().into()),
                ]),
            })
            .collect()
    }
}

/// The [`Note::kind`] of a baseline entry that no finding matched.
pub const STALE_NOTE: &str = "baseline_stale";

pub(crate) fn entry(f: &Finding) -> BaselineEntry {
    BaselineEntry {
        fingerprint: f.fingerprint.clone(),
        rule_id: f.rule_id.clone(),
        path: f.provenance.to_string().into(),
        masked: f.masked.clone(),
    }
}
