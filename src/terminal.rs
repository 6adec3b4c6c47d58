//! What a scan or a report prints on the terminal: the summary (when no
//! report file was asked for) or only the verdict line, and what a reader
//! that stops early (`| head`) means: nothing to complain about.

use std::io::{self, IsTerminal, Write};

use anyhow::Result;
use hihoji_reports::summary::{self, Lang};
use hihoji_scanner::outcome::ScanOutcome;

/// Entries of each list the terminal summary shows before "+N more".
pub const MAX_LISTED: usize = 200;

/// Prints the verdict line on standard error when reports were written (so
/// that a report on standard output stays clean), else the summary and the
/// verdict on standard output. A closed standard output is not an error.
pub fn print_result(outcome: &ScanOutcome, lang: Lang, wrote_report: bool) -> Result<()> {
    if wrote_report {
        let color = io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        eprintln!("{}", summary::verdict(outcome, lang, color));
        return Ok(());
    }
    let stdout = io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let style = summary::SummaryStyle {
        color,
        max_listed: MAX_LISTED,
        lang,
    };
    let mut out = stdout.lock();
    let written = summary::write_summary(outcome, style, &mut out)
        .and_then(|()| writeln!(out, "{}", summary::verdict(outcome, lang, color)))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// True when `e` comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}
