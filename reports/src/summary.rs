//! The short human summary printed when no report file is asked for:
//! findings grouped by file with masked values, what was not scanned, and one
//! line that says the verdict and what the exit code means.

use std::io::{self, Write};

use hihoji_scanner::baseline::STALE_NOTE;
use hihoji_scanner::findings::{BaselineState, Finding, GuidelineCategory, Level};
use hihoji_scanner::outcome::{ProcessStatus, ScanOutcome};
use hihoji_scanner::redact::terminal_safe as shown;
use hihoji_scanner::verdict::Verdict;

use crate::messages;
use crate::summary_text::{text, SummaryText};

/// The summary's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Ja,
    #[default]
    En,
}

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct SummaryStyle {
    /// ANSI colours (only on a terminal).
    pub color: bool,
    /// Findings listed before the rest is counted only.
    pub max_listed: usize,
    pub lang: Lang,
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
    let t = text(style.lang);
    let c = &outcome.coverage;
    writeln!(
        out,
        "hihoji {}: {} {} {}, {} {} ({} {})",
        outcome.tool_version,
        t.scanned,
        c.files_scanned,
        t.files,
        c.bytes_scanned,
        t.bytes,
        t.under,
        shown(
            &outcome
                .roots
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    )?;
    if !c.processes.is_empty() {
        let count = |status| c.processes.iter().filter(|p| p.status == status).count();
        let (read, partly, not_read) = (
            count(ProcessStatus::Scanned),
            count(ProcessStatus::Partial),
            count(ProcessStatus::Skipped),
        );
        let bytes: u64 = c.processes.iter().map(|p| p.bytes_scanned).sum();
        let line = match style.lang {
            Lang::En => format!(
                "Process memory: {read} processes read, {partly} partly, {not_read} not read; {bytes} bytes"
            ),
            Lang::Ja => format!(
                "プロセスメモリ: 読み取り {read} プロセス、一部のみ {partly}、読み取れず {not_read}; {bytes} バイト"
            ),
        };
        writeln!(out, "{line}")?;
    }
    let mut current = String::new();
    for f in outcome.findings.iter().take(style.max_listed) {
        let file = shown(&f.provenance.to_string()).into_owned();
        if file != current {
            writeln!(out, "\n{}", paint(style, "1", &file))?;
            current = file;
        }
        write_finding(f, style, t, out)?;
    }
    // The held findings may be a sample of a streamed scan: count them all.
    let totals = outcome.totals();
    write_more(
        totals.findings.max(outcome.findings.len() as u64) as usize,
        style,
        t,
        out,
    )?;
    if !outcome.skipped.is_empty() {
        let heading = format!("{} ({}):", t.not_scanned, outcome.skipped.len());
        writeln!(out, "\n{}", paint(style, "1", &heading))?;
        for s in outcome.skipped.iter().take(style.max_listed) {
            let place = s.provenance.to_string();
            let why = messages::skip_reason_and_detail(s, style.lang);
            writeln!(out, "  {} — {}", shown(&place), shown(&why))?;
        }
        write_more(outcome.skipped.len(), style, t, out)?;
    }
    let stale: Vec<_> = outcome.notes.iter().filter(|n| n.kind == STALE_NOTE).collect();
    if !stale.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint(style, "1", &format!("{} ({}):", t.stale, stale.len()))
        )?;
        for n in stale.iter().take(style.max_listed) {
            writeln!(
                out,
                "  {} — {}",
                shown(&n.provenance.to_string()),
                shown(&messages::technical(&n.detail, style.lang))
            )?;
        }
        write_more(stale.len(), style, t, out)?;
    }
    let count = |level| totals.count(Some(level), None, false);
    // One definition with the HTML report: every level is counted per category.
    let per_category: Vec<String> = GuidelineCategory::ALL
        .iter()
        .map(|&cat| {
            let n = totals.count(None, Some(cat), false);
            match style.lang {
                Lang::En => format!("{} {} {n}", cat.japanese(), cat.as_str()),
                Lang::Ja => format!("{} {n} 件", cat.japanese()),
            }
        })
        .collect();
    let accepted = totals.accepted();
    let [error, warning, note] = t.levels;
    let line = match style.lang {
        Lang::En => format!(
            "\n{}: {} {error}, {} {warning}, {} {note} ({}; {}); {accepted} {}",
            t.findings,
            count(Level::Error),
            count(Level::Warning),
            count(Level::Note),
            per_category.join(", "),
            t.all_levels,
            t.accepted
        ),
        Lang::Ja => format!(
            "\n{}: {error} {} 件、{warning} {} 件、{note} {} 件 ({}、{}); {} {accepted} 件",
            t.findings,
            count(Level::Error),
            count(Level::Warning),
            count(Level::Note),
            per_category.join("、"),
            t.all_levels,
            t.accepted
        ),
    };
    writeln!(out, "{line}")
}

/// Says how many items of a list of `total` were left out, and where the full list is.
fn write_more(total: usize, style: SummaryStyle, t: &SummaryText, out: &mut dyn Write) -> io::Result<()> {
    if total > style.max_listed {
        writeln!(out, "  … +{} {}", total - style.max_listed, t.more)?;
    }
    Ok(())
}

fn write_finding(f: &Finding, style: SummaryStyle, t: &SummaryText, out: &mut dyn Write) -> io::Result<()> {
    let [error, warning, note] = t.level_labels;
    let (code, label) = match f.level {
        Level::Error => ("31;1", error),
        Level::Warning => ("33;1", warning),
        Level::Note => ("36", note),
    };
    let at = match (f.location.line, f.location.column) {
        (Some(l), Some(col)) => format!("{l}:{col}"),
        _ => format!("@{}", f.location.offset),
    };
    let mut tags = Vec::new();
    match f.baseline_state {
        Some(BaselineState::New) => tags.push(paint(style, "31", t.baseline_new)),
        Some(BaselineState::Unchanged) => tags.push(t.baseline_unchanged.to_string()),
        None => {}
    }
    if let Some(s) = &f.suppression {
        tags.push(format!("{}: {}", t.suppressed, shown(&s.justification)));
    }
    if let Some(commit) = f.annotations.get("commit") {
        let short: String = commit.chars().take(12).collect();
        tags.push(format!("{} {}", t.commit, shown(&short)));
    }
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!(" [{}]", tags.join("; "))
    };
    writeln!(
        out,
        "  {} {:<10} {:<22} {:<16} {} {}{tags}",
        paint(style, code, label),
        shown(&f.rule_id),
        shown(&f.masked),
        shown(f.brand.as_deref().unwrap_or("-")),
        at,
        f.category.japanese()
    )
}

/// The one line that says the verdict and what the exit code means; the
/// verdict and code are the outcome's own ([`ScanOutcome::verdict`]).
pub fn verdict(outcome: &ScanOutcome, lang: Lang, color: bool) -> String {
    let t = text(lang);
    let style = SummaryStyle {
        color,
        max_listed: 0,
        lang,
    };
    let level = match lang {
        Lang::En => outcome.policy.fail_on.as_str(),
        Lang::Ja => match outcome.policy.fail_on {
            Level::Error => t.levels[0],
            Level::Warning => t.levels[1],
            Level::Note => t.levels[2],
        },
    };
    let code = outcome.exit_code();
    let files = outcome.coverage.files_scanned;
    let skipped = outcome.skipped.len();
    match outcome.verdict() {
        Verdict::RetentionFound => {
            let failing = outcome.failing_count();
            let line = match lang {
                Lang::En => format!(
                    "{} — {failing} finding(s) {} {level}; {} {code}.",
                    t.verdict_fail, t.at_or_above, t.exit
                ),
                Lang::Ja => format!(
                    "{} — {level}{}の検出 {failing} 件; {} {code}。",
                    t.verdict_fail, t.at_or_above, t.exit
                ),
            };
            paint(style, "31;1", &line)
        }
        Verdict::Incomplete => {
            let gaps = outcome.gap_count();
            let accepted = if outcome.policy.accept_gaps {
                t.gaps_accepted
            } else {
                ""
            };
            let line = match lang {
                Lang::En => format!(
                    "{} — nothing {} {level} in {files} files, but {gaps} item(s) in scope could not be read (see \"{}\"); {} {code}{accepted}.",
                    t.verdict_incomplete, t.at_or_above, t.not_scanned, t.exit
                ),
                Lang::Ja => format!(
                    "{} — {files} ファイルに {level}{}の検出はありませんが、調査範囲の {gaps} 件を読み取れませんでした (「{}」を参照); {} {code}{accepted}。",
                    t.verdict_incomplete, t.at_or_above, t.not_scanned, t.exit
                ),
            };
            paint(style, "35;1", &line)
        }
        Verdict::Clean => {
            let accepted = outcome.totals().accepted();
            let pass = if accepted > 0 {
                t.pass_accepted.replace("{n}", &accepted.to_string())
            } else {
                t.verdict_pass.to_string()
            };
            let line = match lang {
                Lang::En => format!(
                    "{pass} {} {level} in {files} files, everything in scope read ({skipped} out of scope); {} {code}.",
                    t.at_or_above, t.exit
                ),
                Lang::Ja => format!(
                    "{pass} ({level}{}、{files} ファイル、調査範囲はすべて読み取り済み、範囲外 {skipped} 件); {} {code}。",
                    t.at_or_above, t.exit
                ),
            };
            paint(style, "32;1", &line)
        }
    }
}
