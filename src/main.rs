//! `hihoji`: the command-line front end of the card-data scanner.

mod cli;
mod progress;
mod report;
mod scan;

use std::process::ExitCode;

use clap::Parser;

/// Exit code for a usage or fatal error (DESIGN.md §4).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(&args),
        cli::Command::Report(args) => report::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hihoji: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
