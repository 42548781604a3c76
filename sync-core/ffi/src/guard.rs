//! The wrapper every entry point runs its body in: it catches panics, turns
//! failures into a [`bgsync_result`], and records the message for
//! `bgsync_last_error_message`.

#![forbid(unsafe_code)]

use crate::result::{Failure, bgsync_result};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// The message of the latest failed call on this thread.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Runs `body`; a failure or a panic becomes its code, and its message the
/// thread's last error. Nothing unwinds out of this function.
pub fn guard(body: impl FnOnce() -> Result<(), Failure>) -> bgsync_result {
    match run(body) {
        Ok(()) => bgsync_result::Ok,
        Err(failure) => {
            set_last_error(failure.message);
            failure.code
        }
    }
}

/// [`guard`] without recording the message: for the call that reads it.
pub fn guard_quiet(body: impl FnOnce() -> Result<(), Failure>) -> bgsync_result {
    match run(body) {
        Ok(()) => bgsync_result::Ok,
        Err(failure) => failure.code,
    }
}

fn run(body: impl FnOnce() -> Result<(), Failure>) -> Result<(), Failure> {
    // AssertUnwindSafe: after a panic the only state touched again is the
    // handle the caller passed, whose engine stays memory-safe (a panic inside
    // it is a bug, reported as BGSYNC_RESULT_PANIC).
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown payload".to_string());
        Err(Failure::new(bgsync_result::Panic, format!("panic inside the library: {what}")))
    })
}

/// Runs `body` for an entry point that returns nothing (the `_free`
/// functions): a panic is swallowed and recorded.
pub fn guard_void(body: impl FnOnce()) {
    let _ = guard(|| {
        body();
        Ok(())
    });
}

fn set_last_error(message: String) {
    // A thread being torn down has no slot left; the message is dropped then.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = message;
        }
    });
}

/// The message of the latest failed call on this thread ("" if none).
pub fn last_error() -> String {
    LAST_ERROR.try_with(|slot| slot.try_borrow().map(|s| s.clone()).unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_the_panic_code_and_its_message() {
        let code = guard(|| panic!("boom {}", 42));
        assert_eq!(code, bgsync_result::Panic);
        assert_eq!(last_error(), "panic inside the library: boom 42");
        guard_void(|| panic!("in a free"));
        assert_eq!(last_error(), "panic inside the library: in a free");
    }

    #[test]
    fn failures_set_the_message_and_the_quiet_guard_keeps_it() {
        assert_eq!(guard(|| Err(Failure::null("engine"))), bgsync_result::NullParameter);
        assert_eq!(last_error(), "engine is NULL");
        assert_eq!(
            guard_quiet(|| Err(Failure::new(bgsync_result::BufferTooSmall, "small"))),
            bgsync_result::BufferTooSmall
        );
        assert_eq!(last_error(), "engine is NULL");
        assert_eq!(guard(|| Ok(())), bgsync_result::Ok);
        assert_eq!(last_error(), "engine is NULL");
    }
}
