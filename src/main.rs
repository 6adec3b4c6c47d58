//! `hihoji`: the command-line front end of the card-data scanner.

mod baseline;
mod cli;
mod config;
mod limits;
mod man;
mod output;
mod progress;
mod report;
mod rules_cmd;
mod scan;
mod size;
mod stderr;
mod terminal;
mod terminal_markdown;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use hihoji_scanner::verdict::EXIT_ERROR;

/// Exit code when standard output closed early (like other tools killed by SIGPIPE).
const EXIT_BROKEN_PIPE: u8 = 141;

fn main() -> ExitCode {
    quiet_panics();
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
        Err(e) if terminal::is_broken_pipe(&e) => ExitCode::from(EXIT_BROKEN_PIPE),
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

/// A panic's message can quote the data being handled (a string slicing
/// panic prints the string), so only where it happened is printed.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        stderr::say(&format!(
            "hihoji: internal error{at} (its message is not shown: it may quote scanned data)"
        ));
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
