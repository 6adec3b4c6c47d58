//! The verdict of a scan, decided in one place so that the terminal line, the
//! exit code, the HTML report, SARIF and the JSON summary never disagree
//! (DESIGN.md §4).
//!
//! Three answers, in order of precedence: card data was found at or above the
//! failing level (`retention_found`); else something in scope could not be
//! read, so nothing can be said of it (`incomplete`, never a pass); else
//! everything in scope was read and nothing failing was found (`clean`).

use serde::{Deserialize, Serialize};

use crate::findings::{Finding, Level, Skipped};
use crate::outcome::ScanOutcome;

/// What the scan shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A finding at or above `--fail-on` that no baseline or allow comment accepts.
    RetentionFound,
    /// No failing finding, but something in scope was not read. The default
    /// for a report that does not say: nothing shows it is clean.
    #[default]
    Incomplete,
    /// Everything in scope was read; no failing finding.
    Clean,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::RetentionFound => "retention_found",
            Verdict::Incomplete => "incomplete",
            Verdict::Clean => "clean",
        }
    }
}

/// The rules a verdict was decided by: saved with the outcome, so that a
/// report rendered later (`hihoji report`) decides the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictPolicy {
    /// Findings at or above this level fail the scan (`--fail-on`).
    pub fail_on: Level,
    /// Gaps do not fail the scan (`--accept-gaps`): an incomplete verdict
    /// exits 0. The verdict itself still says incomplete.
    #[serde(default)]
    pub accept_gaps: bool,
}

impl Default for VerdictPolicy {
    fn default() -> Self {
        VerdictPolicy {
            fail_on: Level::Warning,
            accept_gaps: false,
        }
    }
}

/// Exit code: everything in scope was read and nothing failing was found.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage or fatal error (the scan did not run).
pub const EXIT_ERROR: u8 = 2;
/// Exit code: no failing finding, but something in scope was not read.
pub const EXIT_INCOMPLETE: u8 = 3;

impl ScanOutcome {
    /// Findings that fail the scan under its policy, counted over every
    /// finding (not only those held when the scan streamed them).
    pub fn failing_count(&self) -> u64 {
        self.totals().failing(self.policy.fail_on, None)
    }

    /// The held findings that fail the scan under its policy.
    pub fn failing(&self) -> impl Iterator<Item = &Finding> {
        let fail_on = self.policy.fail_on;
        self.findings
            .iter()
            .filter(move |f| f.level >= fail_on && f.is_actionable())
    }

    /// Items in scope that could not be read (see [`crate::findings::SkipReason::is_gap`]).
    pub fn gaps(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter().filter(|s| s.reason.is_gap())
    }

    /// How many items were in scope but not read (a process that could not
    /// be read, or a region of one, has its own skip record).
    pub fn gap_count(&self) -> usize {
        self.gaps().count()
    }

    /// The verdict under the outcome's policy.
    pub fn verdict(&self) -> Verdict {
        if self.failing_count() > 0 {
            Verdict::RetentionFound
        } else if self.gap_count() > 0 {
            Verdict::Incomplete
        } else {
            Verdict::Clean
        }
    }

    /// The exit code of the verdict (DESIGN.md §4).
    pub fn exit_code(&self) -> u8 {
        match self.verdict() {
            Verdict::RetentionFound => EXIT_FINDINGS,
            Verdict::Incomplete if self.policy.accept_gaps => EXIT_CLEAN,
            Verdict::Incomplete => EXIT_INCOMPLETE,
            Verdict::Clean => EXIT_CLEAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Provenance, SkipReason};

    fn outcome(skips: &[SkipReason]) -> ScanOutcome {
        let mut outcome: ScanOutcome = serde_json::from_value(serde_json::json!({
            "tool_version": "0", "host": "h", "roots": ["."], "started_at": "", "finished_at": "",
            "rule_pack": {"id": "p", "version": "1", "sha256": "0"}, "rules": [], "findings": [],
            "skipped": [], "coverage": {"files_scanned": 1, "bytes_scanned": 1, "by_decoder": {}}
        }))
        .unwrap();
        outcome.skipped = skips
            .iter()
            .map(|&reason| Skipped {
                provenance: Provenance::file("f"),
                reason,
                detail: String::new().into(),
            })
            .collect();
        outcome
    }

    #[test]
    fn scope_decisions_leave_a_scan_clean() {
        let o = outcome(&[
            SkipReason::Excluded,
            SkipReason::Symlink,
            SkipReason::SpecialFile,
            SkipReason::PseudoFilesystem,
        ]);
        assert_eq!(o.verdict(), Verdict::Clean);
        assert_eq!(o.exit_code(), EXIT_CLEAN);
    }

    #[test]
    fn a_gap_makes_the_verdict_incomplete_and_accepting_gaps_exits_zero() {
        for reason in [
            SkipReason::PermissionDenied,
            SkipReason::TooLarge,
            SkipReason::NotDecodable,
            SkipReason::InternalError,
        ] {
            let mut o = outcome(&[reason]);
            assert_eq!(o.verdict(), Verdict::Incomplete, "{reason:?}");
            assert_eq!(o.exit_code(), EXIT_INCOMPLETE);
            o.policy.accept_gaps = true;
            assert_eq!(o.verdict(), Verdict::Incomplete, "the verdict still says so");
            assert_eq!(o.exit_code(), EXIT_CLEAN);
        }
    }

    #[test]
    fn an_old_report_without_a_policy_fails_on_warnings() {
        let o = outcome(&[]);
        assert_eq!(o.policy, VerdictPolicy::default());
        assert_eq!(o.policy.fail_on, Level::Warning);
    }
}
