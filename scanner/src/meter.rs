//! A byte count shared between a reader that counts and the code that checks
//! it (the bomb limits, coverage). Ground floor: imports nothing of the crate.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A byte count shared between a reader and the code that checks it.
#[derive(Debug, Clone, Default)]
pub struct Meter(Arc<AtomicU64>);

impl Meter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Adds `n` and returns the new total.
    pub fn add(&self, n: u64) -> u64 {
        self.0.fetch_add(n, Ordering::Relaxed) + n
    }
}
