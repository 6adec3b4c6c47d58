//! The progress bar: on a terminal only, on standard error, and cleared
//! before any result is printed.
//!
//! The ETA needs a total. A pre-count thread walks the same roots with the
//! same options (listing is far faster than reading) and sets the total bytes
//! when it is done; until then the bar shows a spinner and the counts.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hihoji_scanner::scan::{ScanConfig, ScanObserver};
use hihoji_scanner::sources::walk::{walk, Entry};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const COUNTING: &str = "{spinner} {elapsed} {decimal_bytes} {msg}";
/// A short fixed bar, the percentage and the counts: at most 79 columns with
/// six-digit file counts, so every figure stays on an 80-column terminal (a
/// bar that takes "what is left" shrank to `[=>]` there, and a wrapped line is
/// redrawn as two).
const WITH_TOTAL: &str = "{spinner} {elapsed:>4} [{bar:10}] {percent:>3}% {msg} ETA {eta}";

/// Counts files, bytes and findings and draws them when a terminal is there.
pub struct Progress {
    bar: Option<ProgressBar>,
    files: AtomicU64,
    findings: AtomicU64,
    /// Files found by the pre-count, 0 until it is done.
    total_files: Arc<AtomicU64>,
    /// Tells the pre-count to stop when the scan is over first.
    stop: Arc<AtomicBool>,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(style(COUNTING));
            bar.enable_steady_tick(Duration::from_millis(250));
            bar.tick();
            bar
        });
        Progress {
            bar,
            files: AtomicU64::new(0),
            findings: AtomicU64::new(0),
            total_files: Arc::new(AtomicU64::new(0)),
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Starts counting what `config` will scan, in the background.
    pub fn precount(&self, config: &ScanConfig) {
        let Some(bar) = self.bar.clone() else {
            return;
        };
        let entries = walk(&config.roots, &config.walk);
        let stop = Arc::clone(&self.stop);
        let total_files = Arc::clone(&self.total_files);
        let spawned = std::thread::Builder::new()
            .name("hihoji-precount".to_string())
            .spawn(move || {
                let (mut files, mut bytes) = (0u64, 0u64);
                for entry in entries {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if let Entry::File { path, .. } = entry {
                        files += 1;
                        bytes += std::fs::symlink_metadata(&path).map_or(0, |m| m.len());
                    }
                }
                set_total(&bar, &total_files, files, bytes);
            });
        // Without the thread there is no ETA, and the scan goes on all the same.
        drop(spawned);
    }

    /// Removes the bar before anything else is printed.
    pub fn finish(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Switches the bar from counting to a bar with an ETA.
fn set_total(bar: &ProgressBar, total_files: &AtomicU64, files: u64, bytes: u64) {
    total_files.store(files, Ordering::Relaxed);
    bar.set_length(bytes);
    bar.set_style(style(WITH_TOTAL));
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .progress_chars("=> ")
}

impl ScanObserver for Progress {
    fn total(&self, files: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            set_total(bar, &self.total_files, files, bytes);
        }
    }

    fn part_done(&self, bytes: u64, findings: usize) {
        self.findings.fetch_add(findings as u64, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn file_done(&self, bytes: u64, findings: usize) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.findings.fetch_add(findings as u64, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            // Read back after the update: another worker may have counted more since.
            let files = self.files.load(Ordering::Relaxed);
            let found = self.findings.load(Ordering::Relaxed);
            let total = self.total_files.load(Ordering::Relaxed);
            let of_total = if total > 0 {
                format!("/{total}")
            } else {
                String::new()
            };
            let rate = bar.position() as f64 / 1e6 / bar.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{files}{of_total} files, {rate:.0} MB/s, {found} findings"
            ));
        }
    }
}
