//! The collection side of a scan: findings leave the workers as they are
//! made and reach one [`FindingSink`] in walk order.
//!
//! Each item the walk yields gets a sequence number. A worker sends the
//! item's findings down a bounded channel in batches: mid-item when one
//! stream holds many (the text scanner offers its findings to a [`Spill`]
//! after every window), and once at the end with the item's skips, notes and
//! coverage. One writer thread feeds the sink in sequence order: batches of
//! the item at the head go straight through, batches of later items wait in
//! a reorder buffer. A worker on a later item stops before adding to that
//! buffer once it holds [`MAX_WAITING`] findings or batches, until the head moves on;
//! the head item's worker is never held back, so the scan always progresses
//! and memory does not grow with the findings. The order depends on the walk
//! alone, never on thread timing, and nothing is sorted globally.
//!
//! Batches of finished items leave a worker thread together, through its
//! [`Outbox`]: one wake-up of the writer per parcel of up to
//! [`PARCEL_ITEMS`] small files, not one per file (a scan of `/usr/share`
//! has 48,000 of them). A worker never waits, for the gate or for a turn,
//! while its outbox holds batches: the head item may be among them.
//!
//! A large file split into parts (`scan::split`) is one item per part, in
//! order. The writer joins the parts back into the file: it numbers their
//! lines on from the parts before, drops what a part found in a stretch the
//! part before it scanned too, joins their near-random runs, and sends the
//! findings on in the batches one worker would have made of the whole file.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::entropy::OpaqueRuns;
use super::text::{LineDelta, RELATIVE_LINE};
use super::turns::{Turn, Turns};
use super::worker::FileOutcome;
use crate::findings::{Finding, FindingSink, Provenance};

/// Findings a stream gathers before they are sent on (about 0.5 MB).
pub const SPILL_AT: usize = 1024;
/// Parcels in flight between the workers and the writer thread.
pub const CHANNEL_PARCELS: usize = 4;
/// Items' batches a worker gathers before it sends them on as one parcel.
pub const PARCEL_ITEMS: usize = 64;
/// How long a gathered batch may wait for its parcel while the worker reads
/// a long file that yields findings (a file with none cannot tell).
const PARCEL_AGE: Duration = Duration::from_millis(2);
/// Findings (and batches) of items behind the head held in the reorder
/// buffer before their workers wait (about 4 MB).
pub const MAX_WAITING: usize = 8 * 1024;

/// Some of one item's findings; the last batch of an item carries the rest
/// of what scanning it produced.
pub struct Batch {
    seq: u64,
    findings: Vec<Finding>,
    /// Findings of this batch counted as waiting in the reorder buffer.
    waits: usize,
    end: Option<FileOutcome>,
    /// The part of a split file the item is.
    part: Option<PartTag>,
    /// What the part's last batch tells the parts after it.
    part_end: Option<PartEnd>,
}

/// Which part of a split file an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartTag {
    pub index: u32,
    pub last: bool,
}

/// What a part of a split file tells the writer when it ends.
#[derive(Debug)]
pub struct PartEnd {
    pub provenance: Provenance,
    /// The lines it held, when they are counted.
    pub lines: Option<LineDelta>,
    /// Parts after it that it scanned too.
    pub covers: u32,
    /// Its runs of near-random blocks (`scan::entropy`), when measured.
    pub opaque_runs: Vec<(u64, u64)>,
}

/// Which item is at the head, and how many findings wait behind it.
#[derive(Default)]
pub struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
    /// Workers waiting for the head to move: gathered batches leave at once.
    waiters: AtomicUsize,
}

#[derive(Default)]
struct GateState {
    head: u64,
    waiting: usize,
    /// The writer thread has ended (a sink that faulted): nobody waits any more.
    closed: bool,
}

impl GateState {
    /// How many of `n` findings of item `seq` count as waiting, if they may
    /// be sent now.
    fn admit(&mut self, seq: u64, n: usize) -> Option<usize> {
        if seq == self.head {
            Some(0)
        } else if self.waiting >= MAX_WAITING && !self.closed {
            None
        } else {
            self.waiting += n;
            Some(n)
        }
    }
}

impl Gate {
    /// Waits until `n` findings of item `seq` may be sent; returns how many
    /// of them count as waiting (none for the head item). `before_waiting`
    /// runs once if the worker is to wait, while the gate is locked.
    fn admit(&self, seq: u64, n: usize, before_waiting: impl FnOnce()) -> usize {
        let Ok(mut state) = self.state.lock() else {
            return 0;
        };
        let mut before_waiting = Some(before_waiting);
        loop {
            if let Some(waits) = state.admit(seq, n) {
                return waits;
            }
            if let Some(hook) = before_waiting.take() {
                hook();
            }
            self.waiters.fetch_add(1, Ordering::Relaxed);
            let woken = self.moved.wait(state);
            self.waiters.fetch_sub(1, Ordering::Relaxed);
            state = match woken {
                Ok(state) => state,
                Err(_) => return 0,
            };
        }
    }

    /// Whether a worker waits for the head to move: it may be in a batch
    /// some worker has gathered.
    fn has_waiters(&self) -> bool {
        self.waiters.load(Ordering::Relaxed) > 0
    }

    /// [`Gate::admit`] that returns `None` instead of waiting.
    fn try_admit(&self, seq: u64, n: usize) -> Option<usize> {
        match self.state.lock() {
            Ok(mut state) => state.admit(seq, n),
            Err(_) => Some(0),
        }
    }

    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
        }
        self.moved.notify_all();
    }

    fn release(&self, waits: usize, head: u64) {
        let Ok(mut state) = self.state.lock() else {
            self.moved.notify_all();
            return;
        };
        state.waiting -= waits.min(state.waiting);
        state.head = head;
        // A waiter counts itself under the lock before it waits: read under
        // the lock, none is missed, and most releases (one per item) skip
        // the system call that waking nobody costs.
        let waiters = self.waiters.load(Ordering::Relaxed);
        drop(state);
        if waiters > 0 {
            self.moved.notify_all();
        }
    }
}

/// One worker thread's way to the writer: the batches of the items it
/// scanned wait here and leave as one parcel.
pub struct Outbox {
    sender: SyncSender<Vec<Batch>>,
    gate: Arc<Gate>,
    pending: Mutex<Pending>,
}

#[derive(Default)]
struct Pending {
    batches: Vec<Batch>,
    /// Findings plus batches, as the gate counts them.
    weight: usize,
    /// When the oldest batch was gathered.
    since: Option<Instant>,
}

impl Outbox {
    pub fn new(sender: SyncSender<Vec<Batch>>, gate: Arc<Gate>) -> Arc<Self> {
        Arc::new(Outbox {
            sender,
            gate,
            pending: Mutex::new(Pending::default()),
        })
    }

    /// Gathers `batch`; sends the parcel on once it is full. `turn` is given
    /// back before any wait at the gate.
    fn post(&self, batch: Batch, turn: &mut Option<Turn>) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        pending.weight += batch.findings.len() + 1;
        pending.since.get_or_insert_with(Instant::now);
        pending.batches.push(batch);
        let full = pending.batches.len() >= PARCEL_ITEMS || pending.weight >= SPILL_AT;
        if full || self.gate.has_waiters() {
            self.send_parcel(&mut pending, turn);
        }
    }

    /// Sends what is gathered on, before the worker waits for anything.
    fn flush(&self, turn: &mut Option<Turn>) {
        if let Ok(mut pending) = self.pending.lock() {
            self.send_parcel(&mut pending, turn);
        }
    }

    /// Sends what is gathered on if it has waited [`PARCEL_AGE`].
    fn flush_if_old(&self, turn: &mut Option<Turn>) {
        if let Ok(mut pending) = self.pending.lock() {
            let old = pending.since.is_some_and(|since| since.elapsed() >= PARCEL_AGE);
            if old || self.gate.has_waiters() {
                self.send_parcel(&mut pending, turn);
            }
        }
    }

    fn send_parcel(&self, pending: &mut Pending, turn: &mut Option<Turn>) {
        // A batch weighs one more than its findings: the skips, notes and
        // coverage of thousands of small files waiting behind a large one
        // are held back too. A worker that must wait for the head gives up
        // its turn first (the head's worker may be waiting for it), and sends
        // the batches before that one: the head may be among them.
        let mut parcel = Vec::with_capacity(pending.batches.len());
        for mut batch in pending.batches.drain(..) {
            let n = batch.findings.len() + 1;
            batch.waits = match self.gate.try_admit(batch.seq, n) {
                Some(waits) => waits,
                None => {
                    self.send(std::mem::take(&mut parcel));
                    self.gate.admit(batch.seq, n, || *turn = None)
                }
            };
            parcel.push(batch);
        }
        self.send(parcel);
        pending.weight = 0;
        pending.since = None;
    }

    fn send(&self, parcel: Vec<Batch>) {
        // The writer thread outlives every worker; should it be gone, the
        // scan is ending on an error already reported there.
        if !parcel.is_empty() {
            let _ = self.sender.send(parcel);
        }
    }
}

impl Drop for Outbox {
    /// A worker thread's last items leave when its share of the walk ends.
    fn drop(&mut self) {
        self.flush(&mut None);
    }
}

/// A worker's way to send one item's findings on.
pub struct Spill {
    seq: u64,
    outbox: Arc<Outbox>,
    /// Findings sent so far for this item.
    pub sent: usize,
    turns: Arc<Turns>,
    /// This item's turn at decoding a large container ([`turns`](super::turns)).
    turn: Option<Turn>,
    /// Set when the item is a part of a split file.
    pub part: Option<PartTag>,
    pub part_end: Option<PartEnd>,
}

impl Spill {
    pub fn new(seq: u64, outbox: Arc<Outbox>, turns: Arc<Turns>) -> Self {
        Spill {
            seq,
            outbox,
            sent: 0,
            turns,
            turn: None,
            part: None,
            part_end: None,
        }
    }

    /// Waits for, and holds, the turn at a memory-hungry decode; false when
    /// this item holds it already (a container inside one that took it).
    pub fn take_turn(&mut self) -> bool {
        if self.turn.is_some() {
            return false;
        }
        self.outbox.flush(&mut None);
        self.turn = Some(Turns::take(&self.turns));
        true
    }

    pub fn end_turn(&mut self) {
        self.turn = None;
    }

    /// Sends `findings` on once there are [`SPILL_AT`] of them.
    pub fn offer(&mut self, findings: &mut Vec<Finding>) {
        if findings.len() >= SPILL_AT {
            self.send(std::mem::take(findings), None);
        } else {
            self.outbox.flush_if_old(&mut self.turn);
        }
    }

    /// Sends the item's last findings and the rest of its outcome.
    pub fn finish(mut self, mut outcome: FileOutcome) {
        let findings = std::mem::take(&mut outcome.findings);
        self.send(findings, Some(outcome));
    }

    fn send(&mut self, findings: Vec<Finding>, end: Option<FileOutcome>) {
        self.sent += findings.len();
        let part_end = if end.is_some() { self.part_end.take() } else { None };
        let batch = Batch {
            seq: self.seq,
            findings,
            waits: 0,
            end,
            part: self.part,
            part_end,
        };
        self.outbox.post(batch, &mut self.turn);
    }
}

/// The writer thread's loop: hands findings to `sink` in item order and
/// gathers the rest of every item's outcome into `all`. After a sink error
/// the findings are still drained (so no worker waits forever) but dropped;
/// the first error is returned.
pub fn write_in_order(
    parcels: Receiver<Vec<Batch>>,
    gate: &Gate,
    sink: &mut dyn FindingSink,
    all: &mut FileOutcome,
) -> io::Result<()> {
    /// Opens the gate for good when the writer ends, even by a fault, so
    /// that no worker waits for a head that will never move.
    struct Closing<'g>(&'g Gate);
    impl Drop for Closing<'_> {
        fn drop(&mut self) {
            self.0.close();
        }
    }
    let _closing = Closing(gate);
    let mut head = 0u64;
    let mut waiting: BTreeMap<u64, Vec<Batch>> = BTreeMap::new();
    let mut failed: Option<io::Error> = None;
    let mut out = Out {
        sink,
        all,
        failed: &mut failed,
        parts: None,
    };
    for batch in parcels.into_iter().flatten() {
        if batch.seq != head {
            waiting.entry(batch.seq).or_default().push(batch);
            continue;
        }
        // An item's batches come in the order its worker sent them, the
        // last one last: when it is emitted, `ready` is empty.
        let mut ready = vec![batch];
        while let Some(batch) = ready.pop() {
            let ended = batch.end.is_some();
            let waits = out.emit(batch);
            if ended {
                head += 1;
                if let Some(mut queued) = waiting.remove(&head) {
                    queued.reverse();
                    ready = queued;
                }
            }
            gate.release(waits, head);
        }
    }
    // A split file whose last part never came (cannot happen: every item
    // ends with a last batch) still has its findings delivered.
    out.close_parts();
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
    .and_then(|()| {
        // Every item ends with a last batch, so nothing may remain.
        if waiting.is_empty() {
            Ok(())
        } else {
            Err(io::Error::other("findings of an unfinished item were left over"))
        }
    })
}

/// Where the writer thread puts what it receives.
struct Out<'a> {
    sink: &'a mut dyn FindingSink,
    all: &'a mut FileOutcome,
    failed: &'a mut Option<io::Error>,
    /// The split file whose parts are being joined.
    parts: Option<Joined>,
}

/// A split file being joined back together.
#[derive(Default)]
struct Joined {
    /// Findings not sent on yet: fewer than a batch.
    held: Vec<Finding>,
    /// Line and column at the start of the next part.
    line: u64,
    column: u64,
    /// Parts before this index were scanned by an earlier part.
    covered_to: u32,
    opaque: OpaqueRuns,
    provenance: Option<Provenance>,
    /// The item that is the file's first part.
    first_seq: u64,
}

impl Out<'_> {
    /// Hands a batch's findings to the sink; returns how many of them waited.
    fn emit(&mut self, batch: Batch) -> usize {
        let Some(tag) = batch.part else {
            self.close_parts();
            return self.emit_whole(batch);
        };
        // A file's first part starts it (a file whose last part faulted
        // before it was tagged is closed here).
        if tag.index == 0 && self.parts.as_ref().is_some_and(|j| j.first_seq != batch.seq) {
            self.close_parts();
        }
        let joined = self.parts.get_or_insert_with(|| Joined {
            line: 1,
            column: 1,
            first_seq: batch.seq,
            ..Joined::default()
        });
        let waits = batch.waits;
        let ends_file = tag.last && batch.end.is_some();
        let kept = tag.index >= joined.covered_to;
        if kept {
            joined.take(batch.findings);
        }
        if let Some(mut rest) = batch.end {
            if kept {
                joined.take(std::mem::take(&mut rest.findings));
            } else {
                // The part before scanned this stretch too and reported it.
                rest.findings.clear();
                rest.skipped.clear();
                rest.notes.clear();
            }
            if let Some(end) = batch.part_end {
                joined.opaque.add(&end.opaque_runs);
                joined.provenance.get_or_insert(end.provenance);
                if kept {
                    joined.covered_to = tag.index + 1 + end.covers;
                    if let Some(lines) = end.lines {
                        joined.advance(lines);
                    }
                }
            }
            self.all.absorb(rest);
        }
        while self.parts.as_ref().is_some_and(|j| j.held.len() >= SPILL_AT) {
            let batch: Vec<Finding> = self
                .parts
                .as_mut()
                .map(|j| j.held.drain(..SPILL_AT).collect())
                .unwrap_or_default();
            self.send(batch);
        }
        if ends_file {
            self.close_parts();
        }
        waits
    }

    fn emit_whole(&mut self, batch: Batch) -> usize {
        self.send(batch.findings);
        if let Some(rest) = batch.end {
            self.all.absorb(rest);
        }
        batch.waits
    }

    /// Sends the last findings of a split file, sorted as a worker sorts a
    /// file's last findings, and records its near-random span.
    fn close_parts(&mut self) {
        let Some(mut joined) = self.parts.take() else {
            return;
        };
        super::sort_findings(&mut joined.held);
        self.send(joined.held);
        if let (Some(span), Some(provenance)) = (joined.opaque.finish(), joined.provenance) {
            self.all.skipped.push(span.skipped(&provenance));
        }
    }

    fn send(&mut self, findings: Vec<Finding>) {
        for finding in findings {
            if self.failed.is_none() {
                if let Err(e) = self.sink.finding(finding) {
                    *self.failed = Some(e);
                }
            }
        }
    }
}

impl Joined {
    /// Holds a part's findings, their lines numbered from the file's start.
    fn take(&mut self, findings: Vec<Finding>) {
        for mut finding in findings {
            let location = &mut finding.location;
            if let Some(line) = location.line.filter(|l| l & RELATIVE_LINE != 0) {
                let line = line & !RELATIVE_LINE;
                if line == 1 {
                    location.column = location.column.map(|c| self.column + c - 1);
                }
                location.line = Some(self.line + line - 1);
            }
            self.held.push(finding);
        }
    }

    /// Moves the start of the next part past the lines of this one.
    fn advance(&mut self, lines: LineDelta) {
        if lines.newlines == 0 {
            self.column += lines.column - 1;
        } else {
            self.line += lines.newlines;
            self.column = lines.column;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    fn last_batch(seq: u64) -> Batch {
        Batch {
            seq,
            findings: Vec::new(),
            waits: 0,
            end: Some(FileOutcome::default()),
            part: None,
            part_end: None,
        }
    }

    #[test]
    fn gathered_batches_leave_before_their_worker_waits() {
        let gate = Arc::new(Gate::default());
        // The reorder buffer is full: item 2 must wait for the head, item 0.
        gate.state.lock().unwrap().waiting = MAX_WAITING;
        let (sender, parcels) = mpsc::sync_channel(CHANNEL_PARCELS);
        let outbox = Outbox::new(sender, Arc::clone(&gate));
        let worker = std::thread::spawn(move || {
            outbox.post(last_batch(0), &mut None);
            outbox.post(last_batch(2), &mut None);
            outbox.flush(&mut None);
        });
        let seqs = |parcel: Vec<Batch>| parcel.iter().map(|b| b.seq).collect::<Vec<_>>();
        let first = parcels
            .recv_timeout(Duration::from_secs(10))
            .expect("the head left before its worker waited");
        assert_eq!(seqs(first), [0]);
        gate.release(MAX_WAITING, 1);
        let second = parcels
            .recv_timeout(Duration::from_secs(10))
            .expect("item 2 left");
        assert_eq!(seqs(second), [2]);
        worker.join().unwrap();
    }
}
