//! The short human summary printed when no report file is asked for.

use std::io::{self, Write};

use hihoji_scanner::findings::{GuidelineCategory, Level};
use hihoji_scanner::outcome::{ProcessStatus, ScanOutcome};

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct SummaryStyle {
    /// ANSI colours (only on a terminal).
    pub color: bool,
    /// Findings listed before the rest is counted only.
    pub max_listed: usize,
}

fn paint(style: SummaryStyle, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Writes findings grouped by file, the skipped list and the counts.
pub fn write_summary(outcome: &ScanOutcome, style: SummaryStyle, out: &mut dyn Write) -> io::Result<()> {
    let c = &outcome.coverage;
    writeln!(
        out,
        "hihoji {}: scanned {} files, {} bytes under {}",
        outcome.tool_version,
        c.files_scanned,
        c.bytes_scanned,
        outcome.roots.join(", ")
    )?;
    if !c.processes.is_empty() {
        let count = |status| c.processes.iter().filter(|p| p.status == status).count();
        writeln!(
            out,
            "Process memory: {} processes read, {} partly, {} not read; {} bytes",
            count(ProcessStatus::Scanned),
            count(ProcessStatus::Partial),
            count(ProcessStatus::Skipped),
            c.processes.iter().map(|p| p.bytes_scanned).sum::<u64>()
        )?;
    }
    let mut current = String::new();
    for f in outcome.findings.iter().take(style.max_listed) {
        let file = f.provenance.to_string();
        if file != current {
            writeln!(out, "\n{}", paint(style, "1", &file))?;
            current = file;
        }
        let (code, label) = match f.level {
            Level::Error => ("31;1", "error  "),
            Level::Warning => ("33;1", "warning"),
            Level::Note => ("36", "note   "),
        };
        let at = match (f.location.line, f.location.column) {
            (Some(l), Some(col)) => format!("{l}:{col}"),
            _ => format!("@{}", f.location.offset),
        };
        writeln!(
            out,
            "  {} {:<10} {:<22} {:<16} {} {}",
            paint(style, code, label),
            f.rule_id,
            f.masked,
            f.brand.as_deref().unwrap_or("-"),
            at,
            f.category.japanese()
        )?;
    }
    if outcome.findings.len() > style.max_listed {
        writeln!(
            out,
            "  … and {} more (write a report with --json or --html)",
            outcome.findings.len() - style.max_listed
        )?;
    }
    if !outcome.skipped.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint(style, "1", &format!("Not scanned ({}):", outcome.skipped.len()))
        )?;
        for s in outcome.skipped.iter().take(style.max_listed) {
            writeln!(out, "  {} — {}: {}", s.provenance, s.reason.as_str(), s.detail)?;
        }
    }
    let count = |level| outcome.findings.iter().filter(|f| f.level == level).count();
    let per_category: Vec<String> = GuidelineCategory::ALL
        .iter()
        .map(|&cat| {
            let n = outcome
                .findings
                .iter()
                .filter(|f| f.category == cat && f.level > Level::Note)
                .count();
            format!("{} {} {n}", cat.japanese(), cat.as_str())
        })
        .collect();
    writeln!(
        out,
        "\nFindings: {} error, {} warning, {} note ({})",
        count(Level::Error),
        count(Level::Warning),
        count(Level::Note),
        per_category.join(", ")
    )
}
