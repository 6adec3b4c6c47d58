//! `hihoji`: the command-line front end of the card-data scanner.

mod baseline;
mod cli;
mod config;
mod progress;
mod report;
mod rules_cmd;
mod scan;
mod terminal;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use hihoji_scanner::verdict::EXIT_ERROR;

/// Exit code when standard output closed early (like other tools killed by SIGPIPE).
const EXIT_BROKEN_PIPE: u8 = 141;

fn main() -> ExitCode {
    quiet_panics();
    let cli = cli::Cli::parse();
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
        cli::Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cli::Cli::command())
                .render(&mut page)
                .map_err(anyhow::Error::from)
                .and_then(|()| print_document(&page))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if terminal::is_broken_pipe(&e) => ExitCode::from(EXIT_BROKEN_PIPE),
        Err(e) => {
            eprintln!("hihoji: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A panic's message can quote the data being handled (a string slicing
/// panic prints the string), so only where it happened is printed.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("hihoji: internal error{at} (its message is not shown: it may quote scanned data)");
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
