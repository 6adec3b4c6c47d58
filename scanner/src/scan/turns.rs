//! Memory-hungry decodes take turns: one worker at a time decodes a
//! container file of [`LARGE_CONTAINER_BYTES`] or more, or a container whose
//! decoder holds its whole input ([`Decoder::holds_input`]: a PDF, a zip
//! inside another container).
//!
//! Such a decode holds tens of megabytes however well it streams: a jar's
//! directory of 30,000 members, a nested archive held for random access, a
//! PDF's object table. Two at once set the peak of a scan of `/usr` (a jar
//! beside a Java module), while everything else a worker does stays within
//! a few megabytes. A worker that finds the turn taken waits; a container
//! inside one whose decode holds the turn does not ask again.
//!
//! The turn never takes part in a deadlock with the collector's gate
//! (`scan::collect`): a worker that must wait at the gate gives its turn
//! back first, so the head item, which may be waiting for the turn, always
//! gets it.
//!
//! [`Decoder::holds_input`]: crate::decode::Decoder::holds_input

use std::sync::{Arc, Condvar, Mutex};

/// A container file at least this large (on disk) takes the turn.
pub const LARGE_CONTAINER_BYTES: u64 = 8 << 20;

/// Whether some worker is decoding a large container.
#[derive(Default)]
pub struct Turns {
    taken: Mutex<bool>,
    freed: Condvar,
}

/// The right to decode a large container; handed back when dropped.
pub struct Turn(Arc<Turns>);

impl Turns {
    /// Waits until no other worker holds the turn, then takes it.
    pub fn take(turns: &Arc<Turns>) -> Turn {
        if let Ok(mut taken) = turns.taken.lock() {
            while *taken {
                taken = match turns.freed.wait(taken) {
                    Ok(taken) => taken,
                    // A worker panicked holding the lock: go on without the turn.
                    Err(_) => return Turn(Arc::clone(turns)),
                };
            }
            *taken = true;
        }
        Turn(Arc::clone(turns))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Ok(mut taken) = self.0.taken.lock() {
            *taken = false;
        }
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::Turns;

    #[test]
    fn only_one_worker_holds_the_turn_at_a_time() {
        let turns = Arc::new(Turns::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (turns, inside, most) = (Arc::clone(&turns), Arc::clone(&inside), Arc::clone(&most));
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _turn = Turns::take(&turns);
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_micros(200));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_dropped_turn_can_be_taken_again() {
        let turns = Arc::new(Turns::default());
        drop(Turns::take(&turns));
        let again = Turns::take(&turns);
        assert!(*turns.taken.lock().unwrap());
        drop(again);
        assert!(!*turns.taken.lock().unwrap());
    }
}
