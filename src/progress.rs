//! The progress bar: on a terminal only, on standard error, never over results.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use hihoji_scanner::scan::ScanObserver;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Counts files, bytes and findings and draws them when a terminal is there.
pub struct Progress {
    bar: Option<ProgressBar>,
    files: AtomicU64,
    bytes: AtomicU64,
    findings: AtomicU64,
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        Progress {
            bar,
            files: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
        }
    }

    /// Removes the bar before anything else is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl ScanObserver for Progress {
    fn file_done(&self, bytes: u64, findings: usize) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let found = self.findings.fetch_add(findings as u64, Ordering::Relaxed) + findings as u64;
        if let Some(bar) = &self.bar {
            let secs = bar.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{files} files, {:.1} MB, {:.0} MB/s, {found} findings",
                total as f64 / 1e6,
                total as f64 / 1e6 / secs
            ));
            bar.tick();
        }
    }
}
