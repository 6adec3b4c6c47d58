//! `hihoji man [COMMAND]...`: manual pages in roff, one per command, each
//! with its options and the exit codes (DESIGN.md §4).

use anyhow::{bail, Result};
use clap::{Command, CommandFactory};
use clap_mangen::roff::{roman, Roff};
use clap_mangen::Man;

use crate::cli::Cli;

const EXIT_STATUS: [(&str, &str); 4] = [
    ("0", "Everything in scope was read and no finding is at or above --fail-on."),
    ("1", "Findings at or above --fail-on (default: warning)."),
    (
        "2",
        "Usage error or fatal error: unreadable or missing scan root, bad rule file, bad option, unreachable database.",
    ),
    (
        "3",
        "Incomplete: no finding at or above --fail-on, but something in scope could not be read \
         (permission denied, read error, corrupt or encrypted, an undecodable format, a limit hit). \
         Never a pass; --accept-gaps turns it into 0 and the gaps are still listed.",
    ),
];

/// The page for `path` (`[]` for hihoji itself, `["rules", "check"]` for a subcommand).
pub fn render(path: &[String]) -> Result<Vec<u8>> {
    let mut command = Cli::command();
    command.build();
    let mut name = String::from("hihoji");
    for word in path {
        let Some(sub) = command.find_subcommand(word).cloned() else {
            let known: Vec<&str> = command.get_subcommands().map(Command::get_name).collect();
            bail!(
                "no command {name} {word}; commands of {name}: {}",
                known.join(", ")
            );
        };
        name = format!("{name}-{}", sub.get_name());
        command = sub;
    }
    let command = command.name(name.clone()).version(env!("CARGO_PKG_VERSION"));
    let man = Man::new(command.clone()).title(name.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if command.has_subcommands() {
        man.render_subcommands_section(&mut page)?;
        let see: Vec<String> = command
            .get_subcommands()
            .map(|s| format!("hihoji man {} {}", path.join(" "), s.get_name()).replace("  ", " "))
            .collect();
        let mut roff = Roff::new();
        roff.control("SH", ["SEE ALSO"]);
        roff.text([roman(see.join(", "))]);
        roff.to_writer(&mut page)?;
    }
    exit_status().to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

fn exit_status() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", []);
        roff.text([roman(code)]);
        roff.text([roman(meaning)]);
    }
    roff
}

#[cfg(test)]
mod tests {
    use super::render;

    fn page(path: &[&str]) -> String {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        String::from_utf8(render(&path).unwrap()).unwrap()
    }

    #[test]
    fn scan_page_lists_its_options_and_exit_codes() {
        let text = page(&["scan"]);
        assert!(text.contains(".TH hihoji-scan 1"), "{text}");
        assert!(text.contains("max\\-file\\-size"), "{text}");
        assert!(text.contains("EXIT STATUS"), "{text}");
        assert!(text.contains("Incomplete"), "{text}");
    }

    #[test]
    fn nested_command_has_a_page_and_unknown_one_is_an_error() {
        assert!(page(&["rules", "check"]).contains("rules"));
        let err = render(&["nope".to_string()]).unwrap_err().to_string();
        assert!(err.contains("scan"), "{err}");
    }
}
