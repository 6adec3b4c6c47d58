//! `hihoji`: the command-line front end of the card-data scanner.

mod baseline;
mod cli;
mod config;
mod limits;
mod man;
mod progress;
mod report;
mod rules_cmd;
mod scan;
mod size;
mod stderr;
mod terminal_markdown;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// Exit code for a usage or fatal error (DESIGN.md §4).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    redact_panics();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(&args),
        cli::Command::Report(args) => report::run(&args),
        cli::Command::Baseline { action } => baseline::run(&action),
        cli::Command::Rules { action } => rules_cmd::run(&action),
        cli::Command::Completions { shell } => {
            // Generated into memory: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "hihoji", &mut script);
            print_document(&script)
        }
        cli::Command::Man { command } => man::render(&command).and_then(|page| print_document(&page)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            stderr::say(&format!("hihoji: error: {e:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// clap's message for a bad command line echoes the arguments: it is
/// printed through the redaction step like every other message. Help and
/// version go to standard output as clap would print them.
fn usage_error(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if e.use_stderr() {
        stderr::say(&text);
        return ExitCode::from(EXIT_ERROR);
    }
    print!("{}", stderr::printable(&text));
    ExitCode::SUCCESS
}

/// A panic's message may quote the data that caused it: masked and
/// escaped like every other message.
fn redact_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        stderr::say(&format!("hihoji: internal error{at}: {message}"));
    }));
}

/// Prints a generated document; a reader that stops early (`| head`) is not an error.
fn print_document(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
