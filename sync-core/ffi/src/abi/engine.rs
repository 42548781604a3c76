//! `bgsync_engine_*`: the sans-IO engine. Feed inputs with
//! `bgsync_engine_handle`, drain `bgsync_engine_poll_action`, and sleep until
//! `bgsync_engine_poll_timeout`.

use crate::action::{action_out, bgsync_action};
use crate::guard::{guard, guard_void};
use crate::handles::{bgsync_engine, bgsync_policy, bgsync_snapshot};
use crate::input::{handled_out, input_from_c, wakeup_out};
use crate::raw;
use crate::result::bgsync_result;
use crate::types::{bgsync_handled, bgsync_input, bgsync_wakeup};
use sync_core::Engine;
use sync_core::store::Store;
use sync_policy::Timestamp;

/// Creates an empty engine at wall-clock time `now_ms` with a copy of
/// `policy`, and writes it to `*out`; free it with `bgsync_engine_free`.
///
/// # Safety
/// `policy` must be NULL or a live policy; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_new(
    policy: *const bgsync_policy,
    now_ms: u64,
    out: *mut *mut bgsync_engine,
) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract for policy.
        let policy = unsafe { raw::get(policy, "policy") }?;
        let engine = Engine::new(policy.policy.clone(), Timestamp(now_ms));
        // SAFETY: the caller's contract for out.
        unsafe { raw::new_handle(out, bgsync_engine { engine }, "out") }
    })
}

/// Creates an engine at `now_ms` holding everything in `snapshot` (a restart),
/// and writes it to `*out`. The snapshot is not consumed. Registrations whose
/// event was in flight come back pending; service worker registrations named
/// by stored rows are known as active.
///
/// # Safety
/// `policy` and `snapshot` must be NULL or live handles; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_restore(
    policy: *const bgsync_policy,
    now_ms: u64,
    snapshot: *const bgsync_snapshot,
    out: *mut *mut bgsync_engine,
) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract for policy and snapshot.
        let (policy, snapshot) = unsafe { (raw::get(policy, "policy")?, raw::get(snapshot, "snapshot")?) };
        let rows = snapshot.state.clone().load()?;
        let engine = Engine::restore(policy.policy.clone(), Timestamp(now_ms), rows)?;
        // SAFETY: the caller's contract for out.
        unsafe { raw::new_handle(out, bgsync_engine { engine }, "out") }
    })
}

/// Frees `*engine` and sets it to NULL. NULL, or a pointer to NULL, is a no-op.
///
/// # Safety
/// `engine` must be NULL or point to a pointer that is NULL or a live engine
/// (not freed through another copy).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_free(engine: *mut *mut bgsync_engine) {
    // SAFETY: the caller's contract.
    guard_void(|| unsafe { raw::free_handle(engine) })
}

/// Feeds one input that happened at wall-clock time `now_ms`, and writes
/// what it produced to `*out` (which may be NULL when not wanted). A refused
/// input returns its `SyncError` code and leaves the engine unchanged; a
/// malformed one (unknown kind or enum value, bad string) returns
/// `INVALID_ARGUMENT`, `NULL_PARAMETER` or `INVALID_UTF8` and is not fed.
/// Drain `bgsync_engine_poll_action` afterwards.
///
/// # Safety
/// `engine` must be NULL or a live engine used by no other thread; `input`
/// NULL or a readable input whose string fields (those its kind uses) point
/// to `len` readable bytes; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_handle(
    engine: *mut bgsync_engine,
    now_ms: u64,
    input: *const bgsync_input,
    out: *mut bgsync_handled,
) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract for engine and input.
        let (engine, input) = unsafe { (raw::get_mut(engine, "engine")?, raw::get(input, "input")?) };
        // SAFETY: the caller's contract for the input's string fields.
        let input = input_from_c(input, &mut |s, what| unsafe { raw::text(s, what) })?;
        let handled = engine.engine.handle(Timestamp(now_ms), input)?;
        if !out.is_null() {
            // SAFETY: non-NULL; the caller promises it is writable.
            unsafe { raw::write(out, handled_out(handled), "out") }?;
        }
        Ok(())
    })
}

/// Processes everything due at `now_ms` (retries, periodic events, gates that
/// opened, event deadlines). Calling it early or spuriously is harmless.
///
/// # Safety
/// `engine` must be NULL or a live engine used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_handle_timeout(engine: *mut bgsync_engine, now_ms: u64) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { raw::get_mut(engine, "engine") }?;
        engine.engine.handle_timeout(Timestamp(now_ms));
        Ok(())
    })
}

/// Writes the next action to `*out`: `kind` is `BGSYNC_ACTION_KIND_NONE` when
/// there is nothing to do until the next input or wake-up. `*out` is
/// overwritten without being read: free the previous action first. Every
/// non-`NONE` action owns storage: release it with `bgsync_action_free`.
/// Carry out actions in order, committing `PERSIST` mutations before acting
/// on any `REPLY` that follows them.
///
/// # Safety
/// `engine` must be NULL or a live engine used by no other thread; `out`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_poll_action(
    engine: *mut bgsync_engine,
    out: *mut bgsync_action,
) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract for out; written first so that a
        // failed call leaves a NONE action behind.
        unsafe { raw::write(out, bgsync_action::empty(), "out") }?;
        // SAFETY: the caller's contract for engine.
        let engine = unsafe { raw::get_mut(engine, "engine") }?;
        if let Some(action) = engine.engine.poll_action() {
            let (mut value, storage) = action_out(action);
            value.owner = Box::into_raw(storage).cast();
            // SAFETY: as above.
            unsafe { raw::write(out, value, "out") }?;
        }
        Ok(())
    })
}

/// Writes when to call `bgsync_engine_handle_timeout` next, and why, to
/// `*out` (`present` false: no wake-up needed). Valid after
/// `bgsync_engine_poll_action` returned `NONE`; changes after any input.
///
/// # Safety
/// `engine` must be NULL or a live engine not being mutated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_poll_timeout(
    engine: *const bgsync_engine,
    out: *mut bgsync_wakeup,
) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { raw::get(engine, "engine") }?;
        // SAFETY: the caller's contract.
        unsafe { raw::write(out, wakeup_out(engine.engine.poll_timeout()), "out") }
    })
}

/// Turns `LOG` actions on (nonzero, the default) or off.
///
/// # Safety
/// `engine` must be NULL or a live engine used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_set_log_recording(engine: *mut bgsync_engine, on: u8) -> bgsync_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let engine = unsafe { raw::get_mut(engine, "engine") }?;
        engine.engine.set_log_recording(on != 0);
        Ok(())
    })
}

/// Writes whether the engine disabled itself after a storage failure.
///
/// # Safety
/// `engine` must be NULL or a live engine not being mutated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_is_disabled(engine: *const bgsync_engine, out: *mut bool) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { raw::get(engine, "engine") }?;
        // SAFETY: the caller's contract.
        unsafe { raw::write(out, engine.engine.is_disabled(), "out") }
    })
}

/// Writes the number of registrations (both kinds).
///
/// # Safety
/// `engine` must be NULL or a live engine not being mutated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn bgsync_engine_registration_count(
    engine: *const bgsync_engine,
    out: *mut usize,
) -> bgsync_result {
    guard(|| {
        raw::out_ptr(out, "out")?;
        // SAFETY: the caller's contract.
        let engine = unsafe { raw::get(engine, "engine") }?;
        // SAFETY: the caller's contract.
        unsafe { raw::write(out, engine.engine.len(), "out") }
    })
}
