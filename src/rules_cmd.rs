//! `hihoji rules list|explain|check`: the rules a scan runs, in words a
//! merchant can read, and a check for hand-written packs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use hihoji_scanner::examples::check_examples;
use hihoji_scanner::rules::{load_rules, RuleSpec};

use crate::cli::RulesAction;
use crate::terminal_markdown::to_terminal;

/// Exit code of `rules check` when the pack is broken (DESIGN.md §4: a bad rule file).
const EXIT_BAD_PACK: u8 = 2;

pub fn run(action: &RulesAction) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match action {
        RulesAction::List(packs) => {
            let rules = load_rules(&packs.rules)?;
            writeln!(
                out,
                "{:<12} {:<8} {:<6} {:<44} PCI DSS",
                "ID", "LEVEL", "SEV", "NAME"
            )?;
            for rule in &rules.rules {
                let m = &rule.meta;
                writeln!(
                    out,
                    "{:<12} {:<8} {:<6.1} {:<44} {}",
                    m.id,
                    m.level.as_str(),
                    m.security_severity,
                    m.name,
                    m.pci_dss.join(", ")
                )?;
            }
            writeln!(
                out,
                "\nRule pack {} {} ({} rules). `hihoji rules explain ID` for details.",
                rules.pack.id,
                rules.pack.version,
                rules.rules.len()
            )?;
        }
        RulesAction::Explain { id, packs } => {
            let rules = load_rules(&packs.rules)?;
            let Some(rule) = rules.rules.iter().find(|r| r.meta.id.eq_ignore_ascii_case(id)) else {
                let known: Vec<&str> = rules.rules.iter().map(|r| r.meta.id.as_str()).collect();
                bail!("no rule {id:?}; known rules: {}", known.join(", "));
            };
            explain(&rule.meta, &mut out)?;
        }
        RulesAction::Check { file } => return Ok(check(file, &mut out)),
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(m: &RuleSpec, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{} — {}", m.id, m.name)?;
    writeln!(
        out,
        "level: {}   security-severity: {:.1}   kind: {:?}",
        m.level.as_str(),
        m.security_severity,
        m.kind
    )?;
    if !m.pci_dss.is_empty() {
        writeln!(out, "PCI DSS v4.0.1: {}", m.pci_dss.join(", "))?;
    }
    if !m.tags.is_empty() {
        writeln!(out, "tags: {}", m.tags.join(", "))?;
    }
    writeln!(out, "\n{}", to_terminal(m.description.trim(), ""))?;
    writeln!(out, "{}", to_terminal(m.help.trim(), "  "))?;
    if let Some(pattern) = &m.pattern {
        writeln!(out, "pattern: {pattern}\n")?;
    }
    // Each finding lists the signals behind it (`evidence` in JSON and SARIF).
    writeln!(out, "Evidence a finding can carry (docs/precision.md):")?;
    for (signal, meaning) in hihoji_scanner::detect::EVIDENCE_SIGNALS {
        writeln!(out, "  {signal:<32} {meaning}")?;
    }
    writeln!(out)?;
    // Examples pass the redaction step like everything else printed: a
    // user pack's example may be a real number.
    writeln!(out, "Examples that match:")?;
    for e in &m.examples.matching {
        writeln!(out, "  + {}", crate::stderr::printable(e))?;
    }
    writeln!(out, "Examples that must not match:")?;
    for e in &m.examples.no_match {
        writeln!(out, "  - {}", crate::stderr::printable(e))?;
    }
    Ok(())
}

/// Compiles `file` over the default pack and runs every rule's examples.
fn check(file: &PathBuf, out: &mut dyn Write) -> ExitCode {
    let rules = match load_rules(std::slice::from_ref(file)) {
        Ok(rules) => rules,
        Err(e) => {
            crate::stderr::say(&format!("hihoji: rules check: FAILED: {e}"));
            return ExitCode::from(EXIT_BAD_PACK);
        }
    };
    let failures = check_examples(&rules);
    let examples: usize = rules
        .rules
        .iter()
        .map(|r| r.meta.examples.matching.len() + r.meta.examples.no_match.len())
        .sum();
    if failures.is_empty() {
        let _ = writeln!(
            out,
            "{}: OK — {} rules compiled, {examples} examples pass",
            file.display(),
            rules.rules.len()
        );
        return ExitCode::SUCCESS;
    }
    for failure in &failures {
        crate::stderr::say(&format!("hihoji: rules check: {}: {failure}", file.display()));
    }
    crate::stderr::say(&format!(
        "hihoji: rules check: FAILED: {} of {examples} examples in {} do not behave as their rules say",
        failures.len(),
        file.display()
    ));
    ExitCode::from(EXIT_BAD_PACK)
}
