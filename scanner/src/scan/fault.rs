//! Fault isolation: a bug hit by one file costs that file only.
//!
//! Each file and process is scanned under [`guard`]. A panic inside is
//! caught, and the item is recorded as skipped with
//! [`SkipReason::InternalError`](crate::findings::SkipReason) while the scan
//! goes on, so the reports are always written. A panic's message can quote
//! the data it was looking at (a `str` slicing panic prints the string), so
//! it is never kept or printed: only where in hihoji's code it happened.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs guarded code: its panics are caught and are not printed.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the last guarded panic on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A panic caught by [`guard`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `file:line` in hihoji's (or a dependency's) source, when known.
    pub location: Option<String>,
}

impl Fault {
    /// The skip detail: where, never what.
    pub fn detail(&self) -> String {
        match &self.location {
            Some(at) => format!(
                "hihoji faulted while scanning this item (at {at}); it was not scanned, the scan went on"
            ),
            None => {
                "hihoji faulted while scanning this item; it was not scanned, the scan went on".to_string()
            }
        }
    }
}

/// Runs `work`, turning a panic into a [`Fault`].
pub fn guard<T>(work: impl FnOnce() -> T) -> Result<T, Fault> {
    install_hook();
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload: Box<dyn Any + Send>| {
        drop(payload);
        Fault {
            location: LOCATION.with(|l| l.borrow_mut().take()),
        }
    })
}

/// Installs, once, a panic hook that stays silent for guarded panics (and
/// notes their location) and hands every other panic to the hook before it.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            if GUARDED.with(Cell::get) {
                let at = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_guarded_work_is_a_fault_with_its_location_and_no_message() {
        let secret = "4539875260181596";
        let fault = guard(|| -> u32 { panic!("looked at {secret}") }).unwrap_err();
        let at = fault.location.clone().expect("location");
        assert!(at.contains("fault.rs"), "{at}");
        assert!(!fault.detail().contains(secret));
        assert_eq!(guard(|| 7), Ok(7), "work that does not panic passes through");
    }
}
