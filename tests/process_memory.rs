//! End-to-end: `hihoji scan --pid` reads the memory of a running process.
//!
//! The process scanned is this test binary itself, started again as a
//! *holder* (`--hold-card-numbers`): it makes synthetic card numbers at run
//! time from random digits and a computed Luhn digit, so that no card number
//! is in any file, and holds one as an ASCII string, one as UTF-16LE and one
//! inside a large heap buffer. It tells the test its numbers as letters
//! (`a` = 0 … `j` = 9, never as digits, so the pipe leaves no digit copy in
//! its memory), then answers `ping` with `pong intact` while its values are
//! unchanged. The test ends it by its pid.
//!
//! This file has its own `main` (libtest-mimic) so that the same binary can
//! be the holder. `process_memory-* --hold-card-numbers MIB` holds a buffer
//! of MIB mebibytes of random bytes instead, for measuring throughput
//! (docs/memory.md).

mod support;

use std::process::ExitCode;

use libtest_mimic::Arguments;

const HOLD: &str = "--hold-card-numbers";

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(HOLD) {
        return holder::run();
    }
    let args = Arguments::from_args();
    libtest_mimic::run(&args, tests::all()).exit_code()
}

/// The process that holds card numbers in memory.
mod holder {
    use std::io::{BufRead, Write};
    use std::process::ExitCode;

    use super::support::{check_digit, Rng};

    /// Size of the heap buffer one number hides in: larger than the
    /// scanner's read chunk, and large enough for malloc to map it apart.
    const BUFFER_LEN: usize = 3 << 20;

    /// The heap buffer: `BUFFER_LEN` bytes that are neither digits nor
    /// letters, or (for measuring) `mib` MiB of random bytes.
    fn filler(random: &mut Rng, mib: Option<usize>) -> Vec<u8> {
        let Some(mib) = mib else {
            return (0..BUFFER_LEN)
                .map(|_| 0x80 | (random.next() & 0x7f) as u8)
                .collect();
        };
        let mut buffer = Vec::with_capacity(mib << 20);
        while buffer.len() < mib << 20 {
            buffer.extend_from_slice(&random.next().to_le_bytes());
        }
        buffer
    }

    /// Random numbers seeded from the clock and the pid: nothing stored.
    fn clock_seeded() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Rng::new(nanos ^ (u64::from(std::process::id()) << 32) | 1)
    }

    /// A 16-digit card number as digit *values* (0–9, not ASCII, so that no
    /// text copy of it is left in memory): `prefix`, random digits, and the
    /// Luhn check digit.
    fn card_number(prefix: &[u8], random: &mut Rng) -> Vec<u8> {
        let mut digits = prefix.to_vec();
        while digits.len() < 15 {
            digits.push(random.digit());
        }
        digits.push(check_digit(&digits));
        digits
    }

    fn letters(digits: &[u8]) -> String {
        digits.iter().map(|&d| char::from(b'a' + d)).collect()
    }

    /// Holds the numbers until standard input closes or the test kills it.
    pub fn run() -> ExitCode {
        // Yama's ptrace_scope 1 lets only ancestors read a process's memory;
        // the scanner is this holder's sibling, so allow any reader.
        #[cfg(target_os = "linux")]
        // SAFETY: prctl with PR_SET_PTRACER takes plain integer arguments.
        unsafe {
            libc::prctl(libc::PR_SET_PTRACER, libc::PR_SET_PTRACER_ANY, 0, 0, 0);
        }
        let mut random = clock_seeded();
        let jcb_range = 28 + (random.next() % 62) as u8;
        let visa = card_number(&[4], &mut random);
        let jcb = card_number(&[3, 5, jcb_range / 10, jcb_range % 10], &mut random);
        let mastercard = card_number(&[5, 1 + (random.next() % 5) as u8], &mut random);

        let ascii: String = "card_number="
            .chars()
            .chain(visa.iter().map(|&d| char::from(b'0' + d)))
            .chain(" ".chars())
            .collect();
        let utf16: Vec<u16> = "pan:"
            .encode_utf16()
            .chain(jcb.iter().map(|&d| u16::from(b'0' + d)))
            .chain(" ".encode_utf16())
            .collect();
        let mib = std::env::args().nth(2).and_then(|n| n.parse().ok());
        let mut buffer = filler(&mut random, mib);
        let at = 1 + (random.next() % (buffer.len() as u64 - 64)) as usize;
        buffer[at - 1] = b' ';
        for (i, &d) in mastercard.iter().enumerate() {
            buffer[at + i] = b'0' + d;
        }
        buffer[at + mastercard.len()] = b' ';

        let intact = |ascii: &String, utf16: &Vec<u16>, buffer: &Vec<u8>| {
            let a = ascii.as_bytes()[12..28]
                .iter()
                .map(|b| b - b'0')
                .eq(visa.iter().copied());
            let u = utf16[4..20]
                .iter()
                .map(|&c| (c as u8) - b'0')
                .eq(jcb.iter().copied());
            let b = buffer[at..at + 16]
                .iter()
                .map(|b| b - b'0')
                .eq(mastercard.iter().copied());
            a && u && b
        };
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let ready = writeln!(
            out,
            "ready ascii={} utf16={} buffer={}",
            letters(&visa),
            letters(&jcb),
            letters(&mastercard)
        );
        if ready.and_then(|()| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim() == "ping" {
                let state = if intact(
                    std::hint::black_box(&ascii),
                    std::hint::black_box(&utf16),
                    std::hint::black_box(&buffer),
                ) {
                    "intact"
                } else {
                    "changed"
                };
                if writeln!(out, "pong {state}").and_then(|()| out.flush()).is_err() {
                    break;
                }
            }
        }
        ExitCode::SUCCESS
    }
}

#[cfg(target_os = "linux")]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use hihoji_scanner::detect::{Digits, HitValue};
    use hihoji_scanner::mask::Fingerprinter;
    use libtest_mimic::{Failed, Trial};
    use serde_json::Value;

    use super::support::{hihoji, is_root, masked, sarif_schema_errors, KEY};
    use super::HOLD;

    /// Generous: CI runs on two busy cores.
    const PATIENCE: Duration = Duration::from_secs(120);

    pub fn all() -> Vec<Trial> {
        vec![
            Trial::test(
                "scan_pid_finds_ascii_utf16_and_heap_buffer_numbers_and_the_process_runs_on",
                scan_pid_finds_ascii_utf16_and_heap_buffer_numbers_and_the_process_runs_on,
            ),
            Trial::test(
                "exited_and_nonexistent_processes_are_skipped_while_the_scan_goes_on",
                exited_and_nonexistent_processes_are_skipped_while_the_scan_goes_on,
            ),
            Trial::test(
                "another_users_process_is_skipped_as_permission_denied",
                another_users_process_is_skipped_as_permission_denied,
            ),
            Trial::test(
                "process_name_selects_processes_and_unmatched_names_are_noted",
                process_name_selects_processes_and_unmatched_names_are_noted,
            ),
            Trial::test(
                "sarif_names_the_process_and_its_executable_and_validates",
                sarif_names_the_process_and_its_executable_and_validates,
            ),
            Trial::test(
                "summary_counts_processes_read_and_not_read",
                summary_counts_processes_read_and_not_read,
            ),
            Trial::test(
                "paths_and_a_process_are_one_scan_and_one_report",
                paths_and_a_process_are_one_scan_and_one_report,
            ),
        ]
    }

    fn paths_and_a_process_are_one_scan_and_one_report() -> Result<(), Failed> {
        let holder = Holder::start()?;
        let pid = holder.pid();
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("orders.csv"), "1;4526018159083012\n")?;
        let root = dir.path().to_string_lossy().into_owned();
        let (report, code, _) = scan_json(&[root, "--pid".to_string(), pid.to_string()])?;
        check(code == 1, || format!("exit code {code}, want 1"))?;
        let stored = findings_of(&report, "4526018159083012");
        check(stored.len() == 1 && stored[0]["category"] == "stored", || {
            format!("the file's number: {stored:#?}")
        })?;
        let processed = findings_of(&report, &holder.ascii);
        check(
            !processed.is_empty() && processed.iter().all(|f| f["category"] == "processed"),
            || format!("the process's number: {processed:#?}"),
        )?;
        let roots = report["roots"].as_array().map_or(0, Vec::len);
        check(roots == 2, || format!("roots {}", report["roots"]))
    }

    /// A running holder, killed by its pid when dropped.
    struct Holder {
        child: Child,
        stdin: ChildStdin,
        lines: mpsc::Receiver<String>,
        /// The card numbers held: ASCII, UTF-16LE, heap buffer.
        ascii: String,
        utf16: String,
        buffer: String,
    }

    impl Holder {
        fn start() -> Result<Holder, Failed> {
            let exe = std::env::current_exe()?;
            let mut child = Command::new(exe)
                .arg(HOLD)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdin = child.stdin.take().ok_or("no stdin")?;
            let stdout = child.stdout.take().ok_or("no stdout")?;
            let (send, lines) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if send.send(line).is_err() {
                        break;
                    }
                }
            });
            let mut holder = Holder {
                child,
                stdin,
                lines,
                ascii: String::new(),
                utf16: String::new(),
                buffer: String::new(),
            };
            let ready = holder.next_line()?;
            for field in ready
                .strip_prefix("ready ")
                .ok_or("holder did not start")?
                .split(' ')
            {
                let (form, letters) = field.split_once('=').ok_or("bad ready line")?;
                let digits: String = letters.bytes().map(|b| char::from(b - b'a' + b'0')).collect();
                match form {
                    "ascii" => holder.ascii = digits,
                    "utf16" => holder.utf16 = digits,
                    "buffer" => holder.buffer = digits,
                    _ => return Err("bad ready line".into()),
                }
            }
            Ok(holder)
        }

        fn pid(&self) -> u32 {
            self.child.id()
        }

        fn next_line(&self) -> Result<String, Failed> {
            self.lines
                .recv_timeout(PATIENCE)
                .map_err(|e| format!("holder said nothing: {e}").into())
        }

        /// Asks the holder whether it runs and its values are unchanged.
        fn ping(&mut self) -> Result<String, Failed> {
            writeln!(self.stdin, "ping")?;
            self.stdin.flush()?;
            self.next_line()
        }

        /// Process state from /proc: `S` sleeping, `R` running, `T` stopped, `t` traced.
        fn state(&self) -> Result<char, Failed> {
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))?;
            let after = &stat[stat.rfind(')').ok_or("bad stat")? + 2..];
            after.chars().next().ok_or_else(|| "bad stat".into())
        }
    }

    impl Drop for Holder {
        fn drop(&mut self) {
            // End the holder by its pid, then reap it.
            if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
                // SAFETY: kill takes plain integers; the pid is our own child, not yet reaped.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
            let _ = self.child.wait();
        }
    }

    fn fingerprint(pan: &str) -> String {
        let digits = Digits::from_ascii(pan.as_bytes()).expect("digits");
        Fingerprinter::new(KEY.as_bytes()).fingerprint("PAN", &HitValue::Pan(digits))
    }

    /// Runs `hihoji scan ARGS --json -`; returns the report, the exit code and the raw output.
    fn scan_json(args: &[String]) -> Result<(Value, i32, String), Failed> {
        let out = hihoji().arg("scan").args(args).args(["--json", "-"]).output()?;
        let text = String::from_utf8(out.stdout)?;
        let report = serde_json::from_str(&text).map_err(|e| {
            format!(
                "no JSON report ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
        Ok((report, out.status.code().unwrap_or(-1), text))
    }

    fn findings_of<'a>(report: &'a Value, pan: &str) -> Vec<&'a Value> {
        let fp = fingerprint(pan);
        report["findings"]
            .as_array()
            .map(|all| all.iter().filter(|f| f["fingerprint"] == fp.as_str()).collect())
            .unwrap_or_default()
    }

    fn process_entry(report: &Value, pid: u32) -> Option<&Value> {
        report["coverage"]["processes"]
            .as_array()?
            .iter()
            .find(|p| p["pid"] == u64::from(pid))
    }

    /// A finding read through a UTF-16 view: named by an `encoding`
    /// annotation or by a decoded layer (`…#[heap]@0x…!/utf-16@1234`).
    fn found_as_utf16(f: &Value) -> bool {
        let utf16 = |v: &Value| v.as_str().is_some_and(|s| s.starts_with("utf-16"));
        utf16(&f["annotations"]["encoding"])
            || f["provenance"]["layers"]
                .as_array()
                .is_some_and(|layers| layers.iter().any(|l| utf16(&l["name"])))
    }

    fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
        if condition {
            Ok(())
        } else {
            Err(message().into())
        }
    }

    fn scan_pid_finds_ascii_utf16_and_heap_buffer_numbers_and_the_process_runs_on() -> Result<(), Failed> {
        let mut holder = Holder::start()?;
        let pid = holder.pid();
        let (report, code, text) = scan_json(&["--pid".to_string(), pid.to_string()])?;
        check(code == 1, || {
            format!("exit code {code}, want 1 (card data found)")
        })?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))?;
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))?;
        for (form, pan) in [
            ("ASCII string", &holder.ascii),
            ("UTF-16LE string", &holder.utf16),
            ("heap buffer", &holder.buffer),
        ] {
            let found = findings_of(&report, pan);
            check(!found.is_empty(), || {
                format!("the {form} {} was not found", masked(pan))
            })?;
            for f in &found {
                check(f["category"] == "processed", || {
                    format!("{form}: category {}", f["category"])
                })?;
                check(f["masked"] == masked(pan).as_str(), || {
                    format!("{form}: masked {}", f["masked"])
                })?;
                check(
                    f["provenance"]["artifact"] == format!("pid:{pid}({})", comm.trim()).as_str(),
                    || format!("{form}: provenance {}", f["provenance"]),
                )?;
                let layer = &f["provenance"]["layers"][0];
                check(
                    layer["kind"] == "stream" && layer["name"].as_str().is_some_and(|n| n.contains("@0x")),
                    || format!("{form}: region layer {layer}"),
                )?;
                let notes = &f["annotations"];
                check(notes["pid"] == pid.to_string().as_str(), || {
                    format!("{form}: {notes}")
                })?;
                check(notes["process"] == comm.trim(), || format!("{form}: {notes}"))?;
                check(notes["executable"] == exe.to_string_lossy().as_ref(), || {
                    format!("{form}: {notes}")
                })?;
                check(notes["user"].is_string(), || format!("{form}: {notes}"))?;
            }
            let utf16 = found.iter().any(|f| found_as_utf16(f));
            check(utf16 == (form == "UTF-16LE string"), || {
                format!("{form}: found as UTF-16LE: {utf16}")
            })?;
        }
        for pan in [&holder.ascii, &holder.utf16, &holder.buffer] {
            check(!text.contains(pan.as_str()), || {
                "the report holds a full card number".to_string()
            })?;
        }
        let entry = process_entry(&report, pid).ok_or("process not in coverage")?;
        check(entry["status"] == "scanned", || format!("coverage {entry}"))?;
        check(entry["regions_scanned"].as_u64() > Some(0), || {
            format!("coverage {entry}")
        })?;

        // Undisturbed: not stopped or traced, answering, its values unchanged.
        let state = holder.state()?;
        check(matches!(state, 'S' | 'R'), || format!("holder state {state}"))?;
        let pong = holder.ping()?;
        check(pong == "pong intact", || format!("holder answered {pong:?}"))
    }

    fn exited_and_nonexistent_processes_are_skipped_while_the_scan_goes_on() -> Result<(), Failed> {
        let holder = Holder::start()?;
        // A child that has exited and not been reaped: a zombie, with no memory left.
        let mut exited = Command::new(std::env::current_exe()?)
            .arg(HOLD)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()?;
        let zombie = exited.id();
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{zombie}/stat"))?;
            if stat[stat.rfind(')').ok_or("bad stat")? + 2..].starts_with('Z') {
                break;
            }
            check(std::time::Instant::now() < deadline, || {
                "child did not exit".to_string()
            })?;
            std::thread::sleep(Duration::from_millis(20));
        }
        // No process can have a pid at or above pid_max.
        let missing: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")?
            .trim()
            .parse()?;
        let args: Vec<String> = [holder.pid(), zombie, missing]
            .iter()
            .flat_map(|pid| ["--pid".to_string(), pid.to_string()])
            .collect();
        let result = scan_json(&args);
        exited.wait()?;
        let (report, code, _) = result?;
        check(code == 1, || format!("exit code {code}"))?;
        check(!findings_of(&report, &holder.ascii).is_empty(), || {
            "the live process was not scanned".to_string()
        })?;
        for (pid, why) in [(zombie, "zombie"), (missing, "no such process")] {
            let entry = process_entry(&report, pid).ok_or_else(|| format!("pid {pid} not in coverage"))?;
            check(
                entry["status"] == "skipped" && entry["reason"] == "vanished",
                || format!("pid {pid}: {entry}"),
            )?;
            let skipped = report["skipped"]
                .as_array()
                .and_then(|all| {
                    all.iter().find(|s| {
                        s["provenance"]["artifact"]
                            .as_str()
                            .is_some_and(|a| a.starts_with(&format!("pid:{pid}")))
                    })
                })
                .ok_or_else(|| format!("pid {pid} not in skipped"))?;
            check(skipped["reason"] == "vanished", || format!("{skipped}"))?;
            check(
                skipped["detail"].as_str().is_some_and(|d| d.contains(why)),
                || format!("{skipped}"),
            )?;
        }
        Ok(())
    }

    fn another_users_process_is_skipped_as_permission_denied() -> Result<(), Failed> {
        check(is_root(), || {
            "this test runs hihoji as user nobody (setpriv) against a root-owned process: run it as root"
                .to_string()
        })?;
        let holder = Holder::start()?;
        // `nobody` must be able to run hihoji and read the file scanned beside the process.
        let dir = tempfile::tempdir()?;
        set_mode(dir.path(), 0o755)?;
        let binary = dir.path().join("hihoji");
        std::fs::copy(env!("CARGO_BIN_EXE_hihoji"), &binary)?;
        set_mode(&binary, 0o755)?;
        let file = dir.path().join("orders.csv");
        std::fs::write(&file, format!("order,card\n1,{}\n", holder.buffer))?;
        set_mode(&file, 0o644)?;
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&binary)
            .args(["scan", "--pid", &holder.pid().to_string(), "--json", "-"])
            .arg(&file)
            .env("HIHOJI_FINGERPRINT_KEY", KEY)
            .current_dir(dir.path())
            .output()
            .map_err(|e| format!("setpriv (util-linux) is needed: {e}"))?;
        let report: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("no report ({e}): {}", String::from_utf8_lossy(&out.stderr)))?;
        let entry = process_entry(&report, holder.pid()).ok_or("process not in coverage")?;
        check(
            entry["status"] == "skipped" && entry["reason"] == "permission_denied",
            || format!("{entry}"),
        )?;
        check(
            entry["detail"]
                .as_str()
                .is_some_and(|d| d.contains("CAP_SYS_PTRACE")),
            || format!("{entry}"),
        )?;
        // The scan went on: the file beside it was scanned.
        let stored = findings_of(&report, &holder.buffer);
        check(stored.len() == 1 && stored[0]["category"] == "stored", || {
            format!("file findings: {stored:?}")
        })?;
        check(out.status.code() == Some(1), || {
            format!("exit {:?}", out.status.code())
        })
    }

    fn process_name_selects_processes_and_unmatched_names_are_noted() -> Result<(), Failed> {
        let holder = Holder::start()?;
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", holder.pid()))?;
        let args = [
            "--process-name".to_string(),
            comm.trim().to_string(),
            "--process-name".to_string(),
            "no-such-process-hihoji".to_string(),
        ];
        let (report, _, _) = scan_json(&args)?;
        check(process_entry(&report, holder.pid()).is_some(), || {
            format!("pid {} not selected by name {comm:?}", holder.pid())
        })?;
        check(!findings_of(&report, &holder.ascii).is_empty(), || {
            "the named process was not scanned".to_string()
        })?;
        let noted = report["notes"].as_array().is_some_and(|notes| {
            notes.iter().any(|n| {
                n["kind"] == "no_matching_process"
                    && n["provenance"]["artifact"] == "process-name:no-such-process-hihoji"
            })
        });
        check(noted, || format!("notes: {}", report["notes"]))?;
        check(report["coverage"]["files_scanned"] == 0, || {
            "process options alone must not scan \".\"".to_string()
        })
    }

    fn sarif_names_the_process_and_its_executable_and_validates() -> Result<(), Failed> {
        let holder = Holder::start()?;
        let pid = holder.pid();
        let out = hihoji()
            .args(["scan", "--pid", &pid.to_string(), "--sarif", "-"])
            .output()?;
        let sarif: Value = serde_json::from_slice(&out.stdout)?;
        let exe = std::fs::read_link(format!("/proc/{pid}/exe"))?;
        let results = sarif["runs"][0]["results"].as_array().ok_or("no results")?;
        let result = results
            .iter()
            .find(|r| r["partialFingerprints"]["hihoji/v1"] == fingerprint(&holder.ascii).as_str())
            .ok_or("ASCII number not in SARIF")?;
        let location = &result["locations"][0];
        let uri = location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .ok_or("no uri")?;
        check(uri == format!("file://{}", exe.display()), || {
            format!("artifact uri {uri}")
        })?;
        let logical = &location["logicalLocations"][0];
        check(logical["kind"] == "process", || format!("{logical}"))?;
        check(logical["properties"]["pid"] == u64::from(pid), || {
            format!("{logical}")
        })?;
        check(
            logical["properties"]["executable"] == exe.to_string_lossy().as_ref(),
            || format!("{logical}"),
        )?;
        check(logical["properties"]["user"].is_string(), || format!("{logical}"))?;
        check(result["properties"]["category"] == "processed", || {
            format!("{result}")
        })?;

        let errors = sarif_schema_errors(&sarif);
        check(errors.is_empty(), || format!("{errors:#?}"))
    }

    fn summary_counts_processes_read_and_not_read() -> Result<(), Failed> {
        let holder = Holder::start()?;
        let missing: u32 = std::fs::read_to_string("/proc/sys/kernel/pid_max")?
            .trim()
            .parse()?;
        let out = hihoji()
            .args(["scan", "--no-progress", "--lang", "en"])
            .args(["--pid", &holder.pid().to_string(), "--pid", &missing.to_string()])
            .output()?;
        let stdout = String::from_utf8(out.stdout)?;
        check(
            stdout.contains("Process memory: 1 processes read, 0 partly, 1 not read;"),
            || stdout.clone(),
        )?;
        check(stdout.contains(&masked(&holder.ascii)), || stdout.clone())?;
        check(!stdout.contains(holder.ascii.as_str()), || {
            "the summary holds a full card number".to_string()
        })
    }

    fn set_mode(path: &std::path::Path, mode: u32) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
}

#[cfg(not(target_os = "linux"))]
mod tests {
    use libtest_mimic::{Failed, Trial};

    use super::support::hihoji;

    pub fn all() -> Vec<Trial> {
        vec![Trial::test(
            "processes_exit_2_off_linux",
            processes_exit_2_off_linux,
        )]
    }

    fn processes_exit_2_off_linux() -> Result<(), Failed> {
        let out = hihoji().args(["scan", "--processes"]).output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(2) && stderr.contains("Linux only") {
            Ok(())
        } else {
            Err(format!("exit {:?}: {stderr}", out.status.code()).into())
        }
    }
}
