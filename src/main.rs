//! `hihoji`: the command-line front end of the card-data scanner.

mod baseline;
mod cli;
mod config;
mod progress;
mod rules_cmd;
mod scan;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

/// Exit code for a usage or fatal error (DESIGN.md §4).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(&args),
        cli::Command::Baseline { action } => baseline::run(&action),
        cli::Command::Rules { action } => rules_cmd::run(&action),
        cli::Command::Completions { shell } => {
            clap_complete::generate(shell, &mut cli::Cli::command(), "hihoji", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        cli::Command::Man => clap_mangen::Man::new(cli::Cli::command())
            .render(&mut std::io::stdout())
            .map(|()| ExitCode::SUCCESS)
            .map_err(anyhow::Error::from),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hihoji: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
