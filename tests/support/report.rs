//! Shared by the report tests: a tree of synthetic card data (generated
//! Luhn-valid numbers with random middle digits, never real cards) and a way
//! to run the `hihoji` binary on it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

use super::{hihoji, synthetic_pan, Rng};

/// Card data planted in a tree, to check that no report shows any of it whole.
pub struct Planted {
    pub pans: Vec<String>,
}

/// Writes a tree with card data in several forms and places; returns what was planted.
/// `many` small files spread the tree so shards get work.
pub fn synthetic_tree(dir: &Path, seed: u64, many: usize) -> Planted {
    let mut rng = Rng::new(seed);
    let mut pans = Vec::new();
    let mut pan = |rng: &mut Rng, prefix: &str, len: usize| {
        let p = synthetic_pan(rng, prefix, len);
        pans.push(p.clone());
        p
    };
    let write = |rel: &str, bytes: &[u8]| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };

    let visa = pan(&mut rng, "4526", 16);
    let jcb = pan(&mut rng, "3530", 16);
    let amex = pan(&mut rng, "3723", 15);
    let grouped = |p: &str, sep: &str| {
        p.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(sep)
    };
    write(
        "logs/app.log",
        format!(
            "2026-01-05 INFO checkout card={visa} exp=2712\n\
             2026-01-05 INFO retry カード番号：{}\n\
             2026-01-05 DEBUG amex {} {} {}\n\
             2026-01-05 INFO q?n={}&x=1\n",
            grouped(&jcb, "-"),
            &amex[..4],
            &amex[4..10],
            &amex[10..],
            grouped(&visa, "+"),
        )
        .as_bytes(),
    );
    let track = pan(&mut rng, "4081", 16);
    let track2 = pan(&mut rng, "5382", 16);
    write(
        "pos/terminal.log",
        format!(
            "read %B{track}^SATO/HANAKO^2712101000000000000000?\n\
             t2 ;{track2}=27121010000012345678?\n\
             card {} cvv=123\n",
            grouped(&pan(&mut rng, "6011", 16), " ")
        )
        .as_bytes(),
    );
    let mut orders = Vec::new();
    for _ in 0..3 {
        let p = pan(&mut rng, "5146", 16);
        writeln!(orders, "order card_number: {p}").unwrap();
    }
    write("exports/orders.log.gz", &super::gzip(&orders));
    write(
        "db/masked.txt",
        b"card=452601******3012\ntest card 4111111111111111\n",
    );
    write("clean/readme.txt", b"no card data here, order 1234567890\n");
    write(
        "excluded/secret.log",
        format!("card={}\n", pan(&mut rng, "4526", 16)).as_bytes(),
    );
    for i in 0..many {
        let p = pan(&mut rng, "4909", 16);
        write(
            &format!("many/{:02}/note{i}.txt", i % 7),
            format!("card no {p}\n").as_bytes(),
        );
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink("logs/app.log", dir.join("link-to-app.log")).unwrap();
    Planted { pans }
}

/// Runs it; panics with its output unless the exit code is one of `codes`.
pub fn run(cmd: &mut Command, codes: &[i32]) -> Output {
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        codes.contains(&code),
        "{cmd:?} exited {code}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Scans `root` (excluding `excluded/`) with `extra` arguments; returns the JSON report's path.
pub fn scan_to_json(root: &Path, out_dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let json = out_dir.join(format!("{name}.json"));
    run(
        hihoji()
            .arg("scan")
            .arg(root)
            .args(["--exclude", "excluded", "--no-progress", "--json"])
            .arg(&json)
            .args(extra),
        &[0, 1],
    );
    json
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every form a planted number could take in a report: whole, grouped by
/// space, dash or plus, or URL-encoded. None may appear.
pub fn assert_no_planted_value(text: &str, planted: &Planted) {
    let squeezed: String = text
        .replace("%20", "")
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '+' | '\u{a0}'))
        .collect();
    for pan in &planted.pans {
        assert!(
            !text.contains(pan.as_str()),
            "full card number {}… in the report",
            &pan[..6]
        );
        assert!(
            !squeezed.contains(pan.as_str()),
            "card number {}… in the report with separators",
            &pan[..6]
        );
    }
}
